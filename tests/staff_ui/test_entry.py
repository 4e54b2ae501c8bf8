"""Staff entry on the touch screen: a staff card or a 3-second corner hold, then the PIN pad;
lockouts and their end; logout on idle and when a resident's card starts her visit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint

from kiosk.demo_cards import identity_of
from kiosk.view import Step
from tests.kiosk.test_session_ui import featured

from .conftest import (
    PIN,
    WRONG,
    Staffed,
    accessible_press,
    click,
    corner_press,
    release,
    shown_text,
)

pytestmark = pytest.mark.slow  # the whole kiosk, worker and window per test (~2 s)


def test_a_staff_card_opens_the_pin_pad_and_the_right_pin_signs_in(staffed: Staffed) -> None:
    """GIVEN an enabled staff account WHEN her card is placed at the attract screen THEN the PIN
    pad asks her by name, the digits show as dots, 登录 signs her in to the home screen (the
    lockdown now lets the window close), and the sign-in is audited as by card."""
    staffed.add_staff()
    mode = staffed.running.staff
    assert not staffed.layer.isVisible() and not mode.signed_in
    staffed.place_staff_card()
    pad = staffed.layer.pin
    assert staffed.layer.current == "pin" and "王丽" in pad.title.text()
    for digit in PIN[:3]:
        click(staffed.qtbot, pad.pad.keys[digit])
    assert pad.dots.text() == "●●●" and PIN[:3] not in shown_text(staffed.layer)
    assert not pad.sign_in.isEnabled()  # a PIN has six digits at least
    click(staffed.qtbot, pad.pad.keys["back"])
    for digit in PIN[2:]:
        click(staffed.qtbot, pad.pad.keys[digit])
    accessible_press(staffed.qtbot, pad.sign_in)
    staffed.qtbot.waitUntil(lambda: mode.signed_in, timeout=10_000)
    assert staffed.layer.current == "home" and "王丽" in staffed.layer.who.text()
    assert staffed.running.session.step == Step.WAITING
    (event,) = staffed.events("staff_login_ok")
    assert event["via"] == "card" and event["actor"] == "staff:王丽"


def test_the_corner_hold_opens_the_name_picker_after_three_seconds(staffed: Staffed) -> None:
    """GIVEN two accounts WHEN a finger rests in a corner of the attract screen THEN nothing
    happens before 3 s, or when it lifts early, or in the middle of the screen; after 3 s the
    name picker lists both; a name and its PIN sign in (audited as by PIN pad)."""
    staffed.add_staff()
    staffed.add_staff("李红梅", "610202198507080649", "582046")
    qtbot, attract = staffed.qtbot, staffed.running.window.waiting
    corner_press(qtbot, attract)
    staffed.time.wait(2.9)
    release(qtbot, attract)
    staffed.time.wait(5)
    assert not staffed.layer.isVisible()
    middle = QPoint(attract.width() // 2, attract.height() // 2)
    corner_press(qtbot, attract, middle)
    staffed.time.wait(5)
    release(qtbot, attract, middle)
    assert not staffed.layer.isVisible()

    corner_press(qtbot, attract)
    staffed.time.wait(3.0)
    assert staffed.layer.isVisible() and staffed.layer.current == "names"
    release(qtbot, attract)
    staffed.wait_idle()
    names = staffed.layer.names.names
    assert [row.key for row in names.rows] == ["李红梅", "王丽"]
    accessible_press(qtbot, names.button_for("李红梅"))
    assert staffed.layer.current == "pin" and "李红梅" in staffed.layer.pin.title.text()
    staffed.enter_pin("582046")
    qtbot.waitUntil(lambda: staffed.running.staff.signed_in, timeout=10_000)
    assert staffed.running.staff.member is not None
    assert staffed.running.staff.member.name == "李红梅"
    assert staffed.events("staff_login_ok")[-1]["via"] == "pin_pad"


def test_five_wrong_pins_lock_the_account_until_its_end(staffed: Staffed) -> None:
    """GIVEN an account WHEN five wrong PINs are entered THEN the pad counts down the tries,
    then says the account is locked and until when; the right PIN is refused while the lock
    lasts; five minutes later (injected time) her card and PIN sign her in."""
    staffed.add_staff()
    staffed.place_staff_card()
    pad, qtbot = staffed.layer.pin, staffed.qtbot
    for tries_left in (4, 3, 2, 1):
        staffed.enter_pin(WRONG)
        staffed.wait_idle()
        assert f"还可再试{tries_left}次" in pad.notice.text()
    staffed.enter_pin(WRONG)
    staffed.wait_idle()
    (lock,) = staffed.events("staff_login_locked")
    until = datetime.fromisoformat(lock["until"])
    assert lock["scope"] == "account"
    assert timedelta(minutes=4) < until - staffed.time.clock() <= timedelta(minutes=5)
    assert f"已锁定至{until:%H:%M:%S}" in pad.lock.text()
    assert f"{until:%H:%M:%S}" in pad.notice.text()
    staffed.enter_pin(PIN)
    staffed.wait_idle()
    assert not staffed.running.staff.signed_in and "已锁定" in pad.notice.text()
    staffed.time.wait(5 * 60 + 1)
    assert not staffed.layer.isVisible()  # the pad, too, closes after 2 minutes untouched
    staffed.place_staff_card()
    staffed.enter_pin(PIN)
    qtbot.waitUntil(lambda: staffed.running.staff.signed_in, timeout=10_000)


def test_staff_mode_logs_out_after_two_minutes_without_a_touch(staffed: Staffed) -> None:
    """GIVEN a signed-in member WHEN 119 s pass, a touch, and 119 s more THEN still in; after
    120 s without a touch the layer closes, the attract screen shows, the logout is audited."""
    staffed.add_staff()
    staffed.sign_in()
    mode, qtbot = staffed.running.staff, staffed.qtbot
    staffed.time.wait(119)
    assert mode.signed_in
    click(qtbot, staffed.layer.home.tiles["stats"])  # a touch restarts the count
    staffed.wait_idle()
    staffed.time.wait(119)
    assert mode.signed_in and staffed.layer.isVisible()
    staffed.time.wait(1)
    assert not mode.signed_in and not staffed.layer.isVisible()
    assert staffed.running.window.stack.currentWidget() is staffed.running.window.waiting
    qtbot.waitUntil(lambda: bool(staffed.events("staff_logout")), timeout=10_000)
    assert staffed.events("staff_logout")[-1]["reason"] == "idle"


def test_a_resident_card_logs_staff_out_and_her_visit_starts(staffed: Staffed) -> None:
    """GIVEN a signed-in member WHEN a resident places her card THEN staff mode closes (audited
    resident_card) and her menu shows as usual; a corner hold during her visit opens nothing."""
    staffed.add_staff()
    staffed.sign_in()
    resident = featured(staffed.running.kiosk.config)
    staffed.reader.place(identity_of(resident, date.today()))
    session, qtbot = staffed.running.session, staffed.qtbot
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=10_000)
    assert not staffed.running.staff.signed_in and not staffed.layer.isVisible()
    assert staffed.running.window.stack.currentWidget() is staffed.running.window.menu
    qtbot.waitUntil(lambda: bool(staffed.events("staff_logout")), timeout=10_000)
    assert staffed.events("staff_logout")[-1]["reason"] == "resident_card"
    attract = staffed.running.window.waiting
    corner_press(qtbot, staffed.running.window.menu)
    staffed.time.wait(5)
    release(qtbot, staffed.running.window.menu)
    assert not staffed.layer.isVisible() and session.step == Step.MENU
    assert not attract.isVisible()


def test_cancel_on_the_pin_pad_returns_to_the_attract_screen(staffed: Staffed) -> None:
    """GIVEN the PIN pad WHEN 取消 is pressed THEN the layer closes and nobody is signed in."""
    staffed.add_staff()
    staffed.place_staff_card()
    accessible_press(staffed.qtbot, staffed.layer.pin.cancel)
    assert not staffed.layer.isVisible() and not staffed.running.staff.is_open


def test_ten_failures_across_accounts_lock_the_terminals_staff_entry(staffed: Staffed) -> None:
    """GIVEN three accounts WHEN five wrong PINs are tried for each of two THEN this terminal's
    staff entry locks: the name picker says until when, and even a third account's right PIN is
    refused until the lock ends."""
    staffed.add_staff()
    staffed.add_staff("李红梅", "610202198507080649", "582046")
    staffed.add_staff("赵强", "61020319900102013X", "615208")
    qtbot, attract = staffed.qtbot, staffed.running.window.waiting

    def pick(name: str) -> None:
        corner_press(qtbot, attract)
        staffed.time.wait(3)
        release(qtbot, attract)
        staffed.wait_idle()
        click(qtbot, staffed.layer.names.names.button_for(name))

    for name in ("王丽", "李红梅"):
        pick(name)
        for _ in range(5):
            staffed.enter_pin(WRONG)
            staffed.wait_idle()
        click(qtbot, staffed.layer.pin.cancel)
    corner_press(qtbot, attract)
    staffed.time.wait(3)
    release(qtbot, attract)
    staffed.wait_idle()
    (lock,) = [e for e in staffed.events("staff_login_locked") if e["scope"] == "terminal"]
    until = datetime.fromisoformat(lock["until"])
    assert f"本机工作人员登录已锁定至{until:%H:%M:%S}" in staffed.layer.names.lock.text()
    click(qtbot, staffed.layer.names.names.button_for("赵强"))
    staffed.enter_pin("615208")
    staffed.wait_idle()
    assert not staffed.running.staff.signed_in
    assert "本机工作人员登录已锁定" in staffed.layer.pin.notice.text()
