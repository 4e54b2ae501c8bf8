"""Start-up milestones for `kiosk bench`: when the attract screen is first painted, and when the
kiosk is ready to serve a card. Off unless $KIOSK_STARTUP_PROBE names a file; then each
milestone appends `<name> <CLOCK_MONOTONIC seconds>` to it (monotonic time is system-wide on
Linux, so the benchmark compares it with the moment it started the process)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from kiosk.session import KioskSession
from kiosk.ui.filters import never_raises
from kiosk.view import SessionView

PROBE_ENV = "KIOSK_STARTUP_PROBE"


class PaintWatch(QObject):
    """Calls `callback()` once, right after `widget` has been painted for the first time."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)

    @never_raises
    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        """Watch for the Paint event; report once it has been handled, then leave."""
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            QTimer.singleShot(0, callback)  # after this paint has been drawn
            self._widget.removeEventFilter(self)
            self.deleteLater()
        return False


def install(window: QWidget, attract: QWidget, session: KioskSession) -> None:
    """Write milestones to $KIOSK_STARTUP_PROBE, if set (a no-op otherwise)."""
    target = os.environ.get(PROBE_ENV)
    if not target:
        return
    path = Path(target)

    def mark(name: str) -> None:
        with path.open("a", encoding="utf-8") as out:
            out.write(f"{name} {time.monotonic():.6f}\n")

    PaintWatch(attract, lambda: mark("attract"))

    def on_view(view: SessionView) -> None:
        if view.ready:
            session.view_changed.disconnect(on_view)
            window.repaint()  # the ready status is on screen when this returns
            mark("ready")

    if session.view.ready:
        mark("ready")
    else:
        session.view_changed.connect(on_view)
