"""Reader URIs taken apart: whatever the text, the only error is ReaderConfigError."""

from __future__ import annotations

import math
from urllib.parse import SplitResult, parse_qs, urlsplit

from card_reader.base import ReaderConfigError


def split_reader_uri(uri: str, scheme: str) -> tuple[SplitResult, dict[str, list[str]]]:
    """The parts and query of a `scheme://` URI; ReaderConfigError for anything else.

    urlsplit raises ValueError on some text (``sam://[::1``: an unclosed IPv6 bracket); a
    kiosk.toml typo must read as a configuration error, not crash the app.
    """
    try:
        parts = urlsplit(uri)
        query = parse_qs(parts.query)
    except ValueError as exc:
        raise ReaderConfigError(f"bad reader URI {uri!r}: {exc}") from None
    if parts.scheme != scheme:
        raise ReaderConfigError(f"not a {scheme} URI: {uri!r}")
    return parts, query


def query_float(query: dict[str, list[str]], key: str, default: float, scheme: str) -> float:
    """A positive, finite number from the query (`default` when absent)."""
    text = query.get(key, [str(default)])[0]
    try:
        value = float(text)
    except ValueError:
        raise ReaderConfigError(f"{scheme} URI: {key} must be a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ReaderConfigError(f"{scheme} URI: {key} must be a positive number")
    return value
