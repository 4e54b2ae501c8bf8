"""`sim://`: a reader the demo and tests put cards on by calling place() / remove().

It implements the same Reader protocol as the real drivers, so everything above it (watcher,
Qt bridge, session) runs unchanged. Thread-safe: place() from the UI thread, wait_for_card()
on the watcher thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date

from card_reader.base import (
    CardType,
    Identity,
    NoCardError,
    NoReaderError,
    ReaderConfigError,
    ReaderState,
    Sex,
    UnreadableCardError,
)

_UNREADABLE = object()


def identity_for(
    id_number: str,
    name: str,
    sex: Sex | str,
    birth_date: date | None,
    address: str | None,
    nation: str | None = "汉",
    valid_until: date | None = date(2099, 12, 31),
    *,
    card_type: CardType = CardType.RESIDENT,
    issuer: str | None = "公安局",
    valid_from: date | None = None,
) -> Identity:
    """A resident-card Identity for a demo resident (valid_until=None means 长期)."""
    return Identity(
        card_type=card_type,
        id_number=id_number,
        name=name,
        sex=Sex(sex),
        nation=nation,
        birth_date=birth_date,
        address=address,
        issuer=issuer,
        valid_from=valid_from,
        valid_until=valid_until,
    )


class SimulatedReader:
    """A reader driven by calls instead of hands: place(identity), place_unreadable(), remove()."""

    def __init__(self, uri: str = "sim://") -> None:
        if not uri.startswith("sim:"):
            raise ReaderConfigError(f"not a sim URI: {uri!r}")
        self.uri = uri
        self.on_state: Callable[[ReaderState], None] | None = None
        self._cond = threading.Condition()
        self._card: object | None = None
        self._plugged = True
        self._open = False
        self._state = ReaderState.NO_READER

    # -- the hand ---------------------------------------------------------------------
    def place(self, identity: Identity) -> None:
        """Put a card holding `identity` on the reader (replacing any card there)."""
        with self._cond:
            self._card = identity
            self._cond.notify_all()

    def place_unreadable(self) -> None:
        """Put a card on the reader that cannot be read."""
        with self._cond:
            self._card = _UNREADABLE
            self._cond.notify_all()

    def remove(self) -> None:
        """Take the card away."""
        with self._cond:
            self._card = None
            self._cond.notify_all()

    def unplug(self) -> None:
        """Simulate the reader's cable being pulled."""
        with self._cond:
            self._plugged = False
            self._open = False
            self._cond.notify_all()

    def plug(self) -> None:
        """Simulate the reader coming back."""
        with self._cond:
            self._plugged = True
            self._cond.notify_all()

    # -- Reader protocol ----------------------------------------------------------------
    def open(self) -> None:
        """Claim the reader; NoReaderError while unplugged."""
        with self._cond:
            if not self._plugged:
                self._set_state(ReaderState.NO_READER)
                raise NoReaderError("simulated reader unplugged")
            self._open = True
            self._set_state(ReaderState.READY)

    def close(self) -> None:
        """Release the reader. Safe to call twice."""
        with self._cond:
            self._open = False
            self._state = ReaderState.NO_READER

    def status(self) -> ReaderState:
        """The reader's state now."""
        return self._state

    def wait_for_card(self, timeout: float) -> Identity:
        """The card on the reader, waiting up to `timeout` for one to be placed."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                self._check_open()
                if self._card is not None:
                    break
                remaining = end - time.monotonic()
                if remaining <= 0:
                    raise NoCardError(f"no card within {timeout:g} s")
                self._cond.wait(remaining)
            self._set_state(ReaderState.CARD_PRESENT)
            if self._card is _UNREADABLE:
                raise UnreadableCardError("simulated unreadable card")
            assert isinstance(self._card, Identity)
            return self._card

    def card_present(self) -> bool:
        """True while a card is on the reader."""
        with self._cond:
            self._check_open()
            return self._card is not None

    def wait_for_removal(self, timeout: float) -> bool:
        """True once the card is gone, False if still there after `timeout`."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                self._check_open()
                if self._card is None:
                    self._set_state(ReaderState.READY)
                    return True
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)

    def _check_open(self) -> None:
        if not self._plugged or not self._open:
            self._set_state(ReaderState.NO_READER)
            raise NoReaderError("simulated reader unplugged" if not self._plugged else "not open")

    def _set_state(self, state: ReaderState) -> None:
        if state is self._state:
            return
        self._state = state
        if self.on_state is not None:
            self.on_state(state)
