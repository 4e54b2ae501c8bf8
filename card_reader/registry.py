"""Readers picked by URI: one explicit scheme -> driver table, no import magic.

Each driver is imported when its scheme is opened (the PC/SC driver and its card profiles cost
~0.13 s to import, which a kiosk with a SAM reader should not pay before its first screen).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from card_reader.base import Reader, ReaderConfigError


def _sim(uri: str) -> Reader:
    from card_reader.simulated import SimulatedReader

    return SimulatedReader(uri)


def _sam(uri: str) -> Reader:
    from card_reader.sam import SamReader

    return SamReader(uri)


def _pcsc(uri: str) -> Reader:
    from card_reader.pcsc import PcscReader

    return PcscReader(uri)


READERS: dict[str, Callable[[str], Reader]] = {"sim": _sim, "sam": _sam, "pcsc": _pcsc}


def open_reader(uri: str) -> Reader:
    """The driver for `uri` (sim://, sam:///dev/ttyUSB0?baud=115200, pcsc://[name part]).

    The URI is validated here (ReaderConfigError, whatever the text); the device itself is
    claimed by `reader.open()`, so a reader can be built while it is still unplugged.
    """
    try:
        scheme = urlsplit(uri).scheme if "://" in uri else ""
    except ValueError as exc:  # e.g. "sam://[::1": an unclosed IPv6 bracket
        raise ReaderConfigError(f"bad reader URI {uri!r}: {exc}") from None
    try:
        factory = READERS[scheme]
    except KeyError:
        known = ", ".join(f"{s}://" for s in READERS)
        raise ReaderConfigError(f"unknown reader URI {uri!r} (known: {known})") from None
    return factory(uri)
