"""Work off the UI thread: one worker thread owns the database, rendering and printing.

The session hands the worker a job (a plain callable) with what to do on success and on failure;
those callbacks, and anything the job `post`s on the way (a progress step), run on the UI thread.
`InlineJobs` runs everything at once on the caller's thread: the CLI and the session's unit tests.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from collections.abc import Callable
from typing import Protocol, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")
Done = Callable[[T], None]
Failed = Callable[[Exception], None]


class Jobs(Protocol):
    """Where the session sends slow work."""

    def submit(self, work: Callable[[], T], done: Done[T], failed: Failed) -> None:
        """Run `work` off the UI thread; then `done(result)` or `failed(exc)` on the UI thread."""

    def post(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the UI thread (callable from any thread)."""

    def stop(self) -> None:
        """Finish the job in hand, drop the rest, end the thread."""


class InlineJobs:
    """Runs every job at once on the calling thread (CLI, unit tests with fakes)."""

    def submit(self, work: Callable[[], T], done: Done[T], failed: Failed) -> None:
        """Run now; report now."""
        try:
            result = work()
        except Exception as exc:
            failed(exc)
            return
        done(result)

    def post(self, callback: Callable[[], None]) -> None:
        """Call now."""
        callback()

    def stop(self) -> None:
        """Nothing to stop."""


class _Relay(QObject):
    """Lives on the UI thread; a queued signal carries callables to it from the worker."""

    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        # emitted from other threads, so queued to this one (Qt's automatic connection; the
        # Qt namespace is not touched before the first screen: building it costs ~20 ms)
        self.deliver.connect(self._run)

    @Slot(object)
    def _run(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:  # a broken callback must not take the event loop down: the kiosk's
            sys.excepthook(*sys.exc_info())  # crash hook logs it and returns to attract


class ThreadJobs:
    """One daemon worker thread, jobs in order (first in, first out).

    Order is the contract the kiosk builds on: start-up preparation is the first job, so a card
    placed while the kiosk is still getting ready simply waits behind it.
    Create it on the UI thread (its relay must live there).
    """

    def __init__(self, name: str = "kiosk-worker") -> None:
        self._relay = _Relay()
        # None asks the thread to end
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, work: Callable[[], T], done: Done[T], failed: Failed) -> None:
        """Queue `work`; its outcome is delivered on the UI thread."""
        self._queue.put(lambda: self._run_one(work, done, failed))

    def post(self, callback: Callable[[], None]) -> None:
        """Deliver `callback` to the UI thread."""
        self._relay.deliver.emit(callback)

    def stop(self, timeout: float = 10.0) -> None:
        """Let the running job finish (a print must be recorded), then end the thread."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """True while the worker thread runs."""
        return self._thread.is_alive()

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            job()

    def _run_one(self, work: Callable[[], T], done: Done[T], failed: Failed) -> None:
        try:
            result = work()
        except Exception as exc:
            error = exc  # `exc` is unbound once the except clause ends; the callback runs later
            self.post(lambda: failed(error))
            return
        self.post(lambda: done(result))
