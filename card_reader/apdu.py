"""APDU plumbing shared by PC/SC profiles: T=0 status handling (61 XX, 6C XX), record TLVs
and the field decoders profiles name in their JSON. No PC/SC calls here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from card_reader.base import CardReaderError, ProtocolError, Sex, UnreadableCardError
from card_reader.codes import nation_from_code, sex_from_code

# transmit(apdu) -> (data, sw1, sw2); raises CardReaderError on transport failures
RawTransmit = Callable[[bytes], tuple[bytes, int, int]]

SW_OK = (0x90, 0x00)
MAX_GET_RESPONSE = 16


class StatusError(UnreadableCardError):
    """The card answered an APDU with a status other than 90 00."""

    def __init__(self, apdu: bytes, sw1: int, sw2: int) -> None:
        super().__init__(f"{apdu[:4].hex(' ').upper()}: SW {sw1:02X}{sw2:02X}", code=sw1 << 8 | sw2)
        self.sw = (sw1, sw2)


def split_response(response: bytes) -> tuple[bytes, int, int]:
    """A response APDU as (data, SW1, SW2); ProtocolError if it has no status word."""
    if len(response) < 2:
        raise ProtocolError(f"response APDU of {len(response)} bytes has no status word")
    return bytes(response[:-2]), response[-2], response[-1]


def transmit_t0(raw: RawTransmit, apdu: bytes) -> tuple[bytes, int, int]:
    """Send an APDU the way T=0 cards need: follow 61 XX with GET RESPONSE, repeat on 6C XX."""
    data, sw1, sw2 = raw(apdu)
    if sw1 == 0x6C and len(apdu) == 5:
        apdu = apdu[:4] + bytes([sw2])
        data, sw1, sw2 = raw(apdu)
    collected = bytearray(data)
    for _ in range(MAX_GET_RESPONSE):
        if sw1 != 0x61:
            break
        data, sw1, sw2 = raw(bytes([0x00, 0xC0, 0x00, 0x00, sw2]))
        if sw1 == 0x6C:
            data, sw1, sw2 = raw(bytes([0x00, 0xC0, 0x00, 0x00, sw2]))
        collected += data
    else:
        raise ProtocolError("card keeps answering 61 XX")
    return bytes(collected), sw1, sw2


def parse_tlv_record(data: bytes, tag: int) -> bytes:
    """The value of a one-record TLV (tag, length, value) whose tag must be `tag`."""
    if len(data) < 2:
        raise UnreadableCardError(f"record {tag:02X}: {len(data)} bytes, no TLV header")
    if data[0] != tag:
        raise UnreadableCardError(f"record {tag:02X}: found tag {data[0]:02X}")
    length = data[1]
    if len(data) < 2 + length:
        raise UnreadableCardError(f"record {tag:02X}: length {length} but {len(data) - 2} bytes")
    return bytes(data[2 : 2 + length])


def _ascii(value: bytes) -> str:
    try:
        return value.decode("ascii").strip(" \x00")
    except UnicodeDecodeError:
        raise UnreadableCardError("ASCII field holds other bytes") from None


def _gbk(value: bytes) -> str:
    try:
        return value.rstrip(b"\x00").decode("gbk").strip(" \x00\u3000")
    except UnicodeDecodeError:
        raise UnreadableCardError("GBK field does not decode") from None


def _bcd(value: bytes) -> str:
    digits = value.hex()
    if not digits.isdigit():
        raise UnreadableCardError(f"BCD field {digits!r} holds non-digits")
    return digits


def _bcd_date(value: bytes) -> date | None:
    digits = _bcd(value)
    if not digits.strip("0"):
        return None
    if len(digits) != 8:
        raise UnreadableCardError(f"BCD date {digits!r} is not YYYYMMDD")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise UnreadableCardError(f"BCD date {digits!r} is not a date") from None


def _id_number(value: bytes) -> str:
    number = _ascii(value).upper()
    if not number or not number.isalnum():
        raise UnreadableCardError("the card carries no usable ID number")
    return number


def _sex(value: bytes) -> Sex:
    return sex_from_code(_ascii(value))


def _nation(value: bytes) -> str | None:
    return nation_from_code(_bcd(value)) if value else None


@dataclass(frozen=True)
class Decoder:
    """A field decoder profiles name in their JSON, and the type of value it yields (or None).

    Profiles are checked against `yields` at load, so a decoder's value always fits its field.
    """

    decode: Callable[[bytes], object]
    yields: type


DECODERS: dict[str, Decoder] = {
    "ascii": Decoder(lambda v: _ascii(v) or None, str),
    "gbk": Decoder(lambda v: _gbk(v) or None, str),
    "id_number": Decoder(_id_number, str),
    "sex_code": Decoder(_sex, Sex),
    "nation_bcd": Decoder(_nation, str),
    "bcd": Decoder(_bcd, str),
    "bcd_date": Decoder(_bcd_date, date),
}


def decode_field(decoder: str, value: bytes) -> object:
    """Run a named decoder; only CardReaderError ever escapes."""
    try:
        return DECODERS[decoder].decode(value)
    except CardReaderError:
        raise
    except (ValueError, LookupError) as exc:
        raise UnreadableCardError(f"{decoder}: {exc}") from None
