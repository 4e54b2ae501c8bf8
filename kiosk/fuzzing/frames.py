"""GA 467 serial readers: frame streams, the 256-byte text blocks, and whole SAM conversations.

Cases start from what a real reader sends (the emulator's codec and sample cards) and are then
damaged: fields of a text block rewritten, frames cut, re-lengthed, re-checksummed after their
body changed (so the damage gets past the checksum), line noise and preamble lookalikes between
them, the stream delivered in arbitrary pieces, the port failing at any call.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date

import serial

from card_reader.base import Identity, ProtocolError
from card_reader.checks import check_identity
from card_reader.emulators.sam_emulator import fake_photo
from card_reader.emulators.samples import SAMPLES, sample
from card_reader.ga467 import (
    HEADER_LEN,
    MAX_LEN,
    PREAMBLE,
    SW3_ERRORS,
    FrameDecoder,
    encode_frame,
    encode_read_data,
    encode_response,
    request_from_body,
    response_from_body,
    split_read_data,
    xor_checksum,
)
from card_reader.sam import SamReader
from card_reader.textblock import (
    ADDRESS_LEN,
    LAYOUTS,
    MARKER_OFFSET,
    encode_newest_address,
    encode_text_block,
    layout_for,
    parse_newest_address,
    parse_text_block,
)
from kiosk.fuzzing.core import TREE, BadResultError, Chooser, Parser, chance, pick
from kiosk.fuzzing.mutate import INTERESTING_TEXT, havoc

TODAY = date(2026, 11, 25)
CARDS = tuple(k for k in SAMPLES if k != "social_security")
IDENTITIES = {kind: sample(kind) for kind in CARDS}
BLOCKS = {kind: encode_text_block(identity) for kind, identity in IDENTITIES.items()}
PHOTO = fake_photo(sample("resident"))
SW3S = (0x90, 0x9F, 0x91, 0x80, 0x81, *SW3_ERRORS, 0x00, 0xFF)
FIELD_TEXT = (*INTERESTING_TEXT, "20260230", "19000101", "99991231", "长期", "00000000", "X")
SLOTS = {
    layout: sorted(slots.values(), key=lambda f: f.offset) for layout, slots in LAYOUTS.items()
}
ADDRESS = encode_newest_address("陕西省铜川市王益区红旗街道幸福路12号")
NOISES = (*(PREAMBLE[:n] for n in range(1, 6)), PREAMBLE + b"\x00", PREAMBLE + b"\xff\xff")


def assert_identity(identity: object, *, usable: bool = True) -> None:
    """BadResultError unless `identity` is an Identity whose every field has its declared type
    (and, if `usable`, an ID number the kiosk can look up: what check_identity lets through)."""
    if not isinstance(identity, Identity):
        raise BadResultError(f"not an Identity: {identity!r}")
    for name, hint in typing.get_type_hints(Identity).items():
        allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        value = getattr(identity, name)
        if not isinstance(value, allowed):
            raise BadResultError(f"Identity.{name}={value!r} is not {hint}")
    if usable and (not identity.id_number or not identity.id_number.isascii()):
        raise BadResultError("an Identity without a usable ID number")


# -- text blocks -----------------------------------------------------------------------------
def text_block(c: Chooser) -> bytes:
    """A sample card's text block with fields rewritten, its marker changed, bytes damaged."""
    kind = pick(c, CARDS)
    layout = pick(c, (layout_for(IDENTITIES[kind]), "resident", "J", "I", "Y"))
    block = bytearray(
        BLOCKS[kind] if layout == layout_for(IDENTITIES[kind]) else
        encode_text_block(IDENTITIES[kind], layout)
    )  # fmt: skip
    for _ in range(c.integer(0, 3)):
        slot = pick(c, SLOTS[layout])
        text = pick(c, FIELD_TEXT) if c.integer(0, 1) else c.text(slot.size // 2)
        raw = text.encode("utf-16-le")[: slot.size]
        if c.integer(0, 1):  # UCS-2 padded with spaces, as cards write it
            raw += b" \x00" * ((slot.size - len(raw)) // 2)
        block[slot.offset : slot.offset + len(raw)] = raw
    if chance(c, 4):
        block[MARKER_OFFSET : MARKER_OFFSET + 2] = pick(c, " JIYA\x00\u3000").encode("utf-16-le")
    return havoc(c, bytes(block), max_ops=3) if c.integer(0, 1) else bytes(block)


def address(c: Chooser) -> bytes | None:
    """A 30 03 answer: none, a real one, damaged, or arbitrary."""
    how = c.integer(0, 2)
    if how == 0:
        return None
    return havoc(c, ADDRESS, max_ops=3) if how == 1 else c.binary(ADDRESS_LEN, ADDRESS_LEN)


def block_case(c: Chooser) -> tuple[bytes, bytes | None]:
    """A text block and a newest-address answer."""
    return text_block(c), address(c)


def parse_block(case: tuple[bytes, bytes | None]) -> Identity:
    """Text block (and a newest-address answer) -> checked, well-typed Identity."""
    block, newest_answer = case
    newest = parse_newest_address(newest_answer) if newest_answer is not None else None
    identity = parse_text_block(block, newest_address=newest)
    assert_identity(identity)
    return check_identity(identity, TODAY)


# -- frames ----------------------------------------------------------------------------------
def read_data(c: Chooser) -> bytes:
    """The data of a 30 01 / 30 10 answer: blocks and their declared lengths, maybe wrong."""
    text, photo = text_block(c), PHOTO[: c.integer(0, len(PHOTO))]
    if c.integer(0, 1) == 0:
        return encode_read_data(text, photo)
    lengths = [c.integer(0, 0xFFFF) for _ in range(c.integer(2, 3))]
    return b"".join(n.to_bytes(2, "big") for n in lengths) + text + photo


def frame(c: Chooser) -> bytes:
    """One response frame on the wire: genuine, re-checksummed after damage, or damaged."""
    kind = c.integer(0, 3)
    data = (
        read_data(c) if kind == 0 else (address(c) or b"") if kind == 1 else
        c.binary(24) if kind == 2 else b"\x00" * 4
    )  # fmt: skip
    wire = encode_response(c.integer(0, 255) if chance(c, 4) else pick(c, SW3S), data)
    how = pick(c, ("genuine", "genuine", "rechecksum", "length", "damage"))
    if how == "rechecksum":  # body changed, CHK made right again
        body = havoc(c, wire[HEADER_LEN:-1], max_ops=3)
        return encode_frame(body) if len(body) < 0xFFFF else wire
    if how == "length":
        length = c.integer(0, 0xFFFF) if c.integer(0, 1) else pick(c, (0, 1, 2, 3, 4, MAX_LEN + 1))
        covered = length.to_bytes(2, "big") + wire[HEADER_LEN:-1]
        return PREAMBLE + covered + bytes([xor_checksum(covered)])
    return havoc(c, wire, max_ops=4) if how == "damage" else wire


def noise(c: Chooser) -> bytes:
    """Line noise, partial preambles and preamble lookalikes."""
    return c.binary(16) if c.integer(0, 1) else pick(c, NOISES)


def stream(c: Chooser) -> tuple[bytes, list[int], int]:
    """Frames and noise in one byte stream, the pieces it arrives in, the decoder's min body."""
    parts = [noise(c) if chance(c, 3) else frame(c) for _ in range(c.integer(1, 5))]
    pieces = [c.integer(1, 1400) for _ in range(c.integer(1, 6))]
    return b"".join(parts), pieces, pick(c, (3, 3, 2))


def decode_stream(case: tuple[bytes, list[int], int]) -> int:
    """Feed the stream as a driver does; every body is parsed down to an Identity if it can be.

    A frame refused (ProtocolError and the like) does not stop the stream, as in the driver.
    Returns how many bodies came out."""
    data, pieces, min_body = case
    decoder = FrameDecoder(min_body=min_body)
    pos = bodies = i = 0
    while pos < len(data):
        n = pieces[i % len(pieces)]
        decoder.feed(data[pos : pos + n])
        pos, i = pos + n, i + 1
        while True:
            try:
                body = decoder.next_body()
            except ProtocolError:
                continue
            if body is None:
                break
            bodies += 1
            _parse_body(body, min_body)
        if not 1 <= decoder.pending() <= HEADER_LEN + MAX_LEN:
            raise BadResultError(f"pending() = {decoder.pending()}")
    return bodies


def _parse_body(body: bytes, min_body: int) -> None:
    try:
        if min_body == 2:
            request_from_body(body)
            return
        response = response_from_body(body)
        for fingerprint in (False, True):
            blocks = split_read_data(response.data, with_fingerprint=fingerprint)
            parse_block((blocks.text, None))
    except TREE:
        pass


# -- a whole SAM reader over a scripted serial line --------------------------------------------
@dataclass
class FakeTime:
    """The injected clock and sleep of the reader."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Skip the pause."""
        self.now += seconds


class ScriptedPort:
    """A serial port whose answer to each request is the next one of a script, delivered in
    pieces; the clock moves on with every empty read, so every deadline is reached."""

    def __init__(self, script: list[bytes], piece: int, fail_at: int, clock: FakeTime) -> None:
        self.script, self.piece, self.fail_at, self.clock = list(script), piece, fail_at, clock
        self.buffer = b""
        self.calls = 0

    def _call(self) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise serial.SerialException("device reports readiness to read but returned no data")

    def read(self, size: int = 1, /) -> bytes:
        """Up to `size` bytes of the current answer."""
        self._call()
        if not self.buffer:
            self.clock.now += 0.05
            return b""
        n = min(size, self.piece)
        chunk, self.buffer = self.buffer[:n], self.buffer[n:]
        return chunk

    def write(self, data: bytes, /) -> int | None:
        """A request: the next answer of the script is queued."""
        self._call()
        self.buffer += self.script.pop(0) if self.script else b""
        return len(data)

    def reset_input_buffer(self) -> None:
        """Drop what has not been read."""
        self._call()
        self.buffer = b""

    def close(self) -> None:
        """Nothing to release."""


Conversation = tuple[list[bytes], int, int, bool]


def conversation(c: Chooser) -> Conversation:
    """Answers to status, find (maybe several), select, read and newest address, each genuine
    or damaged; the piece size; the port call that fails (0: none); whether 30 03 is read."""
    card = IDENTITIES[pick(c, CARDS)]
    newest = chance(c, 2)
    genuine = [
        encode_response(0x90),
        *[encode_response(0x80)] * c.integer(0, 2),
        encode_response(0x9F, b"\x00" * 4),
        encode_response(0x90, bytes(8)),
        encode_response(0x90, encode_read_data(encode_text_block(card), PHOTO)),
        *([encode_response(0x90, ADDRESS)] if newest else []),
        encode_response(0x9F, b"\x00" * 4),
        encode_response(0x80),
    ]
    script = [frame(c) if chance(c, 3) else answer for answer in genuine]
    script = [noise(c) + answer if chance(c, 6) else answer for answer in script]
    fail_at = c.integer(1, 40) if chance(c, 2) else 0
    return script, c.integer(1, 1400), fail_at, newest


def run_conversation(case: Conversation) -> Identity:
    """Open a SAM reader on the scripted port, read a card and wait for its removal."""
    script, piece, fail_at, newest = case
    clock = FakeTime()

    def factory(port: str, *, baudrate: int, timeout: float, write_timeout: float) -> ScriptedPort:
        return ScriptedPort(script, piece, fail_at, clock)

    uri = f"sam:///dev/ttyFUZZ?baud=115200&newest_address={int(newest)}"
    reader = SamReader(uri, port_factory=factory, clock=clock, sleep=clock.sleep)
    try:
        reader.open()
        identity = reader.wait_for_card(timeout=0.5)
        assert_identity(identity)
        reader.wait_for_removal(timeout=0.3)
        return check_identity(identity, TODAY)
    finally:
        reader.close()


def parsers() -> list[Parser]:
    """The GA 467 parsers."""
    return [
        Parser("ga467_frames", "GA 467 byte streams -> frames -> read data -> Identity",
               stream, decode_stream),
        Parser("text_blocks", "256-byte text blocks (+ 30 03 address) -> checked Identity",
               block_case, parse_block),
        Parser("sam_reader", "the SAM driver over a scripted serial line", conversation,
               run_conversation),
    ]  # fmt: skip
