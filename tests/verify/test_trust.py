"""Keys under a district root: requests, certificates, installing bundles, revocation, void
lists, and what an issuing terminal may load (forms.trust, forms.district, forms.certified)."""

from __future__ import annotations

import json
import multiprocessing
import stat
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from forms.certified import (
    NotCertifiedError,
    certified_key,
    demo_certified_key,
    install,
    load_bundle,
    load_trust,
)
from forms.district import (
    REQUEST_FILE,
    TRUST_FILE,
    DistrictRoot,
    KeyRequest,
    make_request,
    voids_body,
)
from forms.keys import PUBLIC_FILE, SigningKey, generate
from forms.signed import Signed, TrustError, sign
from forms.trust import PURPOSE_DOCUMENTS, PURPOSE_VOIDS, TrustStore
from forms.verify import InvalidPayloadError, sign_document, verify_payload
from kiosk.benchmarks.verify import HOLDER_ID, HOLDER_NAME, sample_certificate

pytestmark = pytest.mark.slow  # keys made and certified per test: not in make test-fast

TODAY = date(2025, 3, 1)
NOW = datetime(2025, 3, 1, 9, 30)


def _request(
    key: SigningKey, community: str = "610202001", purpose: str = PURPOSE_DOCUMENTS
) -> Signed:
    return make_request(
        key, purpose=purpose, terminal_id="WY-HQJ-01", community_code=community,
        community="红旗街社区", issuer="红旗街社区居民委员会", now=NOW,
    )  # fmt: skip


def _certified(root: DistrictRoot, key: SigningKey, **kw: str) -> None:
    root.certify(KeyRequest.parse(_request(key, **kw)), today=TODAY)


@pytest.fixture
def root(tmp_path: Path) -> DistrictRoot:
    """A fresh district root."""
    return DistrictRoot.init(tmp_path / "root")


def test_request_certify_install_and_load(root: DistrictRoot, tmp_path: Path) -> None:
    """GIVEN a terminal key WHEN its request is certified and the bundle installed THEN the
    terminal loads the key with its certificate, the request file is gone, and its documents
    verify with the community's name."""
    terminal = tmp_path / "terminal"
    key = generate(terminal)
    (terminal / REQUEST_FILE).write_text(json.dumps(_request(key).to_json()))
    request = KeyRequest.parse(Signed.from_json(json.loads((terminal / REQUEST_FILE).read_text())))
    cert = root.certify(request, today=TODAY, days=365)
    assert (cert.not_before, cert.not_after) == (TODAY, TODAY + timedelta(days=365))
    done = install(terminal, root.store(), own_key=key, community_code="610202001")
    assert done.own == cert and not (terminal / REQUEST_FILE).exists()
    loaded, loaded_cert = certified_key(terminal, community_code="610202001", today=TODAY)
    assert loaded.fingerprint == key.fingerprint and loaded_cert.community == "红旗街社区"
    link = sign_document(
        sample_certificate(17, TODAY), id_number=HOLDER_ID, name=HOLDER_NAME, key=loaded
    )
    verified = verify_payload(link, load_trust(terminal))
    assert verified.certificate == cert and verified.community == "红旗街社区"


def test_a_request_not_signed_by_its_key_is_refused() -> None:
    """GIVEN a request whose public key was swapped for another THEN TrustError: whoever asks
    must hold the private key."""
    mine, other = SigningKey.generate_ephemeral(), SigningKey.generate_ephemeral()
    signed = _request(mine)
    body = json.loads(signed.body)
    body["public_key"] = json.loads(_request(other).body)["public_key"]
    body["key_id"] = other.fingerprint
    forged = Signed(
        json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        signed.signature,
    )
    with pytest.raises(TrustError):
        KeyRequest.parse(forged)


def test_a_certificate_edited_after_signing_does_not_load(root: DistrictRoot) -> None:
    """GIVEN a bundle whose certificate's community was edited THEN the bundle is refused."""
    _certified(root, SigningKey.generate_ephemeral())
    bundle = root.store().to_json()
    certificates = bundle["certificates"]
    assert isinstance(certificates, list)
    certificates[0]["body"] = certificates[0]["body"].replace("610202001", "610202002")
    with pytest.raises(TrustError):
        TrustStore.from_json(bundle)


def test_a_certificate_from_another_root_is_not_trusted(root: DistrictRoot, tmp_path: Path) -> None:
    """GIVEN a certificate signed by a second root WHEN checked against the first THEN refused."""
    rogue = DistrictRoot.init(tmp_path / "rogue")
    _certified(rogue, SigningKey.generate_ephemeral())
    store = root.store()
    cert = next(iter(rogue.store().certificates.values()))
    with pytest.raises(TrustError):
        store.add_certificate(cert.signed)


def test_install_keeps_the_district_root(root: DistrictRoot, tmp_path: Path) -> None:
    """GIVEN a terminal trusting a root WHEN a bundle from another root is installed THEN it
    is refused unless replace_root; a demo root is replaced without asking."""
    terminal = tmp_path / "terminal"
    install(terminal, root.store(), own_key=None, community_code=None)
    other = DistrictRoot.init(tmp_path / "other")
    with pytest.raises(TrustError, match="replace-root"):
        install(terminal, other.store(), own_key=None, community_code=None)
    done = install(terminal, other.store(), own_key=None, community_code=None, replace_root=True)
    assert set(done.store.roots) == {other.key_id} and done.replaced_roots
    demo_dir = tmp_path / "demo"
    demo_certified_key(demo_dir, terminal_id="T", community_code="610202001", community="c",
                       issuer="i", today=TODAY)  # fmt: skip
    done = install(demo_dir, root.store(), own_key=None, community_code=None)
    assert set(load_bundle(demo_dir).roots) == {root.key_id}


def test_install_refuses_a_certificate_for_another_community(
    root: DistrictRoot, tmp_path: Path
) -> None:
    """GIVEN a certificate for 610202002 WHEN installed on a terminal of 610202001 THEN refused."""
    terminal = tmp_path / "terminal"
    key = generate(terminal)
    _certified(root, key, community="610202002")
    with pytest.raises(TrustError, match="610202002"):
        install(terminal, root.store(), own_key=key, community_code="610202001")
    assert not (terminal / TRUST_FILE).exists()


@pytest.mark.parametrize("case", ["none", "demo", "community", "expired", "revoked", "voids"])
def test_a_terminal_that_may_not_issue_is_told_why(
    root: DistrictRoot, tmp_path: Path, case: str
) -> None:
    """GIVEN a key without a certificate, with a demo one, for another community, outside its
    dates, revoked, or for void lists WHEN a production terminal loads it THEN NotCertifiedError."""
    terminal = tmp_path / "terminal"
    key = generate(terminal)
    if case == "demo":
        demo_certified_key(terminal, terminal_id="T", community_code="610202001", community="c",
                           issuer="i", today=TODAY)  # fmt: skip
    else:
        if case != "none":
            _certified(root, key, community="610202002" if case == "community" else "610202001",
                       purpose=PURPOSE_VOIDS if case == "voids" else PURPOSE_DOCUMENTS)  # fmt: skip
        if case == "revoked":
            root.revoke(key.fingerprint, "终端被盗", NOW)
        install(terminal, root.store(), own_key=None, community_code=None)
    today = TODAY + timedelta(days=800) if case == "expired" else TODAY
    with pytest.raises(NotCertifiedError) as caught:
        certified_key(terminal, community_code="610202001", today=today)
    assert key.fingerprint in caught.value.detail


def test_a_demo_terminal_sets_itself_up_owner_only(tmp_path: Path) -> None:
    """GIVEN a fresh key directory WHEN a demo terminal starts THEN a demo root certifies its
    key, with every file 0600 and folder 0700 but the terminal's public key; a second start
    loads the same key; production refuses it."""
    key_dir = tmp_path / "keys"
    key, cert = demo_certified_key(key_dir, terminal_id="T", community_code="610202001",
                                   community="红旗街社区", issuer="居委会", today=TODAY)  # fmt: skip
    assert cert.demo and cert.covers(TODAY)
    again, _ = demo_certified_key(key_dir, terminal_id="T", community_code="610202001",
                                  community="红旗街社区", issuer="居委会", today=TODAY)  # fmt: skip
    assert again.fingerprint == key.fingerprint
    for path in [key_dir, *key_dir.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = 0o700 if path.is_dir() else 0o600
        assert mode == expected or path.name == PUBLIC_FILE, f"{oct(mode)} {path}"
    with pytest.raises(NotCertifiedError, match="demo root"):
        certified_key(key_dir, community_code="610202001", today=TODAY)


def test_a_demo_terminal_never_certifies_itself_under_a_district_root(
    root: DistrictRoot, tmp_path: Path
) -> None:
    """GIVEN a terminal that installed the district bundle but has no certificate yet THEN the
    demo set-up refuses instead of making a demo root."""
    terminal = tmp_path / "terminal"
    generate(terminal)
    install(terminal, root.store(), own_key=None, community_code=None)
    with pytest.raises(NotCertifiedError, match="district root"):
        demo_certified_key(terminal, terminal_id="T", community_code="610202001", community="c",
                           issuer="i", today=TODAY)  # fmt: skip


def _start_demo(key_dir: str) -> str:
    key, _cert = demo_certified_key(Path(key_dir), terminal_id="T", community_code="610202001",
                                    community="c", issuer="i", today=date.today())  # fmt: skip
    return key.fingerprint


def test_demo_terminals_starting_together_share_one_certified_key(tmp_path: Path) -> None:
    """GIVEN six processes starting a demo terminal on one fresh key directory at once THEN they
    all get the same key, and one demo root certified it."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        prints = pool.map(_start_demo, [str(tmp_path / "keys")] * 6)
    assert len(set(prints)) == 1
    assert list(load_bundle(tmp_path / "keys").certificates) == prints[:1]


def test_revocation_lists_only_move_forward(root: DistrictRoot) -> None:
    """GIVEN a newer revocation list WHEN an older one arrives later THEN the newer is kept."""
    store = root.store()
    old = store.revocations[root.key_id]
    root.revoke("AAAA-BBBB-CCCC-DDDD", "丢失", NOW)
    store.add_revocations(root.store().revocations[root.key_id].signed)
    store.add_revocations(old.signed)
    assert store.revocation("AAAA-BBBB-CCCC-DDDD") is not None


def test_void_lists_are_signed_by_a_root_or_a_voids_key(root: DistrictRoot) -> None:
    """A void list verifies when the root or an unrevoked "voids" key signed it; a documents
    key's list, or a revoked voids key's, is refused."""
    voids, documents = SigningKey.generate_ephemeral(), SigningKey.generate_ephemeral()
    _certified(root, voids, purpose=PURPOSE_VOIDS)
    _certified(root, documents)
    store = root.store()
    body = voids_body({"610202001-20250301-00018"}, NOW)
    assert store.check_void_list(root.sign_voids({"X"}, NOW)).serials == {"X"}
    assert "610202001-20250301-00018" in store.check_void_list(sign(body, voids)).serials
    with pytest.raises(TrustError):
        store.check_void_list(sign(body, documents))
    root.revoke(voids.fingerprint, "更换", NOW)
    with pytest.raises(TrustError):
        root.store().check_void_list(sign(body, voids))


def test_verification_checks_dates_community_revocation_and_purpose(root: DistrictRoot) -> None:
    """GIVEN certified keys WHEN a document is issued before its key's certificate, for another
    community, by a revoked key, or by a voids key THEN the matching reason."""
    key, voids, revoked = (SigningKey.generate_ephemeral() for _ in range(3))
    _certified(root, key)
    _certified(root, voids, purpose=PURPOSE_VOIDS)
    _certified(root, revoked)
    root.revoke(revoked.fingerprint, "终端被盗", NOW)
    store = root.store()

    def reason(doc_key: SigningKey, day: date = TODAY, community: str = "610202001") -> str:
        link = sign_document(sample_certificate(17, day), id_number=HOLDER_ID, name=HOLDER_NAME,
                             key=doc_key, community_code=community)  # fmt: skip
        with pytest.raises(InvalidPayloadError) as caught:
            verify_payload(link, store)
        return caught.value.reason

    assert reason(key, TODAY - timedelta(days=1)) == "key not valid on the issue date"
    assert reason(key, community="610202002") == "community mismatch"
    assert reason(revoked) == "revoked key"
    assert reason(voids) == "unknown key"
    assert reason(replace(key, verify_url="https://other.example/v/"), community="x") == (
        "community mismatch"
    )
