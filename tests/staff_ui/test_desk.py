"""补打与作废 on the touch screen: the queue first, searches without a keyboard, a reprint with
its reason (the same document marked 补打 1 on the kiosk's printer), and a void that `kiosk
verify` then reports. Real register, issuer, renderer, file printer and CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main

from .conftest import Staffed, accessible_press, click, newest_pdf, pdf_text
from .helpers import issue

pytestmark = pytest.mark.slow  # the whole kiosk, worker and window per test (~2 s)


def open_desk(staffed: Staffed) -> None:
    staffed.add_staff()
    staffed.sign_in()
    click(staffed.qtbot, staffed.layer.home.tiles["desk"])
    staffed.wait_idle()


def printed(staffed: Staffed) -> Path:
    return staffed.running.kiosk.config.data_dir / "printed"


def test_a_reprint_with_a_reason_prints_the_same_document_marked_bu_da_1(
    staffed: Staffed,
) -> None:
    """GIVEN a paper recorded but never printed WHEN staff open 补打与作废 THEN it heads the
    queue as 未完成; 补打 without a reason is refused and prints nothing; with 卡纸 and a canned
    note it prints the same serial marked 补打 1, audited with the reason, note and who; back
    in the list the queue no longer holds it."""
    paper = issue(staffed, printed=False)
    open_desk(staffed)
    desk, qtbot = staffed.layer.desk, staffed.qtbot
    assert desk.rows_shown() == [paper.serial]
    row = desk.rows.button_for(paper.serial)
    assert "未完成 unfinished" in row.text() and "1份" in row.text()
    click(qtbot, row)
    view = desk.issuance
    assert desk.stack.currentWidget() is view and paper.serial in view.info.text()
    before = set(printed(staffed).glob("*.pdf"))
    click(qtbot, view.reprint)
    assert "请选择补打原因" in view.notice.text()
    accessible_press(qtbot, view.reprint_reasons.choices["卡纸"])
    click(qtbot, view.reprint_reasons.notes["已清除卡纸"])
    click(qtbot, view.reprint)
    staffed.wait_idle()
    assert f"已补打：{paper.serial}（补打1）" in view.notice.text(), view.notice.text()
    text = pdf_text(newest_pdf(printed(staffed), before))
    assert "补打 1" in text and paper.serial in text
    (event,) = staffed.events("reprint")
    assert (event["reason"], event["note"], event["actor"]) == ("卡纸", "已清除卡纸", "staff:王丽")
    assert "补打 Reprints：1" in view.info.text() and "已打印 printed" in view.info.text()
    click(qtbot, view.back)
    staffed.wait_idle()
    assert desk.stack.currentWidget() is desk.list_page and desk.rows_shown() == []


def test_search_by_serial_on_the_pad_and_by_item_today(staffed: Staffed) -> None:
    """GIVEN two printed certificates WHEN staff type one serial's date and number on the pad
    THEN only it is found; by item within today both are; each row shows status and copies."""
    first = issue(staffed)
    second = issue(staffed)
    open_desk(staffed)
    desk, qtbot = staffed.layer.desk, staffed.qtbot
    search = desk.search
    digits = "".join(first.serial.split("-")[1:])
    for key in digits:
        click(qtbot, search.pad.keys[key])
    assert search.display.text() == first.serial
    click(qtbot, search.search)
    staffed.wait_idle()
    assert desk.rows_shown() == [first.serial]
    assert "已打印 printed" in desk.rows.button_for(first.serial).text()
    accessible_press(qtbot, search.modes["item"])
    staffed.wait_idle()
    accessible_press(qtbot, search.ranges["today"])
    click(qtbot, search.items.button_for("residence_certificate"))
    click(qtbot, search.search)
    staffed.wait_idle()
    assert set(desk.rows_shown()) == {first.serial, second.serial}
    accessible_press(qtbot, search.queue)
    staffed.wait_idle()
    assert desk.rows_shown() == []


def test_void_with_a_reason_then_kiosk_verify_says_voided(
    staffed: Staffed, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a printed certificate WHEN staff find it by the last 4 ID digits, void it for
    信息有误 with a note THEN it shows 已作废 and offers no reprint, and `kiosk verify` on its PDF
    answers 已作废 / VOIDED with the reason (exit 1)."""
    paper = issue(staffed, printed=False)
    before = set(printed(staffed).glob("*.pdf"))
    staffed.on_worker(lambda: staffed.core.issuer.print(paper, staffed.core.printers["a4"]))
    pdf = newest_pdf(printed(staffed), before)
    open_desk(staffed)
    desk, qtbot = staffed.layer.desk, staffed.qtbot
    click(qtbot, desk.search.modes["id"])
    last4 = staffed.on_worker(lambda: _last4(staffed, paper.serial))
    desk.search.type_digits(last4)
    click(qtbot, desk.search.search)
    staffed.wait_idle()
    assert paper.serial in desk.rows_shown()
    click(qtbot, desk.rows.button_for(paper.serial))
    view = desk.issuance
    accessible_press(qtbot, view.void_reasons.choices["信息有误"])
    click(qtbot, view.void_reasons.notes["住址有误"])
    click(qtbot, view.void)
    staffed.wait_idle()
    assert f"已作废：{paper.serial}" in view.notice.text()
    assert "已作废 voided" in view.info.text() and "信息有误：住址有误" in view.info.text()
    assert not view.reprint.isEnabled() and not view.void.isEnabled()
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(staffed.running.kiosk.config.data_dir))
    monkeypatch.setenv("KIOSK_UI_VOICE", "false")
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("KIOSK_DATABASE_URL", staffed.running.kiosk.config.database.url)
    capsys.readouterr()
    code = main(["verify", str(pdf)])
    out = capsys.readouterr().out
    assert code == 1 and "已作废 / VOIDED" in out and "信息有误：住址有误" in out, out


def _last4(staffed: Staffed, serial: str) -> str:
    from kiosk.db.desk import DeskRepository

    with staffed.core.sessions() as session:
        row = DeskRepository(session).row(serial)
    assert row is not None
    return row.resident_masked_id[-4:]
