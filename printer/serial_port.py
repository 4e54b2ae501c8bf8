"""The serial port as the ESC/POS driver sees it: a Protocol that pyserial's Serial satisfies.

Typed here, at our boundary, so the driver can be handed a port that is not a bare
serial.Serial (a test wraps a real one to count its waits on a virtual clock).
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol


class SerialPort(Protocol):
    """What the driver uses of a pyserial port: SerialPort is one; a test may wrap one."""

    timeout: float | None
    write_timeout: float | None

    @property
    def in_waiting(self) -> int:
        """Bytes received and not read yet."""
        ...

    def read(self, size: int = 1) -> bytes:
        """Up to `size` bytes, waiting at most `timeout`."""
        ...

    def write(self, data: bytes, /) -> int | None:
        """Send bytes, waiting at most `write_timeout` (SerialTimeoutException)."""
        ...

    def close(self) -> None:
        """Release the port."""
        ...

    def __enter__(self) -> SerialPort:
        """The open port."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close on leaving a with-block."""
        ...


class PortOpener(Protocol):
    """Opens the device (serial.Serial by default) with the driver's settings."""

    def __call__(
        self,
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
        """An open port."""
        ...
