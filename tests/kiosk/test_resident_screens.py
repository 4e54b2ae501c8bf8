"""The resident's screens at 1920×1080, used the way she and her screen reader use them: pressed
through Qt's accessibility interface, every control named, pages instead of scrolling, text
she can enlarge without anything falling off the screen, English at a touch.

Real parts: the running kiosk (worker, session, window offscreen), the demo register, the
catalogue, the file printer.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QScrollBar, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.config import Config
from kiosk.db.models import Rating
from kiosk.ui.launch import RunningKiosk
from kiosk.view import Step
from tests.accessible import accessible_name, accessible_press
from tests.kiosk.screen import (
    buttons,
    card_on,
    featured,
    full_size,
    listen,
    plain_text,
    shown,
    sim,
    visible_text,
)

pytestmark = pytest.mark.slow  # a running kiosk or a database per test: not in make test-fast

LEFT = Qt.MouseButton.LeftButton


def test_a_paper_that_asks_nothing_goes_straight_to_confirm(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN a service with no question and one copy WHEN she touches it THEN its page is there
    to confirm at once, with what it is for beside it; 返回修改 takes her back to the menu."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    card_on(running, qtbot, featured(seeded_db))
    item_id = first_plain_item(running)
    window.menu.show_item_page(item_id)
    qtbot.mouseClick(window.menu.item_buttons[item_id], LEFT)
    qtbot.waitUntil(lambda: session.view.draft is not None, timeout=30_000)
    assert session.step == Step.CONFIRM and window.confirm.confirm_button.isEnabled()
    catalog = session.view.catalog
    assert catalog is not None
    about = catalog.item(item_id).description.strip()[:10]
    qtbot.waitUntil(lambda: about in visible_text(window).replace("\n", ""), timeout=5_000)
    qtbot.mouseClick(window.confirm.edit_button, LEFT)
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=5_000)
    assert session.view.item is None


def first_plain_item(running: RunningKiosk) -> str:
    """The first service in catalogue order she may have with no questions to answer."""
    view = running.session.view
    assert view.catalog is not None
    for item in view.catalog.items:
        if not item.inputs and view.availability[item.id].ok:
            return item.id
    raise AssertionError("no item without questions is available to the demo resident")


def ratings(running: RunningKiosk) -> list[Rating]:
    """The 好差评 ratings stored so far."""
    with running.core.sessions() as db:
        return list(db.scalars(select(Rating)).all())


def assert_named(window: QWidget, where: str) -> None:
    """Every button on screen says what it is to a screen reader, its visible words included."""
    for widget in buttons(window):
        name = accessible_name(widget)
        assert name.strip(), f"{where}: a {type(widget).__name__} with no accessible name"
        words = plain_text(widget.text()).replace("✓ ", "").split()
        if words and any(ch.isalnum() for ch in words[0]):  # a bare ＋ is named 多一份
            assert words[0] in name, (where, name, widget.text())


def test_a_screen_reader_user_prints_alone(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN a resident with a screen reader WHEN she presses 居住证明 on the 常用 page, its
    purpose, 打印, 确认打印, 完成 and 非常满意 through the accessibility interface THEN her paper
    prints, the rating is stored without her, and every control on each screen had a name."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    full_size(running, qtbot)
    resident = featured(seeded_db)
    assert_named(window, "attract")
    card_on(running, qtbot, resident)
    assert_named(window, "menu")
    item_id = "residence_certificate"
    assert window.menu.current_category == "frequent"  # 常用 opens first
    accessible_press(qtbot, window.menu.item_buttons[item_id])
    qtbot.waitUntil(lambda: session.step == Step.ITEM, timeout=5_000)
    assert_named(window, "item")
    purpose = window.item.inputs["purpose"]
    school = next(b for b in purpose.findChildren(QAbstractButton) if "子女入学" in b.text())
    accessible_press(qtbot, school)
    accessible_press(qtbot, window.item.print_button)
    qtbot.waitUntil(lambda: session.view.draft is not None, timeout=30_000)
    assert_named(window, "confirm")
    accessible_press(qtbot, window.confirm.confirm_button)
    qtbot.waitUntil(lambda: session.step == Step.DONE, timeout=30_000)
    assert "打印完成" in visible_text(window)
    serial = session.view.issued.serial if session.view.issued else ""
    assert_named(window, "done")
    accessible_press(qtbot, window.done.button)
    qtbot.waitUntil(lambda: session.step == Step.RATING, timeout=5_000)
    assert_named(window, "rating")
    accessible_press(qtbot, window.rating.level_buttons[5])
    qtbot.waitUntil(lambda: session.step == Step.CARD_LEFT, timeout=5_000)
    assert_named(window, "card left")
    qtbot.waitUntil(lambda: bool(ratings(running)), timeout=10_000)  # stored on the worker
    rows = ratings(running)
    assert [(r.item_id, r.serial, r.level) for r in rows] == [(item_id, serial, 5)]
    assert resident.name not in repr(rows[0].__dict__)


def test_a_long_category_pages_in_catalogue_order_without_scrolling(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN the category with the most services WHEN she pages through it with 下一页 THEN each
    page shows at most 8 services, the pages together are the catalogue's order (unavailable ones
    greyed in place, with the reason), the pager buttons are at least 120 px tall, and no
    scrollbar appears anywhere."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    full_size(running, qtbot)
    card_on(running, qtbot, featured(seeded_db))
    catalog = session.view.catalog
    assert catalog is not None
    biggest = max(catalog.categories, key=lambda c: len(catalog.in_category(c.id)))
    expected = [i.id for i in catalog.in_category(biggest.id)]
    window.menu.show_category(biggest.id)
    QApplication.processEvents()
    pager = window.menu.pager
    seen: list[str] = []
    pages = pager.pages
    assert pages >= 2, "the biggest category fits one page: nothing to page"
    for page in range(pages):
        QApplication.processEvents()
        on_page = [i for i in expected if i in window.menu.item_buttons]
        assert 0 < len(on_page) <= 8
        assert pager.where.text() == f"第{page + 1}/{pages}页"
        for item_id in on_page:
            widget = window.menu.item_buttons[item_id]
            assert widget.isVisible()
            if not session.view.availability[item_id].ok:
                assert "不能办理" in plain_text(widget.text())
        seen += on_page
        if page + 1 < pages:
            assert pager.next.height() >= 120 and pager.next.isEnabled()
            qtbot.mouseClick(pager.next, LEFT)
    assert seen == expected
    assert not [s for s in window.findChildren(QScrollBar) if s.isVisible()]


def _inside(window: QWidget, where: str) -> None:
    assert window.height() <= 1080, (where, window.height())  # the window never outgrows the screen
    frame = QRect(QPoint(0, 0), window.size())
    for widget in shown(window):
        box = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        assert frame.contains(box), (where, type(widget).__name__, widget.objectName(), box)


def _smallest_text(window: QWidget) -> int:
    sizes = [w.font().pixelSize() for w in shown(window) if isinstance(w, QLabel | QAbstractButton)]
    return min(s for s in sizes if s > 0)


def test_large_text_grows_and_nothing_leaves_the_screen(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN the menu at 1920×1080 WHEN she presses 大字 twice THEN the text grows 1.0 -> 1.3 ->
    1.6, the smallest text is never under 26 px, and on the menu and an item screen every label
    and button stays inside the window (pages, never clipping); a third press goes back."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    full_size(running, qtbot)
    card_on(running, qtbot, featured(seeded_db))
    base_size = window.header_title.font().pixelSize()
    assert _smallest_text(window) >= 26
    _inside(window, "menu 1.0")
    for scale in (1.3, 1.6):
        qtbot.mouseClick(window.large_text, LEFT)
        qtbot.waitUntil(lambda s=scale: session.view.text_scale == s, timeout=5_000)
        qtbot.wait(50)  # the menu lays its page out again on the next turn of the loop
        assert window.header_title.font().pixelSize() > base_size
        assert _smallest_text(window) >= 26
        _inside(window, f"menu {scale}")
    assert session.choose_item("residence_certificate")
    qtbot.waitUntil(lambda: session.step == Step.ITEM, timeout=5_000)
    qtbot.wait(50)
    _inside(window, "item 1.6")
    qtbot.mouseClick(window.large_text, LEFT)
    qtbot.waitUntil(lambda: session.view.text_scale == 1.0, timeout=5_000)


def test_english_at_a_touch_and_chinese_again_for_the_next_resident(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN the menu in Chinese WHEN she presses English THEN the greeting, the buttons and the
    catalogue's names are in English and the prompt is spoken in English; WHEN her card leaves
    THEN the next resident meets Chinese again."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    speech = listen(running)
    resident = featured(seeded_db)
    card_on(running, qtbot, resident)
    qtbot.mouseClick(window.language, LEFT)
    qtbot.waitUntil(lambda: session.view.locale == "en_US", timeout=5_000)
    text = visible_text(window)
    catalog = session.view.catalog
    assert catalog is not None
    assert f"Hello, {resident.name}" in text and "Exit" in text and "Call staff" in text
    assert catalog.categories[0].name_en in text
    assert window.language.text() == "中文"
    qtbot.mouseClick(window.repeat_button, LEFT)
    assert speech.said and speech.said[-1][1]
    sim(running).remove()
    qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=10_000)
    assert session.view.locale == "zh_CN" and window.language.text() == "English"
    assert "请将身份证" in visible_text(window)


def test_the_footer_speaks_again_louder_and_falls_silent(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN the menu WHEN she presses 重听, 音量 and 静音 THEN the prompt is said again, the
    volume steps up, and 静音 silences the speaker (the button then offers sound back)."""
    running, window = kiosk, kiosk.window
    speech = listen(running)
    card_on(running, qtbot, featured(seeded_db))
    before = len(speech.said)
    qtbot.mouseClick(window.repeat_button, LEFT)
    assert running.speaker.volume >= 0
    volume = running.speaker.volume
    qtbot.mouseClick(window.volume_button, LEFT)
    assert running.speaker.volume != volume
    qtbot.mouseClick(window.mute_button, LEFT)
    assert running.speaker.muted
    assert window.mute_button.text() != "静音"
    qtbot.mouseClick(window.mute_button, LEFT)
    assert not running.speaker.muted
    assert len(speech.said) == before  # 重听 repeats: nothing new is said


def test_the_date_picker_fits_the_screen_with_the_header_and_footer(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN an item that asks for a date, at 1920×1080 WHEN its question is on screen THEN the
    window is still 1080 lines tall and everything on it is inside (before: 1100, the footer's
    buttons 20 px below the screen's edge)."""
    running, window, session = kiosk, kiosk.window, kiosk.session
    full_size(running, qtbot)
    card_on(running, qtbot, featured(seeded_db))
    catalog = session.view.catalog
    assert catalog is not None
    dated = [
        i.id
        for i in catalog.items
        if any(q.type == "date" for q in i.inputs) and session.view.availability[i.id].ok
    ]
    assert dated
    assert session.choose_item(dated[0])
    qtbot.waitUntil(lambda: session.step == Step.ITEM, timeout=5_000)
    date_input = next(q.id for q in catalog.item(dated[0]).inputs if q.type == "date")
    window.item.show_question(date_input)
    qtbot.wait(100)
    _inside(window, f"{dated[0]}: {date_input}")
