"""PC/SC cards: card profiles (the JSON that says which APDUs to send) and the answers cards
give to them (T=0 status words, record TLVs, BCD, GBK and the GA 467 text block).

Profiles start from the shipped ones and are mutated as dicts (keys dropped, changed, added,
steps reshuffled, any JSON value anywhere) or as file bytes (cut, spliced, nested 20,000 deep,
not UTF-8); a profile that loads must then read emulated cards with only CardReaderErrors.
Answers start from what the emulated cards say and are damaged on the way back.
"""

from __future__ import annotations

import copy
import json
import typing
from collections.abc import Callable
from datetime import date
from importlib import resources

from card_reader.apdu import split_response
from card_reader.base import CardReaderError, Identity, UnreadableCardError
from card_reader.checks import check_identity
from card_reader.emulators.samples import sample
from card_reader.emulators.vcard import VirtualCard
from card_reader.profile import (
    CardProfile,
    load_profile,
    profile_from_dict,
    profile_from_json,
    read_with_profiles,
)
from kiosk.fuzzing.core import Chooser, Parser, Seeded, chance, pick
from kiosk.fuzzing.frames import assert_identity
from kiosk.fuzzing.mutate import havoc, junk

TODAY = date(2026, 11, 25)
SHIPPED = {
    name: json.loads(resources.files("card_reader.profiles").joinpath(f"{name}.json").read_text())
    for name in ("ssse", "idcard_ffb0")
}
PROFILES = (load_profile("ssse"), load_profile("idcard_ffb0"))
FIELD_NAMES = (*typing.get_type_hints(Identity), "photo", "", "Name")
DECODER_NAMES = ("ascii", "gbk", "id_number", "sex_code", "nation_bcd", "bcd", "bcd_date",
                 "ga467_text", "utf8", "")  # fmt: skip
STEP_KEYS = ("apdu", "field", "decode", "record", "optional", "detect", "comment")
PROFILE_KEYS = ("name", "card_type", "steps", "description", "version")
CARD_TYPES = ("resident", "social_security", "hk_mo_tw_permit", "passport", "")
RECORDS = ("07", "08", "0A", "0d", "7", "100", "-1", "x", "", "٠٧")
STATUS_WORDS = (b"\x90\x00", b"\x6a\x82", b"\x6a\x83", b"\x69\x86", b"\x6f\x00", b"\x67\x00")
Transmit = Callable[[bytes], tuple[bytes, int, int]]


def plausible(c: Chooser, key: str) -> object:
    """A value that is nearly right for `key`, or junk."""
    if c.integer(0, 1):
        return junk(c)
    if key == "apdu":
        return c.binary(12).hex() if c.integer(0, 1) else pick(c, ("", "0", "zz", "00 A4", "é1"))
    if key == "field":
        return pick(c, FIELD_NAMES)
    if key == "decode":
        return pick(c, DECODER_NAMES)
    if key == "record":
        return pick(c, RECORDS) if c.integer(0, 1) else c.integer(-2, 300)
    if key in ("optional", "detect"):
        return c.integer(0, 1) == 1 if c.integer(0, 1) else pick(c, ("true", 0, 1, None))
    if key == "card_type":
        return pick(c, CARD_TYPES)
    return c.text(8) if key != "version" else c.integer(-5, 5)


def _mutate_steps(c: Chooser, steps: list[object]) -> None:
    how = pick(c, ("step", "step", "delete", "duplicate", "swap", "junk", "empty"))
    if how == "empty" or not steps:
        steps.clear()
        return
    i, j = c.integer(0, len(steps) - 1), c.integer(0, len(steps) - 1)
    if how == "step":
        step = steps[i]
        if isinstance(step, dict):
            key = pick(c, STEP_KEYS)
            if chance(c, 4):
                step.pop(key, None)
            else:
                step[key] = plausible(c, key)
        else:
            steps[i] = junk(c)
    elif how == "delete":
        del steps[i]
    elif how == "duplicate":
        steps.insert(j, copy.deepcopy(steps[i]))
    elif how == "swap":
        steps[i], steps[j] = steps[j], steps[i]
    elif how == "junk":
        steps.insert(i, junk(c))


def mutated_profile(c: Chooser) -> object:
    """A shipped profile with 1-4 mutations: keys dropped, changed, added; steps reshuffled."""
    data: object = copy.deepcopy(SHIPPED[pick(c, sorted(SHIPPED))])
    for _ in range(c.integer(0, 4)):
        if not isinstance(data, dict):
            break
        op = pick(c, ("steps", "steps", "steps", "top", "drop", "whole"))
        steps = data.get("steps")
        if op == "top":
            key = pick(c, PROFILE_KEYS)
            data[key] = plausible(c, key)
        elif op == "drop":
            data.pop(pick(c, PROFILE_KEYS), None)
        elif op == "whole" and chance(c, 10):
            data = junk(c)
        elif isinstance(steps, list):
            _mutate_steps(c, steps)
    return data


def mutated_json(c: Chooser) -> bytes:
    """A mutated profile as file bytes, itself cut, spliced, nested deeply or not UTF-8."""
    text = json.dumps(mutated_profile(c), ensure_ascii=c.integer(0, 1) == 1)
    raw = text.encode("utf-8")
    for _ in range(c.integer(0, 3)):
        op = pick(c, ("bytes", "insert", "nest", "latin1", "bom"))
        at = c.integer(0, len(raw))
        if op == "insert":
            raw = (
                raw[:at]
                + pick(c, (b"{", b"[", b'"', b",", b"\\", b"1e999", b"9" * 5000))
                + raw[at:]
            )
        elif op == "nest":
            depth = c.integer(1, 20000)
            raw = b"[" * depth + raw + b"]" * depth
        elif op == "latin1":
            raw = text.encode("latin-1", "replace")
        elif op == "bom":
            raw = pick(c, (b"\xef\xbb\xbf", b"\xff\xfe", b"\x00")) + raw
        else:
            raw = havoc(c, raw, max_ops=3)
    return raw


def profile_case(c: Chooser) -> tuple[object, list[bytes]]:
    """A mutated profile (dict or file bytes) and the answers of a card of junk."""
    data = mutated_json(c) if c.integer(0, 1) else mutated_profile(c)
    return data, [c.binary(40) for _ in range(c.integer(0, 8))]


def cards() -> list[VirtualCard]:
    """Fresh emulated cards of every kind the shipped profiles read."""
    return [
        VirtualCard(sample("social_security")),
        VirtualCard(sample("resident")),
        VirtualCard(sample("resident"), application="idcard_ffb0"),
        VirtualCard(sample("J"), application="idcard_ffb0"),
        VirtualCard(sample("Y"), application="idcard_ffb0"),
    ]


def card_transmit(card: VirtualCard) -> Transmit:
    """The virtual card's APDU logic without the vpcd socket, as a raw transmit function."""
    return lambda apdu: split_response(card._apdu(apdu))  # the card's own answer, no socket


def read_checked(profiles: list[CardProfile], transmit: Transmit) -> Identity:
    """Read a card: a well-typed Identity that passes (or fails, typed) the kiosk's checks. A
    profile may map any record to any field (what the card says is read as it is); the check
    that follows every read refuses what is not an ID number, so usability is asked of the
    checked identity."""
    identity = read_with_profiles(profiles, transmit)
    assert_identity(identity, usable=False)
    checked = check_identity(identity, TODAY)
    assert_identity(checked)
    return checked


def load_and_read(case: tuple[object, list[bytes]]) -> int:
    """Load a mutated profile (ReaderConfigError is fine), then read every card with it."""
    data, answers = case
    profile = profile_from_json(data) if isinstance(data, bytes) else profile_from_dict(data)
    feed = iter(answers)
    transmits = [card_transmit(card) for card in cards()]
    transmits.append(lambda apdu: split_response(next(feed, b"\x90\x00")))
    read = 0
    for transmit in transmits:
        try:
            read_checked([profile], transmit)
        except CardReaderError:
            continue
        read += 1
    return read


# -- answers of cards to the shipped profiles ---------------------------------------------------
def damaged(c: Chooser, answer: bytes) -> bytes:
    """A card's answer (data + SW1 SW2) changed on the way back."""
    how = c.integer(0, 5)
    if how == 0:
        return havoc(c, answer, max_ops=3)
    if how == 1:  # another status word
        sw = (
            pick(c, STATUS_WORDS)
            if c.integer(0, 1)
            else bytes([pick(c, (0x61, 0x6C)), c.integer(0, 255)])
        )
        return answer[:-2] + sw
    if how == 2 and len(answer) > 4:  # a record's TLV header changed
        return bytes([c.integer(0, 255), c.integer(0, 255)]) + answer[2:]
    if how == 3:
        return answer[: c.integer(0, len(answer))]
    return c.binary(24) if how == 4 else answer + c.binary(8)


AnswerPlan = tuple[str, str, tuple[int, ...], list[int], int]


def answer_case(c: Chooser) -> AnswerPlan:
    """Which card, which profiles in which order, which answers are damaged and how (a seed
    per damaged answer), and the call that fails in transport (0: none)."""
    kind = pick(c, ("social_security", "resident", "J", "Y", "I"))
    application = pick(c, ("ssse", "idcard_ffb0"))
    order = pick(c, ((0, 1), (1, 0), (0,), (1,)))
    damage = [c.integer(0, 2**32) if chance(c, 3) else 0 for _ in range(24)]
    return kind, application, order, damage, c.integer(1, 24) if chance(c, 3) else 0


def read_damaged(plan: AnswerPlan) -> Identity:
    """Read the card through the profiles with some of its answers damaged."""
    kind, application, order, damage, fail_at = plan
    card = VirtualCard(sample(kind), application=application)
    calls = 0

    def transmit(apdu: bytes) -> tuple[bytes, int, int]:
        nonlocal calls
        calls += 1
        if calls == fail_at:
            raise UnreadableCardError("transmit: the card does not answer", code=0x80100016)
        answer = card._apdu(apdu)  # the card's own answer, no socket
        seed = damage[(calls - 1) % len(damage)]
        return split_response(damaged(Seeded(seed), answer) if seed else answer)

    profiles = [PROFILES[i] for i in order]
    return read_checked(profiles, transmit)


def parsers() -> list[Parser]:
    """The PC/SC parsers."""
    return [
        Parser("card_profiles", "card profile JSON (dicts and file bytes), then reads with it",
               profile_case, load_and_read),
        Parser("apdu_answers", "damaged APDU answers through the shipped profiles (T=0, TLV)",
               answer_case, read_damaged),
    ]  # fmt: skip
