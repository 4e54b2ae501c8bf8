"""GA 467 frames spoken by SAM ID-card readers: encoding, incremental decoding with
resynchronisation on the preamble, and the SW3 status table. No I/O here: `sam.py` moves
the bytes, `emulators/sam_emulator.py` speaks the other side with the same codec."""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from card_reader.base import (
    CardReaderError,
    CardRemovedError,
    NoCardError,
    ProtocolError,
    ReaderFaultError,
    UnreadableCardError,
    UnsupportedCardError,
)

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN = len(PREAMBLE) + 2
MAX_LEN = 0x1000  # 30 10 with fingerprints is ~2.3 kB; anything longer is noise


class Command(enum.Enum):
    """(CMD, PARA) pairs of the GA 467 command set."""

    RESET_SAM = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_TEXT_PHOTO = (0x30, 0x01)
    READ_NEWEST_ADDRESS = (0x30, 0x03)
    READ_TEXT_PHOTO_FINGERPRINT = (0x30, 0x10)


SW3_SUCCESS = 0x90
SW3_NO_CONTENT = 0x91
SW3_CARD_FOUND = 0x9F

# SW3 -> (error class, what the reader means). Success codes are not errors.
SW3_ERRORS: dict[int, tuple[type[CardReaderError], str]] = {
    0x10: (ProtocolError, "reader received a frame with a bad checksum"),
    0x11: (ProtocolError, "reader received a frame with a bad length"),
    0x21: (ProtocolError, "reader did not understand the command"),
    0x23: (ReaderFaultError, "operation not authorised"),
    0x24: (UnreadableCardError, "unrecognised error"),
    0x31: (UnreadableCardError, "card failed to authenticate the SAM"),
    0x32: (UnreadableCardError, "SAM failed to authenticate the card"),
    0x33: (UnreadableCardError, "verification error"),
    0x37: (UnreadableCardError, "fingerprint error"),
    0x3F: (UnreadableCardError, "information length error"),
    0x40: (UnsupportedCardError, "unknown card type"),
    0x41: (UnreadableCardError, "read failed"),
    0x47: (UnreadableCardError, "random number failure"),
    0x60: (ReaderFaultError, "SAM self-test failed"),
    0x66: (ReaderFaultError, "SAM not authorised"),
    0x80: (NoCardError, "find card failed (no card)"),
    0x81: (CardRemovedError, "select card failed"),
    0x91: (UnreadableCardError, "no such content"),
}


@dataclass(frozen=True)
class Request:
    """A host -> reader frame."""

    cmd: int
    para: int
    data: bytes = b""

    @property
    def command(self) -> Command | None:
        """The known command this is, if any."""
        try:
            return Command((self.cmd, self.para))
        except ValueError:
            return None


@dataclass(frozen=True)
class Response:
    """A reader -> host frame."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""


def xor_checksum(data: bytes | bytearray) -> int:
    """XOR of every byte (GA 467 CHK covers LEN_H .. the byte before CHK)."""
    chk = 0
    for b in data:
        chk ^= b
    return chk


def encode_frame(body: bytes) -> bytes:
    """Preamble, LEN (counting body and CHK), body, CHK."""
    length = len(body) + 1
    if length > 0xFFFF:
        raise ValueError("frame too long")
    covered = struct.pack(">H", length) + body
    return PREAMBLE + covered + bytes([xor_checksum(covered)])


def encode_request(command: Command, data: bytes = b"") -> bytes:
    """A request frame for a known command."""
    cmd, para = command.value
    return encode_frame(bytes([cmd, para]) + data)


def encode_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """A response frame (used by the emulator, and by tests)."""
    return encode_frame(bytes([sw1, sw2, sw3]) + data)


def response_from_body(body: bytes) -> Response:
    """Split a response body (after LEN, before CHK) into status words and data."""
    if len(body) < 3:
        raise ProtocolError(f"response body of {len(body)} bytes has no status words")
    return Response(body[0], body[1], body[2], bytes(body[3:]))


def request_from_body(body: bytes) -> Request:
    """Split a request body into CMD, PARA and data."""
    if len(body) < 2:
        raise ProtocolError(f"request body of {len(body)} bytes has no command")
    return Request(body[0], body[1], bytes(body[2:]))


class FrameDecoder:
    """Turns a byte stream into frame bodies, however the bytes were fragmented.

    Bytes before a preamble are noise and dropped (`noise` counts them). A frame whose
    checksum fails is dropped; if another preamble starts inside it the decoder
    resynchronises there, otherwise it raises ProtocolError.
    """

    def __init__(self, min_body: int = 3, max_len: int = MAX_LEN) -> None:
        self._buf = bytearray()
        self._min_len = min_body + 1
        self._max_len = max_len
        self.noise = 0

    def feed(self, data: bytes) -> None:
        """Append bytes received from the line."""
        self._buf += data

    def pending(self) -> int:
        """Bytes still needed for the frame being assembled (at least 1 when unknown)."""
        if len(self._buf) < HEADER_LEN or not self._buf.startswith(PREAMBLE):
            return max(HEADER_LEN - len(self._buf), 1)
        (length,) = struct.unpack_from(">H", self._buf, 5)
        return max(HEADER_LEN + int(length) - len(self._buf), 1)

    def clear(self) -> None:
        """Forget everything buffered (before a new command)."""
        self._buf.clear()

    def next_body(self) -> bytes | None:
        """The next complete frame's body, None if more bytes are needed, or ProtocolError."""
        while True:
            start = self._buf.find(PREAMBLE)
            if start < 0:
                # keep a tail that may be the start of a preamble split across reads
                keep = 0
                for n in range(len(PREAMBLE) - 1, 0, -1):
                    if self._buf.endswith(PREAMBLE[:n]):
                        keep = n
                        break
                self.noise += len(self._buf) - keep
                del self._buf[: len(self._buf) - keep]
                return None
            if start:
                self.noise += start
                del self._buf[:start]
            if len(self._buf) < HEADER_LEN:
                return None
            length = struct.unpack_from(">H", self._buf, 5)[0]
            if not self._min_len <= length <= self._max_len:
                self.noise += 1
                del self._buf[:1]  # a preamble lookalike in noise, or a mangled header
                continue
            total = HEADER_LEN + length
            if len(self._buf) < total:
                later = self._valid_frame_after(1)
                if later < 0:
                    return None
                self.noise += later  # a lookalike header claimed bytes of a real frame
                del self._buf[:later]
                continue
            frame = bytes(self._buf[:total])
            if xor_checksum(frame[5:-1]) == frame[-1]:
                del self._buf[:total]
                return frame[HEADER_LEN:-1]
            inner = frame.find(PREAMBLE, 1)
            if inner > 0:
                self.noise += inner
                del self._buf[:inner]
                continue
            del self._buf[:total]
            raise ProtocolError("response checksum mismatch")

    def _valid_frame_after(self, start: int) -> int:
        """Offset of a later complete frame with a good checksum, or -1."""
        pos = self._buf.find(PREAMBLE, start)
        while pos >= 0:
            if len(self._buf) >= pos + HEADER_LEN:
                length = struct.unpack_from(">H", self._buf, pos + 5)[0]
                end = pos + HEADER_LEN + length
                if (
                    self._min_len <= length <= self._max_len
                    and end <= len(self._buf)
                    and xor_checksum(self._buf[pos + 5 : end - 1]) == self._buf[end - 1]
                ):
                    return pos
            pos = self._buf.find(PREAMBLE, pos + 1)
        return -1


def raise_for_status(response: Response, expected: int, command: Command) -> None:
    """Raise the typed error for an SW3 other than `expected`."""
    if response.sw3 == expected:
        return
    raise sw3_error(response.sw3, command)


def sw3_error(sw3: int, command: Command | None = None) -> CardReaderError:
    """The typed error for a status code (the code is kept on `.code`)."""
    cls, meaning = SW3_ERRORS.get(sw3, (ProtocolError, "unknown status"))
    where = f" after {command.name}" if command else ""
    return cls(f"SW3 {sw3:02X}{where}: {meaning}", code=sw3)


@dataclass(frozen=True)
class ReadBlocks:
    """The blocks of a 30 01 / 30 10 answer. The photo is measured, never kept."""

    text: bytes
    photo_len: int
    fingerprint_len: int = 0


def split_read_data(data: bytes, with_fingerprint: bool = False) -> ReadBlocks:
    """Split the data of a read answer into its blocks, checking the declared lengths."""
    n = 3 if with_fingerprint else 2
    if len(data) < 2 * n:
        raise ProtocolError(f"read answer of {len(data)} bytes has no block lengths")
    lengths = struct.unpack_from(f">{n}H", data, 0)
    if 2 * n + sum(lengths) != len(data):
        raise ProtocolError(
            f"read answer declares {sum(lengths)} block bytes but carries {len(data) - 2 * n}"
        )
    text_len = lengths[0]
    text = bytes(data[2 * n : 2 * n + text_len])
    return ReadBlocks(text, lengths[1], lengths[2] if with_fingerprint else 0)


def encode_read_data(text: bytes, photo: bytes) -> bytes:
    """The data of a 30 01 answer (emulator side)."""
    return struct.pack(">HH", len(text), len(photo)) + text + photo
