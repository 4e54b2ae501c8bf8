"""Verification payloads (the signed QR link, KV2, and legacy KV1 text) and trust bundles.

A small district is built once from fixed seeds: a root, a terminal key certified for documents
of one community, one for another community, a revoked key, a voids key, a legacy key trusted
directly and a key nobody trusts. Payloads are generated field by field and signed by one of
them, then damaged at every level: fields changed and signed again (so the damage passes the
signature and meets the later checks), body bytes changed under a fresh or the old signature,
base32 text edited, links split and padded. Bundles are the district's real trust.json with
bodies changed and signed again by the root, signatures and JSON damaged.
"""

from __future__ import annotations

import hashlib
import json
import struct
from datetime import date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forms import payload
from forms.certified import load_bundle
from forms.district import revocations_body, voids_body
from forms.keys import SigningKey, raw_public_bytes
from forms.payload import PayloadFieldError, PayloadFields
from forms.signed import Signed, b64, sign
from forms.trust import Revocation, TrustStore
from forms.verify import VerifiedPayload, verify_payload
from kiosk.fuzzing.core import BadResultError, Chooser, Parser, chance, pick, rewrite
from kiosk.fuzzing.mutate import havoc, junk

COMMUNITY, OTHER = "610202001", "610202002"
BASE_URL = "https://yz.wangyi.gov.cn/v/"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
TODAY = date(2026, 3, 1)
NAMES = (
    "居住证明",
    "居民在社区居住证明",
    "志愿服务记录证明",
    "参与社区治理活动证明",
    "",
    "…",
    "𠀀",
)


def key_of(name: str) -> SigningKey:
    """A key made from a fixed seed, so every run signs the same bytes."""
    seed = hashlib.sha256(f"kiosk fuzz {name}".encode()).digest()
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))


ROOT, TERMINAL, OTHER_TERMINAL, REVOKED, VOIDS, LEGACY, STRANGER = (
    key_of(n) for n in ("root", "terminal", "other", "revoked", "voids", "legacy", "stranger")
)
SIGNERS = (TERMINAL, OTHER_TERMINAL, REVOKED, VOIDS, LEGACY, STRANGER)


def certificate(key: SigningKey, purpose: str, community: str) -> Signed:
    """The root's certificate for `key`."""
    body = {
        "type": "kiosk-certificate", "key_id": key.fingerprint,
        "public_key": b64(raw_public_bytes(key.public_key)), "purpose": purpose,
        "terminal_id": "WY-01", "community_code": community, "community": "红旗街社区",
        "issuer": "红旗街社区居民委员会", "not_before": "2020-01-01", "not_after": "2030-12-31",
        "demo": False,
    }  # fmt: skip
    return sign(body, ROOT)


CERTIFICATES = (
    certificate(TERMINAL, "documents", COMMUNITY),
    certificate(OTHER_TERMINAL, "documents", OTHER),
    certificate(REVOKED, "documents", COMMUNITY),
    certificate(VOIDS, "voids", COMMUNITY),
)
REVOKED_AT = datetime(2026, 1, 1, 8, 0)
REVOCATIONS = sign(
    revocations_body({REVOKED.fingerprint: Revocation(REVOKED.fingerprint, "丢失", REVOKED_AT)},
                     REVOKED_AT, 3), ROOT)  # fmt: skip


def district() -> TrustStore:
    """What a verifier of the district trusts."""
    store = TrustStore()
    store.add_root(ROOT.public_key)
    for signed in CERTIFICATES:
        store.add_certificate(signed)
    store.add_revocations(REVOCATIONS)
    store.direct[LEGACY.fingerprint] = LEGACY.public_key
    return store


STORE = district()


# -- payloads --------------------------------------------------------------------------------
def masked(c: Chooser) -> str:
    """A masked ID number as documents carry it."""
    digits = "".join(pick(c, "0123456789") for _ in range(10))
    tail = digits[6:9] + pick(c, "0123456789X")
    return digits[:6] + "*" * 8 + tail


def kv2_fields(c: Chooser) -> PayloadFields:
    """Fields of a KV2 payload, mostly plausible."""
    issued = (
        payload.EPOCH + timedelta(days=c.integer(0, 0xFFFF)) if chance(c, 4) else
        TODAY - timedelta(days=c.integer(0, 4000) - 400)
    )  # fmt: skip
    community = pick(c, (COMMUNITY, COMMUNITY, OTHER, "", "X" * 40, "6102\x7f"))
    serial = (
        "".join(chr(c.integer(32, 126)) for _ in range(c.integer(0, 40))) if chance(c, 3) else
        f"{community}-{issued:%Y%m%d}-{c.integer(0, 99999):05d}"
    )  # fmt: skip
    return PayloadFields(
        version=2, status=pick(c, (0, 0, 1)), issue_date=issued,
        validity_days=pick(c, (30, None, 1, 90, 0xFFFF)), community_code=community,
        serial=serial, document_name=c.text(20) if chance(c, 4) else pick(c, NAMES),
        masked_id=masked(c), identity_hash=c.binary(8, 8), digest=c.binary(16, 16),
        key_id=b"",
    )  # fmt: skip


def kv1_body(c: Chooser, key: SigningKey) -> bytes:
    """A legacy KV1 body (never written any more, still read)."""
    days = struct.pack(">H", c.integer(0, 0xFFFF))
    fields = [b"610202001-20240301-00017", b"residence_certificate", masked(c).encode()]
    if chance(c, 3):
        fields[c.integer(0, 2)] = c.binary(20)
    text = b"".join(bytes([len(f)]) + f for f in fields)
    return days + text + c.binary(16, 16) + c.binary(16, 16) + key.fingerprint_bytes


def signed_payload(c: Chooser) -> str:
    """A payload signed by one of the district's keys (or a stranger), as QR text."""
    key = pick(c, SIGNERS)
    if chance(c, 8):
        body = kv1_body(c, key)
        context, prefix = payload.CONTEXT[1], payload.KV1_PREFIX
    else:
        fields = kv2_fields(c)
        key_id = c.binary(8, 8) if chance(c, 10) else key.fingerprint_bytes
        try:
            body = payload.encode_body(PayloadFields(**{**fields.__dict__, "key_id": key_id}))
        except PayloadFieldError:
            body = payload.encode_body(PayloadFields(**{**kv2_fields(c).__dict__,
                "document_name": "居住证明", "key_id": key_id, "community_code": COMMUNITY,
                "serial": "610202001-20260301-00001", "issue_date": TODAY}))  # fmt: skip
        context, prefix = payload.CONTEXT[2], f"{BASE_URL}#"
    how = c.integer(0, 3)
    if how == 1:  # the body damaged, then signed: the signature holds, the layout does not
        body = havoc(c, body, max_ops=2)
    signature = key.sign(context + body)
    if how == 2:  # signed, then damaged: the signature no longer holds
        body = havoc(c, body, max_ops=2)
    if how == 3 and chance(c, 2):
        signature = c.binary(64, 64)
    return prefix + payload.b32(body + signature)


def edited_text(c: Chooser, text: str) -> str:
    """QR text as a scanner or a hand may deliver it: characters changed, lost, doubled,
    lower-cased, padded, wrapped in whitespace, cut at the '#', prefixed twice."""
    for _ in range(c.integer(0, 3)):
        at = c.integer(0, len(text))
        how = c.integer(0, 7)
        if how == 0:
            text = text[:at] + pick(c, B32) + text[at + 1 :]
        elif how == 1:
            text = text[:at] + text[at + 1 :]
        elif how == 2:
            text = (
                text[:at]
                + pick(c, ("=", "#", " ", "\n", "0", "1", "8", "9", "é", "\x00"))
                + text[at:]
            )
        elif how == 3:
            text = text.lower() if chance(c, 3) else text[:at] + text[at:].lower()
        elif how == 4:
            text = text[:at]
        elif how == 5:
            text = pick(c, ("", " ", "\t", "KV1:", "#", BASE_URL, "http://x/#")) + text
        elif how == 6:
            text = text.split("#", 1)[-1]
        else:
            text += pick(c, ("", "=", "==", "#", "#A", " \n", "AAAAAAAA"))
    return text


def qr_text(c: Chooser) -> str:
    """What `kiosk verify --payload` is given."""
    if chance(c, 20):
        return c.text(80)
    return edited_text(c, signed_payload(c)) if c.integer(0, 2) else signed_payload(c)


def check_verified(verified: VerifiedPayload) -> VerifiedPayload:
    """A verified payload must name a trusted key and well-formed particulars."""
    if verified.key_fingerprint in (STRANGER.fingerprint, REVOKED.fingerprint):
        raise BadResultError(f"verified under {verified.key_fingerprint}")
    if verified.version == 2 and len(verified.masked_id) != 18:
        raise BadResultError(f"masked ID {verified.masked_id!r}")
    if not isinstance(verified.issue_date, date):
        raise BadResultError(f"particulars {verified!r}")
    verified.expired(TODAY)
    return verified


def verify(text: str) -> VerifiedPayload:
    """`kiosk verify --payload TEXT` against the district's trust."""
    return check_verified(verify_payload(text, STORE))


# -- trust bundles ---------------------------------------------------------------------------
def resigned(c: Chooser, signed: dict[str, object]) -> dict[str, object]:
    """A signed object with a field of its body changed, dropped or added, signed again by the
    root (or not), or its signature damaged."""
    try:
        body = json.loads(str(signed["body"]))
    except (ValueError, RecursionError):  # damaged by an earlier edit
        return signed
    if isinstance(body, dict):
        key = pick(c, (*sorted(body), "type", "demo", "extra"))
        if chance(c, 4):
            body.pop(key, None)
        else:
            body[key] = (
                junk(c)
                if c.integer(0, 1)
                else pick(c, ("documents", "voids", "2031-02-30", "", OTHER))
            )
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if chance(c, 8):  # a body no JSON parser should have to recurse or convert through
        text = pick(c, ("[" * 100_000 + "]" * 100_000, '{"sequence": ' + "9" * 5000 + "}", "[]"))
    signature = c.binary(64) if chance(c, 3) else ROOT.sign(b"KVSIGNED1\0" + text.encode())
    return {"body": text, "signature": b64(signature)}


def bundle_json(c: Chooser) -> object:
    """trust.json (or a void list) with its parts changed."""
    if chance(c, 3):
        voids = sign(
            voids_body({"610202001-20260301-00001"}, datetime(2026, 3, 1)),
            pick(c, (ROOT, VOIDS, TERMINAL)),
        )
        return resigned(c, voids.to_json()) if chance(c, 2) else voids.to_json()
    data: dict[str, object] = STORE.to_json()
    for _ in range(c.integer(0, 3)):
        part = pick(c, ("certificates", "revocations", "roots", "type", "version"))
        entries = data.get(part)
        if isinstance(entries, list) and entries and c.integer(0, 3):
            i = c.integer(0, len(entries) - 1)
            entry = entries[i]
            entries[i] = (
                resigned(c, entry) if isinstance(entry, dict) and "body" in entry else junk(c)
            )
        else:
            data[part] = junk(c)
    return data


def bundle_bytes(c: Chooser) -> bytes:
    """A trust file's bytes: changed JSON, sometimes damaged, nested or not UTF-8."""
    raw = json.dumps(bundle_json(c), ensure_ascii=c.integer(0, 1) == 1).encode(
        "utf-8", "surrogatepass"
    )
    how = c.integer(0, 6)
    if how == 6:
        return havoc(c, raw, max_ops=3)
    if how == 5:
        depth = c.integer(1, 100_000)
        return b"[" * depth + raw + b"]" * depth
    if how == 4:
        return raw.replace(b"1", b"1" + b"0" * 5000, 1)
    return raw


def bundle_parser(workdir: Path) -> Parser:
    """A trust.json installed in a key directory, then loaded (or a void list checked)."""
    key_dir = workdir / "keys"
    key_dir.mkdir(parents=True, exist_ok=True)

    def load(raw: bytes) -> TrustStore:
        rewrite(key_dir / "trust.json", raw)
        store = load_bundle(key_dir)
        data = json.loads(raw)  # a void list is checked against the district's trust
        if isinstance(data, dict) and "body" in data:
            STORE.check_void_list(Signed.from_json(data))
        return store

    return Parser("trust_bundles", "trust.json and void lists, re-signed and damaged",
                  bundle_bytes, load)  # fmt: skip


def parsers(workdir: Path) -> list[Parser]:
    """The verification parsers."""
    return [
        Parser("qr_payloads", "signed QR text (KV2 links, KV1) -> kiosk verify's checks",
               qr_text, verify),
        bundle_parser(workdir),
    ]  # fmt: skip
