"""A GA 467 SAM reader on a pseudo-terminal, byte-exact, with the faults real readers show.

In-process::

    emu = SamEmulator("resident")      # or "J", "I", "Y", an Identity, or None (no card)
    emu.start()                        # emu.port_path is the slave side, e.g. /dev/pts/5
    ...  open_reader(f"sam://{emu.port_path}")
    emu.insert("Y"); emu.remove(); emu.noise = b"\\x00\\xff"; emu.fragment = 7
    emu.corrupt_next(1); emu.silent = True; emu.vanish_during_read = True; emu.vanish()
    emu.stop()

Standalone: ``python -m card_reader.emulators.sam_emulator --card resident`` prints the port
path, then reads commands from stdin (resident, J, I, Y, none, noise, quit).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import select
import sys
import threading
import time
import tty
from collections.abc import Callable

from card_reader.base import Identity, ProtocolError
from card_reader.emulators.samples import SAMPLES
from card_reader.ga467 import (
    SW3_CARD_FOUND,
    SW3_NO_CONTENT,
    SW3_SUCCESS,
    Command,
    FrameDecoder,
    Request,
    encode_read_data,
    encode_response,
    request_from_body,
)
from card_reader.textblock import encode_newest_address, encode_text_block

log = logging.getLogger(__name__)

PHOTO_LEN = 1024
CardSpec = Identity | str | None


def resolve_card(card: CardSpec) -> Identity | None:
    """An Identity from a sample name ("resident", "J", "I", "Y"), an Identity, or None/"none"."""
    if card is None or card == "none":
        return None
    if isinstance(card, Identity):
        return card
    try:
        return SAMPLES[card]()
    except KeyError:
        raise ValueError(f"unknown card {card!r}; use resident, J, I, Y or none") from None


def fake_photo(identity: Identity) -> bytes:
    """1024 opaque bytes standing in for the WLT photo (deterministic per holder)."""
    seed = identity.id_number.encode()
    out = bytearray(b"WLT\x00")
    while len(out) < PHOTO_LEN:
        out += bytes((b * 31 + len(out)) & 0xFF for b in seed)
    return bytes(out[:PHOTO_LEN])


class SamEmulator:
    """A SAM reader on a pty, speaking GA 467 frames, with switchable cards and faults."""

    def __init__(
        self,
        card: CardSpec = "resident",
        *,
        baud: int | None = 115200,
        newest_address: str | None = None,
    ) -> None:
        self.baud = baud  # pace writes like a UART at this speed; None = as fast as the pty goes
        self.newest_address = newest_address
        self.noise = b""  # sent before every response while set
        self.fragment: int | None = None  # write responses in pieces of this many bytes
        self.fragment_delay = 0.002
        self.silent = False  # never answer
        self.vanish_during_read = False  # close the pty half-way through a 30 01 answer
        self.requests: list[Request] = []
        self._card = resolve_card(card)
        self._selected = False
        self._corrupt = 0
        self._forced: dict[Command, list[int]] = {}
        self._lock = threading.Lock()
        self._master = -1
        self._slave = -1
        self.port_path = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> SamEmulator:
        """Open the pty and start answering on a thread."""
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port_path = os.ttyname(self._slave)
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="sam-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and close the pty. Safe to call twice."""
        self._stop.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(2)
        self._close_fds()

    def __enter__(self) -> SamEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def vanish(self) -> None:
        """The reader disappears (USB cable pulled): the pty is closed under the driver."""
        self._stop.set()
        self._close_fds()

    # -- the card on the reader -------------------------------------------------------------
    def insert(self, card: CardSpec = "resident") -> None:
        """Put a card on the reader (sample name or Identity)."""
        with self._lock:
            self._card = resolve_card(card)
            self._selected = False

    def remove(self) -> None:
        """Take the card away."""
        self.insert(None)

    @property
    def card(self) -> Identity | None:
        """The card on the reader now."""
        return self._card

    def corrupt_next(self, count: int = 1) -> None:
        """Flip the checksum of the next `count` responses."""
        with self._lock:
            self._corrupt = count

    def force_status(self, command: Command, sw3: int, times: int = 1_000_000) -> None:
        """Answer `command` with status `sw3` (no data) the next `times` times."""
        with self._lock:
            self._forced[command] = [sw3, times]

    def clear_faults(self) -> None:
        """Back to a well-behaved reader."""
        with self._lock:
            self._forced.clear()
            self._corrupt = 0
        self.noise = b""
        self.fragment = None
        self.silent = False
        self.vanish_during_read = False

    # -- protocol --------------------------------------------------------------------------
    def _serve(self) -> None:
        decoder = FrameDecoder(min_body=2)
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready:
                    continue
                chunk = os.read(self._master, 4096)
            except (OSError, ValueError):
                return
            if not chunk:
                continue
            decoder.feed(chunk)
            while True:
                try:
                    body = decoder.next_body()
                except ProtocolError:
                    self._send(encode_response(0x10))
                    continue
                if body is None:
                    break
                self._answer(request_from_body(body))

    def _answer(self, request: Request) -> None:
        self.requests.append(request)
        if self.silent:
            return
        command = request.command
        with self._lock:
            forced = self._forced.get(command) if command else None
            if command and forced:
                forced[1] -= 1
                if forced[1] <= 0:
                    del self._forced[command]
            card = self._card
        if forced:
            self._send(encode_response(forced[0]))
            return
        if command is None:
            self._send(encode_response(0x21))
            return
        if command in (Command.RESET_SAM, Command.SAM_STATUS):
            self._send(encode_response(SW3_SUCCESS))
        elif command is Command.SAM_ID:
            self._send(encode_response(SW3_SUCCESS, bytes(range(16))))
        elif command is Command.FIND_CARD:
            if card is None:
                self._send(encode_response(0x80))
            else:
                self._send(encode_response(SW3_CARD_FOUND, b"\x00\x00\x00\x00"))
        elif command is Command.SELECT_CARD:
            if card is None:
                self._send(encode_response(0x81))
            else:
                self._selected = True
                self._send(encode_response(SW3_SUCCESS, bytes(8)))
        elif command is Command.READ_TEXT_PHOTO:
            if card is None or not self._selected:
                self._send(encode_response(0x41))
                return
            data = encode_read_data(encode_text_block(card), fake_photo(card))
            frame = encode_response(SW3_SUCCESS, data)
            if self.vanish_during_read:
                self._send(frame[: len(frame) // 3])
                self.vanish()
                return
            self._send(frame)
        elif command is Command.READ_NEWEST_ADDRESS:
            if card is None:
                self._send(encode_response(0x41))
            elif self.newest_address:
                self._send(encode_response(SW3_SUCCESS, encode_newest_address(self.newest_address)))
            else:
                self._send(encode_response(SW3_NO_CONTENT))
        else:
            self._send(encode_response(0x21))

    def _send(self, frame: bytes) -> None:
        with self._lock:
            if self._corrupt:
                self._corrupt -= 1
                frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
        data = self.noise + frame
        piece = self.fragment or 64
        start = time.monotonic()
        sent = 0
        for i in range(0, len(data), piece):
            part = data[i : i + piece]
            try:
                while part:
                    n = os.write(self._master, part)
                    part = part[n:]
            except (OSError, ValueError):
                return
            sent += min(piece, len(data) - i)
            if self.baud:
                delay = start + sent * 10 / self.baud - time.monotonic()
            else:
                delay = self.fragment_delay if self.fragment else 0
            if delay > 0:
                time.sleep(delay)

    def _close_fds(self) -> None:
        for name in ("_master", "_slave"):
            fd = getattr(self, name)
            if fd >= 0:
                setattr(self, name, -1)
                with contextlib.suppress(OSError):
                    os.close(fd)


def main(argv: list[str] | None = None, stdin: Callable[[], str] | None = None) -> int:
    """Run an emulator until `quit` or end of input; print its port path first."""
    parser = argparse.ArgumentParser(prog="python -m card_reader.emulators.sam_emulator")
    parser.add_argument("--card", default="resident", help="resident, J, I, Y or none")
    parser.add_argument("--baud", type=int, default=115200, help="pacing; 0 = unpaced")
    parser.add_argument("--fragment", type=int, help="write answers in pieces of N bytes")
    parser.add_argument("--newest-address", help="answer 30 03 with this address")
    args = parser.parse_args(argv)
    emu = SamEmulator(args.card, baud=args.baud or None, newest_address=args.newest_address)
    emu.fragment = args.fragment
    emu.start()
    print(emu.port_path, flush=True)
    print("commands: resident J I Y none noise clean quit", file=sys.stderr, flush=True)
    readline = stdin or sys.stdin.readline
    try:
        while True:
            line = readline()
            if not line:
                break
            word = line.strip()
            if word == "quit":
                break
            if word == "noise":
                emu.noise = b"\x00\xff\xaa\x55\x13"
            elif word == "clean":
                emu.clear_faults()
            elif word:
                try:
                    emu.insert(word)
                except ValueError as exc:
                    print(exc, file=sys.stderr, flush=True)
                    continue
            print(f"card: {word}", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
