"""Signed payloads (KV2 links): round trip, tampering, unknown keys, digests, keys on disk."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from forms.document import Document
from forms.errors import KeyFileError
from forms.keys import (
    PRIVATE_FILE,
    PUBLIC_FILE,
    SigningKey,
    generate,
    load_public_keys,
    load_signing_key,
)
from forms.qr import ALPHANUMERIC, qr_version
from forms.verify import (
    DEFAULT_BASE_URL,
    InvalidPayloadError,
    content_digest,
    extract_payload,
    sign_document,
    verify_payload,
)
from tests.forms import samples


def _keys(key: SigningKey) -> dict:
    return {key.fingerprint: key.public_key}


def test_round_trip_particulars(documents: dict[str, Document], key: SigningKey) -> None:
    """A signed payload verifies and carries serial, name, masked ID, date, validity and key."""
    doc = documents["certificate"]
    v = verify_payload(doc.qr_payload or "", _keys(key))
    assert (v.serial, v.document_name, v.masked_id) == (doc.serial, doc.title, samples.MASKED_ID)
    assert (v.issue_date, v.validity_days, v.community_code) == (doc.issue_date, 30, "610202001")
    assert v.key_fingerprint == key.fingerprint and v.version == 2 and not v.pending
    assert v.matches_identity(samples.NAME, samples.ID_NUMBER)
    assert not v.matches_identity("王秀云", samples.ID_NUMBER)
    assert v.matches_document(doc)
    assert not v.matches_document(replace(doc, body=doc.body + "。"))


def test_payload_is_a_link_with_a_compact_alphanumeric_fragment(
    documents: dict[str, Document],
) -> None:
    """GIVEN a signed certificate THEN its QR text is <base url>#<fragment>, the fragment in the
    QR alphanumeric set, the whole code at most version 10 at level M, no full ID number."""
    text = documents["certificate"].qr_payload or ""
    base, fragment = text.split("#")
    assert base == DEFAULT_BASE_URL
    assert set(fragment) <= ALPHANUMERIC and len(fragment) < 260
    assert qr_version(text) <= 10
    assert samples.ID_NUMBER not in text


def _fragment_flips(text: str) -> list[str]:
    head, fragment = text.split("#")
    flipped = []
    for i, char in enumerate(fragment):
        for flip in (0x01, 0x20):
            changed = fragment[:i] + chr(ord(char) ^ flip) + fragment[i + 1 :]
            if changed != fragment:
                flipped.append(f"{head}#{changed}")
    return flipped


def test_flipping_any_byte_is_invalid(documents: dict[str, Document], key: SigningKey) -> None:
    """GIVEN a valid payload WHEN any one character of the fragment is changed THEN it fails."""
    keys = _keys(key)
    reasons = set()
    for tampered in _fragment_flips(documents["slip80"].qr_payload or ""):
        with pytest.raises(InvalidPayloadError) as err:
            verify_payload(tampered, keys)
        reasons.add(err.value.reason)
    assert reasons == {"malformed", "unknown key", "bad signature"}


def test_truncated_or_extended_is_malformed(
    documents: dict[str, Document], key: SigningKey
) -> None:
    """Cut or lengthened payloads are malformed."""
    payload = documents["form"].qr_payload or ""
    for bad in (payload[:-8], payload + "AAAAAAAA", "", "KV1:", "hello", payload.split("#")[0]):
        with pytest.raises(InvalidPayloadError) as err:
            verify_payload(bad, _keys(key))
        assert err.value.reason == "malformed"


def test_unknown_key(documents: dict[str, Document]) -> None:
    """A payload signed by a key not in the trusted set is refused as unknown key."""
    other = SigningKey.generate_ephemeral()
    with pytest.raises(InvalidPayloadError) as err:
        verify_payload(documents["certificate"].qr_payload or "", _keys(other))
    assert err.value.reason == "unknown key"


def test_forged_signature_with_claimed_fingerprint(key: SigningKey) -> None:
    """A payload that claims our fingerprint but is signed by another key: bad signature."""
    mallory = SigningKey.generate_ephemeral()

    class Impostor(SigningKey):
        @property
        def fingerprint_bytes(self) -> bytes:
            return key.fingerprint_bytes

    forged = sign_document(
        samples.certificate(),
        id_number=samples.ID_NUMBER,
        name=samples.NAME,
        key=Impostor(mallory.private_key),
    )
    with pytest.raises(InvalidPayloadError) as err:
        verify_payload(forged, _keys(key))
    assert err.value.reason == "bad signature"


def test_content_digest_ignores_print_specific_fields() -> None:
    """Payload, reprint, copy mark, fingerprint and paper do not change the digest; text does."""
    doc = samples.slip()
    base = content_digest(doc)
    assert len(base) == 32
    for changed in (
        replace(doc, qr_payload="KV1:X", reprint=3, copy_mark="共2份", key_fingerprint="AB"),
        replace(doc, paper="slip58"),
    ):
        assert content_digest(changed) == base
    assert content_digest(replace(doc, title=doc.title + "！")) != base
    assert content_digest(replace(doc, created_at=doc.created_at.replace(second=1))) != base


def test_extract_payload_from_pdf_without_one(fonts) -> None:
    """An unsigned PDF has no payload; garbage is not a PDF."""
    from forms.render import render

    with pytest.raises(InvalidPayloadError):
        extract_payload(render(samples.slip(), fonts))
    with pytest.raises(InvalidPayloadError):
        extract_payload(b"not a pdf")


def test_generate_writes_0600_and_refuses_overwrite(tmp_path: Path) -> None:
    """keys.generate: private key mode 0600, public PEM, no silent overwrite."""
    key_dir = tmp_path / "keys"
    key = generate(key_dir)
    mode = stat.S_IMODE((key_dir / PRIVATE_FILE).stat().st_mode)
    assert mode == 0o600
    assert (key_dir / PUBLIC_FILE).read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert load_signing_key(key_dir).fingerprint == key.fingerprint
    assert len(key.fingerprint) == 19 and key.fingerprint.count("-") == 3
    with pytest.raises(KeyFileError):
        generate(key_dir)
    replaced = generate(key_dir, overwrite=True)
    assert replaced.fingerprint != key.fingerprint
    assert stat.S_IMODE((key_dir / PRIVATE_FILE).stat().st_mode) == 0o600


def test_trusted_keys_and_open_permissions(tmp_path: Path) -> None:
    """Own key plus trusted/*.pub.pem are trusted; a world-readable private key is refused."""
    key_dir = tmp_path / "keys"
    own = generate(key_dir)
    other = SigningKey.generate_ephemeral()
    (key_dir / "trusted" / "district2.pub.pem").write_text(other.public_pem())
    trusted = load_public_keys(key_dir)
    assert set(trusted) == {own.fingerprint, other.fingerprint}
    os.chmod(key_dir / PRIVATE_FILE, 0o644)
    with pytest.raises(KeyFileError):
        load_signing_key(key_dir)
    assert load_public_keys(tmp_path / "missing") == {}
    with pytest.raises(FileNotFoundError):  # KeyMissingError: callers may create a key
        load_signing_key(tmp_path / "missing")
