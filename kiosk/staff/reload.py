"""重新加载目录 for staff: reload catalog.yaml, keep the old catalogue if the new one is broken,
audit either way (catalogue_reload), and say why with the file's YAML lines."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.db.repositories import AuditRepository
from kiosk.staff.store import transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.catalog import Catalog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogReload:
    """The catalogue to use from now on, and why a new one was refused (empty: accepted)."""

    catalog: Catalog
    problems: tuple[str, ...]  # each names the file, line and item, e.g. catalog.yaml:12: ...
    old_digest: str
    new_digest: str

    @property
    def accepted(self) -> bool:
        """True when the file loaded and is now in use."""
        return not self.problems

    @property
    def changed(self) -> bool:
        """True when the catalogue in use is another file content than before."""
        return self.accepted and self.new_digest != self.old_digest


def reload_for_staff(
    current: Catalog,
    *,
    cache_dir: Path | None,
    sessions: sessionmaker[Session],
    terminal_id: str,
    actor: str,
    now: datetime,
) -> CatalogReload:
    """Reload `current`'s file and locality (kiosk.catalog.reload_catalog), audit the outcome,
    and return the catalogue to use: the new one, or the old one with the problems. The caller
    swaps it into the running kiosk (e.g. dataclasses.replace(core, catalog=result.catalog))."""
    from kiosk.catalog import reload_catalog

    catalog, problems = reload_catalog(current, cache_dir)
    result = CatalogReload(
        catalog=catalog,
        problems=tuple(problems),
        old_digest=current.digest,
        new_digest=catalog.digest if not problems else current.digest,
    )
    detail = {
        "result": "accepted" if result.accepted else "refused",
        "old_hash": result.old_digest,
        "new_hash": result.new_digest,
        "items": str(len(catalog.items)),
    }
    if problems:
        detail["problems"] = str(len(problems))
        detail["first_problem"] = problems[0][:200]
        log.error(
            "catalogue reload by %s refused (%d problem(s)); still serving %s: %s",
            actor,
            len(problems),
            current.digest[:12],
            problems[0][:200],
        )
    else:
        log.info(
            "catalogue reloaded by %s: %s -> %s", actor, current.digest[:12], catalog.digest[:12]
        )
    with transaction(sessions) as session:
        AuditRepository(session).record(
            terminal_id=terminal_id,
            actor=actor,
            kind="catalogue_reload",
            subject=str(current.source.name),
            now=now,
            detail=detail,
        )
    return result
