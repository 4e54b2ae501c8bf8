"""Printers picked by URI through one explicit registry: file://, cups://, escpos://."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from printer.base import Printer, PrinterError


def _file(uri: str) -> Printer:
    from printer.file import FilePrinter

    return FilePrinter.from_uri(uri)


def _cups(uri: str) -> Printer:
    from printer.cups import CupsPrinter

    return CupsPrinter.from_uri(uri)


def _escpos(uri: str) -> Printer:
    from printer.escpos import EscposPrinter

    return EscposPrinter.from_uri(uri)


# scheme -> factory taking the whole URI; the only place a driver is chosen. Each driver is
# imported when its scheme is opened: a kiosk loads only the drivers it is configured with.
DRIVERS: dict[str, Callable[[str], Printer]] = {"file": _file, "cups": _cups, "escpos": _escpos}


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
