"""Device health the session needs before a resident starts: printer status, polled off the UI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from printer.base import Printer, PrinterState, PrinterStatus

log = logging.getLogger(__name__)

StatusListener = Callable[[str, PrinterStatus], None]

ROLES = ("a4", "slip")


class PrintsOn(Protocol):
    """Anything that names its paper (a catalogue item)."""

    @property
    def paper(self) -> str:
        """ "a4" or "slip"."""
        ...


def printer_role(item: PrintsOn) -> str:
    """Which configured printer an item goes to: "slip" (thermal) or "a4" (laser)."""
    return "slip" if item.paper == "slip" else "a4"


class PrinterMonitor:
    """Polls each printer's status every `interval` seconds; calls listener(role, status) on change."""

    def __init__(
        self, printers: Mapping[str, Printer], listener: StatusListener, interval: float = 5.0
    ) -> None:
        self.printers = dict(printers)
        self.listener = listener
        self.interval = interval
        self._last: dict[str, PrinterStatus] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def status(self, role: str) -> PrinterStatus:
        """The last known status of a role (a4 / slip); unknown until the first poll."""
        with self._lock:
            return self._last.get(role, PrinterStatus(PrinterState.READY, "not polled yet"))

    def poll_once(self) -> None:
        """Ask every printer now and report changes."""
        seen: dict[str, PrinterStatus] = {}
        for role, printer in self.printers.items():
            uri = printer.uri
            if uri in seen:
                status = seen[uri]
            else:
                try:
                    status = printer.status()
                except Exception as exc:  # a driver bug must not stop the kiosk
                    log.exception("printer %s status failed", uri)
                    status = PrinterStatus(PrinterState.ERROR, f"status failed: {exc}")
                seen[uri] = status
            with self._lock:
                changed = self._last.get(role) != status
                self._last[role] = status
            if changed:
                log.info("printer %s (%s): %s %s", role, uri, status.state, status.staff_message)
                self.listener(role, status)

    def start(self) -> None:
        """Start polling on a daemon thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="printer-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling (returns promptly)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()
            self._stop.wait(self.interval)
