"""The GA 467 frame codec and the text-block layouts, byte-exact, plus property tests:
arbitrary bytes give frames / an Identity or a typed CardReaderError, never anything else."""

from __future__ import annotations

import struct
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from card_reader.base import (
    CardReaderError,
    CardType,
    Identity,
    NoCardError,
    ProtocolError,
    UnreadableCardError,
    UnsupportedCardError,
)
from card_reader.emulators.sam_emulator import fake_photo
from card_reader.emulators.samples import SAMPLES, sample
from card_reader.ga467 import (
    PREAMBLE,
    SW3_ERRORS,
    SW3_SUCCESS,
    Command,
    FrameDecoder,
    encode_read_data,
    encode_request,
    encode_response,
    raise_for_status,
    response_from_body,
    split_read_data,
    sw3_error,
)
from card_reader.textblock import (
    TEXT_LEN,
    card_layout,
    encode_newest_address,
    encode_text_block,
    parse_newest_address,
    parse_text_block,
)


def decode_all(stream: bytes, pieces: list[int] | None = None) -> list[bytes]:
    """Feed `stream` in pieces and collect the frame bodies."""
    decoder = FrameDecoder()
    bodies = []
    sizes = pieces or [len(stream) or 1]
    pos = 0
    i = 0
    while pos < len(stream):
        n = max(sizes[i % len(sizes)], 1)
        decoder.feed(stream[pos : pos + n])
        pos += n
        i += 1
        while (body := decoder.next_body()) is not None:
            bodies.append(body)
    return bodies


def wire_to_identity(stream: bytes) -> Identity | None:
    """The SAM driver's path for a 30 01 answer: frame -> status -> blocks -> Identity."""
    decoder = FrameDecoder()
    decoder.feed(stream)
    body = decoder.next_body()
    if body is None:
        return None
    response = response_from_body(body)
    raise_for_status(response, SW3_SUCCESS, Command.READ_TEXT_PHOTO)
    return parse_text_block(split_read_data(response.data).text)


def test_request_frames_are_byte_exact() -> None:
    """GIVEN the find-card command WHEN encoded THEN it is the documented 10 bytes."""
    assert encode_request(Command.FIND_CARD) == bytes.fromhex("AAAAAA9669 0003 2001 22")
    assert encode_request(Command.READ_TEXT_PHOTO) == bytes.fromhex("AAAAAA9669 0003 3001 32")
    assert encode_request(Command.SAM_STATUS) == bytes.fromhex("AAAAAA9669 0003 11FF ED")


def test_a_full_read_answer_is_1295_bytes_and_keeps_no_photo() -> None:
    card = sample("resident")
    frame = encode_response(0x90, encode_read_data(encode_text_block(card), fake_photo(card)))
    assert len(frame) == 1295
    assert frame[5:7] == struct.pack(">H", 1288)
    assert wire_to_identity(frame) == card


def test_fragments_of_one_byte_reassemble() -> None:
    frame = encode_response(0x9F, b"\x00\x00\x00\x00")
    assert decode_all(frame, [1]) == [frame[7:-1]]


def test_noise_before_a_frame_is_skipped_and_counted() -> None:
    frame = encode_response(0x90)
    decoder = FrameDecoder()
    decoder.feed(b"\x00\xff\xaa\xaa\x13" + PREAMBLE[:3])
    assert decoder.next_body() is None
    decoder.feed(PREAMBLE[3:] + b"\x55" + frame)
    assert decoder.next_body() == frame[7:-1]
    assert decoder.noise == 5 + len(PREAMBLE) + 1


def test_a_preamble_lookalike_in_noise_does_not_swallow_the_frame() -> None:
    frame = encode_response(0x90, b"abc")
    claims_more = PREAMBLE + b"\x00\x40\x01\x02\x03"  # length runs into the real frame
    assert decode_all(claims_more + frame, [5]) == [frame[7:-1]]
    complete_bogus = PREAMBLE + b"\x00\x05\x01\x02\x03\x04\x05"  # a whole frame, bad checksum
    decoder = FrameDecoder()
    decoder.feed(complete_bogus + frame)
    with pytest.raises(ProtocolError):
        decoder.next_body()
    assert decoder.next_body() == frame[7:-1]


def test_corrupted_checksum_raises_protocol_error() -> None:
    frame = bytearray(encode_response(0x90, b"data"))
    frame[-1] ^= 0xFF
    decoder = FrameDecoder()
    decoder.feed(bytes(frame))
    with pytest.raises(ProtocolError, match="checksum"):
        decoder.next_body()
    decoder.feed(encode_response(0x90))  # and the stream goes on
    assert decoder.next_body() == b"\x00\x00\x90"


def test_impossible_length_is_treated_as_noise() -> None:
    assert decode_all(PREAMBLE + b"\xff\xff" + encode_response(0x90)) == [b"\x00\x00\x90"]


@pytest.mark.parametrize("sw3", sorted(SW3_ERRORS))
def test_every_sw3_code_maps_to_a_typed_error(sw3: int) -> None:
    cls, meaning = SW3_ERRORS[sw3]
    error = sw3_error(sw3, Command.READ_TEXT_PHOTO)
    assert type(error) is cls
    assert error.code == sw3
    assert meaning in error.detail
    zh, en = error.resident_message
    assert zh and en


def test_unknown_sw3_is_a_protocol_error_and_no_card_is_no_card() -> None:
    assert isinstance(sw3_error(0x55), ProtocolError)
    assert isinstance(sw3_error(0x80), NoCardError)


def test_split_read_data_checks_declared_lengths() -> None:
    with pytest.raises(ProtocolError):
        split_read_data(b"\x01\x00\x04\x00" + bytes(10))
    with pytest.raises(ProtocolError):
        split_read_data(b"\x00")


@pytest.mark.parametrize("kind", ["resident", "J", "I", "Y"])
def test_text_block_round_trip(kind: str) -> None:
    """GIVEN a holder of each card type WHEN written and read back THEN nothing changes."""
    card = sample(kind)
    block = encode_text_block(card)
    assert len(block) == TEXT_LEN
    assert card_layout(block) == kind
    assert parse_text_block(block) == card


def test_type_marker_offsets_are_exact() -> None:
    assert encode_text_block(sample("J"))[248:250] == "J".encode("utf-16-le")
    assert encode_text_block(sample("I"))[248:250] == b"I\x00"
    assert encode_text_block(sample("Y"))[248:250] == b"Y\x00"
    assert encode_text_block(sample("resident"))[248:250] == b" \x00"
    resident = encode_text_block(sample("resident"))
    assert resident[122:158].decode("utf-16-le") == sample("resident").id_number
    assert resident[32:36].decode("utf-16-le") == "01"
    i_card = encode_text_block(sample("I"))
    assert i_card[152:158].decode("utf-16-le") == "CAN"
    assert i_card[158:188].decode("utf-16-le").strip() == "马克"


def test_long_term_validity_and_newest_address() -> None:
    card = replace(sample("resident"), valid_until=None)
    block = encode_text_block(card)
    assert block[204:208].decode("utf-16-le") == "长期"
    assert parse_text_block(block).valid_until is None
    moved = parse_text_block(
        block, newest_address=parse_newest_address(encode_newest_address("新地址1号"))
    )
    assert moved.address == "新地址1号"


def test_unknown_marker_is_unsupported_and_garbage_is_unreadable() -> None:
    block = bytearray(encode_text_block(sample("resident")))
    block[248:250] = "Z".encode("utf-16-le")
    with pytest.raises(UnsupportedCardError):
        parse_text_block(bytes(block))
    block = bytearray(encode_text_block(sample("resident")))
    block[36:52] = "19851399".encode("utf-16-le")
    with pytest.raises(UnreadableCardError):
        parse_text_block(bytes(block))
    with pytest.raises(UnreadableCardError):
        parse_text_block(b"\x00" * 100)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.lists(st.integers(1, 64), min_size=1, max_size=8))
def test_decoder_yields_frames_or_protocol_errors(stream: bytes, pieces: list[int]) -> None:
    decoder = FrameDecoder()
    pos = 0
    i = 0
    while pos < len(stream):
        decoder.feed(stream[pos : pos + pieces[i % len(pieces)]])
        pos += pieces[i % len(pieces)]
        i += 1
        while True:
            try:
                body = decoder.next_body()
            except ProtocolError:
                continue
            if body is None:
                break
            assert isinstance(body, bytes) and len(body) >= 3


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1400))
def test_arbitrary_wire_bytes_give_identity_or_typed_error(stream: bytes) -> None:
    try:
        result = wire_to_identity(stream)
    except CardReaderError:
        return
    assert result is None or isinstance(result, Identity)


@st.composite
def damaged_frames(draw: st.DrawFn) -> bytes:
    """Valid read answers with random bytes overwritten, checksum recomputed (deep coverage)."""
    card = sample(draw(st.sampled_from(sorted(k for k in SAMPLES if k != "social_security"))))
    text = bytearray(encode_text_block(card))
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, TEXT_LEN - 1))
        text[start : start + 4] = draw(st.binary(min_size=1, max_size=4))
    text = text[:TEXT_LEN].ljust(TEXT_LEN, b" ")
    return encode_response(0x90, encode_read_data(bytes(text), bytes(16)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_frames())
def test_damaged_text_blocks_give_identity_or_typed_error(frame: bytes) -> None:
    try:
        identity = wire_to_identity(frame)
    except CardReaderError:
        return
    assert isinstance(identity, Identity)
    assert isinstance(identity.card_type, CardType)
    assert identity.id_number


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=TEXT_LEN, max_size=TEXT_LEN), st.sampled_from([" ", "J", "I", "Y"]))
def test_text_parser_on_arbitrary_blocks(block: bytes, marker: str) -> None:
    block = block[:248] + marker.encode("utf-16-le") + block[250:]
    try:
        identity = parse_text_block(block)
    except CardReaderError:
        return
    assert isinstance(identity, Identity)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=80))
def test_newest_address_parser(data: bytes) -> None:
    try:
        value = parse_newest_address(data)
    except CardReaderError:
        return
    assert value is None or isinstance(value, str)
