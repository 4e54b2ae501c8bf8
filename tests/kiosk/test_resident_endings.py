"""How a visit ends on the real window, and the help she has on the way: no card left behind,
退出 asks first, time she controls, 呼叫工作人员, a low 好差评 asks why, every notice spoken,
printing she can follow, and the demo panel answering a pointer click.

Real parts: the running kiosk (worker, session, window offscreen, its Speaker), the demo
register, the file printer, the database the calls and ratings go to.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

import kiosk.session.ending as ending
from kiosk.config import Config
from kiosk.db.models import Rating, StaffCall
from kiosk.demo import DemoHand
from kiosk.ui.demo_panel import DemoPanel
from kiosk.ui.launch import RunningKiosk
from kiosk.view import IssuedSummary, Step
from printer.base import JobState
from tests.kiosk.conftest import press_print
from tests.kiosk.screen import card_on, featured, full_size, listen, sim, visible_text

pytestmark = pytest.mark.slow  # a running kiosk or a database per test: not in make test-fast

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reminders and the 已超时 notice in tenths of a second instead of seconds."""
    monkeypatch.setattr(ending, "REMIND_SECONDS", 0.2)
    monkeypatch.setattr(ending, "TIMED_OUT_SECONDS", 0.3)


def printed_and_done(running: RunningKiosk, qtbot: QtBot) -> None:
    """居住证明 for school, printed: the done screen."""
    window, session = running.window, running.session
    assert session.choose_item("residence_certificate")
    qtbot.waitUntil(lambda: session.step == Step.ITEM, timeout=5_000)
    window.item.inputs["purpose"].choose("子女入学")
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: session.step == Step.DONE, timeout=30_000)


@pytest.mark.usefixtures("quick")
def test_the_card_left_on_the_reader_is_asked_for_until_she_takes_it(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN a printed paper and her card still on the reader WHEN she finishes and skips the
    rating THEN 请取走您的身份证 fills the screen and is said again with a tone, over and over;
    WHEN she lifts the card THEN the attract screen returns, and only then."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    speech = listen(running)
    resident = featured(seeded_db)
    card_on(running, qtbot, resident)
    printed_and_done(running, qtbot)
    qtbot.mouseClick(window.done.button, LEFT)
    qtbot.waitUntil(lambda: session.step == Step.RATING, timeout=5_000)
    qtbot.mouseClick(window.rating.skip, LEFT)
    qtbot.waitUntil(lambda: session.step == Step.CARD_LEFT, timeout=5_000)
    text = visible_text(window)
    assert "请取走您的身份证" in text and resident.name not in text
    qtbot.waitUntil(lambda: session.view.reminders >= 2, timeout=5_000)
    chimes = [s for s in speech.said if s[0] == "请取走您的身份证" and s[2]]
    assert len(chimes) >= 2
    assert session.step == Step.CARD_LEFT  # it waits for her: no new session underneath
    sim(running).remove()
    qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=5_000)
    assert "请将身份证" in visible_text(window)


@pytest.mark.usefixtures("quick")
def test_exit_asks_first_and_no_keeps_her_visit(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN the menu WHEN she touches 退出 THEN 确定退出吗？ covers the screen; 不，继续办理
    keeps her on the menu with her name; 退出 then 是，退出 ends the visit and asks for the card."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    resident = featured(seeded_db)
    card_on(running, qtbot, resident)
    qtbot.mouseClick(window.menu.exit_button, LEFT)
    overlay = window.overlay
    qtbot.waitUntil(overlay.isVisible, timeout=5_000)
    assert "确定退出吗" in overlay.text.text()
    qtbot.mouseClick(overlay.no, LEFT)
    qtbot.waitUntil(lambda: not overlay.isVisible(), timeout=5_000)
    assert session.step == Step.MENU and resident.name in visible_text(window)
    qtbot.mouseClick(window.menu.exit_button, LEFT)
    qtbot.waitUntil(overlay.isVisible, timeout=5_000)
    qtbot.mouseClick(overlay.yes, LEFT)
    qtbot.waitUntil(lambda: session.step == Step.CARD_LEFT, timeout=5_000)
    assert resident.name not in visible_text(window)


@pytest.mark.usefixtures("quick")
def test_time_she_controls_a_countdown_over_the_screen_then_a_clean_exit(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN an item screen with the date picker open WHEN she stops touching THEN a full-window
    countdown of 30 s is shown and spoken with a 我还需要时间 button at least 160 px tall, over
    everything; pressing it takes the countdown away and keeps her answers' screen; WHEN the time
    does run out THEN 已超时退出，信息已清除 is shown with her data gone, then the card is asked for."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    full_size(running, qtbot)
    speech = listen(running)
    resident = featured(seeded_db)
    card_on(running, qtbot, resident)
    assert session.choose_item("residence_certificate")
    qtbot.waitUntil(lambda: session.step == Step.ITEM, timeout=5_000)
    session.idle_timeout = 0.2
    session.touch()
    overlay = window.overlay
    qtbot.waitUntil(overlay.isVisible, timeout=5_000)
    assert overlay.countdown.text() in ("30", "29")
    assert overlay.geometry() == window.rect() and overlay.more.height() >= 160
    assert "我还需要时间" in overlay.more.text()
    assert any(s[0].startswith("您还需要时间吗") and s[2] for s in speech.said)
    session.idle_timeout = 60.0
    qtbot.mouseClick(overlay.more, LEFT)
    qtbot.waitUntil(lambda: not overlay.isVisible(), timeout=5_000)
    assert session.step == Step.ITEM and session.view.countdown is None

    session.idle_timeout, session.warn_seconds = 0.2, 1
    session.touch()
    qtbot.waitUntil(lambda: session.step == Step.TIMED_OUT, timeout=10_000)
    text = visible_text(window)
    assert "已超时退出，信息已清除" in text and resident.name not in text
    assert session.view.resident is None
    qtbot.waitUntil(lambda: session.step == Step.CARD_LEFT, timeout=5_000)


def test_call_staff_tells_her_help_is_coming_and_records_the_call(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN the menu WHEN she presses 呼叫工作人员 THEN the screen says staff are coming, her
    visit goes on, and a call (this terminal, the menu screen) is recorded for the staff list."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    resident = featured(seeded_db)
    card_on(running, qtbot, resident)
    qtbot.mouseClick(window.call_button, LEFT)
    qtbot.waitUntil(lambda: "已通知工作人员" in visible_text(window), timeout=5_000)
    assert session.step == Step.MENU and resident.name in visible_text(window)

    def calls() -> list[tuple[str, str]]:
        with running.core.sessions() as db:
            return [(c.terminal_id, c.screen) for c in db.scalars(select(StaffCall))]

    qtbot.waitUntil(lambda: bool(calls()), timeout=10_000)
    assert calls() == [(seeded_db.terminal.id, "menu")]


def test_a_low_rating_asks_why_and_is_stored_without_her(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN the rating screen after a printed paper WHEN she presses 不满意 THEN the four reasons
    appear; WHEN she ticks 等太久 and 提交 THEN 谢谢您的评价 and the rating is stored with the item
    and serial, and nothing of her."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    resident = featured(seeded_db)
    card_on(running, qtbot, resident)
    printed_and_done(running, qtbot)
    serial = session.view.issued.serial if session.view.issued else ""
    sim(running).remove()  # she has taken her card with her paper
    qtbot.waitUntil(lambda: session.view.resident is None, timeout=5_000)
    qtbot.mouseClick(window.done.button, LEFT)
    qtbot.waitUntil(lambda: session.step == Step.RATING, timeout=5_000)
    levels = [b.text() for b in window.rating.level_buttons.values()]
    assert sorted(levels) == sorted(["非常满意", "满意", "基本满意", "不满意", "非常不满意"])
    assert not window.rating.reasons_box.isVisible()
    qtbot.mouseClick(window.rating.level_buttons[2], LEFT)
    qtbot.waitUntil(window.rating.reasons_box.isVisible, timeout=5_000)
    reasons = {b.text() for b in window.rating.reason_buttons.values()}
    assert reasons == {"等太久", "看不懂", "打印有问题", "其他"}
    wait = next(k for k, b in window.rating.reason_buttons.items() if b.text() == "等太久")
    qtbot.mouseClick(window.rating.reason_buttons[wait], LEFT)
    qtbot.mouseClick(window.rating.send, LEFT)
    qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=5_000)
    assert "谢谢您的评价" in visible_text(window)

    def stored() -> list[tuple[str, str | None, int, list[str]]]:
        with running.core.sessions() as db:
            rows = db.scalars(select(Rating)).all()
            return [(r.item_id, r.serial, r.level, list(r.reasons)) for r in rows]

    qtbot.waitUntil(lambda: bool(stored()), timeout=10_000)
    assert stored() == [("residence_certificate", serial, 2, [wait])]
    assert resident.name not in repr(stored()) and resident.id_number not in repr(stored())


def test_every_notice_is_spoken_but_never_her_name_or_number(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN the menu WHEN she touches a greyed service and then 打印 with a question unanswered
    THEN the reason and the missing answer are each shown and spoken; nothing spoken all visit
    holds her name or ID number."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    speech = listen(running)
    resident = featured(seeded_db)
    card_on(running, qtbot, resident)
    unavailable = next(i for i, a in session.view.availability.items() if not a.ok)
    window.menu.show_item_page(unavailable)
    qtbot.mouseClick(window.menu.item_buttons[unavailable], LEFT)
    reason = session.view.availability[unavailable].reason
    qtbot.waitUntil(lambda: reason in speech.heard(), timeout=5_000)
    assert reason in visible_text(window)
    assert session.choose_item("residence_certificate")
    qtbot.waitUntil(lambda: session.step == Step.ITEM, timeout=5_000)
    qtbot.mouseClick(window.item.print_button, LEFT)
    qtbot.waitUntil(lambda: "请填写" in speech.heard(), timeout=5_000)
    assert "请填写" in visible_text(window) and session.step == Step.ITEM
    heard = speech.heard()
    assert resident.name not in heard and resident.id_number[-4:] not in heard


def test_the_printing_screen_says_where_the_job_is_and_how_many_pages(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN a two-page paper being printed WHEN the job moves on THEN the printing screen says
    so in words, with the page count and the serial, in a step she can follow."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    card_on(running, qtbot, featured(seeded_db))
    issued = IssuedSummary(
        serial="610202001-20261201-00009",
        title="居住证明",
        where_to_go="",
        staff_review=False,
        pages=2,
    )
    said = []
    for state in (JobState.QUEUED, JobState.SENT):
        window.show_view(replace(session.view, step=Step.PRINTING, job=state, issued=issued))
        said.append(window.printing.progress.text())
        text = visible_text(window)
        assert "共2页" in text.replace(" ", "") and issued.serial in text
    assert said[0] != said[1] and all(said)


def test_the_demo_panel_answers_a_pointer_click(kiosk: RunningKiosk, qtbot: QtBot) -> None:
    """GIVEN the demo panel WHEN its first card button is clicked with the mouse THEN that card
    lies on the reader and the menu greets the resident; F12's button takes it away."""
    running, session = kiosk, kiosk.session
    hand = DemoHand.for_kiosk(running.kiosk)
    panel = DemoPanel(hand)
    qtbot.addWidget(panel)
    from datetime import date

    panel.show_cards(hand.cards(running.core, date.today()))
    panel.show()
    qtbot.mouseClick(panel.buttons[0], LEFT)
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=15_000)
    qtbot.mouseClick(panel.remove_button, LEFT)
    qtbot.waitUntil(lambda: session.step != Step.MENU, timeout=5_000)
