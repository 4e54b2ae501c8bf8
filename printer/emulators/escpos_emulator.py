"""An ESC/POS thermal printer on a pseudo-terminal, for tests and the demo.

It speaks the device side of the protocol byte for byte: real-time status `DLE EOT n`
(n = 1..4, bit layouts as in the Epson ESC/POS reference), `GS r 1` answered in order (after the
data before it has been "printed"), and it prints `ESC @`, `GS v 0` raster bands at the `GS L`
left margin, `ESC J` / `ESC d` feeds, `LF` and `GS V` cuts onto an in-memory roll that can be
read back as an image.

Its state is switchable while it runs: ready, paper near end, paper out, cover open, cutter
error, silent (never answers), and "paper runs out after N bytes". While paper is out, the cover
is open or the cutter has failed, the printer is offline: it still answers real-time status but
drops everything else (a real printer would hold it in its buffer; either way nothing prints).

Run `python -m printer.emulators.escpos_emulator` to get a pty path to point a driver at.
"""

from __future__ import annotations

import argparse
import logging
import os
import select
import threading
import time
import tty
from collections import deque
from pathlib import Path

from PIL import Image

from printer.emulators.escpos_commands import ESC_FIXED, GS_FIXED

log = logging.getLogger(__name__)

DLE, EOT, ENQ, DC4, ESC, GS, LF = 0x10, 0x04, 0x05, 0x14, 0x1B, 0x1D, 0x0A

STATES = ("ready", "near_end", "paper_out", "cover_open", "cutter_error", "silent")

_INVERT = bytes(255 - i for i in range(256))


class EscposEmulator:
    """A thermal printer of `dots` width behind a pty; start(), point a driver at port_path, stop()."""

    def __init__(
        self, dots: int = 576, *, line_rows: int = 30, out_dir: Path | None = None
    ) -> None:
        if dots % 8:
            raise ValueError("dots must be a multiple of 8")
        self.dots = dots
        self.line_rows = line_rows  # rows an LF feeds (default line spacing, about 3.75 mm)
        self.out_dir = out_dir  # if set, every cut slip is also saved there as a PNG
        self.paper = "ok"  # ok | near_end | out
        self.cover_open = False
        self.cutter_error = False
        self.silent = False
        self.answers_gs_r = True  # False: a model without GS r (transmit status)
        self.paper_out_after: int | None = None  # bytes received after which the roll ends
        self.bytes_received = 0
        self.bytes_dropped = 0  # data that arrived while offline and never printed
        self.commands: deque[str] = deque(maxlen=100_000)  # names of the commands seen, in order
        self._lock = threading.Lock()
        self._buffer = bytearray()
        self._rows: list[bytes] = []
        self._margin = 0  # GS L left margin in dots
        self._slips: deque[Image.Image] = deque(maxlen=1000)
        self._master = self._slave = -1
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.port_path = ""

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> EscposEmulator:
        """Open the pty and start answering; returns self."""
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line discipline: bytes pass unchanged
        self.port_path = os.ttyname(self._slave)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="escpos-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and close the pty."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1

    def __enter__(self) -> EscposEmulator:
        """Start on entering a with-block."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving a with-block."""
        self.stop()

    # -- state --------------------------------------------------------------------------------

    def set_state(self, state: str) -> None:
        """Switch to one of STATES; "ready" clears every fault (the paper counter included)."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r} (one of {', '.join(STATES)})")
        with self._lock:
            self.paper = {"near_end": "near_end", "paper_out": "out"}.get(state, "ok")
            self.cover_open = state == "cover_open"
            self.cutter_error = state == "cutter_error"
            self.silent = state == "silent"
            self.paper_out_after = None

    def run_out_after(self, n_bytes: int) -> None:
        """Let the roll end once `n_bytes` more bytes have been received."""
        with self._lock:
            self.paper_out_after = self.bytes_received + n_bytes

    @property
    def offline(self) -> bool:
        """Paper out, cover open or a cutter error stop the printer."""
        return self.paper == "out" or self.cover_open or self.cutter_error

    def status_byte(self, n: int) -> int:
        """The DLE EOT n answer for the current state (Epson layout: bit 1 and bit 4 always on)."""
        if n == 1:  # printer status: bit 3 offline
            return 0x12 | (0x08 if self.offline else 0)
        if n == 2:  # offline cause: bit 2 cover open, bit 5 paper-end stop, bit 6 error
            return (
                0x12
                | (0x04 if self.cover_open else 0)
                | (0x20 if self.paper == "out" else 0)
                | (0x40 if self.cutter_error else 0)
            )
        if n == 3:  # error cause: bit 3 autocutter error
            return 0x12 | (0x08 if self.cutter_error else 0)
        if n == 4:  # roll sensor: bits 2-3 near end, bits 5-6 paper end
            near = self.paper in ("near_end", "out")
            return 0x12 | (0x0C if near else 0) | (0x60 if self.paper == "out" else 0)
        raise ValueError(f"DLE EOT {n}: n must be 1..4")

    # -- output -------------------------------------------------------------------------------

    def slips(self) -> list[Image.Image]:
        """Every slip cut so far, oldest first (mode "1", black ink on white)."""
        with self._lock:
            return list(self._slips)

    def last_image(self) -> Image.Image | None:
        """The last slip cut, or what is on the roll since then if nothing was cut; None if blank."""
        with self._lock:
            if self._rows:
                return self._image(self._rows)
            return self._slips[-1] if self._slips else None

    def save_png(self, path: Path | str) -> Path:
        """Save last_image() as a PNG and return the path."""
        image = self.last_image()
        if image is None:
            raise ValueError("nothing printed yet")
        image.save(path)
        return Path(path)

    def reset(self) -> None:
        """Forget the roll, the slips and the counters (the state stays)."""
        with self._lock:
            self._rows.clear()
            self._slips.clear()
            self.commands.clear()
            self.bytes_received = self.bytes_dropped = 0

    # -- the device loop ----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(self._master, 65536)
            except OSError:
                time.sleep(0.01)
                continue
            with self._lock:
                self._receive(data)

    def _receive(self, data: bytes) -> None:
        if self.paper_out_after is not None:
            left = self.paper_out_after - self.bytes_received
            if left < len(data):
                head, data = data[: max(left, 0)], data[max(left, 0) :]
                self._feed(head)
                self.paper, self.paper_out_after = "out", None
                log.info("emulator: the paper ran out after %d bytes", self.bytes_received)
        self._feed(data)

    def _feed(self, data: bytes) -> None:
        self.bytes_received += len(data)
        self._buffer += data
        while self._buffer:
            used = self._parse(self._buffer)
            if used == 0:
                return
            del self._buffer[:used]

    def _answer(self, byte: int) -> None:
        if self.silent:
            return
        os.write(self._master, bytes((byte,)))

    def _parse(self, buf: bytearray) -> int:
        """Execute the command at the start of buf; return its length, or 0 if incomplete."""
        first = buf[0]
        if first == DLE:  # real-time commands are answered even while offline
            if len(buf) < 3:
                return 0
            if buf[1] == EOT and 1 <= buf[2] <= 4:
                self.commands.append(f"DLE EOT {buf[2]}")
                self._answer(self.status_byte(buf[2]))
                return 3
            if buf[1] == ENQ:
                self.commands.append(f"DLE ENQ {buf[2]}")
                return 3
            if buf[1] == DC4:
                if len(buf) < 5:
                    return 0
                self.commands.append("DLE DC4")
                return 5
            self.commands.append("DLE ?")
            return 1
        if first == ESC:
            return self._parse_esc(buf)
        if first == GS:
            return self._parse_gs(buf)
        if not self.offline:
            if first == LF:
                self.commands.append("LF")
                self._rows.extend([bytes(self.dots // 8)] * self.line_rows)
        else:
            self.bytes_dropped += 1
        return 1  # text and other single bytes: the kiosk never prints text

    def _parse_esc(self, buf: bytearray) -> int:
        if len(buf) < 2:
            return 0
        code = buf[1]
        if code == ord("*"):  # column bit image: consumed, not decoded
            if len(buf) < 5:
                return 0
            columns = buf[3] | buf[4] << 8
            size = 5 + columns * (3 if buf[2] in (32, 33) else 1)
            if len(buf) < size:
                return 0
            self._run_command("ESC *", size)
            return size
        size = ESC_FIXED.get(code, 2)
        if len(buf) < size:
            return 0
        name = f"ESC {chr(code)}"
        if self._run_command(name, size):
            if code == ord("@"):
                self._margin = 0
            elif code == ord("J"):
                self._rows.extend([bytes(self.dots // 8)] * buf[2])
            elif code == ord("d"):
                self._rows.extend([bytes(self.dots // 8)] * (buf[2] * self.line_rows))
        return size

    def _parse_gs(self, buf: bytearray) -> int:
        if len(buf) < 2:
            return 0
        code = buf[1]
        if code == ord("v"):
            if len(buf) < 8:
                return 0
            width, height = buf[4] | buf[5] << 8, buf[6] | buf[7] << 8
            size = 8 + width * height
            if len(buf) < size:
                return 0
            if self._run_command("GS v 0", size):
                self._raster(buf[3], width, height, bytes(buf[8:size]))
            return size
        if code == ord("V"):
            if len(buf) < 3:
                return 0
            size = 4 if buf[2] in (65, 66, 97, 98, 103, 104) else 3
            if len(buf) < size:
                return 0
            if self._run_command("GS V", size):
                self._cut()
            return size
        if code == ord("("):
            if len(buf) < 5:
                return 0
            size = 5 + (buf[3] | buf[4] << 8)
            if len(buf) < size:
                return 0
            self._run_command(f"GS ( {chr(buf[2])}", size)
            return size
        size = GS_FIXED.get(code, 2)
        if len(buf) < size:
            return 0
        if not self._run_command(f"GS {chr(code)}", size):
            return size
        if code == ord("L"):
            self._margin = buf[2] | buf[3] << 8
        elif code == ord("r") and buf[2] in (1, 49) and self.answers_gs_r:
            # GS r 1 is processed in order: its answer means everything before it has printed.
            self._answer(0x03 if self.paper == "near_end" else 0)
        return size

    def _run_command(self, name: str, size: int) -> bool:
        """Log a command; False (and the bytes dropped) if the printer is offline."""
        if self.offline:
            self.bytes_dropped += size
            self.commands.append(f"{name} (dropped)")
            return False
        self.commands.append(name)
        return True

    def _raster(self, mode: int, width: int, height: int, data: bytes) -> None:
        row_bytes = self.dots // 8
        rows = [data[i * width : (i + 1) * width] for i in range(height)]
        mode &= 0x03  # 48..51 are the ASCII forms of 0..3
        if mode:
            band = Image.frombytes("1", (width * 8, height), data)
            band = band.resize(
                (band.width * (2 if mode & 1 else 1), band.height * (2 if mode & 2 else 1)),
                Image.Resampling.NEAREST,
            )
            width = band.width // 8
            packed = band.tobytes()
            rows = [packed[i * width : (i + 1) * width] for i in range(band.height)]
        for row in rows:
            self._rows.append(self._place(row, row_bytes))

    def _place(self, row: bytes, row_bytes: int) -> bytes:
        """A raster row placed at the left margin on the paper; what falls off the right is lost."""
        if self._margin % 8 == 0:
            shifted = bytes(self._margin // 8) + row
            return shifted[:row_bytes].ljust(row_bytes, b"\x00")
        bits = len(row) * 8
        value = int.from_bytes(row, "big")
        offset = self.dots - self._margin - bits
        value = value << offset if offset >= 0 else value >> -offset
        return (value & ((1 << self.dots) - 1)).to_bytes(row_bytes, "big")

    def _cut(self) -> None:
        image = self._image(self._rows)
        self._rows = []
        if image is None:
            return
        self._slips.append(image)
        if self.out_dir is not None:
            path = Path(self.out_dir) / f"slip-{len(self._slips):04d}.png"
            image.save(path)
            log.info("emulator: slip saved to %s", path)

    def _image(self, rows: list[bytes]) -> Image.Image | None:
        if not rows:
            return None
        return Image.frombytes("1", (self.dots, len(rows)), b"".join(rows).translate(_INVERT))


def main(argv: list[str] | None = None) -> int:
    """Run an emulator until interrupted, printing its pty path (and saving slips with --out)."""
    parser = argparse.ArgumentParser(description="ESC/POS thermal printer emulator on a pty")
    parser.add_argument("--dots", type=int, default=576, help="dot width: 576 = 80 mm, 384 = 58 mm")
    parser.add_argument("--state", choices=STATES, default="ready")
    parser.add_argument("--out", type=Path, help="directory to save every cut slip as PNG")
    parser.add_argument("--link", type=Path, help="also make this symlink to the pty")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    emulator = EscposEmulator(args.dots, out_dir=args.out).start()
    emulator.set_state(args.state)
    if args.link:
        args.link.unlink(missing_ok=True)
        args.link.symlink_to(emulator.port_path)
    print(emulator.port_path, flush=True)
    print(f"escpos://{emulator.port_path}?dots={args.dots}", flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
        if args.link:
            args.link.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
