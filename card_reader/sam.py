"""Resident ID cards (and J / I / Y permits) through a GA 467 SAM reader on a serial port.

URI: ``sam:///dev/ttyUSB0?baud=115200`` with optional ``deadline`` (seconds for one answer,
default 1.0), ``read_deadline`` (for the 1.3 kB read, default 3.0), ``poll`` (seconds between
find-card attempts, default 0.1) and ``newest_address=1`` (also read 30 03). The codec is in
`ga467.py`; this module only moves bytes and keeps the reader state.
"""

from __future__ import annotations

import logging
import termios
import threading
import time
from collections.abc import Callable
from typing import Protocol, cast
from urllib.parse import unquote

import serial

from card_reader.base import (
    CardReaderError,
    Identity,
    NoCardError,
    NoReaderError,
    ProtocolError,
    ReaderConfigError,
    ReaderState,
    ReaderTimeoutError,
)
from card_reader.ga467 import (
    SW3_CARD_FOUND,
    SW3_NO_CONTENT,
    SW3_SUCCESS,
    Command,
    FrameDecoder,
    Response,
    encode_request,
    raise_for_status,
    response_from_body,
    split_read_data,
    sw3_error,
)
from card_reader.state import ReaderStateKeeper
from card_reader.textblock import parse_newest_address, parse_text_block
from card_reader.uri import query_float, split_reader_uri
from civic.crashpoints import crashpoint

log = logging.getLogger(__name__)

BAUD_RATES = (115200, 57600, 38400, 19200, 9600)
SW3_NO_CARD = 0x80
SW3_SELECT_FAILED = 0x81
_READ_SLICE = 0.05  # longest single blocking read, so deadlines are kept to ~50 ms


class SerialPort(Protocol):
    """The part of a pyserial port the driver uses."""

    def read(self, size: int = 1, /) -> bytes:
        """Up to `size` bytes, waiting at most the port's timeout."""

    def write(self, data: bytes, /) -> int | None:
        """Send bytes."""

    def reset_input_buffer(self) -> None:
        """Drop bytes received and not read yet."""

    def close(self) -> None:
        """Release the port."""


class PortFactory(Protocol):
    """Opens a serial port (pyserial's serial_for_url by default; tests may wrap it)."""

    def __call__(
        self, port: str, *, baudrate: int, timeout: float, write_timeout: float
    ) -> SerialPort:
        """The open port; SerialException / OSError / ValueError when it cannot be opened."""


def serial_port(port: str, *, baudrate: int, timeout: float, write_timeout: float) -> SerialPort:
    """pyserial's port for a device path or pyserial URL (``loop://``)."""
    opened = serial.serial_for_url(
        port, baudrate=baudrate, timeout=timeout, write_timeout=write_timeout
    )
    # the stubs declare SerialBase, which lacks reset_input_buffer; every concrete port has it
    return cast(SerialPort, opened)


class SamReader(ReaderStateKeeper):
    """A GA 467 SAM reader: find card -> select card -> read text (+ newest address).

    `clock` and `sleep` time the polling and the answer deadlines (tests inject their own).
    """

    def __init__(
        self,
        uri: str,
        *,
        port_factory: PortFactory = serial_port,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        parts, query = split_reader_uri(uri, "sam")
        self.uri = uri
        self.port = unquote(parts.netloc + parts.path)
        if not self.port:
            raise ReaderConfigError("sam URI needs a port, e.g. sam:///dev/ttyUSB0")
        try:
            self.baud = int(query.get("baud", ["115200"])[0])
        except ValueError:
            raise ReaderConfigError("sam URI: baud must be a number") from None
        if self.baud not in BAUD_RATES:
            raise ReaderConfigError(f"sam URI: baud must be one of {BAUD_RATES}")
        self.deadline = query_float(query, "deadline", 1.0, "sam")
        self.read_deadline = query_float(query, "read_deadline", 3.0, "sam")
        self.poll = query_float(query, "poll", 0.1, "sam")
        self.read_newest_address = query.get("newest_address", ["0"])[0] in ("1", "true", "yes")
        self.retries = 1  # a corrupted answer is asked for once more
        self._port_factory = port_factory
        self._clock = clock
        self._sleep = sleep
        self._serial: SerialPort | None = None
        self._decoder = FrameDecoder(min_body=3)
        self._lock = threading.RLock()

    # -- Reader protocol ---------------------------------------------------------------
    def open(self) -> None:
        """Open the port and check that a SAM answers (NoReaderError / ReaderTimeoutError)."""
        with self._lock:
            if self._serial is not None:
                return
            try:
                self._serial = self._port_factory(
                    self.port, baudrate=self.baud, timeout=_READ_SLICE, write_timeout=1.0
                )
            except (serial.SerialException, OSError, ValueError) as exc:
                self._set_state(ReaderState.NO_READER)
                raise NoReaderError(f"{self.port}: {exc}") from None
            try:
                raise_for_status(
                    self._transact(Command.SAM_STATUS), SW3_SUCCESS, Command.SAM_STATUS
                )
            except Exception:  # whatever went wrong, do not keep a half-opened port
                self.close()
                raise
            self._set_state(ReaderState.READY)

    def close(self) -> None:
        """Close the port. Safe to call twice."""
        with self._lock:
            port, self._serial = self._serial, None
            if port is not None:
                try:
                    port.close()
                except (serial.SerialException, OSError) as exc:
                    log.debug("closing %s: %s", self.port, exc)
            self._forget_state()

    def wait_for_card(self, timeout: float) -> Identity:
        """Find, select and read a card; NoCardError if none is found within `timeout`."""
        with self._lock:
            end = self._clock() + timeout
            while not self._find_card():
                remaining = end - self._clock()
                if remaining <= 0:
                    self._set_state(ReaderState.READY)
                    raise NoCardError(f"no card within {timeout:g} s")
                self._sleep(min(self.poll, remaining))
            self._set_state(ReaderState.CARD_PRESENT)
            try:
                identity = self._read_card()
            except (NoReaderError, NoCardError):
                raise
            except CardReaderError:
                self._set_state(ReaderState.ERROR)
                raise
            self._set_state(ReaderState.CARD_PRESENT)
            return identity

    def card_present(self) -> bool:
        """Ask the reader whether a card is in the field (find card)."""
        with self._lock:
            present = self._find_card()
            self._set_state(ReaderState.CARD_PRESENT if present else ReaderState.READY)
            return present

    def wait_for_removal(self, timeout: float) -> bool:
        """True once the card has left the field, False if it is still there after `timeout`."""
        end = self._clock() + timeout
        while self.card_present():
            remaining = end - self._clock()
            if remaining <= 0:
                return False
            self._sleep(min(self.poll, remaining))
        return True

    # -- steps -------------------------------------------------------------------------
    def _find_card(self) -> bool:
        response = self._transact(Command.FIND_CARD)
        if response.sw3 == SW3_CARD_FOUND:
            return True
        if response.sw3 == SW3_NO_CARD:
            return False
        raise sw3_error(response.sw3, Command.FIND_CARD)

    def _read_card(self) -> Identity:
        response = self._transact(Command.SELECT_CARD)
        raise_for_status(response, SW3_SUCCESS, Command.SELECT_CARD)
        self._set_state(ReaderState.READING)
        response = self._transact(Command.READ_TEXT_PHOTO, deadline=self.read_deadline)
        raise_for_status(response, SW3_SUCCESS, Command.READ_TEXT_PHOTO)
        blocks = split_read_data(response.data)
        address = self._newest_address() if self.read_newest_address else None
        return parse_text_block(blocks.text, newest_address=address)

    def _newest_address(self) -> str | None:
        response = self._transact(Command.READ_NEWEST_ADDRESS)
        if response.sw3 == SW3_SUCCESS:
            return parse_newest_address(response.data)
        if response.sw3 != SW3_NO_CONTENT:
            log.info("newest address not read: SW3 %02X", response.sw3)
        return None

    # -- transport -----------------------------------------------------------------------
    def _transact(
        self, command: Command, data: bytes = b"", deadline: float | None = None
    ) -> Response:
        """Send one request and assemble its answer; one retry on a corrupted answer."""
        frame = encode_request(command, data)
        for attempt in range(self.retries + 1):
            port = self._require_port()
            try:
                port.reset_input_buffer()
                self._decoder.clear()
                port.write(frame)
                return self._receive(port, command, deadline or self.deadline)
            except ProtocolError as exc:
                if attempt == self.retries:
                    raise
                log.info("%s: %s; asking again", command.name, exc.detail)
            except (serial.SerialException, OSError, termios.error) as exc:
                # termios.error (not an OSError): tcflush on a port whose device is gone
                self.close()
                raise NoReaderError(f"{self.port}: {exc}") from None
        raise AssertionError("unreachable")

    def _receive(self, port: SerialPort, command: Command, deadline: float) -> Response:
        end = self._clock() + deadline
        while True:
            body = self._decoder.next_body()
            if body is not None:
                if self._decoder.noise:
                    log.debug(
                        "%s: skipped %d bytes of line noise", command.name, self._decoder.noise
                    )
                    self._decoder.noise = 0
                return response_from_body(body)
            if self._clock() >= end:
                raise ReaderTimeoutError(
                    f"{command.name}: no complete answer within {deadline:g} s"
                )
            chunk = port.read(self._decoder.pending())
            if chunk:
                self._decoder.feed(chunk)
                if command is Command.READ_TEXT_PHOTO:
                    crashpoint("mid_card_read")  # the card's answer part-way over the wire

    def _require_port(self) -> SerialPort:
        if self._serial is None:
            raise NoReaderError(f"{self.port} is not open")
        return self._serial
