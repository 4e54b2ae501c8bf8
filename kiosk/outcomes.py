"""Print outcomes the database could not take, kept on disk until it can.

A printer's answer is a fact about paper that now exists (or does not): losing it because the
database blinked would leave an issuance `issued` for ever and hide the printer's own error. The
issuer appends such outcomes here (one JSON line each, fsynced, under a file lock) and replays
them into the database at the next chance: the next print, and every start-up.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.db.repositories import IssuanceRecord, PrintJobData

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintOutcome:
    """How one print attempt ended, as the issuer would have recorded it."""

    serial: str
    job_id: int | None  # None: the job row itself could not be written
    printer_uri: str
    reprint: int
    job_state: str  # done | failed
    status: str  # the issuance status it leads to (printed | print_failed)
    reason: str
    device_job_id: str | None
    at: datetime

    def to_json(self) -> str:
        """One line of the journal."""
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> PrintOutcome:
        """Parse one journal line (ValueError/KeyError/TypeError when it is not one)."""
        data = json.loads(line)
        data["at"] = datetime.fromisoformat(data["at"])
        return cls(**data)


class OutcomeJournal:
    """An append-only file of PrintOutcomes awaiting the database."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, outcome: PrintOutcome) -> None:
        """Add one outcome durably (fsync) before the caller moves on."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked() as fd:
            os.lseek(fd, 0, os.SEEK_END)
            os.write(fd, (outcome.to_json() + "\n").encode("utf-8"))
            os.fsync(fd)
        log.warning("print outcome of %s kept on disk until the database is back", outcome.serial)

    def pending(self) -> list[PrintOutcome]:
        """Every outcome not yet in the database (unreadable lines are logged and skipped)."""
        if not self.path.exists():
            return []
        with self._locked() as fd:
            return self._read(fd)

    def settle(self, apply: Callable[[PrintOutcome], None]) -> int:
        """Give each pending outcome to `apply`; keep those it could not take. Returns how many
        were applied. `apply` raises to say "not now" (the database is still away)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return 0
        with self._locked() as fd:
            waiting = self._read(fd)
            kept: list[PrintOutcome] = []
            for outcome in waiting:
                if kept:  # keep order: once one fails, the rest wait too
                    kept.append(outcome)
                    continue
                try:
                    apply(outcome)
                except Exception as exc:
                    log.warning("outcome of %s still waits: %s", outcome.serial, type(exc).__name__)
                    kept.append(outcome)
            text = "".join(o.to_json() + "\n" for o in kept).encode("utf-8")
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, text)
            os.fsync(fd)
        return len(waiting) - len(kept)

    def _read(self, fd: int) -> list[PrintOutcome]:
        os.lseek(fd, 0, os.SEEK_SET)
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        found = []
        for n, line in enumerate(b"".join(chunks).decode("utf-8", "replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                found.append(PrintOutcome.from_json(line))
            except (ValueError, KeyError, TypeError):
                log.error("%s:%d: not a print outcome, skipped", self.path, n)
        return found

    @contextlib.contextmanager
    def _locked(self) -> Iterator[int]:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            os.close(fd)


def close_interrupted(
    session: Session,
    record: IssuanceRecord,
    jobs: list[PrintJobData],
    terminal_id: str,
    now: datetime,
) -> None:
    """Close one issuance a crash left `issued`: print_failed if nothing was sent, unknown if
    a print attempt never finished (staff must look at the printer; also for a reprint killed
    mid-print, unless voided or under review: that status stays). Audited."""
    from kiosk.db.repositories import AuditRepository, IssuanceRepository, IssuanceStatus
    from kiosk.papers import KEPT_STATUSES

    repo = IssuanceRepository(session)
    open_jobs = [j for j in jobs if j.finished_at is None]
    for job in open_jobs:
        reason = "interrupted: outcome unknown, check the printer"
        repo.finish_job(job.id, "unknown", device_job_id=job.device_job_id, reason=reason, now=now)
    status = IssuanceStatus.UNKNOWN if open_jobs else IssuanceStatus.PRINT_FAILED
    status = record.status if record.status in KEPT_STATUSES else status
    repo.set_status(record.serial, status)
    AuditRepository(session).record(
        terminal_id=terminal_id,
        actor="system",
        kind="interrupted",
        subject=record.serial,
        now=now,
        detail={"status": status.value},
    )
