"""The QR payload's bytes (KV2 links and legacy KV1 text) and the QR code that carries them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from forms import payload
from forms.keys import SigningKey
from forms.payload import MalformedPayloadError
from forms.qr import MAX_VERSION, QrTooLargeError, qr_matrix, qr_version, segments
from forms.verify import InvalidPayloadError, identity_hash, sign_document, verify_payload
from kiosk.benchmarks.verify import HOLDER_ID, HOLDER_NAME, sample_certificate
from kiosk.config import bundled_catalog

DATA = Path(__file__).parent / "data"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
TODAY = date(2025, 3, 1)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    """A key linking to a 40-character base URL, the longest the configuration allows."""
    url = "https://verify.wangyi.tongchuan.gov.cn/v"
    assert len(url) == 40
    return replace(SigningKey.generate_ephemeral(), verify_url=url)


def _sign(key: SigningKey, **changes: object) -> str:
    doc = replace(sample_certificate(17, TODAY), **changes)  # type: ignore[arg-type]
    return sign_document(doc, id_number=HOLDER_ID, name=HOLDER_NAME, key=key)


def test_fields_round_trip_with_a_compressed_serial(key: SigningKey) -> None:
    """GIVEN a serial of the usual <community>-<date>-<n> form THEN it costs 4 bytes, and every
    field reads back as signed."""
    link = _sign(key)
    assert link.startswith(key.verify_url + "#")
    decoded = payload.decode(link)
    f = decoded.fields
    assert (f.version, f.status, f.issue_date, f.validity_days) == (2, 0, TODAY, 30)
    assert (f.community_code, f.serial) == ("610202001", "610202001-20250301-00017")
    assert (f.document_name, f.masked_id) == ("居住证明", "610202********1234")
    assert f.key_id == key.fingerprint_bytes
    assert len(decoded.message) - 4 == 6 + 10 + 4 + 9 + 5 + 8 + 16 + 8


def test_a_serial_of_another_form_is_carried_as_text(key: SigningKey) -> None:
    """GIVEN a serial that does not follow the pattern (another date) THEN it is kept whole."""
    link = _sign(key, serial="610202001-20240229-123456")
    assert payload.decode(link).fields.serial == "610202001-20240229-123456"
    odd = _sign(key, serial="WY/2025/17")
    assert verify_payload(odd, {key.fingerprint: key.public_key}).serial == "WY/2025/17"


def test_masked_id_packs_into_five_bytes_with_x() -> None:
    """The masked ID number keeps its 6 + 4 characters, an X check character included."""
    packed = payload.pack_masked("610202********123X")
    assert len(packed) == 5 and payload.unpack_masked(packed) == "610202********123X"
    with pytest.raises(ValueError):
        payload.pack_masked("6102********12")
    with pytest.raises(MalformedPayloadError):
        payload.unpack_masked(b"\xff" * 5)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda f: f[:-2],  # cut
        lambda f: f + "AA",  # trailing bytes
        lambda f: "B" + f[1:],  # format byte 10
        lambda f: f.lower(),  # not base32 (upper case only)
        lambda f: "",
    ],
    ids=["cut", "trailing", "format", "lower-case", "empty"],
)
def test_mangled_fragments_are_malformed(key: SigningKey, mangle) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a fragment cut, lengthened, re-padded, of another format or case THEN malformed."""
    base, fragment = _sign(key).split("#")
    with pytest.raises(InvalidPayloadError) as caught:
        verify_payload(f"{base}#{mangle(fragment)}", {key.fingerprint: key.public_key})
    assert caught.value.reason == "malformed"


def test_a_fragment_with_unused_bits_set_is_not_canonical(key: SigningKey) -> None:
    """GIVEN a fragment whose last character carries unused bits WHEN one is set THEN malformed:
    only the one encoding we write is accepted."""
    base, fragment = _sign(key, title="居住证明书").split("#")
    assert len(fragment) * 5 % 8, "this payload has unused bits in its last character"
    changed = fragment[:-1] + B32[B32.index(fragment[-1]) | 1]
    with pytest.raises(InvalidPayloadError) as caught:
        verify_payload(f"{base}#{changed}", {key.fingerprint: key.public_key})
    assert caught.value.reason == "malformed" and "canonical" in caught.value.detail


def test_the_legacy_kv1_payload_still_verifies() -> None:
    """GIVEN a KV1 payload made by the code before issue 13 (tests/verify/data) and its key
    trusted directly THEN it verifies with its item id, and its scrypt identity hash matches."""
    vector = json.loads((DATA / "legacy_kv1.json").read_text(encoding="utf-8"))
    public = serialization.load_pem_public_key(vector["public_key_pem"].encode())
    assert isinstance(public, Ed25519PublicKey)
    verified = verify_payload(vector["payload"], {vector["fingerprint"]: public})
    assert (verified.version, verified.serial, verified.item_id) == (
        1, vector["serial"], vector["item_id"],
    )  # fmt: skip
    assert verified.matches_identity(vector["name"], vector["id_number"])
    assert identity_hash(vector["name"], vector["id_number"], vector["serial"], version=1) == (
        verified.identity_hash
    )
    assert not verified.matches_identity("王秀云", vector["id_number"])


def _catalogue_titles() -> list[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "title" and isinstance(value, str):
                    found.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(bundled_catalog().read_text(encoding="utf-8")))
    return sorted(found, key=len)


@pytest.mark.slow
def test_every_catalogue_title_fits_a_version_10_code_at_the_longest_base_url(
    key: SigningKey,
) -> None:
    """GIVEN the longest titles in catalog.yaml and a 40-character base URL THEN every link is
    a QR code of version 10 or less at level M; a name is shortened (ending in …) only when it
    must, and keeps at least 12 characters."""
    titles = _catalogue_titles()
    assert len(titles) > 50
    for title in titles[-8:] + titles[:2]:
        link = _sign(key, title=title)
        assert qr_version(link) <= MAX_VERSION, title
        name = verify_payload(link, {key.fingerprint: key.public_key}).document_name
        if name != title:
            assert name.endswith("…") and title.startswith(name[:-1]) and len(name) >= 13


def test_at_a_typical_base_url_every_title_fits_whole() -> None:
    """GIVEN a 27-character base URL THEN even the longest catalogue title is signed whole."""
    key = replace(SigningKey.generate_ephemeral(), verify_url="https://yz.wangyi.gov.cn/v/")
    longest = _catalogue_titles()[-1]
    link = _sign(key, title=longest)
    assert verify_payload(link, {key.fingerprint: key.public_key}).document_name == longest
    assert qr_version(link) <= MAX_VERSION


def test_qr_segments_put_the_payload_in_alphanumeric_mode() -> None:
    """A lower-case URL is one byte segment and the payload one alphanumeric segment; an
    upper-case URL is alphanumeric too, with '#' alone in byte mode."""
    fragment = "ABCDEFGH234567" * 16
    assert segments(f"https://yz.example.cn/v/#{fragment}") == [
        (4, "https://yz.example.cn/v/#"),
        (2, fragment),
    ]
    assert segments(f"HTTPS://YZ.EXAMPLE.CN/V/#{fragment}") == [
        (2, "HTTPS://YZ.EXAMPLE.CN/V/"),
        (4, "#"),
        (2, fragment),
    ]
    upper = qr_version(f"HTTPS://YZ.EXAMPLE.CN/V/#{fragment}")
    assert upper <= qr_version(f"https://yz.example.cn/v/#{fragment}")


def test_a_code_beyond_version_10_is_refused() -> None:
    """GIVEN text needing more than version 10 at level M THEN QrTooLargeError (a FormsError)."""
    with pytest.raises(QrTooLargeError):
        qr_matrix("https://x.cn/#" + "A" * 400)
    assert len(qr_matrix("https://x.cn/#" + "A" * 250)) <= 17 + 4 * MAX_VERSION
