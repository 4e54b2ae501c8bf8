"""Application-wide event filters, and the rule every event filter of the kiosk follows: it never
raises. An exception escaping a Python `eventFilter` override reaches shiboken's override-error
path, which on PySide6 6.11 can crash the whole process while printing it; a filter that fails
logs the failure for staff and lets the event through instead."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QObject

if TYPE_CHECKING:
    from kiosk.session import KioskSession

log = logging.getLogger(__name__)

F = TypeVar("F", bound=QObject)
Filter = Callable[[F, QObject, QEvent], bool]


def never_raises(method: Filter[F]) -> Filter[F]:
    """Wrap an `eventFilter(watched, event)`: a failure is logged and the event passes on."""

    @functools.wraps(method)
    def guarded(self: F, watched: QObject, event: QEvent) -> bool:
        try:
            return method(self, watched, event)
        except Exception:
            log.exception("event filter %s failed; the event goes on", type(self).__name__)
            return False

    return guarded


class TouchFilter(QObject):
    """Every press anywhere in the application restarts the session's idle countdown."""

    def __init__(self, session: KioskSession) -> None:
        super().__init__()
        self.session = session

    @never_raises
    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        """A press or touch is her being there; the event itself goes on."""
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.session.touch()
        return False
