"""`kiosk verify-server`'s app, through Starlette's TestClient: the page at the QR path, what
/status says (and nothing more), the signed void list, and a register it cannot write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from forms.certified import install
from forms.signed import Signed
from kiosk.benchmarks.verify import District, make_district, phone_config, record
from kiosk.verify_server import (
    Register,
    VerifyService,
    create_app,
    read_only_engine,
    void_signer,
)

PORT = 8470


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def district(tmp_path: Path) -> District:
    """A district with a voided, a pending and a printed serial in its register."""
    district = make_district(tmp_path, f"http://127.0.0.1:{PORT}/v/")
    record(district.database_url, "610202001-20250301-00017", "printed")
    record(district.database_url, "610202001-20250301-00018", "voided")
    record(district.database_url, "610202001-20250301-00019", "pending_review")
    return district


@pytest.fixture
def clock() -> Clock:
    """The service's clock."""
    return Clock()


@pytest.fixture
def client(district: District, clock: Clock, tmp_path: Path) -> Iterator[TestClient]:
    """The app with a read-only register and the district's root signing void lists."""
    register = Register(read_only_engine(district.database_url))
    service = VerifyService(district.server_dir, register, district.root.sign_voids, clock)
    with TestClient(create_app(phone_config(tmp_path, PORT), service)) as client:
        yield client
    register.engine.dispose()


def test_the_page_is_served_at_the_qr_path_with_strict_headers(client: TestClient) -> None:
    """GIVEN the app WHEN the QR path is fetched THEN the page, with a CSP that allows only
    this origin, no referrer, and its files beside it; / redirects there."""
    page = client.get("/v/")
    assert page.status_code == 200 and "证明核验" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    for name, kind in (("verify.js", "javascript"), ("sw.js", "javascript"), ("style.css", "css")):
        response = client.get(f"/v/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
    assert client.get("/v/../kiosk.toml").status_code == 404
    assert client.get("/v/app.py").status_code == 404
    assert client.get("/", follow_redirects=False).headers["location"] == "/v/"


def test_status_says_voided_or_pending_and_nothing_else(client: TestClient) -> None:
    """GIVEN a voided, a pending, a printed and an unknown serial THEN /status answers exactly
    serial, voided and pending for each."""
    answers = {
        serial: client.get(f"/status/{serial}").json()
        for serial in ("610202001-20250301-00017", "610202001-20250301-00018",
                       "610202001-20250301-00019", "610202001-20250301-09999")
    }  # fmt: skip
    assert [(a["voided"], a["pending"]) for a in answers.values()] == [
        (False, False), (True, False), (False, True), (False, False),
    ]  # fmt: skip
    assert all(set(a) == {"serial", "voided", "pending"} for a in answers.values())


def test_the_void_list_is_signed_and_renewed_every_30_seconds(
    client: TestClient, district: District, clock: Clock
) -> None:
    """GIVEN the voided serial WHEN voids.json is fetched THEN a list the district's trust
    accepts holds it; a serial voided meanwhile appears once 30 s have passed, not before."""
    store = district.root.store()
    first = store.check_void_list(Signed.from_json(client.get("/v/voids.json").json()))
    assert first.serials == {"610202001-20250301-00018"}
    record(district.database_url, "610202001-20250301-00020", "voided")
    clock.now += 29
    again = store.check_void_list(Signed.from_json(client.get("/v/voids.json").json()))
    assert again.serials == first.serials
    clock.now += 2
    later = store.check_void_list(Signed.from_json(client.get("/v/voids.json").json()))
    assert "610202001-20250301-00020" in later.serials


def test_trust_json_is_the_installed_bundle_read_afresh(
    client: TestClient, district: District
) -> None:
    """GIVEN a served trust.json WHEN the root revokes a key and the bundle is installed THEN
    the next trust.json carries the revocation, without a restart."""
    before = client.get("/v/trust.json").json()
    district.root.revoke(district.terminal.fingerprint, "终端被盗", datetime.now())
    install(district.server_dir, district.root.store(), own_key=None, community_code=None)
    after = client.get("/v/trust.json").json()
    assert before != after
    bodies = [json.loads(r["body"]) for r in after["revocations"]]
    assert any(e["key_id"] == district.terminal.fingerprint for b in bodies for e in b["revoked"])


def test_the_register_is_opened_read_only(district: District) -> None:
    """GIVEN the server's engine WHEN it tries to write THEN SQLite refuses."""
    engine = read_only_engine(district.database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM issuances")).scalar_one() == 3
            with pytest.raises(OperationalError, match="readonly"):
                conn.execute(text("UPDATE issuances SET status = 'printed'"))
    finally:
        engine.dispose()


def test_without_a_register_status_is_unavailable(district: District, tmp_path: Path) -> None:
    """GIVEN no register THEN /status answers 503 and voids.json too: the page says offline."""
    service = VerifyService(district.server_dir, None, None)
    with TestClient(create_app(phone_config(tmp_path, PORT), service)) as client:
        assert client.get("/status/610202001-20250301-00018").status_code == 503
        assert client.get("/v/voids.json").status_code == 503


def test_the_void_list_signer_is_a_certified_voids_key_or_a_root(
    district: District, tmp_path: Path
) -> None:
    """GIVEN a server key directory with a certified voids key THEN it signs void lists; one
    with only a documents key does not (and none at all gives None)."""
    from forms.district import KeyRequest, make_request
    from forms.keys import generate
    from forms.trust import PURPOSE_DOCUMENTS, PURPOSE_VOIDS

    for purpose, expect in ((PURPOSE_VOIDS, True), (PURPOSE_DOCUMENTS, False)):
        key_dir = tmp_path / purpose
        key = generate(key_dir)
        request = make_request(key, purpose=purpose, terminal_id="VS", community_code="610202001",
                               community="c", issuer="i", now=datetime.now())  # fmt: skip
        district.root.certify(KeyRequest.parse(request), today=datetime.now().date())
        install(key_dir, district.root.store(), own_key=None, community_code=None)
        signer = void_signer(key_dir)
        assert (signer is not None) == expect
        if signer is not None:
            voids = district.root.store().check_void_list(signer({"S"}, datetime.now()))
            assert voids.serials == {"S"}
    assert void_signer(tmp_path / "nothing") is None
