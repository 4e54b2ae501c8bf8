"""Timers the session is given rather than creates, so tests and the soak can move time by hand
(ManualClock) while the running kiosk uses Qt's (qt_timers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


class ManualClock:
    """Seconds that pass only when a test says so; fires the timers that come due."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[ManualTimer] = []

    def timer(self, callback: Callable[[], None]) -> Timer:
        """The TimerFactory for the session."""
        timer = ManualTimer(self, callback)
        self.timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        """Move time on, firing every timer due on the way, in order."""
        end = self.now + seconds
        while True:
            due = [t for t in self.timers if t.due is not None and t.due <= end]
            if not due:
                break
            first = min(due, key=lambda t: t.due or 0.0)
            self.now = first.due or self.now
            first.due = None
            first.callback()
        self.now = end


@dataclass
class ManualTimer:
    """A single-shot timer on a ManualClock."""

    clock: ManualClock
    callback: Callable[[], None]
    due: float | None = None

    def start(self, seconds: float) -> None:
        """Fire after `seconds` of manual time."""
        self.due = self.clock.now + seconds

    def stop(self) -> None:
        """Disarm."""
        self.due = None

    @property
    def active(self) -> bool:
        """True while armed."""
        return self.due is not None

    def close(self) -> None:
        """Disarm for good."""
        self.due = None
