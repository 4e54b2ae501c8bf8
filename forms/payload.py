"""The bytes inside a document's QR code, both formats; no keys and no policy here.

**KV2** (since issue 13) is a link, ``<verify.base_url>#<fragment>``: the fragment is unpadded
RFC 4648 base32 (upper case, in the QR alphanumeric set, never sent to a server) of::

    u8   format, 2
    u8   status: 0 issued, 1 pending review (待审核: an unsealed paper staff still have to check)
    u16  issue date, days since 2000-01-01
    u16  validity in days (0: none stated)
    u8+  community code (ASCII): the community the document is for
    u8   serial: 0 -> u24 sequence follows, the serial being <community>-<YYYYMMDD>-<sequence>
         of this community and issue date; n > 0 -> n bytes of ASCII serial
    u8+  document name (GB18030: two bytes per Chinese character instead of UTF-8's three)
    5    masked ID number: the 6 leading and 4 trailing characters as BCD nibbles (X = 0xA)
    8    identity hash (forms.verify.identity_hash: PBKDF2, 64 bits are plenty to tell a match)
    16   visible-text digest (forms.pagetext.text_digest of the rendered document)
    8    key id (fingerprint of the signing key)
    64   Ed25519 signature over b"KV2\\0" + everything above

(``u8+`` = one length byte, then that many bytes; integers big-endian.) A residence certificate
is 130 bytes, 208 characters: with the default 24-character base URL a version-9 QR at level M.
The longest catalogue title (19 characters) fits whole with a base URL of up to ~31 characters;
forms.verify.sign_document shortens a name (…) rather than exceed version 10.

**KV1** (before issue 13) is text, ``KV1:`` + base32 of: u16 date, u8+ serial, u8+ item id,
u8+ masked ID (ASCII), 16 identity hash (scrypt), 16 digest of the Document's fields, 8 key id,
64 signature over b"KV1\\0" + the rest. Still read, never written.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass
from datetime import date, timedelta

from forms.errors import FormsError

KV1_PREFIX = "KV1:"
EPOCH = date(2000, 1, 1)
KEY_ID_BYTES = 8
SIGNATURE_BYTES = 64
DIGEST_BYTES = 16
IDENTITY_BYTES = {1: 16, 2: 8}
STATUS_ISSUED, STATUS_PENDING = 0, 1
CONTEXT = {1: b"KV1\0", 2: b"KV2\0"}
_BCD = "0123456789X"


class MalformedPayloadError(FormsError):
    """Text that is not a payload of either format (`detail` says where it went wrong)."""

    message_zh = "二维码内容格式错误"
    message_en = "The QR code does not hold a document payload."


class PayloadFieldError(FormsError, ValueError):
    """A value that does not fit a KV2 payload (a date out of range, an ID number of another
    shape, a field over 255 bytes)."""

    message_zh = "证明信息无法写入二维码，请联系工作人员"
    message_en = "The document's details do not fit its QR code. Please ask staff."


@dataclass(frozen=True)
class PayloadFields:
    """What a payload says, either format (fields a format lacks are empty)."""

    version: int
    issue_date: date
    serial: str
    masked_id: str
    identity_hash: bytes
    digest: bytes
    key_id: bytes
    status: int = STATUS_ISSUED
    validity_days: int | None = None
    community_code: str = ""
    document_name: str = ""
    item_id: str = ""  # KV1 only


@dataclass(frozen=True)
class Decoded:
    """A parsed payload: its fields, the exact bytes signed, and the signature."""

    fields: PayloadFields
    message: bytes
    signature: bytes


def b32(data: bytes) -> str:
    """Unpadded upper-case base32."""
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _ascii(text: str, what: str) -> bytes:
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:
        raise PayloadFieldError(f"{what} must be ASCII: {text!r}") from None


def _field(raw: bytes) -> bytes:
    if len(raw) > 255:
        raise PayloadFieldError(f"payload field too long ({len(raw)} bytes)")
    return bytes([len(raw)]) + raw


def pack_masked(masked: str) -> bytes:
    """610202********1234 -> 5 bytes of BCD (PayloadFieldError for any other shape)."""
    kept = masked[:6] + masked[-4:]
    if len(masked) != 18 or masked[6:14] != "*" * 8 or any(c not in _BCD for c in kept):
        raise PayloadFieldError("only 18-character ID numbers fit a KV2 payload")
    nibbles = [_BCD.index(c) for c in kept]
    return bytes(nibbles[i] << 4 | nibbles[i + 1] for i in range(0, 10, 2))


def unpack_masked(raw: bytes) -> str:
    """The inverse of pack_masked."""
    nibbles = [n for byte in raw for n in (byte >> 4, byte & 0xF)]
    if any(n > 10 for n in nibbles):
        raise MalformedPayloadError("masked ID number: not BCD")
    text = "".join(_BCD[n] for n in nibbles)
    return text[:6] + "*" * 8 + text[6:]


def _serial_field(serial: str, community_code: str, issue_date: date) -> bytes:
    head = f"{community_code}-{issue_date:%Y%m%d}-"
    sequence = serial[len(head) :]
    if serial.startswith(head) and sequence.isdigit() and sequence.isascii():
        number = int(sequence)
        if f"{number:05d}" == sequence and number < 1 << 24:
            return b"\0" + number.to_bytes(3, "big")
    return _field(_ascii(serial, "serial"))


def encode_body(f: PayloadFields) -> bytes:
    """The KV2 bytes that are signed (everything but the signature)."""
    days = (f.issue_date - EPOCH).days
    validity = f.validity_days or 0
    if not 0 <= days <= 0xFFFF or not 0 <= validity <= 0xFFFF:
        raise PayloadFieldError(f"issue date or validity out of range: {f.issue_date}, {validity}")
    if len(f.identity_hash) != IDENTITY_BYTES[2] or len(f.digest) != DIGEST_BYTES:
        raise PayloadFieldError("identity hash or digest of the wrong length")
    return (
        struct.pack(">BBHH", 2, f.status, days, validity)
        + _field(_ascii(f.community_code, "community code"))
        + _serial_field(f.serial, f.community_code, f.issue_date)
        + _field(f.document_name.encode("gb18030"))
        + pack_masked(f.masked_id)
        + f.identity_hash
        + f.digest
        + f.key_id
    )


def link(base_url: str, body: bytes, signature: bytes) -> str:
    """The QR text: base URL, '#', base32 of body + signature."""
    return f"{base_url}#{b32(body + signature)}"


class _Reader:
    def __init__(self, raw: bytes) -> None:
        self.raw, self.pos = raw, 0

    def take(self, n: int) -> bytes:
        """The next n bytes (malformed if there are fewer)."""
        if self.pos + n > len(self.raw):
            raise MalformedPayloadError("payload too short")
        chunk = self.raw[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        """The next byte."""
        return self.take(1)[0]

    def text(self, encoding: str) -> str:
        """A length byte and that many bytes of text in `encoding`."""
        raw = self.take(self.byte())
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise MalformedPayloadError(f"not {encoding}: {exc}") from exc


def _unbase32(data: str) -> bytes:
    try:
        raw = base64.b32decode(data + "=" * (-len(data) % 8))
    except (binascii.Error, ValueError) as exc:
        raise MalformedPayloadError(f"not base32: {exc}") from exc
    if b32(raw) != data:  # unused trailing bits or odd padding: not what we wrote
        raise MalformedPayloadError("not canonical base32")
    return raw


def decode(text: str) -> Decoded:
    """Parse QR text: a KV2 link (or its bare fragment) or KV1 text."""
    text = text.strip()
    if text.startswith(KV1_PREFIX):
        return _decode_v1(_unbase32(text[len(KV1_PREFIX) :]))
    if "#" in text:
        text = text.rsplit("#", 1)[1]
    if not text:
        raise MalformedPayloadError("empty payload")
    return _decode_v2(_unbase32(text))


def _finish(reader: _Reader, fields: PayloadFields) -> Decoded:
    end = reader.pos
    signature = reader.take(SIGNATURE_BYTES)
    if reader.pos != len(reader.raw):
        raise MalformedPayloadError("trailing bytes")
    return Decoded(fields, CONTEXT[fields.version] + reader.raw[:end], signature)


def _decode_v2(raw: bytes) -> Decoded:
    r = _Reader(raw)
    version, status, days, validity = struct.unpack(">BBHH", r.take(6))
    if version != 2:
        raise MalformedPayloadError(f"format {version} is not known here")
    if status not in (STATUS_ISSUED, STATUS_PENDING):
        raise MalformedPayloadError(f"unknown status {status}")
    issued = EPOCH + timedelta(days=days)
    community = r.text("ascii")
    if r.take(1) == b"\0":
        sequence = int.from_bytes(r.take(3), "big")
        serial = f"{community}-{issued:%Y%m%d}-{sequence:05d}"
    else:
        r.pos -= 1  # the byte was the serial's length
        serial = r.text("ascii")
    fields = PayloadFields(
        version=2,
        status=status,
        issue_date=issued,
        validity_days=validity or None,
        community_code=community,
        serial=serial,
        document_name=r.text("gb18030"),
        masked_id=unpack_masked(r.take(5)),
        identity_hash=r.take(IDENTITY_BYTES[2]),
        digest=r.take(DIGEST_BYTES),
        key_id=r.take(KEY_ID_BYTES),
    )
    return _finish(r, fields)


def _decode_v1(raw: bytes) -> Decoded:
    r = _Reader(raw)
    (days,) = struct.unpack(">H", r.take(2))
    fields = PayloadFields(
        version=1,
        issue_date=EPOCH + timedelta(days=days),
        serial=r.text("ascii"),
        item_id=r.text("utf-8"),
        masked_id=r.text("ascii"),
        identity_hash=r.take(IDENTITY_BYTES[1]),
        digest=r.take(DIGEST_BYTES),
        key_id=r.take(KEY_ID_BYTES),
    )
    return _finish(r, fields)
