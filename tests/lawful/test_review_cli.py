"""`kiosk review list|show|approve|reject`: a staff member signs in with her own PIN, and the
decision is recorded with her as the actor."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

import kiosk.cli
from kiosk.app import Core
from kiosk.db.models import AuditEvent
from kiosk.db.repositories import IssuanceRepository
from kiosk.residents import ResidentRecord
from kiosk.staff.accounts import StaffAccounts

from .conftest import first, flat, home, need_tools, pdf_lines

pytestmark = pytest.mark.slow  # a running kiosk or a database per test: not in make test-fast

PIN = "730519"
STAFF_ID = "610202198503070048"


@pytest.fixture
def cli_core(core: Core, monkeypatch: pytest.MonkeyPatch) -> Core:
    """The core's data dir as the CLI's, with one staff account 李红梅."""
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(core.config.data_dir))
    monkeypatch.setenv("KIOSK_UI_VOICE", "false")
    StaffAccounts(core.sessions, core.config.terminal).add("李红梅", STAFF_ID, PIN, actor="test")
    return core


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return kiosk.cli.main(list(argv))


def test_list_show_approve(
    cli_core: Core,
    residents: list[ResidentRecord],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """GIVEN a pending volunteer application WHEN 李红梅 lists, shows and approves it with her PIN
    THEN the sealed certificate is written under the same serial, audited as staff:李红梅."""
    need_tools()
    volunteer = first(residents, lambda p: home(p) and "volunteer" in p.tags)
    application = cli_core.issuer.issue(
        volunteer, cli_core.catalog.item("volunteer_service_certificate")
    )
    assert run(monkeypatch, "review", "list") == 0
    out = capsys.readouterr().out
    assert application.serial in out and volunteer.masked_id in out
    assert volunteer.id_number not in out
    assert run(monkeypatch, "review", "show", application.serial) == 0
    assert "--fact hours=" in capsys.readouterr().out
    pdf = tmp_path / "certificate.pdf"
    code = run(
        monkeypatch,
        "review", "approve", application.serial, "--staff", "李红梅",
        "--fact", "hours=36", "--pin-stdin", "--out", str(pdf),
        stdin=PIN + "\n",
    )  # fmt: skip
    assert code == 0, capsys.readouterr()
    assert "已审核通过" in capsys.readouterr().out
    text = flat(pdf_lines(pdf.read_bytes(), tmp_path))
    assert "经办人：李红梅" in text and application.serial in text and "证明专用章" in text
    with cli_core.sessions() as session:
        record = IssuanceRepository(session).by_serial(application.serial)
        kinds = {e.kind: e.actor for e in session.scalars(select(AuditEvent))}
    assert record is not None and record.status == "printed"
    assert kinds["review_approved"] == "staff:李红梅"


def test_a_wrong_pin_decides_nothing(
    cli_core: Core,
    residents: list[ResidentRecord],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person = first(residents, home)
    application = cli_core.issuer.issue(
        person, cli_core.catalog.item("governance_participation_certificate")
    )
    code = run(
        monkeypatch,
        "review", "reject", application.serial, "--reason", "没有记录",
        "--staff", "李红梅", "--pin-stdin",
        stdin="111222\n",
    )  # fmt: skip
    assert code == 1
    with cli_core.sessions() as session:
        record = IssuanceRepository(session).by_serial(application.serial)
    assert record is not None and record.status == "pending_review"


def test_reject_tells_what_to_say(
    cli_core: Core,
    residents: list[ResidentRecord],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person = first(residents, home)
    application = cli_core.issuer.issue(
        person, cli_core.catalog.item("governance_participation_certificate")
    )
    code = run(
        monkeypatch,
        "review", "reject", application.serial, "--reason", "活动记录中没有您的参与记录",
        "--staff", "李红梅", "--pin-stdin",
        stdin=PIN + "\n",
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "已驳回" in out and "未通过审核：活动记录中没有您的参与记录" in out
