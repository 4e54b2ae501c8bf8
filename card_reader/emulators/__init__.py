"""Protocol-exact emulators the tests and `kiosk demo --reader-emulator sam|pcsc` run the
real drivers against: a GA 467 SAM reader on a pty and a virtual card behind pcscd/vpcd.

    uri, controller = start("sam")          # or "pcsc" (starts pcscd if it is not running)
    reader = open_reader(uri)
    controller.insert(identity); controller.insert_unreadable(); controller.remove()
    controller.stop()
"""

from __future__ import annotations

import atexit
import threading
from typing import TYPE_CHECKING, Protocol

from card_reader.base import Identity

if TYPE_CHECKING:  # the emulators load only when started
    from card_reader.emulators.vcard import VirtualCard


class EmulatorController(Protocol):
    """What the demo's hand does with an emulated reader."""

    def insert(self, identity: Identity | None = None) -> None:
        """Put a card holding `identity` (default: a sample holder) on the reader."""

    def insert_unreadable(self) -> None:
        """Put a card on the reader that cannot be read."""

    def remove(self) -> None:
        """Take the card away."""

    def stop(self) -> None:
        """Shut the emulator (and anything it started) down."""


class SamController:
    """Drives a SamEmulator for the demo."""

    def __init__(self, identity: Identity | None = None) -> None:
        from card_reader.emulators.sam_emulator import SamEmulator

        self.emulator = SamEmulator(identity, baud=115200).start()
        self.uri = f"sam://{self.emulator.port_path}?baud=115200"

    def insert(self, identity: Identity | None = None) -> None:
        """Put a card on the reader (sample resident if None)."""
        self.emulator.clear_faults()
        self.emulator.insert(identity or "resident")

    place = insert

    def insert_unreadable(self) -> None:
        """A card whose read fails (SW3 41) until it is removed."""
        from card_reader.ga467 import Command

        self.emulator.insert("resident")
        self.emulator.force_status(Command.READ_TEXT_PHOTO, 0x41)

    place_unreadable = insert_unreadable

    def remove(self) -> None:
        """Take the card away."""
        self.emulator.clear_faults()
        self.emulator.remove()

    def stop(self) -> None:
        """Close the pty."""
        self.emulator.stop()


class PcscController:
    """Drives virtual cards behind pcscd for the demo; starts pcscd when none runs."""

    def __init__(self, identity: Identity | None = None) -> None:
        from card_reader.emulators.pcscd import PcscDaemon, running_pid

        self.daemon: PcscDaemon | None = None
        if running_pid() is None:
            self.daemon = PcscDaemon()
            self.daemon.start()
        self.uri = "pcsc://Virtual PCD 00 00"
        self._card: VirtualCard | None = None
        self._lock = threading.Lock()
        if identity is not None:
            self.insert(identity)

    def insert(self, identity: Identity | None = None) -> None:
        """Put a social security card holding `identity` into the virtual reader."""
        from card_reader.emulators.samples import sample
        from card_reader.emulators.vcard import VirtualCard

        self._swap(VirtualCard(identity or sample("social_security")))

    place = insert

    def insert_unreadable(self) -> None:
        """A card that answers, but not with its holder's data."""
        from card_reader.emulators.samples import sample
        from card_reader.emulators.vcard import VirtualCard

        card = VirtualCard(sample("social_security"))
        card.fail_apdu[bytes.fromhex("00B208")] = b"\x6f\x00"
        self._swap(card)

    place_unreadable = insert_unreadable

    def remove(self) -> None:
        """Take the card out."""
        self._swap(None)

    def stop(self) -> None:
        """Remove the card and stop the pcscd this controller started."""
        self.remove()
        if self.daemon is not None:
            self.daemon.stop()
            self.daemon = None

    def _swap(self, card: VirtualCard | None) -> None:
        with self._lock:
            if self._card is not None:
                self._card.remove()
            self._card = card
            if card is not None:
                card.insert()


def start(kind: str, identity: Identity | None = None) -> tuple[str, EmulatorController]:
    """Start an emulator ("sam" or "pcsc"); returns the reader URI for it and its controller."""
    if kind == "sam":
        controller: SamController | PcscController = SamController(identity)
    elif kind == "pcsc":
        controller = PcscController(identity)
    else:
        raise ValueError(f"unknown reader emulator {kind!r}; use sam or pcsc")
    atexit.register(controller.stop)
    return controller.uri, controller
