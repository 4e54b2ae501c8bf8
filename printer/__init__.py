"""Printers: CUPS laser queues, ESC/POS thermal printers, and a file printer for the demo.

A library with no knowledge of the kiosk app: a printer takes PDF bytes and reports status.
"""

from printer.base import (
    JobState,
    Printer,
    PrinterError,
    PrinterNotReadyError,
    PrinterState,
    PrinterStatus,
    PrintFailedError,
    PrintJob,
)

__all__ = [
    "JobState",
    "PrintFailedError",
    "PrintJob",
    "Printer",
    "PrinterError",
    "PrinterNotReadyError",
    "PrinterState",
    "PrinterStatus",
]
