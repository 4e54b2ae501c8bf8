"""Signed QR payloads: what a receiving office scans to check a document, online or offline.

A document's QR code is a link, ``<verify base URL>#<payload>`` (format KV2, forms.payload):
the phone opens the district's verification page, which checks the signature in the browser;
the fragment never reaches a server. The payload names its signing key; a TrustStore
(forms.trust) says whether that key is certified by a district root for this document's
community on its issue date, and not revoked. Older documents carry KV1 text, checked against
keys trusted directly (legacy). Whether a serial has been voided is not in the payload: the
caller asks the issuance records or a signed void list.

The PDF carries the same text in its document information dictionary under /Keywords, so
`kiosk verify FILE.pdf` can check a file without scanning it, and then compare the file's visible
text with the digest the payload signs (forms.pagetext).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass, replace
from datetime import date, datetime, timedelta
from typing import ClassVar, TypeAlias

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from civic.idnumber import mask_id_number
from forms import payload
from forms.document import Document
from forms.errors import FormsError
from forms.fonts import FontSet
from forms.keys import SigningKey, format_fingerprint
from forms.payload import STATUS_ISSUED, STATUS_PENDING, MalformedPayloadError, PayloadFields
from forms.pdf import UnreadablePdfError, open_pdf
from forms.qr import MAX_VERSION, qr_version
from forms.trust import PURPOSE_DOCUMENTS, KeyCertificate, TrustStore

PREFIX = payload.KV1_PREFIX
DEFAULT_BASE_URL = "http://127.0.0.1:8470/v/"  # `kiosk verify-server` on this machine
# KV1 identity hash: scrypt, ~40 ms here. Browsers have no scrypt, so KV2 uses PBKDF2-HMAC-SHA256
# (WebCrypto has it) at OWASP's count. The masked ID hides only the birth date, so a fast hash
# would give the full ID number back to anyone who knows the name.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
PBKDF2_ITERATIONS = 600_000
#: Document fields left out of content_digest: they differ between copies and prints of one
#: issuance, or are derived from the signature itself.
DIGEST_EXCLUDED = frozenset({"qr_payload", "reprint", "copy_mark", "key_fingerprint", "paper"})

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None


class InvalidPayloadError(FormsError):
    """A payload that must not be trusted; `reason` is one of the REASON_* constants."""

    REASON_MALFORMED = "malformed"
    REASON_UNKNOWN_KEY = "unknown key"
    REASON_BAD_SIGNATURE = "bad signature"
    REASON_REVOKED = "revoked key"
    REASON_KEY_NOT_VALID = "key not valid on the issue date"
    REASON_COMMUNITY = "community mismatch"
    REASON_TEXT = "visible text mismatch"
    message_zh = "验证失败：证明无效"
    message_en = "Verification failed: the document is not valid."
    WORDS: ClassVar[dict[str, str]] = {
        REASON_MALFORMED: "二维码内容格式错误",
        REASON_UNKNOWN_KEY: "签发密钥不在信任列表中",
        REASON_BAD_SIGNATURE: "签名不符，内容被篡改",
        REASON_REVOKED: "签发密钥已被吊销",
        REASON_KEY_NOT_VALID: "出具日期不在签发密钥的有效期内",
        REASON_COMMUNITY: "证明所属社区与签发密钥的社区不符",
        REASON_TEXT: "文件上的文字与签名内容不符，文件被修改过",
    }

    def __init__(self, reason: str, detail: str = "") -> None:
        zh = self.WORDS.get(reason, "证明无效")
        super().__init__(detail or reason, zh=zh, en=f"Invalid: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class VerifiedPayload:
    """The particulars of a payload whose signature checked out (either format)."""

    serial: str
    item_id: str  # KV1 only ("" for KV2, which signs the document name instead)
    masked_id: str
    issue_date: date
    identity_hash: bytes
    content_digest: str  # hex: KV1 content_digest(doc); KV2 the visible-text digest
    key_fingerprint: str
    version: int = 1
    status: int = STATUS_ISSUED
    document_name: str = ""
    validity_days: int | None = None
    community_code: str = ""
    certificate: KeyCertificate | None = None  # None: a key trusted directly (legacy)

    @property
    def pending(self) -> bool:
        """True for a 待审核 paper: genuine, but staff have not approved it yet."""
        return self.status == STATUS_PENDING

    @property
    def community(self) -> str:
        """The community's name as its certificate gives it ("" without one)."""
        return self.certificate.community if self.certificate else ""

    @property
    def valid_until(self) -> date | None:
        """Last day of validity (本证明自出具之日起N日内有效 counts the issue date as day 1)."""
        if not self.validity_days:
            return None
        return self.issue_date + timedelta(days=self.validity_days - 1)

    def expired(self, today: date) -> bool:
        """True once the stated validity has run out."""
        until = self.valid_until
        return until is not None and today > until

    def matches_identity(self, name: str, id_number: str) -> bool:
        """True if the card holder in front of the verifier is the one the document names."""
        return identity_hash(name, id_number, self.serial, self.version) == self.identity_hash

    def matches_text(self, page_texts: list[str]) -> bool:
        """True if a PDF showing `page_texts` shows what was signed (KV2 only)."""
        from forms.pagetext import text_digest

        return self.version == 2 and text_digest(page_texts).hex() == self.content_digest

    def matches_document(self, doc: Document) -> bool:
        """True if `doc` has the content this payload signed (e.g. a stored issuance)."""
        if self.version == 1:
            return content_digest(doc) == self.content_digest
        from forms.pagetext import pdf_text_digest
        from forms.render import render

        return pdf_text_digest(render(doc)).hex() == self.content_digest


def identity_hash(name: str, id_number: str, serial: str, version: int = 2) -> bytes:
    """Salted, deliberately slow hash binding a document to its holder (KV1: scrypt, KV2:
    PBKDF2-HMAC-SHA256; the verification page computes the same in the browser)."""
    number = re.sub(r"\s", "", unicodedata.normalize("NFKC", id_number)).upper()
    secret = f"{name.strip()}\n{number}".encode()
    if version == 1:
        return hashlib.scrypt(
            secret, salt=b"KV1 identity\0" + serial.encode("ascii"), n=SCRYPT_N, r=SCRYPT_R,
            p=SCRYPT_P, dklen=payload.IDENTITY_BYTES[1],
        )  # fmt: skip
    salt = b"KV2 identity\0" + serial.encode("ascii")
    return hashlib.pbkdf2_hmac("sha256", secret, salt, PBKDF2_ITERATIONS, payload.IDENTITY_BYTES[2])


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
    does not change the digest of documents issued before. (The issuance record keeps it; KV1
    payloads signed it; KV2 payloads sign the visible text instead.)
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
    return hashlib.sha256(canonical.encode("utf-8")).digest()[:16].hex()


def sign_document(
    doc: Document,
    *,
    id_number: str,
    name: str,
    key: SigningKey,
    item_id: str = "",
    community_code: str | None = None,
    pending: bool | None = None,
    fonts: FontSet | None = None,
) -> str:
    """The QR text for `doc`: a link to key.verify_url carrying a signed KV2 payload.

    The payload signs the text `doc` shows once rendered with this key's fingerprint in its
    footer (the caller sets doc.key_fingerprint = key.fingerprint and qr_payload = the result).
    `community_code` defaults to the serial's first part. A pending document (`pending`,
    by default doc.pending: printed unsealed, 待审核) gets status byte 1: it verifies as PENDING.
    The document name is shortened (and says so with …) only if the QR would exceed version
    10. `item_id` is not signed since KV2 (the name is); it is accepted for older callers.
    `fonts`: the faces the document will be printed in (the text, hence the digest, is the
    same in any faces that have its characters; default: the whole faces).
    """
    from forms.pagetext import pdf_text_digest
    from forms.render import render

    base = key.verify_url or DEFAULT_BASE_URL
    shown = replace(doc, qr_payload=base + "#", key_fingerprint=key.fingerprint, reprint=0)
    fields_ = PayloadFields(
        version=2,
        status=STATUS_PENDING if (doc.pending if pending is None else pending) else STATUS_ISSUED,
        issue_date=doc.issue_date,
        validity_days=doc.validity_days,
        community_code=community_code or doc.serial.split("-", 1)[0],
        serial=doc.serial,
        document_name=doc.title,
        masked_id=mask_id_number(id_number),
        identity_hash=identity_hash(name, id_number, doc.serial),
        digest=pdf_text_digest(render(shown, fonts)),
        key_id=key.fingerprint_bytes,
    )
    while True:
        body = payload.encode_body(fields_)
        text = payload.link(base, body, key.sign(payload.CONTEXT[2] + body))
        if qr_version(text) <= MAX_VERSION or not fields_.document_name.rstrip("…"):
            return text
        fields_ = replace(fields_, document_name=fields_.document_name.rstrip("…")[:-1] + "…")


def _trust(trusted: TrustStore | Mapping[str, Ed25519PublicKey]) -> TrustStore:
    return trusted if isinstance(trusted, TrustStore) else TrustStore.of_keys(trusted)


def verify_payload(
    text: str, trusted: TrustStore | Mapping[str, Ed25519PublicKey]
) -> VerifiedPayload:
    """Check scanned or extracted QR text (a KV2 link, its fragment, or KV1 text).

    `trusted` is a TrustStore, or a mapping fingerprint -> key of keys trusted directly.
    Checks, in order: the format (malformed); the key, certified or direct (unknown key); the
    signature (bad signature: altered); revocation (revoked key); for certified keys, that the
    issue date is within the certificate (key not valid) and that the document's community is
    the key's (community mismatch). Raises InvalidPayloadError with that reason.
    """
    store = _trust(trusted)
    try:
        decoded = payload.decode(text)
    except MalformedPayloadError as exc:
        raise InvalidPayloadError(InvalidPayloadError.REASON_MALFORMED, exc.detail) from exc
    f = decoded.fields
    key_id = format_fingerprint(f.key_id)
    cert = store.certificates.get(key_id) if f.version == 2 else None
    if cert is not None and cert.purpose != PURPOSE_DOCUMENTS:
        cert = None
    public_key = cert.public_key if cert else store.direct.get(key_id)
    if public_key is None:
        raise InvalidPayloadError(
            InvalidPayloadError.REASON_UNKNOWN_KEY, f"key {key_id} is not trusted here"
        )
    try:
        public_key.verify(decoded.signature, decoded.message)
    except InvalidSignature as exc:
        raise InvalidPayloadError(
            InvalidPayloadError.REASON_BAD_SIGNATURE, "signature does not match"
        ) from exc
    _check_key(store, key_id, cert, f)
    return VerifiedPayload(
        serial=f.serial,
        item_id=f.item_id,
        masked_id=f.masked_id,
        issue_date=f.issue_date,
        identity_hash=f.identity_hash,
        content_digest=f.digest.hex(),
        key_fingerprint=key_id,
        version=f.version,
        status=f.status,
        document_name=f.document_name,
        validity_days=f.validity_days,
        community_code=f.community_code,
        certificate=cert,
    )


def _check_key(
    store: TrustStore, key_id: str, cert: KeyCertificate | None, f: PayloadFields
) -> None:
    revoked = store.revocation(key_id)
    if revoked is not None:
        raise InvalidPayloadError(
            InvalidPayloadError.REASON_REVOKED,
            f"key {key_id} revoked {revoked.revoked_at:%Y-%m-%d}: {revoked.reason}",
        )
    if cert is None:
        return
    if not cert.covers(f.issue_date):
        raise InvalidPayloadError(
            InvalidPayloadError.REASON_KEY_NOT_VALID,
            f"issued {f.issue_date}, key {key_id} certified {cert.not_before}..{cert.not_after}",
        )
    if f.community_code != cert.community_code:
        raise InvalidPayloadError(
            InvalidPayloadError.REASON_COMMUNITY,
            f"document for {f.community_code}, key {key_id} certified for {cert.community_code}",
        )


def extract_payload(pdf: bytes) -> str:
    """The QR text a rendered PDF carries in its /Keywords entry; InvalidPayloadError if none."""
    try:
        document = open_pdf(pdf)
    except UnreadablePdfError as exc:
        raise InvalidPayloadError(InvalidPayloadError.REASON_MALFORMED, exc.detail) from exc
    try:
        keywords = document.get_metadata_value("Keywords")
    finally:
        document.close()
    for word in keywords.split():
        if word.startswith(PREFIX) or "#" in word:
            return word
    raise InvalidPayloadError(InvalidPayloadError.REASON_MALFORMED, "the PDF carries no payload")
