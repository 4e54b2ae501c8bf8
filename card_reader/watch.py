"""The reader's life on a thread: open (and re-open after unplug / pcscd restarts), wait for
cards, check them, notice their removal, and tell a listener. No Qt here (see qt.py)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from card_reader.base import (
    CardReaderError,
    CardRemovedError,
    ExpiredCardError,
    InvalidIdNumberError,
    NoCardError,
    NoReaderError,
    Reader,
    ReaderEvent,
    ReaderFaultError,
    ReaderListener,
    ReaderServiceError,
    ReaderState,
    UnreadableCardError,
    UnsupportedCardError,
)
from card_reader.checks import check_identity

log = logging.getLogger(__name__)

T = TypeVar("T")

# Errors about the card in the field: report them, then wait for that card to leave.
CARD_ERRORS = (
    UnreadableCardError,
    UnsupportedCardError,
    ExpiredCardError,
    InvalidIdNumberError,
    CardRemovedError,
)
# The connection is gone: report the state and re-open later.
LOST = (NoReaderError, ReaderServiceError)


class ReaderWatcher(threading.Thread):
    """Loops wait_for_card on its own thread and calls listener(event, payload).

    Events: "state" (ReaderState, on every change), "card" (a checked Identity), "removed"
    (None, once the card leaves), "error" (the CardReaderError: unreadable, expired, invalid
    number, reader fault...). After a card or an error the watcher waits for the card to
    leave before reading again; after a reader fault (the reader closed and re-opened) it says
    "removed" once it finds no card. stop() returns within about `poll` seconds.

    Nothing ends the thread but stop(): an unexpected exception from the driver or the checks
    is logged with its traceback and handled like a reader fault (state ERROR, the reader
    closed and re-opened after `retry` seconds); a failing listener is logged and ignored.
    """

    def __init__(
        self,
        reader: Reader,
        listener: ReaderListener,
        *,
        today: Callable[[], date] = date.today,
        poll: float = 0.2,
        retry: float = 1.0,
    ) -> None:
        super().__init__(name="reader-watcher", daemon=True)
        self.reader = reader
        self.listener = listener
        self.today = today
        self.poll = poll
        self.retry = retry
        self._halt = threading.Event()
        self._state: ReaderState | None = None
        # a fault mid-read reported an error and re-opened the reader without waiting for the
        # card to leave: the listener is owed a "removed" once no card is found
        self._owes_removal = False

    @property
    def state(self) -> ReaderState | None:
        """The last state reported."""
        return self._state

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the thread to end, wait for it, and leave the reader closed."""
        self._halt.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    # -- the loop -------------------------------------------------------------------
    def run(self) -> None:
        """Thread body: keep the reader open and report what happens on it."""
        self.reader.set_state_listener(self._reader_state)
        try:
            opened = False
            while not self._halt.is_set():
                try:
                    opened = self._step(opened)
                except Exception:  # a bug of ours: the kiosk must keep reading cards
                    log.exception("reader watcher on %s failed; re-opening", self.reader.uri)
                    self._fault()
                    opened = False
        finally:
            self.reader.set_state_listener(None)
            self._close()

    def _step(self, opened: bool) -> bool:
        """Open the reader, or wait once for a card on it; whether it is open afterwards."""
        if opened:
            return self._read_once()
        if self._open():
            return True
        self._halt.wait(self.retry)
        return False

    def _open(self) -> bool:
        try:
            self._guarded("open", self.reader.open)
        except CardReaderError as exc:
            if self._state is not exc.state:
                log.warning("reader %s not available: %s", self.reader.uri, exc.detail)
            self._emit_state(exc.state if isinstance(exc, LOST) else ReaderState.ERROR)
            return False
        log.info("reader %s ready", self.reader.uri)
        self._emit_state(ReaderState.READY)
        return True

    def _read_once(self) -> bool:
        """One wait for a card; False when the reader must be re-opened."""
        try:
            identity = self._guarded("read", lambda: self.reader.wait_for_card(self.poll))
            identity = self._guarded("check", lambda: check_identity(identity, self.today()))
        except NoCardError:
            self._emit_state(ReaderState.READY)
            if self._owes_removal:
                self._emit("removed", None)
            return True
        except LOST as exc:
            return self._lost(exc)
        except CARD_ERRORS as exc:
            log.info("card refused: %s", exc.detail)
            self._emit_state(exc.state)
            self._emit("error", exc)
            return self._await_removal()
        except CardReaderError as exc:
            log.warning("reader fault: %s", exc.detail)
            self._emit_state(ReaderState.ERROR)
            self._emit("error", exc)
            self._owes_removal = True
            self._fault()
            return False
        self._emit_state(ReaderState.CARD_PRESENT)
        self._emit("card", identity)
        return self._await_removal()

    def _await_removal(self) -> bool:
        """Block until the card leaves; False when the reader went away meanwhile."""
        while not self._halt.is_set():
            try:
                gone = self._guarded("removal", lambda: self.reader.wait_for_removal(self.poll))
            except LOST as exc:
                self._emit("removed", None)
                return self._lost(exc)
            except CardReaderError as exc:
                log.warning("reader fault while waiting for removal: %s", exc.detail)
                self._emit("removed", None)
                self._fault()
                return False
            if gone:
                self._emit("removed", None)
                self._emit_state(ReaderState.READY)
                return True
        return True

    def _guarded(self, step: str, call: Callable[[], T]) -> T:
        """Run a driver or check call; anything but a CardReaderError becomes a reader fault."""
        try:
            return call()
        except CardReaderError:
            raise
        except Exception as exc:
            log.exception("reader %s: unexpected error during %s", self.reader.uri, step)
            raise ReaderFaultError(f"{step}: unexpected {type(exc).__name__}") from exc

    def _lost(self, exc: CardReaderError) -> bool:
        log.warning("reader %s lost: %s", self.reader.uri, exc.detail)
        if self._owes_removal:
            self._emit("removed", None)
        self._emit_state(exc.state)
        self._close()
        self._halt.wait(self.retry)
        return False

    def _fault(self) -> None:
        """Report ERROR, close the reader and let `retry` seconds pass before re-opening."""
        self._emit_state(ReaderState.ERROR)
        self._close()
        self._halt.wait(self.retry)

    def _close(self) -> None:
        try:
            self.reader.close()
        except CardReaderError as exc:
            log.debug("closing reader: %s", exc.detail)
        except Exception:
            log.exception("closing reader %s failed", self.reader.uri)

    # -- reporting ------------------------------------------------------------------
    def _reader_state(self, state: ReaderState) -> None:
        if state in (ReaderState.CARD_PRESENT, ReaderState.READING):
            self._emit_state(state)

    def _emit_state(self, state: ReaderState) -> None:
        if state is self._state:
            return
        self._state = state
        self._emit("state", state)

    def _emit(self, event: str, payload: ReaderEvent) -> None:
        if event == "removed":
            self._owes_removal = False
        if self._halt.is_set():
            return
        try:
            self.listener(event, payload)
        except Exception:
            log.exception("reader listener failed on %s", event)
