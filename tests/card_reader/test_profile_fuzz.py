"""Mutated card profiles: each is refused at load with ReaderConfigError, or reads cards with
only CardReaderError on failure and well-typed Identities on success (no pcscd needed)."""

from __future__ import annotations

import contextlib
import copy
import json
import types
import typing
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from card_reader.apdu import split_response
from card_reader.base import CardReaderError, Identity, ReaderConfigError
from card_reader.checks import check_identity
from card_reader.emulators.samples import sample
from card_reader.emulators.vcard import VirtualCard
from card_reader.profile import CardProfile, load_profile, profile_from_dict

TODAY = date(2026, 11, 25)
SHIPPED = {
    name: json.loads(resources.files("card_reader.profiles").joinpath(f"{name}.json").read_text())
    for name in ("ssse", "idcard_ffb0")
}
FIELD_NAMES = [f for f in typing.get_type_hints(Identity)] + ["photo", "", "Name"]
DECODER_NAMES = [
    "ascii",
    "gbk",
    "id_number",
    "sex_code",
    "nation_bcd",
    "bcd",
    "bcd_date",
    "ga467_text",
    "utf8",
    "",
]
STEP_KEYS = ["apdu", "field", "decode", "record", "optional", "detect", "comment"]
PROFILE_KEYS = ["name", "card_type", "steps", "description", "version"]

junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
hex_text = st.binary(max_size=12).map(bytes.hex) | st.sampled_from(
    ["", "0", "zz", "00 A4 04 00", "é1"]
)
plausible = {
    "apdu": hex_text,
    "field": st.sampled_from(FIELD_NAMES),
    "decode": st.sampled_from(DECODER_NAMES),
    "record": st.sampled_from(["07", "08", "0A", "0d", "7", "100", "-1", "x", ""])
    | st.integers(-2, 300),
    "optional": st.booleans() | st.sampled_from(["false", 0, 1, None]),
    "detect": st.booleans() | st.sampled_from(["true", 0, None]),
    "comment": st.text(max_size=5),
    "name": st.text(max_size=8),
    "card_type": st.sampled_from(
        ["resident", "social_security", "hk_mo_tw_permit", "passport", ""]
    ),
    "description": st.text(max_size=8),
    "version": st.integers(),
}


def _value(draw: st.DrawFn, key: str) -> object:
    return draw(plausible[key] if key in plausible and draw(st.booleans()) else junk)


@st.composite
def mutated_profile(draw: st.DrawFn) -> object:
    """A shipped profile with 1-4 mutations: keys dropped, changed, added; steps reshuffled."""
    data: object = copy.deepcopy(SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))])
    for _ in range(draw(st.integers(1, 4))):
        if not isinstance(data, dict):
            break
        steps = data.get("steps")
        op = draw(st.sampled_from(["top", "drop", "step", "step", "step", "steps", "whole"]))
        if op == "top":
            key = draw(st.sampled_from(PROFILE_KEYS))
            data[key] = _value(draw, key)
        elif op == "drop":
            data.pop(draw(st.sampled_from(PROFILE_KEYS)), None)
        elif op == "whole" and draw(st.integers(0, 9)) == 0:
            data = draw(junk)
        elif isinstance(steps, list) and steps and op == "step":
            i = draw(st.integers(0, len(steps) - 1))
            step = steps[i]
            if isinstance(step, dict):
                key = draw(st.sampled_from(STEP_KEYS))
                if draw(st.integers(0, 3)) == 0:
                    step.pop(key, None)
                else:
                    step[key] = _value(draw, key)
            else:
                steps[i] = draw(junk)
        elif isinstance(steps, list) and op == "steps":
            how = draw(st.sampled_from(["delete", "duplicate", "swap", "junk", "empty"]))
            if how == "empty":
                steps.clear()
            elif steps:
                i = draw(st.integers(0, len(steps) - 1))
                j = draw(st.integers(0, len(steps) - 1))
                if how == "delete":
                    del steps[i]
                elif how == "duplicate":
                    steps.insert(j, copy.deepcopy(steps[i]))
                elif how == "swap":
                    steps[i], steps[j] = steps[j], steps[i]
                else:
                    steps.insert(i, draw(junk))
    return data


def card_transmit(card: VirtualCard) -> Callable[[bytes], tuple[bytes, int, int]]:
    """The virtual card's APDU logic without the socket, as a raw transmit function."""
    return lambda apdu: split_response(card._apdu(apdu))


def cards() -> list[VirtualCard]:
    """Fresh emulated cards of every kind the shipped profiles read."""
    return [
        VirtualCard(sample("social_security")),
        VirtualCard(sample("resident")),
        VirtualCard(sample("resident"), application="idcard_ffb0"),
        VirtualCard(sample("J"), application="idcard_ffb0"),
        VirtualCard(sample("Y"), application="idcard_ffb0"),
    ]


def assert_well_typed(identity: Identity) -> None:
    """Every field holds a value of its declared type (a str in a date field breaks the kiosk)."""
    for name, hint in typing.get_type_hints(Identity).items():
        allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        value = getattr(identity, name)
        assert isinstance(value, allowed), f"{name}={value!r} is not {hint}"


def read_everything(profile: CardProfile, answers: list[bytes]) -> None:
    """Read the emulated cards and a card answering `answers`; only typed errors escape."""
    feed = iter(answers)
    transmits = [card_transmit(card) for card in cards()]
    transmits.append(lambda apdu: split_response(next(feed, b"\x90\x00")))
    for transmit in transmits:
        try:
            identity = profile.read(transmit)
        except CardReaderError:
            continue
        assert_well_typed(identity)
        with contextlib.suppress(CardReaderError):
            check_identity(identity, TODAY)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_profile(), st.lists(st.binary(max_size=40), max_size=12))
def test_mutated_profile_dicts(data: object, answers: list[bytes]) -> None:
    """GIVEN a mutated profile WHEN loaded THEN ReaderConfigError, or reads raise only typed errors."""
    try:
        profile = profile_from_dict(data)  # type: ignore[arg-type]
    except ReaderConfigError:
        return
    read_everything(profile, answers)


@st.composite
def mutated_json(draw: st.DrawFn) -> bytes:
    """A mutated profile as file bytes, itself cut, spliced, nested deeply or not UTF-8."""
    text = json.dumps(draw(mutated_profile()), ensure_ascii=draw(st.booleans()))
    raw = text.encode("utf-8")
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["cut", "insert", "nest", "latin1", "bytes"]))
        at = draw(st.integers(0, len(raw)))
        if op == "cut":
            raw = raw[:at] + raw[at + draw(st.integers(1, 8)) :]
        elif op == "insert":
            raw = (
                raw[:at]
                + draw(st.sampled_from([b"{", b"[", b'"', b",", b"\\", b"1e999"]))
                + raw[at:]
            )
        elif op == "nest":
            depth = draw(st.integers(1, 20000))
            raw = b"[" * depth + raw + b"]" * depth
        elif op == "latin1":
            raw = text.encode("latin-1", "replace")
        else:
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return raw


@pytest.fixture(scope="module")
def profile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file the JSON test rewrites for every example."""
    return tmp_path_factory.mktemp("profiles") / "fuzzed.json"


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=mutated_json(), answers=st.lists(st.binary(max_size=40), max_size=12))
def test_mutated_profile_files(profile_file: Path, raw: bytes, answers: list[bytes]) -> None:
    """GIVEN a mutated profile file WHEN loaded THEN ReaderConfigError, or reads raise only typed errors."""
    profile_file.write_bytes(raw)
    try:
        profile = load_profile(str(profile_file))
    except ReaderConfigError:
        return
    read_everything(profile, answers)
