"""Timers the session is given rather than creates, so tests can move time by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer


class Timer(Protocol):
    """A single-shot timer: `start` (re)arms it, `stop` disarms it."""

    def start(self, seconds: float) -> None:
        """Fire once after `seconds` (restarting if armed)."""

    def stop(self) -> None:
        """Do not fire."""

    @property
    def active(self) -> bool:
        """True while armed."""

    def close(self) -> None:
        """Disarm for good and let go of it (the kiosk is stopping)."""


TimerFactory = Callable[[Callable[[], None]], Timer]


class QtTimer:
    """A single-shot QTimer behind the Timer protocol."""

    def __init__(self, callback: Callable[[], None], parent: QObject | None = None) -> None:
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(callback)

    def start(self, seconds: float) -> None:
        """Fire once after `seconds`."""
        self._timer.start(max(0, round(seconds * 1000)))

    def stop(self) -> None:
        """Disarm."""
        self._timer.stop()

    @property
    def active(self) -> bool:
        """True while armed."""
        return self._timer.isActive()

    def close(self) -> None:
        """Stop, and delete the QTimer through the event loop of its own thread: left to
        Python's garbage collector it could be freed from a worker thread while the UI thread's
        event loop is delivering its timeout, which crashes Qt."""
        self._timer.stop()
        self._timer.deleteLater()


def qt_timers(parent: QObject | None = None) -> TimerFactory:
    """A factory of QtTimers owned by `parent`."""

    def make(callback: Callable[[], None]) -> Timer:
        return QtTimer(callback, parent)

    return make
