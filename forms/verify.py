"""Signed QR payloads: what a receiving office scans to check a document offline.

Payload text: ``KV1:`` followed by unpadded RFC 4648 base32 (upper-case letters and 2-7, so the
whole text is in the QR alphanumeric set and a version-10 code holds it). The decoded bytes are::

    u16  issue date, days since 2000-01-01
    u8+  serial (ASCII)            u8+  item id (UTF-8)        u8+  masked ID number (ASCII)
    16   identity hash: scrypt(name + "\\n" + ID number, salt = serial), so the full number is
         never in the payload and is slow to brute-force from the masked one
    16   content digest: SHA-256 (truncated) of the document's variable content
    8    key fingerprint (SHA-256 of the raw public key, truncated)
    64   Ed25519 signature over b"KV1\\0" + everything above

(``u8+`` = one length byte, then that many bytes.) About 170 bytes, 275 characters.

The PDF carries the same text in its document information dictionary under /Keywords, so
`kiosk verify FILE.pdf` can check a file without scanning it. Whether a serial has been voided
is not in the payload: the caller looks it up in the issuance records.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta
from typing import TypeAlias

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from civic.idnumber import mask_id_number
from forms.document import Document
from forms.errors import FormsError
from forms.keys import FINGERPRINT_BYTES, SigningKey, format_fingerprint
from forms.pdf import UnreadablePdfError, open_pdf

PREFIX = "KV1:"
SIGNED_CONTEXT = b"KV1\0"
EPOCH = date(2000, 1, 1)
DIGEST_BYTES = 16
IDENTITY_BYTES = 16
SIGNATURE_BYTES = 64
# scrypt cost: ~40 ms per hash here. The masked ID hides only the birth date (~36 500 values),
# so a fast hash would give the full ID number back to anyone who knows the name.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: Document fields left out of the content digest: they differ between copies and prints of one
#: issuance, or are derived from the signature itself.
DIGEST_EXCLUDED = frozenset({"qr_payload", "reprint", "copy_mark", "key_fingerprint", "paper"})

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None


class InvalidPayloadError(FormsError):
    """A payload that must not be trusted; `reason` is one of the REASON_* constants."""

    REASON_MALFORMED = "malformed"
    REASON_UNKNOWN_KEY = "unknown key"
    REASON_BAD_SIGNATURE = "bad signature"
    message_zh = "验证失败：证明无效"
    message_en = "Verification failed: the document is not valid."

    def __init__(self, reason: str, detail: str = "") -> None:
        zh = {
            self.REASON_MALFORMED: "二维码内容格式错误",
            self.REASON_UNKNOWN_KEY: "签发密钥不在信任列表中",
            self.REASON_BAD_SIGNATURE: "签名不符，内容可能被篡改",
        }.get(reason, "证明无效")
        super().__init__(detail or reason, zh=zh, en=f"Invalid: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class VerifiedPayload:
    """The particulars of a payload whose signature checked out."""

    serial: str
    item_id: str
    masked_id: str
    issue_date: date
    identity_hash: bytes
    content_digest: str  # hex, as content_digest() returns it
    key_fingerprint: str

    def matches_identity(self, name: str, id_number: str) -> bool:
        """True if the card holder in front of the verifier is the one the document names."""
        return identity_hash(name, id_number, self.serial) == self.identity_hash

    def matches_document(self, doc: Document) -> bool:
        """True if `doc` has the content this payload signed (e.g. a stored issuance)."""
        return content_digest(doc) == self.content_digest


def identity_hash(name: str, id_number: str, serial: str) -> bytes:
    """Salted, deliberately slow hash binding a document to its holder."""
    secret = f"{name.strip()}\n{id_number.strip().upper()}".encode()
    return hashlib.scrypt(
        secret,
        salt=b"KV1 identity\0" + serial.encode("ascii"),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=IDENTITY_BYTES,
    )


def _jsonable(value: object) -> JsonValue:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"no canonical JSON form for {type(value).__name__}")


def content_digest(doc: Document) -> str:
    """Hex digest (32 characters) of everything a document says, apart from DIGEST_EXCLUDED.

    Optional fields still at their default are left out, so adding a field to Document later
    does not change the digest of documents issued before.
    """
    data: dict[str, JsonValue] = {}
    for f in fields(doc):
        if f.name in DIGEST_EXCLUDED:
            continue
        value = getattr(doc, f.name)
        default = f.default if f.default is not MISSING else MISSING
        if default is MISSING and f.default_factory is not MISSING:
            default = f.default_factory()
        if default is not MISSING and value == default:
            continue
        data[f.name] = _jsonable(value)
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).digest()[:DIGEST_BYTES].hex()


def _field(value: str, encoding: str) -> bytes:
    raw = value.encode(encoding)
    if len(raw) > 255:
        raise ValueError(f"payload field too long: {value[:20]}…")
    return bytes([len(raw)]) + raw


def _encode(body: bytes) -> str:
    return PREFIX + base64.b32encode(body).decode("ascii").rstrip("=")


def sign_document(
    doc: Document, *, item_id: str, id_number: str, name: str, key: SigningKey
) -> str:
    """The QR payload text for `doc`, signed with `key` (see the module docstring)."""
    days = (doc.issue_date - EPOCH).days
    if not 0 <= days <= 0xFFFF:
        raise ValueError(f"issue date out of range: {doc.issue_date}")
    body = (
        struct.pack(">H", days)
        + _field(doc.serial, "ascii")
        + _field(item_id, "utf-8")
        + _field(mask_id_number(id_number), "ascii")
        + identity_hash(name, id_number, doc.serial)
        + bytes.fromhex(content_digest(doc))
        + key.fingerprint_bytes
    )
    return _encode(body + key.sign(SIGNED_CONTEXT + body))


def _decode(text: str) -> bytes:
    malformed = InvalidPayloadError.REASON_MALFORMED
    if not text.startswith(PREFIX):
        raise InvalidPayloadError(malformed, "not a kiosk document payload (no KV1: prefix)")
    data = text[len(PREFIX) :]
    try:
        raw = base64.b32decode(data + "=" * (-len(data) % 8))
    except (binascii.Error, ValueError) as exc:
        raise InvalidPayloadError(malformed, f"not base32: {exc}") from exc
    if _encode(raw) != text:  # unused trailing bits or odd padding: not what we wrote
        raise InvalidPayloadError(malformed, "not canonical base32")
    return raw


class _Reader:
    def __init__(self, raw: bytes) -> None:
        self.raw, self.pos = raw, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.raw):
            raise InvalidPayloadError(InvalidPayloadError.REASON_MALFORMED, "payload too short")
        chunk = self.raw[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def text(self, encoding: str) -> str:
        raw = self.take(self.take(1)[0])
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InvalidPayloadError(InvalidPayloadError.REASON_MALFORMED, str(exc)) from exc


def verify_payload(text: str, public_keys: dict[str, Ed25519PublicKey]) -> VerifiedPayload:
    """Check a scanned or extracted payload against trusted keys (fingerprint -> key).

    Raises InvalidPayloadError with reason malformed, unknown key or bad signature.
    """
    raw = _decode(text.strip())
    reader = _Reader(raw)
    (days,) = struct.unpack(">H", reader.take(2))
    serial = reader.text("ascii")
    item_id = reader.text("utf-8")
    masked = reader.text("ascii")
    ident = reader.take(IDENTITY_BYTES)
    digest = reader.take(DIGEST_BYTES)
    fingerprint = format_fingerprint(reader.take(FINGERPRINT_BYTES))
    body_end = reader.pos
    signature = reader.take(SIGNATURE_BYTES)
    if reader.pos != len(raw):
        raise InvalidPayloadError(InvalidPayloadError.REASON_MALFORMED, "trailing bytes")
    key = public_keys.get(fingerprint)
    if key is None:
        raise InvalidPayloadError(
            InvalidPayloadError.REASON_UNKNOWN_KEY, f"key {fingerprint} is not trusted here"
        )
    try:
        key.verify(signature, SIGNED_CONTEXT + raw[:body_end])
    except InvalidSignature as exc:
        raise InvalidPayloadError(
            InvalidPayloadError.REASON_BAD_SIGNATURE, "signature does not match"
        ) from exc
    return VerifiedPayload(
        serial=serial,
        item_id=item_id,
        masked_id=masked,
        issue_date=EPOCH + timedelta(days=days),
        identity_hash=ident,
        content_digest=digest.hex(),
        key_fingerprint=fingerprint,
    )


def extract_payload(pdf: bytes) -> str:
    """The payload a rendered PDF carries in its /Keywords entry; InvalidPayloadError if none."""
    try:
        document = open_pdf(pdf)
    except UnreadablePdfError as exc:
        raise InvalidPayloadError(InvalidPayloadError.REASON_MALFORMED, exc.detail) from exc
    try:
        keywords = document.get_metadata_value("Keywords")
    finally:
        document.close()
    for word in keywords.split():
        if word.startswith(PREFIX):
            return word
    raise InvalidPayloadError(InvalidPayloadError.REASON_MALFORMED, "the PDF carries no payload")
