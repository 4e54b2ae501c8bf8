"""One complete resident session through the real PySide6 window, and the ways it can go wrong.

Real parts: the SQLite register, the catalogue, reportlab PDFs, the file printer, the simulated
reader through the same ReaderWatcher/ReaderBridge the hardware drivers use.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel

from card_reader.simulated import SimulatedReader
from kiosk.cli import main
from kiosk.config import Config
from kiosk.db.repositories import IssuanceRepository, ResidentRepository
from kiosk.demo_cards import expired_card, identity_of, stranger_card
from kiosk.session import Step
from kiosk.ui.launch import RunningKiosk
from tests.kiosk.conftest import StartKiosk, press_print


def sim(running: RunningKiosk) -> SimulatedReader:
    """The kiosk's simulated reader, to place and take cards."""
    reader = running.kiosk.reader
    assert isinstance(reader, SimulatedReader)
    return reader


def featured(config: Config, index: int = 0):  # type: ignore[no-untyped-def]
    from kiosk.db.engine import make_engine, session_factory

    engine = make_engine(config.database.url)
    with session_factory(engine)() as s:
        resident = ResidentRepository(s).sample(5)[index]
    engine.dispose()
    return resident


def visible_text(widget) -> str:  # type: ignore[no-untyped-def]
    """Every label and button text on screen, as the resident would read it."""
    parts = [w.text() for w in widget.findChildren(QLabel) if w.isVisible()]
    parts += [w.text() for w in widget.findChildren(QAbstractButton) if w.isVisible()]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_complete_session_prints_the_residence_certificate(
    kiosk, qtbot, seeded_db: Config, caplog
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a registered resident WHEN she places her card, picks 居住证明 with a purpose and prints
    THEN an A4 PDF with an embedded CJK font, her name and masked number lands on the file printer,
    the issuance is recorded as printed, and removing the card wipes the session."""
    import logging

    caplog.set_level(logging.DEBUG)
    running = kiosk
    reader = sim(running)
    window, session = running.window, running.session
    resident = featured(seeded_db)
    reader.place(identity_of(resident, date.today()))
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=10_000)
    shown = visible_text(window)
    assert resident.name in shown and resident.masked_id in shown
    assert resident.id_number not in shown

    item = running.core.catalog.item("residence_certificate")
    window.menu.show_category(item.category)
    button = window.menu.item_buttons["residence_certificate"]
    qtbot.waitUntil(button.isVisible, timeout=5_000)
    qtbot.mouseClick(button, qtbot_button())
    qtbot.waitUntil(lambda: session.step == Step.ITEM, timeout=5_000)
    assert "居住证明" in window.item.title.text()
    window.item.inputs["purpose"].choose("子女入学")
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: session.step == Step.DONE, timeout=30_000)
    assert "打印完成" in visible_text(window)

    assert session.view.issued is not None
    serial = session.view.issued.serial
    pdf = Path(seeded_db.data_dir / "printed")
    printed = sorted(pdf.glob("*.pdf"))
    assert len(printed) == 1
    fonts = subprocess.run(
        ["pdffonts", str(printed[0])], capture_output=True, text=True, check=True
    ).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts
    text = pdf_text(printed[0])
    assert resident.name in text and resident.masked_id in text
    assert "本证明仅用于子女入学" in text.replace(" ", "") and "仅用于本证明" not in text
    assert serial in text and resident.id_number not in text

    with running.core.sessions() as db:
        record = IssuanceRepository(db).by_serial(serial)
        jobs = IssuanceRepository(db).jobs(serial)
    assert (
        record is not None
        and record.status == "printed"
        and record.item_id == "residence_certificate"
    )
    assert [j.state for j in jobs] == ["done"]

    reader.remove()  # she takes her card: her particulars go at once, the rating follows
    qtbot.waitUntil(lambda: session.view.resident is None, timeout=5_000)
    assert resident.name not in visible_text(window)
    qtbot.mouseClick(window.done.button, qtbot_button())
    qtbot.waitUntil(lambda: session.step == Step.RATING, timeout=5_000)
    qtbot.mouseClick(window.rating.skip, qtbot_button())
    qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=5_000)
    assert session.view.resident is None and session.view.issued is None
    assert resident.name not in visible_text(window)
    assert resident.masked_id in caplog.text and resident.id_number not in caplog.text


def qtbot_button():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_same_document_from_the_command_line(seeded_db: Config, tmp_path: Path) -> None:
    """GIVEN the demo register WHEN `kiosk render residence_certificate --input purpose=子女入学`
    THEN the PDF names the resident (masked number) and the purpose, and is recorded."""
    resident = featured(seeded_db)
    out = tmp_path / "x.pdf"
    db = ["--db", seeded_db.database.url]
    env_dir = ["--config", str(_config_file(seeded_db, tmp_path))]
    code = main(
        [
            *env_dir,
            *db,
            "render",
            "residence_certificate",
            "--id-number",
            resident.id_number,
            "--input",
            "purpose=子女入学",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = pdf_text(out)
    assert resident.name in text and resident.masked_id in text and "子女入学" in text
    assert resident.id_number not in text


def _config_file(config: Config, tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    text = f'[paths]\ndata_dir = "{config.data_dir}"\n[database]\nurl = "{config.database.url}"\n'
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("card", "expected"),
    [("stranger", "未找到您的居民信息"), ("expired", "证件已过有效期"), ("unreadable", "无法读取")],
)
def test_problem_cards_get_a_message_and_a_way_back(
    kiosk, qtbot, seeded_db: Config, card: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an unknown person, an expired card or an unreadable card WHEN placed
    THEN the error screen says why in Chinese first; 返回 asks her to take her card, and once
    it is lifted the start screen is back."""
    running = kiosk
    reader = sim(running)
    session, window = running.session, running.window
    if card == "stranger":
        reader.place(stranger_card(date.today()))
    elif card == "expired":
        reader.place(expired_card(featured(seeded_db), date.today()))
    else:
        reader.place_unreadable()
    qtbot.waitUntil(lambda: session.step == Step.ERROR, timeout=10_000)
    assert expected in visible_text(window)
    qtbot.mouseClick(window.error.button, qtbot_button())
    qtbot.waitUntil(lambda: session.step == Step.CARD_LEFT, timeout=5_000)
    assert "请取走您的身份证" in visible_text(window)
    reader.remove()
    qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=5_000)


def test_ineligible_items_are_greyed_with_the_reason(kiosk, qtbot, seeded_db: Config) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a 35-year-old WHEN the elderly-care category is shown THEN age-limited items say why."""
    running = kiosk
    reader = sim(running)
    session, window = running.session, running.window
    young = featured(seeded_db, 2)
    reader.place(identity_of(young, date.today()))
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=10_000)
    blocked = [
        item
        for item in running.core.catalog.items
        if not item.check_eligibility(young, date.today(), "resident").eligible
    ]
    assert blocked, "the catalogue should restrict something for a 35-year-old"
    item = blocked[0]
    window.menu.show_category(item.category)
    reason = item.check_eligibility(young, date.today(), "resident").reason
    assert reason in window.menu.item_buttons[item.id].text()
    assert not session.choose_item(item.id)
    assert session.step == Step.MENU and reason in window.notice.text()


def test_out_of_paper_printer_is_shown_before_the_resident_starts(
    seeded_db: Config, qtbot, tmp_path: Path, start_kiosk: StartKiosk
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the A4 printer cannot print WHEN the menu shows THEN A4 items say so and cannot start."""
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the printer's folder should be")
    config = replace(seeded_db, printers=replace(seeded_db.printers, a4=blocked.as_uri()))
    running = start_kiosk(config)
    session = running.session
    qtbot.waitUntil(lambda: not session.view.printers.a4.can_print, timeout=10_000)
    sim(running).place(identity_of(featured(seeded_db), date.today()))
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=10_000)
    item = running.core.catalog.item("residence_certificate")
    verdict = session.view.availability[item.id]
    assert not verdict.ok and verdict.printer_problem
    running.window.menu.show_category(item.category)
    assert "打印机" in running.window.menu.item_buttons[item.id].text()
    assert not session.choose_item(item.id)
    assert "打印机" in running.window.printer_label.text()


def test_render_refuses_clearly(seeded_db: Config, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the demo register WHEN `kiosk render` gets an unknown item, an unknown resident, an
    ineligible resident or missing inputs THEN exit 1 with one clear reason (all missing inputs)."""
    db = ["--config", str(_config_file(seeded_db, tmp_path))]
    young = featured(seeded_db, 2)
    elder = featured(seeded_db, 0)
    cases = [
        (["no_such_item", "--id-number", elder.id_number], "unknown item"),
        (["residence_certificate", "--id-number", "110101199003070016"], "110101********0016"),
        (["senior_allowance", "--id-number", young.id_number], "需年满80周岁"),
        (["home_care_subsidy", "--id-number", elder.id_number], "--input self_care="),
    ]
    for args, expected in cases:
        assert main([*db, "render", *args, "--out", str(tmp_path / "x.pdf")]) == 1
        out = capsys.readouterr().out
        assert expected in out, out
        assert "110101199003070016" not in out
    assert not (tmp_path / "x.pdf").exists()


def test_unplugged_reader_does_not_invite_a_card(kiosk, qtbot) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the waiting screen WHEN the reader is unplugged THEN the screen stops asking for a
    card and says the reader is out of service; WHEN plugged back THEN it asks again."""
    running = kiosk
    reader = sim(running)
    waiting = running.window.waiting
    qtbot.waitUntil(lambda: "请将身份证放在" in waiting.hero.text(), timeout=5_000)
    reader.unplug()
    qtbot.waitUntil(lambda: "读卡器暂时不能使用" in waiting.hero.text(), timeout=10_000)
    assert "读卡器未连接，请联系工作人员" in visible_text(running.window)
    reader.plug()
    qtbot.waitUntil(lambda: "请将身份证放在" in waiting.hero.text(), timeout=10_000)
