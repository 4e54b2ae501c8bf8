"""PC/SC card profiles as data: a JSON file lists the APDUs to send and how each answer maps
onto Identity fields, so supporting a vendor's PC/SC ID-card reader is a new file in
`card_reader/profiles/`, not new code."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from card_reader.apdu import DECODERS, RawTransmit, StatusError, decode_field, parse_tlv_record
from card_reader.apdu import transmit_t0 as _transmit_t0
from card_reader.base import (
    CardType,
    Identity,
    ReaderConfigError,
    UnreadableCardError,
    UnsupportedCardError,
)
from card_reader.textblock import TEXT_LEN, parse_text_block

TEXT_BLOCK = "ga467_text"  # decoder that turns a 256-byte GA 467 text block into the whole Identity
SKIPPABLE = {(0x6A, 0x82), (0x6A, 0x83)}  # file / record not found: fine for optional fields
_IDENTITY_FIELDS = {f.name for f in fields(Identity)} - {"card_type"}


class NotThisCardError(UnsupportedCardError):
    """The card refused a profile's detecting step: try the next profile."""


@dataclass(frozen=True)
class Step:
    """One APDU and what to do with its answer."""

    apdu: bytes
    field: str | None = None
    decode: str | None = None
    record: int | None = None  # expected TLV tag when the answer is a record
    optional: bool = False
    detect: bool = False


@dataclass(frozen=True)
class CardProfile:
    """A named list of steps yielding an Identity of one card type."""

    name: str
    card_type: CardType
    steps: tuple[Step, ...]
    description: str = ""

    def read(self, raw: RawTransmit) -> Identity:
        """Run the steps through `raw` (with T=0 handling); Identity or a typed error."""
        values: dict[str, Any] = {}
        whole: Identity | None = None
        for step in self.steps:
            data, sw1, sw2 = _transmit_t0(raw, step.apdu)
            if (sw1, sw2) != (0x90, 0x00):
                if step.detect:
                    raise NotThisCardError(f"profile {self.name}: SW {sw1:02X}{sw2:02X}")
                if step.optional and (sw1, sw2) in SKIPPABLE:
                    continue
                raise StatusError(step.apdu, sw1, sw2)
            if step.decode == TEXT_BLOCK:
                if len(data) < TEXT_LEN:
                    raise UnreadableCardError(f"text block of {len(data)} bytes")
                whole = parse_text_block(data[:TEXT_LEN])
            elif step.field and step.decode:
                value = data if step.record is None else parse_tlv_record(data, step.record)
                values[step.field] = decode_field(step.decode, value)
        if whole is not None:
            return replace(whole, **{k: v for k, v in values.items() if v is not None})
        if not values.get("id_number"):
            raise UnreadableCardError(f"profile {self.name} read no ID number")
        return Identity(card_type=self.card_type, **values)


def _hex(value: Any, where: str) -> bytes:
    try:
        return bytes.fromhex(str(value))
    except ValueError:
        raise ReaderConfigError(f"{where}: {value!r} is not hex") from None


def profile_from_dict(data: dict[str, Any], origin: str = "<dict>") -> CardProfile:
    """Validate a profile's JSON once; ReaderConfigError names what is wrong."""
    try:
        name = str(data["name"])
        card_type = CardType(data["card_type"])
        raw_steps = list(data["steps"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ReaderConfigError(f"profile {origin}: {exc}") from None
    steps = []
    for i, raw in enumerate(raw_steps):
        where = f"profile {name} step {i}"
        apdu = _hex(raw.get("apdu"), where)
        if len(apdu) < 4:
            raise ReaderConfigError(f"{where}: APDU shorter than 4 bytes")
        decode = raw.get("decode")
        field = raw.get("field")
        if decode is not None and decode != TEXT_BLOCK and decode not in DECODERS:
            raise ReaderConfigError(f"{where}: unknown decoder {decode!r}")
        if field is not None and field not in _IDENTITY_FIELDS:
            raise ReaderConfigError(f"{where}: {field!r} is not an Identity field")
        if (field is None) != (decode is None) and decode != TEXT_BLOCK:
            raise ReaderConfigError(f"{where}: field and decode go together")
        record = raw.get("record")
        steps.append(
            Step(
                apdu=apdu,
                field=field,
                decode=decode,
                record=None if record is None else int(str(record), 16),
                optional=bool(raw.get("optional", False)),
                detect=bool(raw.get("detect", False)),
            )
        )
    if not steps:
        raise ReaderConfigError(f"profile {name} has no steps")
    return CardProfile(name, card_type, tuple(steps), str(data.get("description", "")))


def load_profile(name_or_path: str) -> CardProfile:
    """A profile shipped in card_reader/profiles (by name) or a JSON file path."""
    path = Path(name_or_path)
    if path.suffix == ".json" and path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        resource = resources.files("card_reader.profiles").joinpath(f"{name_or_path}.json")
        if not resource.is_file():
            raise ReaderConfigError(f"no card profile named {name_or_path!r}")
        text = resource.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReaderConfigError(f"profile {name_or_path}: {exc}") from None
    return profile_from_dict(data, name_or_path)


def read_with_profiles(profiles: list[CardProfile], raw: RawTransmit) -> Identity:
    """Try each profile in turn; UnsupportedCardError if none recognises the card."""
    for profile in profiles:
        try:
            return profile.read(raw)
        except NotThisCardError:
            continue
    raise UnsupportedCardError("no card profile recognises this card")
