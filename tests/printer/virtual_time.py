"""Virtual time for the driver tests: a clock that moves only when the driver waits.

The drivers measure their deadlines on an injected clock. Here that clock advances by exactly
what the driver asked to wait: `sleep(s)` (CUPS polling), or a serial read that came back
short, which waited out the port's timeout (ESC/POS). Assertions on it are exact and do not
depend on how busy the machine is.
"""

from __future__ import annotations

from types import TracebackType

import serial

from printer.serial_port import PortOpener, SerialPort


class VirtualClock:
    """A monotonic clock in seconds, starting at 0, moved only by `sleep` / `advance`."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Pass `seconds` at once (a driver's poll delay)."""
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Let time pass."""
        self.now += max(0.0, seconds)


class VirtualTimePort:
    """A real pyserial port whose timed-out reads are also counted on a VirtualClock."""

    def __init__(self, port: serial.Serial, clock: VirtualClock) -> None:
        self._port = port
        self._clock = clock
        self.reads: list[tuple[float, float | None, int]] = []  # (clock, timeout, bytes read)

    @property
    def timeout(self) -> float | None:
        """The real port's read timeout."""
        return self._port.timeout

    @timeout.setter
    def timeout(self, value: float | None) -> None:
        self._port.timeout = value

    @property
    def write_timeout(self) -> float | None:
        """The real port's write timeout."""
        return self._port.write_timeout

    @write_timeout.setter
    def write_timeout(self, value: float | None) -> None:
        self._port.write_timeout = value

    @property
    def in_waiting(self) -> int:
        """Bytes waiting on the real port."""
        return self._port.in_waiting

    def read(self, size: int = 1) -> bytes:
        """Read from the real port; a short read waited its whole timeout."""
        data = self._port.read(size)
        self.reads.append((self._clock.now, self._port.timeout, len(data)))
        if len(data) < size:
            self._clock.advance(self._port.timeout or 0.0)
        return data

    def write(self, data: bytes, /) -> int | None:
        """Write to the real port."""
        return self._port.write(data)

    def close(self) -> None:
        """Close the real port."""
        self._port.close()

    def __enter__(self) -> VirtualTimePort:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def virtual_time_opener(clock: VirtualClock) -> PortOpener:
    """A PortOpener that opens the real device and counts its waits on `clock`."""

    def open_port(
        port: str,
        baudrate: int,
        *,
        timeout: float,
        write_timeout: float,
        rtscts: bool,
        dsrdtr: bool,
        xonxoff: bool,
        exclusive: bool,
    ) -> SerialPort:
        real = serial.Serial(
            port,
            baudrate,
            timeout=timeout,
            write_timeout=write_timeout,
            rtscts=rtscts,
            dsrdtr=dsrdtr,
            xonxoff=xonxoff,
            exclusive=exclusive,
        )
        return VirtualTimePort(real, clock)

    return open_port
