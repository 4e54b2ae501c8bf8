"""A cache of the validated catalogue, so a kiosk start skips parsing and checking the YAML.

One JSON file per locality in a directory the caller owns. It is keyed by the SHA-256 of the
catalogue file, the locality and CACHE_VERSION; it holds plain data only (no pickle: reading a
tampered file can never run code), rebuilt through the same pydantic models, with eligibility
rules stored in the rule language and parsed again. Anything wrong with the file (missing,
corrupt, stale, another version, data that does not validate) means "no cache": the caller does
the full load and writes a fresh one (temp file + rename, mode 0600).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from kiosk.catalog.key import CACHE_VERSION, MAX_CACHE_BYTES, cache_file
from kiosk.catalog.law import BannedCertificate, LawException
from kiosk.catalog.model import Catalog, CatalogItem, Category
from kiosk.eligibility import Rule, parse_rule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedCatalog:
    """The validated parts of a catalogue as read back from its cache."""

    legal_basis: str
    categories: tuple[Category, ...]
    banned: tuple[BannedCertificate, ...]
    items: tuple[CatalogItem, ...]
    legal_bases: dict[str, str]
    exceptions: tuple[LawException, ...]
    hidden: tuple[CatalogItem, ...]
    frequent: tuple[str, ...] = ()


class CacheInvalidError(ValueError):
    """The cache file is not a validated catalogue for this file, locality and version."""


def encode(catalog: Catalog) -> dict[str, object]:
    """The catalogue as plain JSON data, with its cache key."""
    return {
        "version": CACHE_VERSION,
        "digest": catalog.digest,
        "locality": catalog.locality,
        "legal_basis": catalog.legal_basis,
        "categories": [c.model_dump(mode="json") for c in catalog.categories],
        "banned": [b.model_dump(mode="json") for b in catalog.banned],
        "items": [_encode_item(item) for item in catalog.items],
        "legal_bases": dict(catalog.legal_bases),
        "exceptions": [e.model_dump(mode="json") for e in catalog.exceptions],
        "hidden": [_encode_item(item) for item in catalog.hidden],
        "frequent": list(catalog.frequent),
    }


def _encode_item(item: CatalogItem) -> dict[str, object]:
    return {**item.model_dump(mode="json"), "eligibility": item.eligibility.to_data()}


def _bases(data: dict[str, object]) -> dict[str, str]:
    value = data.get("legal_bases")
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise CacheInvalidError("'legal_bases' is not a mapping of texts")
    return dict(value)


def _list(data: dict[str, object], key: str) -> list[object]:
    value = data.get(key)
    if not isinstance(value, list):
        raise CacheInvalidError(f"'{key}' is not a list")
    return value


def _ids(values: list[object]) -> list[str]:
    if not all(isinstance(v, str) for v in values):
        raise CacheInvalidError("'frequent' is not a list of ids")
    return [str(v) for v in values]


def _rule(data: object) -> Rule:
    problems: list[str] = []
    rule = parse_rule(data, lambda _line, message: problems.append(message))
    if problems:
        raise CacheInvalidError(f"eligibility: {problems[0]}")
    return rule


def _item(data: object) -> CatalogItem:
    if not isinstance(data, dict):
        raise CacheInvalidError("an item is not a mapping")
    return CatalogItem.model_validate({**data, "eligibility": _rule(data.get("eligibility"))})


def decode(data: object, digest: str, locality: str | None) -> CachedCatalog:
    """The catalogue rebuilt from cache data; CacheInvalidError unless it is for this key."""
    if not isinstance(data, dict):
        raise CacheInvalidError("not a mapping")
    key = (data.get("version"), data.get("digest"), data.get("locality"))
    if key != (CACHE_VERSION, digest, locality):
        raise CacheInvalidError(f"for {key}, not {(CACHE_VERSION, digest, locality)}")
    basis = data.get("legal_basis")
    if not isinstance(basis, str):
        raise CacheInvalidError("'legal_basis' is not text")
    try:
        return CachedCatalog(
            legal_basis=basis,
            categories=tuple(Category.model_validate(c) for c in _list(data, "categories")),
            banned=tuple(BannedCertificate.model_validate(b) for b in _list(data, "banned")),
            items=tuple(_item(i) for i in _list(data, "items")),
            legal_bases=_bases(data),
            exceptions=tuple(LawException.model_validate(e) for e in _list(data, "exceptions")),
            hidden=tuple(_item(i) for i in _list(data, "hidden")),
            frequent=tuple(_ids(_list(data, "frequent"))),
        )
    except ValidationError as exc:
        raise CacheInvalidError(f"does not validate ({exc.error_count()} errors)") from None


def read_cache(cache_dir: Path, digest: str, locality: str | None) -> CachedCatalog | None:
    """The cached catalogue for this file digest and locality, or None (then load fully)."""
    path = cache_file(cache_dir, locality)
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_CACHE_BYTES + 1)
        if len(raw) > MAX_CACHE_BYTES:
            raise CacheInvalidError("too large")
        return decode(json.loads(raw), digest, locality)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as exc:  # CacheInvalidError is a ValueError
        log.info("catalogue cache %s not used: %s", path, exc)
        return None


def write_cache(cache_dir: Path, catalog: Catalog) -> None:
    """Store the validated catalogue atomically (temp file + rename, mode 0600).

    A cache that cannot be written is logged and otherwise ignored: the kiosk still runs.
    """
    path = cache_file(cache_dir, catalog.locality)
    text = json.dumps(encode(catalog), ensure_ascii=False, separators=(",", ":"))
    try:
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=cache_dir, prefix=".catalog-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, 0o600)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("catalogue cache %s not written: %s", path, exc)
