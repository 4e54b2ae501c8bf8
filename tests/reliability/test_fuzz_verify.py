"""Fuzzing what `kiosk verify` reads (issue 14, part B 3): signed QR text (KV2 links and legacy
KV1), generated field by field, signed by the keys of a small district (certified, of another
community, revoked, voids, legacy, a stranger's) and damaged at every level; and trust bundles
(trust.json and void lists) with bodies changed and signed again, JSON nested and oversized.
Verification gives a VerifiedPayload under a trusted key or InvalidPayloadError; a bundle
loads or raises TrustError; nothing else. Then the defects the fuzzing found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forms.district import read_json
from forms.signed import Signed, TrustError
from forms.verify import InvalidPayloadError
from kiosk.fuzzing.core import Parser, Simplest, assert_clean, check, run_long
from kiosk.fuzzing.payloads import COMMUNITY, TERMINAL
from kiosk.fuzzing.payloads import parsers as payload_parsers

pytestmark = pytest.mark.slow
# parser -> (hypothesis cases, seeded cases)
CASES = {"qr_payloads": (300, 3000), "trust_bundles": (200, 2000)}


@pytest.fixture(scope="module")
def parsers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Parser]:
    """Both parsers, the bundle one writing trust.json into a scratch key directory."""
    return {p.name: p for p in payload_parsers(tmp_path_factory.mktemp("verify"))}


@pytest.mark.parametrize("name", CASES)
def test_hypothesis_cases_verify_or_are_refused(parsers: dict[str, Parser], name: str) -> None:
    """GIVEN hypothesis's payloads and bundles WHEN checked THEN a result or the forms error."""
    check(parsers[name], CASES[name][0])()


@pytest.mark.parametrize("name", CASES)
def test_a_seeded_sweep_verifies_or_is_refused(parsers: dict[str, Parser], name: str) -> None:
    """GIVEN seeded payloads and bundles THEN no escape, nothing verified under a stranger's
    or a revoked key."""
    assert_clean(run_long(parsers[name], CASES[name][1]))


def test_the_undamaged_payload_is_valid(parsers: dict[str, Parser]) -> None:
    """GIVEN the simplest payload (the certified terminal's, undamaged) THEN it verifies."""
    parser = parsers["qr_payloads"]
    verified: Any = parser.parse(parser.generate(Simplest()))
    assert (verified.key_fingerprint, verified.community_code) == (TERMINAL.fingerprint, COMMUNITY)


def test_the_undamaged_bundle_loads(parsers: dict[str, Parser]) -> None:
    """GIVEN the district's trust.json as written THEN every certificate loads."""
    parser = parsers["trust_bundles"]
    store: Any = parser.parse(parser.generate(Simplest()))
    assert len(store.certificates) == 4


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,  # was RecursionError
        '{"type": "kiosk-trust", "version": ' + "9" * 5000 + "}",  # was ValueError (int digits)
    ],
)
def test_a_trust_file_json_cannot_parse_is_a_trust_error(tmp_path: Path, text: str) -> None:
    """GIVEN trust.json nested 100,000 deep or holding a 5000-digit number WHEN read THEN
    TrustError naming the file (json.loads' RecursionError and ValueError used to escape)."""
    path = tmp_path / "trust.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TrustError, match=r"trust\.json"):
        read_json(path)


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, '{"a": ' + "9" * 5000 + "}"])
def test_a_signed_body_json_cannot_parse_is_a_trust_error(body: str) -> None:
    """GIVEN a signed object whose body is nested too deep or holds a 5000-digit number WHEN
    its fields are read THEN TrustError (it used to escape, from a root-signed certificate)."""
    with pytest.raises(TrustError):
        _ = Signed(body, bytes(64)).fields


def test_text_that_is_no_payload_is_malformed(parsers: dict[str, Parser]) -> None:
    """GIVEN a link with a broken fragment THEN InvalidPayloadError, reason malformed."""
    with pytest.raises(InvalidPayloadError) as err:
        parsers["qr_payloads"].parse("https://yz.wangyi.gov.cn/v/#AAAA=")
    assert err.value.reason == InvalidPayloadError.REASON_MALFORMED
