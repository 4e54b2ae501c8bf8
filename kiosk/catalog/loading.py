"""The three entry points: check a file, load one locality's catalogue (cached), reload it."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from kiosk.catalog.cache import read_cache, write_cache
from kiosk.catalog.model import Catalog
from kiosk.catalog.source import read_source
from kiosk.errors import CatalogError

Clock = Callable[[], float]


def check_catalog(path: Path) -> list[str]:
    """Every problem in the catalogue file (all localities), or [] when it is fine."""
    from kiosk.catalog.parse import parse_file

    return parse_file(Path(path)).problems


def load_catalog(
    path: Path,
    locality: str | None = None,
    *,
    cache_dir: Path | None = None,
    clock: Clock = time.perf_counter,
) -> Catalog:
    """Load and validate the catalogue for a locality profile (None: the base catalogue).

    With `cache_dir`, a catalogue validated before from the same file bytes, locality and
    CACHE_VERSION is taken from there instead (and written there after a full load); a missing
    or unusable cache just means the full load. `clock` times the load (`load_seconds`).
    Raises CatalogError listing every problem (each with file, line and item), or naming an
    unknown locality.
    """
    started = clock()
    path = Path(path)
    data = read_source(path)
    if isinstance(data, str):
        raise CatalogError([data])
    digest = hashlib.sha256(data).hexdigest()
    cached = read_cache(Path(cache_dir), digest, locality) if cache_dir is not None else None
    if cached is not None:
        items = cached.items
        catalog = Catalog(
            categories=cached.categories,
            items=items,
            banned=cached.banned,
            legal_basis=cached.legal_basis,
            locality=locality,
            source=path,
            digest=digest,
            from_cache=True,
            _by_id=MappingProxyType({i.id: i for i in items + cached.hidden}),
            legal_bases=MappingProxyType(cached.legal_bases),
            exceptions=cached.exceptions,
            hidden=cached.hidden,
            frequent=cached.frequent,
        )
        return replace(catalog, load_seconds=clock() - started)
    from kiosk.catalog.assemble import catalog_of
    from kiosk.catalog.parse import parse_bytes  # YAML only when the cache misses

    parsed = parse_bytes(data, path)
    if parsed.problems:
        raise CatalogError(parsed.problems)
    if locality is not None and locality not in parsed.localities:
        known = ", ".join(parsed.localities) or "none"
        raise CatalogError([f"{path.name}: unknown locality '{locality}' (known: {known})"])
    catalog = catalog_of(parsed, locality, path)
    if cache_dir is not None:
        write_cache(Path(cache_dir), catalog)
    return replace(catalog, load_seconds=clock() - started)


def reload_catalog(current: Catalog, cache_dir: Path | None = None) -> tuple[Catalog, list[str]]:
    """Reload the same file and locality (staff mode): the new catalogue, or the old one and why."""
    try:
        return load_catalog(current.source, current.locality, cache_dir=cache_dir), []
    except CatalogError as exc:
        return current, list(exc.problems)
