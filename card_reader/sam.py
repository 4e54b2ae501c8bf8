"""Resident ID cards (and J / I / Y permits) through a GA 467 SAM reader on a serial port.

URI: ``sam:///dev/ttyUSB0?baud=115200`` with optional ``deadline`` (seconds for one answer,
default 1.0), ``read_deadline`` (for the 1.3 kB read, default 3.0), ``poll`` (seconds between
find-card attempts, default 0.1) and ``newest_address=1`` (also read 30 03). The codec is in
`ga467.py`; this module only moves bytes and keeps the reader state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlsplit

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
from card_reader.textblock import parse_newest_address, parse_text_block

log = logging.getLogger(__name__)

BAUD_RATES = (115200, 57600, 38400, 19200, 9600)
SW3_NO_CARD = 0x80
SW3_SELECT_FAILED = 0x81
_READ_SLICE = 0.05  # longest single blocking read, so deadlines are kept to ~50 ms


def _query_float(query: dict[str, list[str]], key: str, default: float) -> float:
    try:
        value = float(query.get(key, [default])[0])
    except ValueError:
        raise ReaderConfigError(f"sam URI: {key} must be a number") from None
    if value <= 0:
        raise ReaderConfigError(f"sam URI: {key} must be positive")
    return value


class SamReader:
    """A GA 467 SAM reader: find card -> select card -> read text (+ newest address)."""

    def __init__(
        self,
        uri: str,
        *,
        port_factory: Callable[..., serial.SerialBase] = serial.serial_for_url,
    ) -> None:
        parts = urlsplit(uri)
        if parts.scheme != "sam":
            raise ReaderConfigError(f"not a sam URI: {uri!r}")
        self.uri = uri
        self.port = unquote(parts.netloc + parts.path)
        if not self.port:
            raise ReaderConfigError("sam URI needs a port, e.g. sam:///dev/ttyUSB0")
        query = parse_qs(parts.query)
        try:
            self.baud = int(query.get("baud", ["115200"])[0])
        except ValueError:
            raise ReaderConfigError("sam URI: baud must be a number") from None
        if self.baud not in BAUD_RATES:
            raise ReaderConfigError(f"sam URI: baud must be one of {BAUD_RATES}")
        self.deadline = _query_float(query, "deadline", 1.0)
        self.read_deadline = _query_float(query, "read_deadline", 3.0)
        self.poll = _query_float(query, "poll", 0.1)
        self.read_newest_address = query.get("newest_address", ["0"])[0] in ("1", "true", "yes")
        self.retries = 1  # a corrupted answer is asked for once more
        self.on_state: Callable[[ReaderState], None] | None = None
        self._port_factory = port_factory
        self._serial: serial.SerialBase | None = None
        self._decoder = FrameDecoder(min_body=3)
        self._lock = threading.RLock()
        self._state = ReaderState.NO_READER

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
            except CardReaderError:
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
            self._state = ReaderState.NO_READER

    def status(self) -> ReaderState:
        """The reader's state now."""
        return self._state

    def wait_for_card(self, timeout: float) -> Identity:
        """Find, select and read a card; NoCardError if none is found within `timeout`."""
        with self._lock:
            end = time.monotonic() + timeout
            while not self._find_card():
                remaining = end - time.monotonic()
                if remaining <= 0:
                    self._set_state(ReaderState.READY)
                    raise NoCardError(f"no card within {timeout:g} s")
                time.sleep(min(self.poll, remaining))
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
        end = time.monotonic() + timeout
        while self.card_present():
            remaining = end - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(self.poll, remaining))
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
            except (serial.SerialException, OSError) as exc:
                self.close()
                raise NoReaderError(f"{self.port}: {exc}") from None
        raise AssertionError("unreachable")

    def _receive(self, port: serial.SerialBase, command: Command, deadline: float) -> Response:
        end = time.monotonic() + deadline
        while True:
            body = self._decoder.next_body()
            if body is not None:
                if self._decoder.noise:
                    log.debug(
                        "%s: skipped %d bytes of line noise", command.name, self._decoder.noise
                    )
                    self._decoder.noise = 0
                return response_from_body(body)
            if time.monotonic() >= end:
                raise ReaderTimeoutError(
                    f"{command.name}: no complete answer within {deadline:g} s"
                )
            chunk = port.read(self._decoder.pending())
            if chunk:
                self._decoder.feed(chunk)

    def _require_port(self) -> serial.SerialBase:
        if self._serial is None:
            raise NoReaderError(f"{self.port} is not open")
        return self._serial

    def _set_state(self, state: ReaderState) -> None:
        if state is self._state:
            return
        self._state = state
        if self.on_state is not None:
            self.on_state(state)
