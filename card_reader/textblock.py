"""The 256-byte text block of resident cards and permits (UCS-2 LE, space padded):
decoding by the type marker at byte 248, and encoding (for the emulators)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from card_reader.base import (
    CardType,
    Identity,
    UnreadableCardError,
    UnsupportedCardError,
)
from card_reader.codes import nation_code, nation_from_code, sex_code, sex_from_code

TEXT_LEN = 256
ADDRESS_LEN = 70
LONG_TERM = "长期"

MARKER_OFFSET = 248
MARKERS: dict[str, str] = {" ": "resident", "J": "J", "I": "I", "Y": "Y"}


@dataclass(frozen=True)
class Field:
    """One fixed slot of the text block."""

    offset: int
    size: int


# name -> slot, per layout (offsets and sizes in bytes).
RESIDENT = {
    "name": Field(0, 30),
    "sex": Field(30, 2),
    "nation": Field(32, 4),
    "birth_date": Field(36, 16),
    "address": Field(52, 70),
    "id_number": Field(122, 36),
    "issuer": Field(158, 30),
    "valid_from": Field(188, 16),
    "valid_until": Field(204, 16),
}
PERMIT_J = {
    **{k: v for k, v in RESIDENT.items() if k != "nation"},
    "pass_number": Field(220, 18),
    "issue_count": Field(238, 4),
}
FOREIGN_I = {
    "english_name": Field(0, 120),
    "sex": Field(120, 2),
    "id_number": Field(122, 30),
    "nationality": Field(152, 6),
    "name": Field(158, 30),
    "valid_from": Field(188, 16),
    "valid_until": Field(204, 16),
    "birth_date": Field(220, 16),
    "version": Field(236, 4),
    "issuer": Field(240, 8),
}
FOREIGN_Y = {
    "name": Field(0, 30),
    "sex": Field(30, 2),
    "issue_count": Field(32, 4),
    "birth_date": Field(36, 16),
    "english_name": Field(52, 70),
    "id_number": Field(122, 36),
    "issuer": Field(158, 30),
    "valid_from": Field(188, 16),
    "valid_until": Field(204, 16),
    "english_name_more": Field(220, 22),
    "nationality": Field(242, 6),
    "previous_link": Field(250, 6),
}
LAYOUTS = {"resident": RESIDENT, "J": PERMIT_J, "I": FOREIGN_I, "Y": FOREIGN_Y}


def _text(block: bytes, slot: Field) -> str:
    raw = block[slot.offset : slot.offset + slot.size]
    try:
        value = raw.decode("utf-16-le")
    except UnicodeDecodeError:
        raise UnreadableCardError(f"text at byte {slot.offset} is not UCS-2") from None
    return value.strip(" \x00")


def _date(value: str, what: str, *, long_term: bool = False) -> date | None:
    if not value:
        return None
    if long_term and value == LONG_TERM:
        return None
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise UnreadableCardError(f"{what} {value!r} is not YYYYMMDD")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise UnreadableCardError(f"{what} {value!r} is not a date") from None


def _int(value: str, what: str) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise UnreadableCardError(f"{what} {value!r} is not a number")
    return int(value)


def card_layout(block: bytes) -> str:
    """ "resident", "J", "I" or "Y" from the type marker; UnsupportedCardError otherwise."""
    if len(block) != TEXT_LEN:
        raise UnreadableCardError(f"text block is {len(block)} bytes, expected {TEXT_LEN}")
    marker = block[MARKER_OFFSET : MARKER_OFFSET + 2]
    try:
        char = marker.decode("utf-16-le")
    except UnicodeDecodeError:
        char = ""
    if char not in MARKERS:
        raise UnsupportedCardError(f"unknown card type marker {marker.hex()}")
    return MARKERS[char]


def parse_text_block(block: bytes, newest_address: str | None = None) -> Identity:
    """Decode a text block into an Identity, choosing the layout by the type marker first."""
    layout = card_layout(block)
    fields = {name: _text(block, slot) for name, slot in LAYOUTS[layout].items()}
    id_number = fields["id_number"].upper()
    if not id_number or not id_number.isascii() or not id_number.isalnum():
        raise UnreadableCardError("the card carries no usable ID number")
    common = Identity(
        card_type=CardType.RESIDENT,
        id_number=id_number,
        name=fields["name"] or None,
        sex=sex_from_code(fields["sex"]),
        birth_date=_date(fields["birth_date"], "birth date"),
        valid_from=_date(fields["valid_from"], "valid-from date"),
        valid_until=_date(fields["valid_until"], "valid-until date", long_term=True),
        issuer=fields.get("issuer") or None,
    )
    if layout == "resident":
        nation = nation_from_code(fields["nation"]) if fields["nation"] else None
        return replace(common, nation=nation, address=newest_address or fields["address"] or None)
    if layout == "J":
        return replace(
            common,
            card_type=CardType.HK_MO_TW_PERMIT,
            address=newest_address or fields["address"] or None,
            pass_number=fields["pass_number"] or None,
            issue_count=_int(fields["issue_count"], "issue count"),
        )
    if layout == "I":
        return replace(
            common,
            card_type=CardType.FOREIGN_PERMANENT,
            english_name=fields["english_name"] or None,
            nationality=fields["nationality"] or None,
        )
    head, tail = FOREIGN_Y["english_name"], FOREIGN_Y["english_name_more"]
    joined = (
        block[head.offset : head.offset + head.size] + block[tail.offset : tail.offset + tail.size]
    )
    return replace(
        common,
        card_type=CardType.FOREIGN_PERMANENT,
        english_name=_text(joined, Field(0, len(joined))) or None,
        nationality=fields["nationality"] or None,
        issue_count=_int(fields["issue_count"], "renewal count"),
    )


def parse_newest_address(data: bytes) -> str | None:
    """The 70-byte UCS-2 answer of 30 03; None when blank."""
    if len(data) != ADDRESS_LEN:
        raise UnreadableCardError(f"newest address is {len(data)} bytes, expected {ADDRESS_LEN}")
    return _text(data, Field(0, ADDRESS_LEN)) or None


def _put(block: bytearray, slot: Field, value: str | None) -> None:
    raw = (value or "").encode("utf-16-le")[: slot.size]
    raw = raw[: len(raw) - len(raw) % 2]
    block[slot.offset : slot.offset + slot.size] = raw + " ".encode("utf-16-le") * (
        (slot.size - len(raw)) // 2
    )


def _ymd(value: date | None) -> str:
    return f"{value:%Y%m%d}" if value else ""


def layout_for(identity: Identity) -> str:
    """Which text layout an Identity is written in (emulators): I for 2017 permits, Y for 18-digit ones."""
    if identity.card_type is CardType.HK_MO_TW_PERMIT:
        return "J"
    if identity.card_type is CardType.FOREIGN_PERMANENT:
        return "Y" if len(identity.id_number) == 18 else "I"
    return "resident"


def encode_text_block(identity: Identity, layout: str | None = None) -> bytes:
    """Write an Identity the way a card stores it (fields too long are cut, like the card)."""
    layout = layout or layout_for(identity)
    block = bytearray(" ".encode("utf-16-le") * (TEXT_LEN // 2))
    slots = LAYOUTS[layout]
    until = LONG_TERM if identity.valid_until is None else _ymd(identity.valid_until)
    values: dict[str, str | None] = {
        "name": identity.name,
        "sex": sex_code(identity.sex),
        "birth_date": _ymd(identity.birth_date),
        "address": identity.address,
        "id_number": identity.id_number,
        "issuer": identity.issuer,
        "valid_from": _ymd(identity.valid_from),
        "valid_until": until,
        "nation": nation_code(identity.nation) or "",
        "pass_number": identity.pass_number,
        "issue_count": "" if identity.issue_count is None else f"{identity.issue_count:02d}",
        "nationality": identity.nationality,
        "version": "11",
    }
    if layout == "Y":
        english = identity.english_name or ""
        head = FOREIGN_Y["english_name"].size // 2
        values["english_name"] = english[:head]
        values["english_name_more"] = english[head:]
    else:
        values["english_name"] = identity.english_name
    for name, slot in slots.items():
        _put(block, slot, values.get(name))
    marker = {"resident": " ", "J": "J", "I": "I", "Y": "Y"}[layout]
    _put(block, Field(MARKER_OFFSET, 2), marker)
    return bytes(block)


def encode_newest_address(address: str) -> bytes:
    """The 70-byte answer of 30 03 for an address (emulator side)."""
    block = bytearray(ADDRESS_LEN)
    _put(block, Field(0, ADDRESS_LEN), address)
    return bytes(block)
