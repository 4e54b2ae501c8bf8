"""The commands of issue 13 end to end: `kiosk keys init-root|request|certify|install|revoke|
status`, `kiosk verify` (chain, revocation, community, visible text, pending, legacy), the
production refusal without a certified key, and `kiosk verify-page export`."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from forms.certified import load_trust
from forms.district import REQUEST_FILE, TRUST_FILE
from forms.keys import TRUSTED_DIR, load_signing_key
from forms.render import render
from kiosk.app import load_signing_key as load_signing_key_for
from kiosk.benchmarks.verify import sample_certificate, signed
from kiosk.cli import main
from kiosk.commands.run import preflight
from kiosk.config import load_config
from kiosk.errors import ConfigError
from tests.kiosk.conftest import StartKiosk
from tests.kiosk.conftest import start_kiosk as start_kiosk  # the running kiosk fixture
from tests.kiosk.screen import visible_text

pytestmark = pytest.mark.slow  # keys made and certified per test: not in make test-fast

DATA = Path(__file__).parent / "data"


class Machines:
    """Switch the environment between the district's root machine and one terminal."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp, self.env = tmp_path, monkeypatch
        for name in ("KIOSK_CONFIG", "KIOSK_DATABASE_URL"):
            monkeypatch.delenv(name, raising=False)

    def use(self, name: str, community: str = "610202001") -> Path:
        """Act as machine `name`; returns its key directory."""
        self.env.setenv("KIOSK_PATHS_DATA_DIR", str(self.tmp / name / "data"))
        self.env.setenv("KIOSK_PATHS_KEY_DIR", str(self.tmp / name / "keys"))
        self.env.setenv("KIOSK_TERMINAL_COMMUNITY_CODE", community)
        return self.tmp / name / "keys"


@pytest.fixture
def machines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Machines:
    """The root machine and terminals, as environments."""
    return Machines(tmp_path, monkeypatch)


def _out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out


def _certified_terminal(machines: Machines, capsys: pytest.CaptureFixture[str]) -> Path:
    """init-root on the root machine, request on the terminal, certify, install: the terminal's
    key directory."""
    machines.use("root")
    assert main(["keys", "init-root"]) == 0
    root_fingerprint = _out(capsys).split("root fingerprint: ")[1].split()[0]
    terminal = machines.use("terminal")
    assert main(["keys", "request"]) == 0
    assert "kiosk keys certify" in _out(capsys)
    machines.use("root")
    assert main(["keys", "certify", str(terminal / REQUEST_FILE), "--days", "365"]) == 0
    bundle = terminal / "WY-DEMO-01.trust.json"
    assert f"kiosk keys install {bundle}" in _out(capsys)
    machines.use("terminal")
    assert main(["keys", "install", str(bundle), "--root-fingerprint", root_fingerprint]) == 0
    out = _out(capsys)
    assert f"trusting root {root_fingerprint}" in out and "红旗街社区（610202001）" in out
    assert not (terminal / REQUEST_FILE).exists()
    return terminal


def _pdf(
    key_dir: Path, tmp_path: Path, name: str = "cert.pdf", **changes: object
) -> tuple[Path, str]:
    """A certificate issued today, signed with the terminal's key, rendered to a file."""
    key = load_signing_key(key_dir)
    doc = signed(replace(sample_certificate(17, date.today()), **changes), key)  # type: ignore[arg-type]
    path = tmp_path / name
    path.write_bytes(render(doc))
    return path, doc.qr_payload or ""


def test_root_certifies_a_terminal_that_then_may_issue_and_verify(
    machines: Machines, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a fresh root and terminal WHEN the request is certified and installed THEN `kiosk
    run`'s preflight passes, and `kiosk verify` says VALID with community and key."""
    terminal = _certified_terminal(machines, capsys)
    preflight(load_config(), create_key=False)
    pdf, _link = _pdf(terminal, tmp_path)
    assert main(["verify", str(pdf)]) == 0
    out = _out(capsys)
    assert out.startswith("VALID 有效")
    for expected in ("名称 document:      居住证明", "红旗街社区 (610202001)", "与签名一致"):
        assert expected in out
    assert main(["keys", "status"]) == 0
    assert "documents 终端 WY-DEMO-01" in _out(capsys)


def test_production_refuses_an_uncertified_terminal_in_one_line(machines: Machines) -> None:
    """GIVEN a terminal with no key, then with a key whose request is not yet certified (no
    bundle installed) WHEN `kiosk run` starts THEN ConfigError (exit 2) before any window,
    naming the steps; the demo needs none."""
    terminal = machines.use("terminal")
    with pytest.raises(ConfigError) as caught:
        preflight(load_config(), create_key=False)
    assert "kiosk keys request" in caught.value.problem and "\n" not in caught.value.problem
    assert main(["keys", "request"]) == 0
    with pytest.raises(ConfigError) as caught:
        preflight(load_config(), create_key=False)
    assert "has no certificate" in caught.value.problem
    assert "kiosk keys init-root" in caught.value.problem
    assert (terminal / REQUEST_FILE).exists()


def test_a_revoked_terminal_is_refused_everywhere(
    machines: Machines, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a certified terminal's document WHEN the root revokes its key and the new bundle
    is installed THEN `kiosk verify` says INVALID: revoked key, and the terminal may not start."""
    terminal = _certified_terminal(machines, capsys)
    pdf, _link = _pdf(terminal, tmp_path)
    key_id = load_signing_key(terminal).fingerprint
    machines.use("root")
    assert main(["keys", "revoke", key_id, "--reason", "终端被盗"]) == 0
    _out(capsys)
    machines.use("terminal")
    assert main(["keys", "install", str(tmp_path / "root" / "keys" / "root" / TRUST_FILE)]) == 0
    _out(capsys)
    assert main(["verify", str(pdf)]) == 1
    out = _out(capsys)
    assert out.startswith("INVALID 无效: revoked key") and "终端被盗" in out
    preflight(load_config(), create_key=False)  # key and bundle are there: the window comes up
    with pytest.raises(ConfigError, match="revoked"):
        load_signing_key_for(load_config(), create=False)  # what the kiosk checks behind it


def test_a_kiosk_whose_key_was_revoked_is_out_of_service_and_says_why(
    machines: Machines,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    start_kiosk: StartKiosk,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """GIVEN a certified terminal whose key the root then revoked WHEN `kiosk run`'s kiosk starts
    THEN its first screen comes up, then says 暂停服务 (it never becomes ready to issue), and the
    staff log names the revoked key and the steps."""
    terminal = _certified_terminal(machines, capsys)
    key_id = load_signing_key(terminal).fingerprint
    machines.use("root")
    assert main(["keys", "revoke", key_id, "--reason", "终端被盗"]) == 0
    machines.use("terminal")
    assert main(["keys", "install", str(tmp_path / "root" / "keys" / "root" / TRUST_FILE)]) == 0
    config = load_config()
    preflight(config, create_key=False)
    running = start_kiosk(config, create_key=False)
    assert not running.session.view.ready
    assert "暂停服务" in visible_text(running.window.waiting)
    assert any(
        "revoked" in r.getMessage() and "kiosk keys" in r.getMessage() for r in caplog.records
    )


def test_a_kiosk_waiting_for_its_certificate_serves_once_it_is_installed(
    machines: Machines,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    start_kiosk: StartKiosk,
    qtbot: QtBot,
) -> None:
    """GIVEN a terminal whose installed district bundle does not yet certify its key WHEN its
    kiosk starts THEN it is out of service; WHEN the certified bundle is then installed THEN the
    same kiosk becomes ready by itself (its start-up retry), without a restart."""
    machines.use("root")
    assert main(["keys", "init-root"]) == 0
    fingerprint = _out(capsys).split("root fingerprint: ")[1].split()[0]
    terminal = machines.use("terminal")
    assert main(["keys", "request"]) == 0
    root_bundle = tmp_path / "root" / "keys" / "root" / TRUST_FILE
    assert main(["keys", "install", str(root_bundle), "--root-fingerprint", fingerprint]) == 0
    _out(capsys)
    config = load_config()
    preflight(config, create_key=False)  # key and a bundle are there
    running = start_kiosk(config, create_key=False)
    assert running.session.view.out_of_service is not None and not running.session.view.ready
    machines.use("root")
    assert main(["keys", "certify", str(terminal / REQUEST_FILE), "--days", "365"]) == 0
    _out(capsys)
    machines.use("terminal")
    assert main(["keys", "install", str(terminal / "WY-DEMO-01.trust.json")]) == 0
    qtbot.waitUntil(lambda: running.session.view.ready, timeout=20_000)
    assert "暂停服务" not in visible_text(running.window.waiting)


def test_an_edited_pdf_with_an_untouched_qr_is_a_visible_text_mismatch(
    machines: Machines, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a genuine PDF and one whose body text was changed but keeps the same QR payload
    THEN the first is VALID and the second INVALID: visible text mismatch."""
    terminal = _certified_terminal(machines, capsys)
    _genuine, link = _pdf(terminal, tmp_path)
    doc = replace(sample_certificate(17, date.today()), qr_payload=link,
                  key_fingerprint=load_signing_key(terminal).fingerprint)  # fmt: skip
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(render(replace(doc, body=doc.body.replace("3号楼", "8号楼"))))
    assert main(["verify", "--payload", link]) == 0
    _out(capsys)
    assert main(["verify", str(edited)]) == 1
    assert _out(capsys).startswith("INVALID 无效: visible text mismatch")


def test_a_pending_paper_is_pending_and_a_foreign_community_is_refused(
    machines: Machines, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a 待审核 paper THEN PENDING (exit 1); GIVEN a key certified for 610202001 signing
    for another community THEN INVALID: community mismatch (15.6)."""
    terminal = _certified_terminal(machines, capsys)
    pending, _ = _pdf(terminal, tmp_path, "pending.pdf", status="pending")
    assert main(["verify", str(pending)]) == 1
    assert _out(capsys).startswith("PENDING 待审核")
    key = load_signing_key(terminal)
    doc = signed(sample_certificate(18, date.today()), key, community="610202002")
    assert main(["verify", "--payload", doc.qr_payload or ""]) == 1
    assert _out(capsys).startswith("INVALID 无效: community mismatch")


def test_a_legacy_installation_migrates_and_old_documents_keep_verifying(
    machines: Machines, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a terminal with the single district key of old (keys init) and a KV1 document
    WHEN `keys request` runs THEN it refuses until --retire-legacy, which keeps the old public
    key in trusted/ (old documents still VALID) and makes a new key for the certificate."""
    terminal = machines.use("terminal")
    assert main(["keys", "init"]) == 0
    vector = json.loads((DATA / "legacy_kv1.json").read_text(encoding="utf-8"))
    (terminal / TRUSTED_DIR / "district-2024.pub.pem").write_text(vector["public_key_pem"])
    legacy_pdf = DATA / "legacy_kv1_slip.pdf"
    _out(capsys)
    assert main(["verify", str(legacy_pdf)]) == 0
    assert "legacy key" in _out(capsys)
    old = load_signing_key(terminal).fingerprint
    assert main(["keys", "request"]) == 1
    assert "--retire-legacy" in capsys.readouterr().err
    assert main(["keys", "request", "--retire-legacy"]) == 0
    assert load_signing_key(terminal).fingerprint != old
    assert (terminal / TRUSTED_DIR / f"legacy-{old}.pub.pem").exists()
    assert old in load_trust(terminal).direct
    _out(capsys)
    assert main(["verify", str(legacy_pdf)]) == 0
    assert _out(capsys).startswith("VALID")


def test_verify_page_export_writes_the_page_and_the_bundle(
    machines: Machines, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a certified terminal WHEN `kiosk verify-page export DIR` THEN the page's files and
    the installed trust bundle are in DIR, readable by a web server."""
    terminal = _certified_terminal(machines, capsys)
    out = tmp_path / "www"
    assert main(["verify-page", "export", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {
        "index.html",
        "verify.js",
        "style.css",
        "sw.js",
        "trust.json",
    }
    exported = json.loads((out / "trust.json").read_text(encoding="utf-8"))
    assert exported == json.loads((terminal / TRUST_FILE).read_text(encoding="utf-8"))
    assert all(p.stat().st_mode & 0o004 for p in [out, *out.iterdir()])
    assert "no void list" in _out(capsys)
    shutil.rmtree(out)
