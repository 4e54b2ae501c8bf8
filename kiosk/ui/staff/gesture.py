"""The presses staff mode listens to, app-wide: a 3-second hold in a corner of the attract screen
opens staff entry, and any press while staff mode is open restarts its idle timer.

A touch screen without touch handling gets mouse events synthesised from touches, so presses and
releases of the mouse are the gesture; touch events are read too, for screens that send them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QMouseEvent, QTouchEvent
from PySide6.QtWidgets import QWidget

from kiosk.timing import Timer
from kiosk.ui.filters import never_raises

CORNER_PX = 160  # the square, in each corner of the attract screen, that starts the hold
HOLD_SECONDS = 3.0
_PRESS = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin)
_RELEASE = (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel)
_MOVE = (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate)


def in_corner(point: QPoint, width: int, height: int, size: int = CORNER_PX) -> bool:
    """True when `point` (widget coordinates) lies in one of the four corner squares."""
    x, y = point.x(), point.y()
    if not (0 <= x < width and 0 <= y < height):
        return False
    return (x < size or x >= width - size) and (y < size or y >= height - size)


def _global_point(event: QEvent) -> QPoint | None:
    if isinstance(event, QMouseEvent):
        return event.globalPosition().toPoint()
    if isinstance(event, QTouchEvent) and event.points():
        return event.points()[0].globalPosition().toPoint()
    return None


class StaffTouches(QObject):
    """An application event filter: the corner hold on `attract`, and touches (and keys)
    while open.

    `hold` is the injected single-shot timer whose firing means the hold lasted `hold_seconds`;
    `may_hold()` says whether a hold may start now (attract screen, staff mode closed);
    `is_open()` whether presses should count as staff activity (`touched()`)."""

    def __init__(
        self,
        attract: QWidget,
        hold: Timer,
        *,
        may_hold: Callable[[], bool],
        is_open: Callable[[], bool],
        touched: Callable[[], None],
        hold_seconds: float = HOLD_SECONDS,
    ) -> None:
        super().__init__()
        self.attract = attract
        self.hold = hold
        self.may_hold = may_hold
        self.is_open = is_open
        self.touched = touched
        self.hold_seconds = hold_seconds

    @never_raises
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Watch presses, moves and releases; never swallow one."""
        kind = event.type()
        if kind == QEvent.Type.KeyPress and self.is_open():
            self.touched()  # typing a note on an attached keyboard is activity too
            return False
        if kind not in _PRESS and kind not in _RELEASE and kind not in _MOVE:
            return False
        if not isinstance(watched, QWidget):  # the same press reaches the QWindow first
            return False
        if kind in _PRESS and self.is_open():
            self.touched()
            return False
        if kind in _RELEASE:
            self.hold.stop()
        elif kind in _PRESS:
            if not self.hold.active and self._in_corner(event) and self.may_hold():
                self.hold.start(self.hold_seconds)
        elif self.hold.active and not self._in_corner(event):
            self.hold.stop()  # the finger slid out of the corner
        return False

    def _in_corner(self, event: QEvent) -> bool:
        point = _global_point(event)
        if point is None or not self.attract.isVisible():
            return False
        local = self.attract.mapFromGlobal(point)
        return in_corner(local, self.attract.width(), self.attract.height())
