"""ESC/POS thermal slip printers on a serial port: `escpos:///dev/ttyUSB0?baud=19200&dots=576`.

The transport only moves bytes (pyserial, behind the `printer.serial_port` Protocol); the slip
is encoded by `printer.raster` and status bytes decoded by `printer.escpos_status` (both pure). Status comes from the real-time `DLE EOT n` queries before, during (after every
raster band) and after each job; a printer that does not answer within the deadline is OFFLINE.
At the end of a job `GS r 1` is sent: it is answered in order, once everything before it has been
printed, so a roll that runs out while the printer works through its buffer is still noticed.

URI parameters: `baud` (default 19200), `dots` (576 = 80 mm, 384 = 58 mm), `timeout` (seconds
for a status answer, default 1), `flow` (none | rtscts | dsrdtr | xonxoff), `margins` (on | off:
indent bands with `GS L` instead of sending their blank left part; off for printers that
ignore GS L).

python-escpos is not used on the wire: its `image()` sends every blank row, its status helpers
read one byte without a deadline and compare whole bytes against masks, and we need a check
between bands. Its constants and its raster layout are what `printer.raster` reproduces (the
test suite compares the two byte for byte).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import parse_qs, urlparse

import serial

from printer.base import (
    JobListener,
    JobState,
    PrinterError,
    PrinterNotReadyError,
    PrinterState,
    PrinterStatus,
    PrintFailedError,
    PrintJob,
    fail,
    notify,
)
from printer.escpos_status import DLE_EOT, FIXED_BITS, FIXED_MASK, RealTimeStatus, decode_status
from printer.raster import DOTS_80MM, Command, RasterError, paper_length, slip_commands
from printer.serial_port import PortOpener, SerialPort

__all__ = ["EscposPrinter", "PortOpener", "RealTimeStatus", "SerialPort", "decode_status"]

log = logging.getLogger(__name__)

GS_R_PAPER = b"\x1dr\x01"  # GS r 1: paper sensor status, processed in order
BAUD_RATES = (2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)
FLOW_CONTROLS = ("none", "rtscts", "dsrdtr", "xonxoff")
SLOWEST_MM_S = 50.0  # print speed assumed when waiting for the end of a job (real ones: 70-250)
DOTS_PER_MM = 8  # 203 dpi


class EscposPrinter:
    """A serial ESC/POS printer: status by DLE EOT, slips as GS v 0 raster bands.

    Every wait (an answer to DLE EOT, the end of a job) is measured on `clock` (default
    time.monotonic) and made by `port.read` with a timeout; `open_port` opens the device.
    Tests inject both to count the waits on a virtual clock.
    """

    def __init__(
        self,
        port: str,
        *,
        baud: int = 19200,
        dots: int = DOTS_80MM,
        timeout: float = 1.0,
        flow: str = "none",
        margins: bool = True,
        uri: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        open_port: PortOpener = serial.Serial,
    ) -> None:
        if baud not in BAUD_RATES:
            raise PrinterError(f"baud {baud} not supported ({', '.join(map(str, BAUD_RATES))})")
        if dots < 8 or dots % 8 or dots > 2048:
            raise PrinterError(f"dots {dots} must be a multiple of 8 (576 = 80 mm, 384 = 58 mm)")
        if not 0 < timeout <= 60:
            raise PrinterError("timeout must be between 0 and 60 seconds")
        if flow not in FLOW_CONTROLS:
            raise PrinterError(f"flow must be one of {', '.join(FLOW_CONTROLS)}")
        self.port = port
        self.baud = baud
        self.dots = dots
        self.timeout = timeout
        self.flow = flow
        self.margins = margins  # indent bands with GS L (off for printers that ignore it)
        self.uri = uri or f"escpos://{port}?baud={baud}&dots={dots}"
        self._lock = threading.Lock()  # one conversation with the device at a time
        self._synced = False  # GS r answered: the printer has worked through the job
        self._last_status: PrinterStatus | None = None
        self._clock = clock
        self._open_port = open_port

    @classmethod
    def from_uri(cls, uri: str) -> EscposPrinter:
        """Build from `escpos:///dev/ttyUSB0?baud=19200&dots=576&timeout=1&flow=none`."""
        parts = urlparse(uri)
        if parts.scheme != "escpos" or not parts.path or parts.netloc:
            raise PrinterError(f"{uri!r}: expected escpos:///dev/PORT?baud=...&dots=...")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"baud", "dots", "timeout", "flow", "margins"}
        if unknown:
            raise PrinterError(f"{uri!r}: unknown parameter(s) {', '.join(sorted(unknown))}")
        try:
            return cls(
                parts.path,
                baud=int(query.get("baud", 19200)),
                dots=int(query.get("dots", DOTS_80MM)),
                timeout=float(query.get("timeout", 1.0)),
                flow=query.get("flow", "none"),
                margins=_switch(query.get("margins", "on")),
                uri=uri,
            )
        except ValueError as exc:
            raise PrinterError(f"{uri!r}: {exc}") from None

    # -- public ---------------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1, 2, 4 (and 3 on an error) now; never raises: no answer is OFFLINE.

        While a job holds the port, the status last seen by that job is returned (after waiting
        at most `timeout`), so a status poll never waits for a whole slip to print.
        """
        if not self._lock.acquire(timeout=self.timeout):
            last = self._last_status or PrinterStatus(PrinterState.READY)
            return replace(last, staff_message=f"printing a job; last seen: {last.staff_message}")
        try:
            with self._open() as port:
                return self._status(port)
        except (OSError, serial.SerialException) as exc:
            return self._unreachable(exc)
        finally:
            self._lock.release()

    def print(
        self,
        document: bytes,
        copies: int = 1,
        title: str = "kiosk",
        on_progress: JobListener | None = None,
    ) -> PrintJob:
        """Rasterise the slip PDF and send it `copies` times, checking the printer between bands."""
        job = PrintJob(self.uri, title, copies)
        notify(job, JobState.QUEUED, on_progress)
        if copies < 1:
            raise fail(
                job,
                PrintFailedError,
                "copies must be at least 1",
                _error("bad request"),
                on_progress,
            )
        try:
            commands = slip_commands(document, self.dots, margins=self.margins)
        except RasterError as exc:
            raise fail(
                job,
                PrintFailedError,
                f"document cannot be printed: {exc}",
                _error(str(exc)),
                on_progress,
            ) from None
        with self._lock:
            try:
                port = self._open()
            except (OSError, serial.SerialException) as exc:
                status = self._unreachable(exc)
                raise fail(
                    job, PrinterNotReadyError, status.staff_message, status, on_progress
                ) from None
            with port:
                return self._print(port, job, commands, copies, on_progress)

    # -- the job --------------------------------------------------------------------------------

    def _print(
        self,
        port: SerialPort,
        job: PrintJob,
        commands: list[Command],
        copies: int,
        on_progress: JobListener | None,
    ) -> PrintJob:
        before = self._status(port)
        if not before.can_print:
            raise fail(
                job, PrinterNotReadyError, f"not ready: {before.staff_message}", before, on_progress
            )
        try:
            pending = self._send(port, job, commands, copies, on_progress)
            printing = copies * paper_length(commands) / DOTS_PER_MM / SLOWEST_MM_S
            finished = self._finish(port, pending, printing)
        except serial.SerialTimeoutException:
            status = self._status(port)
            if status.can_print:
                status = _error("the printer stopped taking data / 打印机不再接收数据")
            raise fail(
                job,
                PrintFailedError,
                f"write timed out: {status.staff_message}",
                status,
                on_progress,
            ) from None
        except (OSError, serial.SerialException) as exc:
            status = self._unreachable(exc)
            raise fail(
                job, PrintFailedError, f"lost the port: {exc}", status, on_progress
            ) from None
        if not finished.can_print:
            raise fail(
                job,
                PrintFailedError,
                f"stopped before the end: {finished.staff_message}",
                finished,
                on_progress,
            )
        job.status = finished
        if finished.state is PrinterState.PAPER_LOW:
            log.warning("printer %s: paper roll near end", self.uri)
        notify(job, JobState.DONE, on_progress)
        return job

    def _send(
        self,
        port: SerialPort,
        job: PrintJob,
        commands: list[Command],
        copies: int,
        on_progress: JobListener | None,
    ) -> int:
        """Write every copy, checking the printer after each band; the bytes not yet answered."""
        pending = 0  # bytes written since the printer last answered
        for copy in range(copies):
            for index, command in enumerate(commands):
                self._write(port, command.data)
                pending += len(command.data)
                if copy == 0 and index == 0:
                    notify(job, JobState.SENT, on_progress)
                if not command.rows:
                    continue
                problem = self._check(port, pending)
                pending = 0
                if problem is not None:
                    raise fail(
                        job,
                        PrintFailedError,
                        f"stopped during printing (copy {copy + 1}): {problem.staff_message}",
                        problem,
                        on_progress,
                    )
        return pending

    def _check(self, port: SerialPort, pending: int) -> PrinterStatus | None:
        """After a band: DLE EOT 1 only; on offline or silence, the full status (the problem)."""
        deadline = self._clock() + self.timeout + self._wire_seconds(pending)
        answer = self._query(port, 1, deadline)
        if answer is not None and answer & FIXED_MASK == FIXED_BITS and not answer & 0x08:
            return None
        status = (
            self._status(port)
            if answer is not None
            else decode_status(RealTimeStatus(None), self.timeout)
        )
        return None if status.can_print else status

    def _finish(self, port: SerialPort, pending: int, printing: float) -> PrinterStatus:
        """Wait for GS r 1 (answered once all data is printed), then read the full status.

        A printer without GS r never answers: then the wait lasts as long as the slip could take
        to print at the slowest speed, and the final real-time status decides.
        """
        self._synced = False
        self._write(port, GS_R_PAPER)
        deadline = self._clock() + self.timeout + self._wire_seconds(pending) + printing
        while not self._synced and self._clock() < deadline:
            port.timeout = min(0.2, max(0.0, deadline - self._clock()))
            answer = port.read(1)
            if answer and answer[0] & 0x90 == 0:
                self._synced = True
                break
            # No answer yet: a printer that stopped (paper out) never gets to GS r; ask in real time.
            printer = self._query(port, 1, self._clock() + self.timeout)
            if printer is None or printer & 0x08:
                return self._status(port)
        status = self._status(port)
        if not self._synced and status.can_print:
            log.warning(
                "printer %s did not confirm the end of the job (no GS r support?)", self.uri
            )
        return status

    # -- the wire -------------------------------------------------------------------------------

    def _open(self) -> SerialPort:
        return self._open_port(
            self.port,
            self.baud,
            timeout=self.timeout,
            write_timeout=self.timeout,
            rtscts=self.flow == "rtscts",
            dsrdtr=self.flow == "dsrdtr",
            xonxoff=self.flow == "xonxoff",
            exclusive=True,
        )

    def _write(self, port: SerialPort, data: bytes) -> None:
        port.write_timeout = self.timeout + 1.5 * self._wire_seconds(len(data))
        port.write(data)

    def _wire_seconds(self, n_bytes: int) -> float:
        return n_bytes * 10 / self.baud  # 8N1: ten bits a byte

    def _query(self, port: SerialPort, n: int, deadline: float) -> int | None:
        """Send DLE EOT n and read its answer before the deadline; None if the printer is silent.

        Bytes left over from earlier, late answers are skipped; a GS r answer (bit 4 off, where
        every DLE EOT answer has it on) is noted as the end-of-job confirmation.
        """
        try:
            self._note_sync(port.read(port.in_waiting))
            self._write(port, DLE_EOT + bytes((n,)))
            while True:
                port.timeout = max(0.0, deadline - self._clock())
                answer = port.read(1)
                if not answer:
                    return None
                if answer[0] & 0x90 == 0x10:
                    return answer[0]
                self._note_sync(answer)
        except serial.SerialTimeoutException:
            return None

    def _note_sync(self, data: bytes) -> None:
        if any(b & 0x90 == 0 for b in data):
            self._synced = True

    def _status(self, port: SerialPort) -> PrinterStatus:
        """DLE EOT 1, 2, 4 (and 3 when an error is flagged), all within one deadline."""
        self._last_status = self._ask_status(port)
        return self._last_status

    def _ask_status(self, port: SerialPort) -> PrinterStatus:
        deadline = self._clock() + self.timeout
        printer = self._query(port, 1, deadline)
        if printer is None:
            return decode_status(RealTimeStatus(None), self.timeout)
        offline_cause = self._query(port, 2, deadline)
        paper = self._query(port, 4, deadline)
        error = (
            self._query(port, 3, deadline)
            if offline_cause is not None and offline_cause & 0x40
            else None
        )
        if offline_cause is None or paper is None:
            return decode_status(RealTimeStatus(None), self.timeout)
        return decode_status(RealTimeStatus(printer, offline_cause, error, paper), self.timeout)

    def _unreachable(self, exc: Exception) -> PrinterStatus:
        return PrinterStatus(
            PrinterState.OFFLINE,
            f"cannot open {self.port}: {exc} / 串口无法打开",
            ("offline-report",),
        )


def _switch(text: str) -> bool:
    if text.lower() in ("on", "1", "true", "yes"):
        return True
    if text.lower() in ("off", "0", "false", "no"):
        return False
    raise ValueError(f"expected on or off, got {text!r}")


def _error(detail: str) -> PrinterStatus:
    return PrinterStatus(PrinterState.ERROR, detail, ("other-error",))
