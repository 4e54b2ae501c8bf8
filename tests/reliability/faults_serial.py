"""A GA 467 SAM reader that can be unplugged and plugged in again, and one that spews garbage.

`PluggableSam` keeps the reader at one stable path, as udev's `/dev/kiosk-reader` link does on a
terminal (deploy/udev/70-community-kiosk.rules): plugging it in opens a fresh pty with the
project's byte-exact emulator behind it and points the link there; unplugging closes the pty
under the driver (reads fail with EIO, as when the USB cable is pulled) and removes the link, so
the device is gone until it comes back.

`GarbageSam` is the same emulator with a thread writing random bytes at the line rate: line
noise, half frames, fake preambles with bad checksums, interleaved with its real answers.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from pathlib import Path

from card_reader.base import Identity
from card_reader.emulators.sam_emulator import SamEmulator
from card_reader.ga467 import PREAMBLE


class PluggableSam:
    """A SAM reader at `link` that unplug() removes and plug() brings back (a new pty each time)."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.emulator: SamEmulator | None = None
        self.plugs = 0

    @property
    def uri(self) -> str:
        """The kiosk's reader.uri for it."""
        return f"sam://{self.link}?baud=115200"

    @property
    def plugged(self) -> bool:
        """True while the device is there."""
        return self.emulator is not None

    def plug(self, card: Identity | None = None) -> None:
        """Plug the reader in (with `card` on it, or none)."""
        if self.emulator is not None:
            return
        emulator = SamEmulator(card, baud=None).start()
        temporary = self.link.with_name(f".{self.link.name}.new")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        temporary.symlink_to(emulator.port_path)
        temporary.replace(self.link)  # atomic, as udev moves its links
        self.emulator = emulator
        self.plugs += 1

    def unplug(self) -> None:
        """Pull the cable: the device node goes and the pty closes under whoever holds it."""
        emulator, self.emulator = self.emulator, None
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()
        if emulator is not None:
            emulator.vanish()
            emulator.stop()

    def insert(self, card: Identity | None) -> None:
        """Put a card on the reader (None: take it away)."""
        if self.emulator is not None:
            self.emulator.insert(card)

    def close(self) -> None:
        """Unplug for good."""
        self.unplug()


class GarbageSam(SamEmulator):
    """A SAM emulator that can also spew random bytes at 115200 baud while it answers."""

    def __init__(self, card: Identity | None, *, baud: int | None = None, seed: int = 14) -> None:
        super().__init__(card, baud=baud)
        self._random = random.Random(seed)
        self._spewing = threading.Event()
        self._spewer: threading.Thread | None = None
        self.garbage_bytes = 0

    def spew(self, seconds: float) -> threading.Thread:
        """Write garbage for `seconds` on a thread (returned: join it to wait for the end)."""
        self._spewing.set()
        thread = threading.Thread(target=self._spew, args=(seconds,), name="sam-garbage")
        thread.daemon = True
        thread.start()
        self._spewer = thread
        return thread

    def stop_spewing(self) -> None:
        """End the garbage now."""
        self._spewing.clear()
        if self._spewer is not None:
            self._spewer.join(5)

    def stop(self) -> None:
        """Stop the garbage and the emulator."""
        self.stop_spewing()
        super().stop()

    def _chunk(self) -> bytes:
        """~5 ms of line noise: random bytes, and sometimes a preamble with a broken frame after it."""
        rnd = self._random
        data = bytearray(rnd.randbytes(rnd.randint(8, 64)))
        if rnd.random() < 0.3:  # a fake frame start: the decoder must resynchronise
            length = rnd.randint(0, 0x600)
            data += PREAMBLE + length.to_bytes(2, "big") + rnd.randbytes(rnd.randint(0, 40))
        return bytes(data)

    def _spew(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        budget = 11_520  # bytes per second at 115200 8N1
        while self._spewing.is_set() and time.monotonic() < end:
            chunk = self._chunk()
            try:
                os.write(self._master, chunk)
            except (OSError, ValueError):
                return
            self.garbage_bytes += len(chunk)
            time.sleep(len(chunk) / budget)
        self._spewing.clear()
