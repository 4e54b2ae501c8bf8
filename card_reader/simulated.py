"""`sim://`: a reader the demo and tests put cards on by calling place() / remove().

It implements the same Reader protocol as the real drivers, so everything above it (watcher,
Qt bridge, session) runs unchanged. Thread-safe: place() from the UI thread, wait_for_card()
on the watcher thread.
"""

from __future__ import annotations

import threading
import time
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
from card_reader.state import ReaderStateKeeper


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


class SimulatedReader(ReaderStateKeeper):
    """A reader driven by calls instead of hands: place(identity), place_unreadable(), remove()."""

    def __init__(self, uri: str = "sim://") -> None:
        super().__init__()
        if not uri.startswith("sim:"):
            raise ReaderConfigError(f"not a sim URI: {uri!r}")
        self.uri = uri
        self._cond = threading.Condition()
        self._card: Identity | None = None
        self._unreadable = False
        self._plugged = True
        self._open = False

    # -- the hand ---------------------------------------------------------------------
    def place(self, identity: Identity) -> None:
        """Put a card holding `identity` on the reader (replacing any card there)."""
        self._put(identity, unreadable=False)

    def place_unreadable(self) -> None:
        """Put a card on the reader that cannot be read."""
        self._put(None, unreadable=True)

    def remove(self) -> None:
        """Take the card away."""
        self._put(None, unreadable=False)

    def _put(self, card: Identity | None, *, unreadable: bool) -> None:
        with self._cond:
            self._card = card
            self._unreadable = unreadable
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
            self._forget_state()

    def wait_for_card(self, timeout: float) -> Identity:
        """The card on the reader, waiting up to `timeout` for one to be placed."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                self._check_open()
                if self._present():
                    break
                remaining = end - time.monotonic()
                if remaining <= 0:
                    raise NoCardError(f"no card within {timeout:g} s")
                self._cond.wait(remaining)
            self._set_state(ReaderState.CARD_PRESENT)
            if self._card is None:
                raise UnreadableCardError("simulated unreadable card")
            return self._card

    def card_present(self) -> bool:
        """True while a card is on the reader."""
        with self._cond:
            self._check_open()
            return self._present()

    def wait_for_removal(self, timeout: float) -> bool:
        """True once the card is gone, False if still there after `timeout`."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                self._check_open()
                if not self._present():
                    self._set_state(ReaderState.READY)
                    return True
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)

    def _present(self) -> bool:
        return self._card is not None or self._unreadable

    def _check_open(self) -> None:
        if not self._plugged or not self._open:
            self._set_state(ReaderState.NO_READER)
            raise NoReaderError("simulated reader unplugged" if not self._plugged else "not open")
