"""The soak's outside world (kiosk.benchmarks.soak): the device emulators in a child process,
and a clock the soak moves by hand for the session's timers."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from card_reader.base import Identity

WAIT_SECONDS = 60.0  # a device that does not answer by then is a hang


def serve(conn: Connection) -> None:
    """The child process: the SAM reader and the slip printer emulators, driven over `conn`."""
    from card_reader.emulators.sam_emulator import SamEmulator
    from card_reader.ga467 import Command
    from printer.emulators.escpos_emulator import EscposEmulator

    sam = SamEmulator(None, baud=None).start()  # unpaced: the soak is about leaks, not UARTs
    slip = EscposEmulator(576).start()
    conn.send((sam.port_path, slip.port_path))
    try:
        while True:
            command, card = conn.recv()
            if command == "stop":
                break
            sam.requests.clear()  # its record of every request, kept for tests
            slip.reset()  # the roll and the slips it keeps for tests
            sam.clear_faults()
            sam.insert(card if command != "remove" else None)
            if command == "unreadable":
                sam.force_status(Command.READ_TEXT_PHOTO, 0x41)
            conn.send("ok")
    except EOFError:  # the soak went away
        pass
    finally:
        sam.stop()
        slip.stop()


class Devices:
    """The emulators in their own process (`python -m kiosk.benchmarks.soak_devices FD`, over a
    socket pair): a card reader to put cards on, a slip printer."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with ours, theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "kiosk.benchmarks.soak_devices", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
            )
            self._conn = Connection(ours.detach())
        if not self._conn.poll(WAIT_SECONDS):
            self.stop()
            raise RuntimeError("the device emulators did not start")
        reader, slip = self._conn.recv()
        self.reader_uri = f"sam://{reader}?baud=115200&poll=0.01"
        self.slip_uri = f"escpos://{slip}?baud=115200&dots=576"

    def insert(self, card: Identity) -> None:
        """Put a card on the reader."""
        self._ask("insert", card)

    def insert_unreadable(self, card: Identity) -> None:
        """Put a card on the reader that fails to read (SW3 41) until it is taken away."""
        self._ask("unreadable", card)

    def remove(self) -> None:
        """Take the card away."""
        self._ask("remove", None)

    def _ask(self, command: str, card: Identity | None) -> None:
        self._conn.send((command, card))
        if not self._conn.poll(WAIT_SECONDS):
            raise RuntimeError(f"the device emulators did not answer {command}")
        self._conn.recv()

    def stop(self) -> None:
        """End the child process (by its own handle), and wait for it."""
        if self._process.poll() is None:
            with contextlib.suppress(OSError):
                self._conn.send(("stop", None))
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        self._conn.close()


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
