"""The Qt side of a reader: ReaderWatcher callbacks become signals delivered on the Qt thread.
The only module of card_reader that imports PySide6."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, Signal, Slot

from card_reader.base import CardReaderError, Identity, Reader, ReaderEvent, ReaderState
from card_reader.watch import ReaderWatcher


class ReaderBridge(QObject):
    """Runs a ReaderWatcher and re-emits its events as queued Qt signals.

    state_changed(str): a ReaderState value; card_read(object): a checked Identity;
    card_removed(); read_failed(object): the CardReaderError.
    """

    state_changed = Signal(str)
    card_read = Signal(object)
    card_removed = Signal()
    read_failed = Signal(object)
    _event = Signal(str, object)

    def __init__(
        self,
        reader: Reader,
        *,
        today: Callable[[], date] = date.today,
        poll: float = 0.2,
        retry: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self._today = today
        self._poll = poll
        self._retry = retry
        self._watcher: ReaderWatcher | None = None
        self.state = ""
        # the watcher emits from its own thread: the automatic connection queues it to ours
        self._event.connect(self._dispatch)

    def start(self) -> None:
        """Start watching the reader on a background thread."""
        if self._watcher is not None and self._watcher.is_alive():
            return
        self._watcher = ReaderWatcher(
            self.reader, self._event.emit, today=self._today, poll=self._poll, retry=self._retry
        )
        self._watcher.start()

    def stop(self) -> None:
        """Stop the thread (within about a second) and close the reader."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()

    @Slot(str, object)
    def _dispatch(self, event: str, payload: ReaderEvent) -> None:
        if event == "state" and isinstance(payload, ReaderState):
            self.state = payload.value
            self.state_changed.emit(self.state)
        elif event == "card" and isinstance(payload, Identity):
            self.card_read.emit(payload)
        elif event == "removed":
            self.card_removed.emit()
        elif event == "error" and isinstance(payload, CardReaderError):
            self.read_failed.emit(payload)
