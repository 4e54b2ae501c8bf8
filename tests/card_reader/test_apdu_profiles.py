"""APDU response parsing, T=0 status handling and card profiles as data (no pcscd needed)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from card_reader.apdu import parse_tlv_record, split_response, transmit_t0
from card_reader.base import (
    CardReaderError,
    CardType,
    Identity,
    ProtocolError,
    ReaderConfigError,
    UnreadableCardError,
    UnsupportedCardError,
)
from card_reader.emulators.samples import sample
from card_reader.emulators.vcard import VirtualCard, social_security_identity
from card_reader.profile import load_profile, profile_from_dict, read_with_profiles


def card_transmit(card: VirtualCard):
    """The virtual card's APDU logic without the socket, as a raw transmit function."""
    return lambda apdu: split_response(card._apdu(apdu))


def test_t0_follows_61xx_with_get_response() -> None:
    sent: list[bytes] = []
    answers: Iterator[bytes] = iter([b"\x61\x04", b"\x01\x02\x03\x04\x90\x00"])

    def raw(apdu: bytes):
        sent.append(apdu)
        return split_response(next(answers))

    assert transmit_t0(raw, bytes.fromhex("00A4040002AABB")) == (b"\x01\x02\x03\x04", 0x90, 0)
    assert sent[1] == bytes.fromhex("00C0000004")


def test_t0_repeats_with_the_right_le_on_6cxx() -> None:
    sent: list[bytes] = []
    answers = iter([b"\x6c\x14", b"\x08\x12" + b"1" * 18 + b"\x90\x00"])

    def raw(apdu: bytes):
        sent.append(apdu)
        return split_response(next(answers))

    data, sw1, sw2 = transmit_t0(raw, bytes.fromhex("00B2080000"))
    assert (sw1, sw2) == (0x90, 0)
    assert sent == [bytes.fromhex("00B2080000"), bytes.fromhex("00B2080014")]
    assert parse_tlv_record(data, 0x08) == b"1" * 18


def test_endless_61xx_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        transmit_t0(lambda apdu: (b"", 0x61, 0x01), bytes.fromhex("00A4000000"))


def test_ssse_profile_reads_the_social_security_card() -> None:
    """GIVEN the SSSE profile WHEN run against the virtual card's logic THEN every field decodes."""
    card = VirtualCard(sample("social_security"))
    identity = load_profile("ssse").read(card_transmit(card))
    assert identity == social_security_identity(sample("social_security"))
    assert identity.nation == "回"
    assert identity.card_number == "A61020219"


def test_any_identity_becomes_a_social_security_card() -> None:
    resident = sample("resident")
    identity = load_profile("ssse").read(card_transmit(VirtualCard(resident)))
    assert identity.card_type is CardType.SOCIAL_SECURITY
    assert (identity.id_number, identity.name, identity.birth_date, identity.nation) == (
        resident.id_number,
        resident.name,
        resident.birth_date,
        "汉",
    )
    assert len(identity.card_number) == 9


def test_vendor_text_block_profile() -> None:
    card = VirtualCard(sample("J"), application="idcard_ffb0")
    profiles = [load_profile("ssse"), load_profile("idcard_ffb0")]
    assert read_with_profiles(profiles, card_transmit(card)) == sample("J")


def test_card_without_ssse_is_unsupported() -> None:
    card = VirtualCard(sample("social_security"))
    card.fail_apdu[bytes.fromhex("00A40400")] = b"\x6a\x82"
    with pytest.raises(UnsupportedCardError):
        read_with_profiles([load_profile("ssse")], card_transmit(card))


def test_missing_mandatory_record_is_unreadable_optional_ones_are_skipped() -> None:
    card = VirtualCard(sample("social_security"))
    card.fail_apdu[bytes.fromhex("00B20B")] = b"\x6a\x83"  # nation: optional
    assert load_profile("ssse").read(card_transmit(card)).nation is None
    card.fail_apdu[bytes.fromhex("00B208")] = b"\x6a\x83"  # ID number: required
    with pytest.raises(UnreadableCardError):
        load_profile("ssse").read(card_transmit(card))


@pytest.mark.parametrize(
    "data",
    [
        {"card_type": "resident", "steps": []},
        {"name": "x", "card_type": "passport", "steps": [{"apdu": "00A40000"}]},
        {"name": "x", "card_type": "resident", "steps": [{"apdu": "zz"}]},
        {"name": "x", "card_type": "resident", "steps": [{"apdu": "00B2", "field": "name"}]},
        {
            "name": "x",
            "card_type": "resident",
            "steps": [{"apdu": "00B20100", "field": "nope", "decode": "ascii"}],
        },
        {
            "name": "x",
            "card_type": "resident",
            "steps": [{"apdu": "00B20100", "field": "name", "decode": "rot13"}],
        },
        {"name": "x", "card_type": "resident", "steps": []},
    ],
)
def test_bad_profiles_are_refused_at_load(data: dict) -> None:
    with pytest.raises(ReaderConfigError):
        profile_from_dict(data)


SELECT_SSSE = {"apdu": "00A404000F7378312E73682EC9E7BBE1B1A3D5CF", "detect": True}
READ_ID = {"apdu": "00B2080000", "record": "08", "field": "id_number", "decode": "id_number"}


def ssse_like(*steps: dict) -> dict:
    """A social-security profile with these steps after selecting the application and EF06."""
    return {
        "name": "x",
        "card_type": "social_security",
        "steps": [SELECT_SSSE, {"apdu": "00A4020002EF06"}, *steps],
    }


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        (
            {"apdu": "00B2060000", "record": "06", "field": "valid_until", "decode": "ascii"},
            "yields str",
        ),
        (
            {"apdu": "00B2080000", "record": "08", "field": "id_number", "decode": "bcd_date"},
            "yields date",
        ),
        ({"apdu": "00B20A0000", "record": "0A", "field": "sex", "decode": "ascii"}, "yields str"),
        (
            {"apdu": "00B20A0000", "record": "0A", "field": "issue_count", "decode": "bcd"},
            "yields str",
        ),
        (
            {"apdu": "00B20A0000", "record": "0A", "field": "card_type", "decode": "ascii"},
            "not an Identity",
        ),
        ({"apdu": "00B20A0000", "record": [], "field": "name", "decode": "gbk"}, "record"),
        ({"apdu": "00B20A0000", "record": "100", "field": "name", "decode": "gbk"}, "hex tag"),
        ({"apdu": "00B20A0000", "record": "0A"}, "needs a field"),
        ({"apdu": "00B20A0000", "optional": "false"}, "optional"),
        ({"apdu": "00B20A0000", "optinal": True}, "optinal"),
        ({"apdu": 12345678}, "apdu"),
        ({"apdu": "00B2"}, "4 to 261 bytes"),
        ({"apdu": "FFB0000000", "decode": "ga467_text", "field": "name"}, "whole card"),
        ("00B2080000", "steps.3: Input should be a valid dictionary"),
    ],
)
def test_profiles_are_validated_fully_at_load(step: object, problem: str) -> None:
    """GIVEN a profile whose step could only fail at read time WHEN loaded THEN ReaderConfigError."""
    with pytest.raises(ReaderConfigError, match=problem):
        profile_from_dict(ssse_like(READ_ID, step))


@pytest.mark.parametrize(
    "data",
    [
        ["not", "a", "profile"],
        {"name": "x", "card_type": "resident", "steps": "00A4"},
        {"name": "x", "card_type": "resident", "steps": [{"apdu": "00A40000"}]},  # no ID number
        {**ssse_like(READ_ID), "name": ["x"]},
        {**ssse_like(READ_ID), "description": 3},
    ],
)
def test_malformed_profiles_are_config_errors(data: object) -> None:
    with pytest.raises(ReaderConfigError):
        profile_from_dict(data)


def test_a_profile_without_a_name_step_reads_cards() -> None:
    """GIVEN a profile that reads only the ID number WHEN a card is read THEN no name, no crash."""
    profile = profile_from_dict(ssse_like(READ_ID))
    identity = profile.read(card_transmit(VirtualCard(sample("social_security"))))
    assert identity.id_number == sample("social_security").id_number
    assert identity.name is None


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe{}",  # not UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # RecursionError in json
        b"1" * 5000,  # int too long to convert
        b'{"name": "x", "card_type": "resident", "steps": [{"apdu": "00A4", "record": "[]"}]}',
    ],
)
def test_broken_profile_files_are_config_errors(tmp_path, raw: bytes) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(raw)
    with pytest.raises(ReaderConfigError):
        load_profile(str(path))


def test_unreadable_profile_paths_are_config_errors(tmp_path) -> None:
    (tmp_path / "dir.json").mkdir()
    for name in (str(tmp_path / "dir.json"), "a\x00b.json", "../profiles/ssse", "ss se"):
        with pytest.raises(ReaderConfigError):
            load_profile(name)


def test_profile_from_a_file(tmp_path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps(
            {
                "name": "mine",
                "card_type": "resident",
                "steps": [{"apdu": "FFB0000000", "decode": "ga467_text"}],
            }
        )
    )
    assert load_profile(str(path)).name == "mine"
    with pytest.raises(ReaderConfigError):
        load_profile("no_such_profile")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40), st.integers(0, 255))
def test_tlv_parser_on_arbitrary_bytes(data: bytes, tag: int) -> None:
    try:
        value = parse_tlv_record(data, tag)
    except UnreadableCardError:
        return
    assert value == data[2 : 2 + data[1]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=64), max_size=40), st.sampled_from(["ssse", "idcard_ffb0"]))
def test_profiles_on_arbitrary_card_answers(answers: list[bytes], profile: str) -> None:
    """GIVEN a card answering anything at all WHEN a profile runs THEN Identity or typed error."""
    feed = iter(answers)

    def raw(apdu: bytes):
        return split_response(next(feed, b"\x90\x00"))

    try:
        identity = load_profile(profile).read(raw)
    except CardReaderError:
        return
    assert isinstance(identity, Identity)


@st.composite
def plausible_answers(draw: st.DrawFn) -> list[bytes]:
    """The real card's answers with some of them replaced by random records (deep coverage)."""
    card = VirtualCard(sample("social_security"))
    good = [card._apdu(apdu.apdu) for apdu in load_profile("ssse").steps]
    out = []
    for answer in good:
        if draw(st.booleans()):
            tag = draw(st.integers(0, 15))
            body = draw(st.binary(max_size=32))
            out.append(bytes([tag, len(body)]) + body + b"\x90\x00")
        else:
            out.append(answer)
    return out


@settings(max_examples=300, deadline=None)
@given(plausible_answers())
def test_profile_on_damaged_records(answers: list[bytes]) -> None:
    feed = iter(answers)
    card = VirtualCard(sample("social_security"))

    def raw(apdu: bytes):
        # answer 61/6C follow-ups from the real card, everything else from the damaged list
        if apdu[1] == 0xC0:
            return split_response(card._apdu(apdu))
        return split_response(next(feed, b"\x6a\x83"))

    try:
        identity = load_profile("ssse").read(raw)
    except CardReaderError:
        return
    assert isinstance(identity, Identity)


@given(st.binary(max_size=4))
def test_split_response(data: bytes) -> None:
    try:
        body, sw1, sw2 = split_response(data)
    except ProtocolError:
        assert len(data) < 2
        return
    assert body + bytes([sw1, sw2]) == data
