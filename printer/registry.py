"""Printers picked by URI through one explicit registry: file://, cups://, escpos://."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from printer.base import Printer, PrinterError
from printer.cups import CupsPrinter
from printer.escpos import EscposPrinter
from printer.file import FilePrinter

# scheme -> factory taking the whole URI; the only place a driver is chosen.
DRIVERS: dict[str, Callable[[str], Printer]] = {
    "file": FilePrinter.from_uri,
    "cups": CupsPrinter.from_uri,
    "escpos": EscposPrinter.from_uri,
}


def open_printer(uri: str) -> Printer:
    """The printer a URI names: `file:///dir`, `cups://QUEUE?timeout=60`,
    `escpos:///dev/ttyUSB0?baud=19200&dots=576`. Unknown scheme or bad parameters: PrinterError.

    Nothing is opened yet: drivers touch the device only in status() and print().
    """
    scheme = urlparse(uri).scheme
    try:
        factory = DRIVERS[scheme]
    except KeyError:
        known = ", ".join(f"{s}://" for s in DRIVERS)
        raise PrinterError(f"{uri!r}: unknown printer scheme {scheme!r} (known: {known})") from None
    return factory(uri)
