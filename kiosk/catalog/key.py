"""The catalogue cache's key, readable without the model: has this exact file been validated?

`kiosk run` asks before its first screen, so this module imports neither pydantic nor YAML.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

# Bump whenever the cached data could differ for the same file: a model field, a rule class, a
# default, or a check that accepts or rejects differently. tests/catalog/test_cache.py pins a
# fingerprint of the models and rules to this number, so a model change without a bump fails.
CACHE_VERSION = 3
MAX_CACHE_BYTES = 16 * 1024 * 1024
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def cache_file(cache_dir: Path, locality: str | None) -> Path:
    """Where the cache of one locality lives (a safe file name whatever the locality is)."""
    if locality is None:
        return cache_dir / "catalog.json"
    name = locality if _SAFE_NAME.match(locality) else hashlib.sha256(locality.encode()).hexdigest()
    return cache_dir / f"catalog.{name}.json"


def validated_before(path: Path, locality: str | None, cache_dir: Path) -> bool:
    """True when the cache holds a validated catalogue of these very bytes, locality and version
    (so the file needs no check now); False for anything else, never an exception."""
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        with cache_file(cache_dir, locality).open("rb") as stream:
            raw = stream.read(MAX_CACHE_BYTES + 1)
        data = json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return False
    if len(raw) > MAX_CACHE_BYTES or not isinstance(data, dict):
        return False
    return (data.get("version"), data.get("digest"), data.get("locality")) == (
        CACHE_VERSION,
        digest,
        locality,
    )
