"""Readers picked by URI: one explicit scheme -> driver table, no import magic."""

from __future__ import annotations

from urllib.parse import urlsplit

from card_reader.base import Reader, ReaderConfigError
from card_reader.pcsc import PcscReader
from card_reader.sam import SamReader
from card_reader.simulated import SimulatedReader

READERS: dict[str, type] = {
    "sim": SimulatedReader,
    "sam": SamReader,
    "pcsc": PcscReader,
}


def open_reader(uri: str) -> Reader:
    """The driver for `uri` (sim://, sam:///dev/ttyUSB0?baud=115200, pcsc://[name part]).

    The URI is validated here (ReaderConfigError); the device itself is claimed by
    `reader.open()`, so a reader can be built while it is still unplugged.
    """
    scheme = urlsplit(uri).scheme if "://" in uri else ""
    try:
        cls = READERS[scheme]
    except KeyError:
        known = ", ".join(f"{s}://" for s in READERS)
        raise ReaderConfigError(f"unknown reader URI {uri!r} (known: {known})") from None
    return cls(uri)
