"""The state every driver keeps and reports: one implementation, shared by sam, pcsc and sim."""

from __future__ import annotations

from card_reader.base import ReaderState, StateListener


class ReaderStateKeeper:
    """Base of the drivers: the reader's current ReaderState and the listener told of changes.

    Gives each driver `status()` and `set_state_listener()` of the Reader protocol. Drivers
    call `_set_state` when the device changes state and `_forget_state` when closed (closing is
    the caller's own act, so it is not reported).
    """

    def __init__(self) -> None:
        self._state = ReaderState.NO_READER
        self._state_listener: StateListener | None = None

    def status(self) -> ReaderState:
        """The reader's state now."""
        return self._state

    def set_state_listener(self, listener: StateListener | None) -> None:
        """Call `listener` with every state the reader enters from now on; None stops it."""
        self._state_listener = listener

    def _set_state(self, state: ReaderState) -> None:
        if state is self._state:
            return
        self._state = state
        listener = self._state_listener
        if listener is not None:
            listener(state)

    def _forget_state(self) -> None:
        self._state = ReaderState.NO_READER
