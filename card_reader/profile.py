"""PC/SC card profiles as data: a JSON file lists the APDUs to send and how each answer maps
onto Identity fields, so supporting a vendor's PC/SC ID-card reader is a new file in
`card_reader/profiles/`, not new code.

A profile is validated completely when it is loaded (ReaderConfigError names the problem):
keys and their types, hex APDUs and record tags, known fields and decoders, each decoder's
value fitting its field, and a step that yields the ID number. So a loaded profile reading a
card can only fail with a CardReaderError, and always yields a well-typed Identity.
"""

from __future__ import annotations

import functools
import json
import re
import types
import typing
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
MAX_APDU = 261  # a short APDU: header, Lc, 255 data bytes, Le
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_RECORD = re.compile(r"[0-9A-Fa-f]{1,2}")


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
        # field -> decoded value; load-time checks make each value fit its Identity field
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
            elif step.field is not None and step.decode is not None:
                value = data if step.record is None else parse_tlv_record(data, step.record)
                decoded = decode_field(step.decode, value)
                if decoded is not None:
                    values[step.field] = decoded
        if whole is None:
            number = values.pop("id_number", None)
            if not number:
                raise UnreadableCardError(f"profile {self.name} read no ID number")
            whole = Identity(card_type=self.card_type, id_number=number, name=None)
        return replace(whole, **values)


# -- loading and validation ---------------------------------------------------------------
class StepJSON(BaseModel):
    """A step as written in JSON: the shape only (meaning is checked in `_step`)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    apdu: str
    field: str | None = None
    decode: str | None = None
    record: str | None = None
    optional: bool = False
    detect: bool = False


class ProfileJSON(BaseModel):
    """A profile as written in JSON."""

    model_config = ConfigDict(strict=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    card_type: str
    steps: list[StepJSON] = Field(min_length=1)
    description: str = ""


@functools.cache
def field_types() -> dict[str, tuple[type, ...]]:
    """Identity field -> the types its value may have (None aside); card_type is not a field."""
    out: dict[str, tuple[type, ...]] = {}
    for name, hint in typing.get_type_hints(Identity).items():
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        out[name] = tuple(a for a in args if a is not type(None))
    del out["card_type"]
    return out


def _step(spec: StepJSON, where: str) -> Step:
    try:
        apdu = bytes.fromhex(spec.apdu)
    except ValueError:
        raise ReaderConfigError(f"{where}: APDU {spec.apdu!r} is not hex") from None
    if not 4 <= len(apdu) <= MAX_APDU:
        raise ReaderConfigError(f"{where}: an APDU has 4 to {MAX_APDU} bytes, not {len(apdu)}")
    if spec.decode == TEXT_BLOCK:
        if spec.field is not None or spec.record is not None:
            raise ReaderConfigError(f"{where}: {TEXT_BLOCK} reads the whole card: no field/record")
        return Step(apdu, decode=TEXT_BLOCK, optional=spec.optional, detect=spec.detect)
    if (spec.field is None) != (spec.decode is None):
        raise ReaderConfigError(f"{where}: field and decode go together")
    if spec.record is not None and spec.field is None:
        raise ReaderConfigError(f"{where}: a record tag needs a field to decode it into")
    if spec.field is not None and spec.decode is not None:
        _check_field(spec.field, spec.decode, where)
    record = None
    if spec.record is not None:
        if not _RECORD.fullmatch(spec.record):
            raise ReaderConfigError(f"{where}: record {spec.record!r} is not a hex tag 00-FF")
        record = int(spec.record, 16)
    return Step(apdu, spec.field, spec.decode, record, spec.optional, spec.detect)


def _check_field(field: str, decode: str, where: str) -> None:
    allowed = field_types().get(field)
    if allowed is None:
        raise ReaderConfigError(f"{where}: {field!r} is not an Identity field")
    decoder = DECODERS.get(decode)
    if decoder is None:
        known = ", ".join([*DECODERS, TEXT_BLOCK])
        raise ReaderConfigError(f"{where}: unknown decoder {decode!r} (known: {known})")
    if decoder.yields not in allowed:
        raise ReaderConfigError(
            f"{where}: decoder {decode} yields {decoder.yields.__name__}, "
            f"but {field} holds {' or '.join(t.__name__ for t in allowed)}"
        )


def profile_from_dict(data: object, origin: str = "<dict>") -> CardProfile:
    """Validate a profile's parsed JSON once; ReaderConfigError names what is wrong."""
    try:
        spec = ProfileJSON.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(map(str, e['loc'])) or 'profile'}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False)[:5]
        ]
        raise ReaderConfigError(f"profile {origin}: {'; '.join(problems)}") from None
    try:
        card_type = CardType(spec.card_type)
    except ValueError:
        known = ", ".join(t.value for t in CardType)
        raise ReaderConfigError(
            f"profile {spec.name}: card_type {spec.card_type!r} is not one of {known}"
        ) from None
    steps = tuple(_step(s, f"profile {spec.name} step {i}") for i, s in enumerate(spec.steps))
    if not any(s.decode == TEXT_BLOCK or s.field == "id_number" for s in steps):
        raise ReaderConfigError(f"profile {spec.name}: no step reads the ID number")
    return CardProfile(spec.name, card_type, steps, spec.description)


def profile_from_json(raw: bytes, origin: str = "<json>") -> CardProfile:
    """A profile from the bytes of its JSON file (UTF-8); ReaderConfigError for any flaw."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ReaderConfigError(f"profile {origin}: not UTF-8 text") from None
    except ValueError as exc:  # JSONDecodeError, or an integer too long to convert
        raise ReaderConfigError(f"profile {origin}: not JSON: {exc}") from None
    except RecursionError:
        raise ReaderConfigError(f"profile {origin}: JSON nested too deeply") from None
    return profile_from_dict(data, origin)


def load_profile(name_or_path: str) -> CardProfile:
    """A JSON file (a path ending in .json) or a profile shipped in card_reader/profiles."""
    if name_or_path.endswith(".json"):
        try:
            raw = Path(name_or_path).read_bytes()
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
            raise ReaderConfigError(f"profile {name_or_path!r}: cannot read: {exc}") from None
        return profile_from_json(raw, name_or_path)
    if not _NAME.fullmatch(name_or_path):
        raise ReaderConfigError(f"no card profile named {name_or_path!r}")
    resource = resources.files("card_reader.profiles").joinpath(f"{name_or_path}.json")
    if not resource.is_file():
        raise ReaderConfigError(f"no card profile named {name_or_path!r}")
    return profile_from_json(resource.read_bytes(), name_or_path)


def read_with_profiles(profiles: list[CardProfile], raw: RawTransmit) -> Identity:
    """Try each profile in turn; UnsupportedCardError if none recognises the card."""
    for profile in profiles:
        try:
            return profile.read(raw)
        except NotThisCardError:
            continue
    raise UnsupportedCardError("no card profile recognises this card")
