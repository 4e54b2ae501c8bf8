"""Signed JSON objects: the one shape every request, certificate and list of forms.trust has.

    {"body": "<canonical JSON text>", "signature": "<base64 of 64 bytes>"}

`signature` is Ed25519 over ``b"KVSIGNED1\\0"`` + the body's UTF-8 bytes, by the key the body's
"signer" names (a fingerprint). The body travels as the exact text that was signed, so the
verification page checks the same bytes without re-encoding anything.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from forms.errors import FormsError
from forms.keys import SigningKey

SIGNED_CONTEXT = b"KVSIGNED1\0"

JsonObject = dict[str, object]


class TrustError(FormsError):
    """A request, certificate, list or bundle that is malformed or not signed as it claims."""

    message_zh = "密钥证书或信任文件无效，请联系工作人员"
    message_en = "A key certificate or trust file is not valid. Please ask staff."


def canonical(body: Mapping[str, object]) -> str:
    """The one JSON text of `body` that is signed: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def b64(data: bytes) -> str:
    """Standard base64 text."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, what: str) -> bytes:
    """The bytes of base64 `text`; TrustError naming `what` if it is not base64."""
    if not isinstance(text, str):
        raise TrustError(f"{what}: not text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TrustError(f"{what}: not base64 ({exc})") from exc


def public_key_from(text: object, what: str = "public_key") -> Ed25519PublicKey:
    """An Ed25519 public key from base64 of its 32 raw bytes."""
    raw = unb64(text, what)
    if len(raw) != 32:
        raise TrustError(f"{what}: {len(raw)} bytes, not 32")
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise TrustError(f"{what}: not an Ed25519 key ({exc})") from exc


@dataclass(frozen=True)
class Signed:
    """A signed JSON body, exactly as signed, with its signature."""

    body: str
    signature: bytes

    @property
    def fields(self) -> JsonObject:
        """The parsed body (TrustError if it is not a JSON object)."""
        try:
            parsed = json.loads(self.body)
        except (ValueError, RecursionError) as exc:  # also a 5000-digit number, deep nesting
            raise TrustError(f"body is not JSON: {exc}") from exc
        if not isinstance(parsed, dict):
            raise TrustError("body is not a JSON object")
        return parsed

    @property
    def signer(self) -> str:
        """The fingerprint of the key that signed."""
        return text_field(self.fields, "signer")

    def valid_for(self, public_key: Ed25519PublicKey) -> bool:
        """True if `public_key` made the signature."""
        try:
            public_key.verify(self.signature, SIGNED_CONTEXT + self.body.encode("utf-8"))
        except InvalidSignature:
            return False
        return True

    def to_json(self) -> JsonObject:
        """{"body": ..., "signature": ...}."""
        return {"body": self.body, "signature": b64(self.signature)}

    @classmethod
    def from_json(cls, data: object) -> Signed:
        """The inverse of to_json; TrustError for anything else."""
        if not isinstance(data, dict) or not isinstance(data.get("body"), str):
            raise TrustError("not a signed object ({body, signature})")
        signature = unb64(data.get("signature"), "signature")
        if len(signature) != 64:
            raise TrustError("signature is not 64 bytes")
        return cls(str(data["body"]), signature)


def sign(body: Mapping[str, object], key: SigningKey) -> Signed:
    """`body` with "signer" set to `key`'s fingerprint, signed by `key`."""
    text = canonical({**body, "signer": key.fingerprint})
    return Signed(text, key.sign(SIGNED_CONTEXT + text.encode("utf-8")))


def text_field(fields: Mapping[str, object], name: str) -> str:
    """A required text field of a body."""
    value = fields.get(name)
    if not isinstance(value, str):
        raise TrustError(f"field {name!r} missing or not text")
    return value


def date_field(fields: Mapping[str, object], name: str) -> date:
    """A required ISO date field of a body."""
    try:
        return date.fromisoformat(text_field(fields, name))
    except ValueError as exc:
        raise TrustError(f"field {name!r} is not a date") from exc


def time_field(fields: Mapping[str, object], name: str) -> datetime:
    """A required ISO date-time field of a body."""
    try:
        return datetime.fromisoformat(text_field(fields, name))
    except ValueError as exc:
        raise TrustError(f"field {name!r} is not a date and time") from exc


def expect_type(signed: Signed, kind: str) -> JsonObject:
    """The body's fields, if its "type" is `kind`."""
    fields = signed.fields
    if fields.get("type") != kind:
        raise TrustError(f"expected a {kind}, got {fields.get('type')!r}")
    return fields
