"""`kiosk keys` and `kiosk verify`: exit codes and what they print."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from forms.keys import PRIVATE_FILE, load_signing_key
from forms.render import render
from kiosk.cli import main
from tests.forms import samples


@pytest.fixture
def key_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data and key directory for the command."""
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KIOSK_PATHS_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.delenv("KIOSK_DATABASE_URL", raising=False)
    return tmp_path / "keys"


def test_keys_init_export_and_force(key_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """init creates a 0600 key, a second init is refused, --force replaces; export prints it."""
    assert main(["keys", "init"]) == 0
    assert stat.S_IMODE((key_dir / PRIVATE_FILE).stat().st_mode) == 0o600
    fingerprint = load_signing_key(key_dir).fingerprint
    assert fingerprint in capsys.readouterr().out
    assert main(["keys", "init"]) == 1
    assert load_signing_key(key_dir).fingerprint == fingerprint
    assert main(["keys", "export", "--fingerprint"]) == 0
    assert capsys.readouterr().out.strip() == fingerprint
    assert main(["keys", "export", "--pem"]) == 0
    assert capsys.readouterr().out.startswith("-----BEGIN PUBLIC KEY-----")
    assert main(["keys", "init", "--force"]) == 0
    assert load_signing_key(key_dir).fingerprint != fingerprint


def _signed_pdf(key_dir: Path, tmp_path: Path) -> tuple[Path, str]:
    """A certificate issued today (still in force), signed by a legacy `keys init` key."""
    assert main(["keys", "init"]) == 0
    today = samples.certificate(
        issue_date=date.today(), created_at=datetime.now().replace(microsecond=0)
    )
    doc = samples.signed(today, load_signing_key(key_dir))
    path = tmp_path / "cert.pdf"
    path.write_bytes(render(doc))
    return path, doc.qr_payload or ""


def test_verify_file_and_payload(
    key_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """VALID with particulars (exit 0) for the PDF and its link; INVALID (exit 1) tampered."""
    pdf, payload = _signed_pdf(key_dir, tmp_path)
    capsys.readouterr()
    assert main(["verify", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("VALID")
    for expected in (
        "610202001-20250301-00017",
        samples.MASKED_ID,
        date.today().isoformat(),
        "无法核查",
    ):
        assert expected in out
    assert main(["verify", "--payload", payload]) == 0
    capsys.readouterr()
    at = payload.index("#") + 90  # inside the signed bytes
    tampered = payload[:at] + ("A" if payload[at] != "A" else "B") + payload[at + 1 :]
    assert main(["verify", "--payload", tampered]) == 1
    assert capsys.readouterr().out.startswith("INVALID")


def test_verify_unknown_key(key_dir: Path, tmp_path: Path, capsys) -> None:
    """A document signed elsewhere is INVALID: unknown key."""
    pdf, _payload = _signed_pdf(key_dir, tmp_path)
    assert main(["keys", "init", "--force"]) == 0
    capsys.readouterr()
    assert main(["verify", str(pdf)]) == 1
    assert "unknown key" in capsys.readouterr().out


def test_verify_voided_serial_in_database(key_dir: Path, tmp_path: Path, capsys) -> None:
    """With a reachable database that marks the serial voided, verify says INVALID."""
    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.models import Base, Issuance, Resident, Terminal

    pdf, _payload = _signed_pdf(key_dir, tmp_path)
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    now = datetime(2025, 3, 1, 9, 41, 7)
    with session_factory(engine).begin() as session:
        resident = Resident(
            id_number=samples.ID_NUMBER, name=samples.NAME, sex="female",
            birth_date=date(1958, 3, 15), nation="汉", phone=None, address="幸福小区",
            community="红旗街社区", grid="1", building=None, unit=None, room=None,
            household_id="H1", hukou_local=True, registered_since=date(2009, 3, 1), tags=[],
            updated_at=now,
        )  # fmt: skip
        session.add_all(
            [resident, Terminal(id="WY-DEMO-01", name="1", community="红旗街社区", last_seen=now)]
        )
        session.flush()
        issuance = Issuance(
            serial="610202001-20250301-00017", item_id=samples.ITEM_ID, resident_id=resident.id,
            terminal_id="WY-DEMO-01", inputs={}, paper="a4", copies=1, created_at=now,
            status="printed", reprints=0, document={},
        )  # fmt: skip
        session.add(issuance)
    capsys.readouterr()
    assert main(["--db", url, "verify", str(pdf)]) == 0
    assert "未作废" in capsys.readouterr().out
    with session_factory(engine).begin() as session:
        row = session.query(Issuance).one()
        row.status, row.void_reason = "voided", "信息有误"
    engine.dispose()
    assert main(["--db", url, "verify", str(pdf)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("INVALID") and "voided" in out


def test_verify_needs_exactly_one_source(key_dir: Path) -> None:
    """Neither or both of FILE and --payload: usage error (exit 2)."""
    assert main(["verify"]) == 2


def test_verify_unsigned_pdf_is_invalid(key_dir: Path, tmp_path: Path, capsys) -> None:
    """A PDF without a payload is INVALID (malformed)."""
    assert main(["keys", "init"]) == 0
    path = tmp_path / "plain.pdf"
    path.write_bytes(render(replace(samples.slip(), qr_payload=None)))
    capsys.readouterr()
    assert main(["verify", str(path)]) == 1
    assert "malformed" in capsys.readouterr().out
