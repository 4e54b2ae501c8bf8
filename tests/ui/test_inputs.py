"""The item screen's input widgets as a resident meets them: pressed with the mouse and through
Qt's accessibility interface (what a screen reader or switch device uses), read back from what
they show and what `value()` returns.

GIVEN a catalogue question, WHEN she presses its buttons, THEN the widget shows and returns only
the answer she gave: nothing before she answers, "" after 不填, dates and numbers in range.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.catalog.inputs import ItemInput
from kiosk.ui.datepicker import (
    DateRange,
    day_name,
    days,
    decade_text,
    decades,
    month_text,
    months,
    year_text,
    years,
)
from kiosk.ui.input_style import input_stylesheet
from kiosk.ui.inputs import (
    ChoiceInput,
    DateInput,
    InputWidget,
    NumberInput,
    TextInput,
    YesNoInput,
    input_widget,
)
from kiosk.ui.keypad import NumberEntry
from kiosk.ui.style import RED, stylesheet
from tests.accessible import accessible_press

pytestmark = pytest.mark.slow  # a running kiosk or a database per test: not in make test-fast

TODAY = date(2026, 12, 1)
PAGE_WIDTH, PAGE_HEIGHT = 1400, 600  # the item page the lead gives the questions at 1920×1080


def spec(type_: str, **fields: Any) -> ItemInput:
    """A catalogue question of one type (required unless said otherwise)."""
    values: dict[str, Any] = {
        "id": "q",
        "label_zh": "测试问题",
        "label_en": "Test question",
        "type": type_,
        "required": True,
    }
    if type_ == "choice":
        values["choices"] = [
            {"id": "laid_off", "zh": "单位裁员", "en": "Laid off"},
            {"id": "ended", "zh": "合同到期", "en": "Contract ended"},
            {"id": "family", "zh": "照顾家人", "en": "Caring for family"},
        ]
    values.update(fields)
    return ItemInput.model_validate(values)


@pytest.fixture
def styled(qapp: QApplication) -> Iterator[Callable[[float], None]]:
    """The app's stylesheet plus the inputs' rules, at a text scale (restored afterwards)."""
    before = qapp.styleSheet()

    def apply(scale: float = 1.0) -> None:
        qapp.setStyleSheet(stylesheet(scale) + input_stylesheet(scale))

    apply(1.0)
    yield apply
    qapp.setStyleSheet(before)


@pytest.fixture
def place(qtbot: QtBot, styled: Callable[[float], None]) -> Callable[..., InputWidget]:
    """Build the widget for a question and show it on a page as wide as the item screen's."""
    pages: list[QWidget] = []  # qtbot holds widgets weakly: keep the pages alive

    def make(question: ItemInput, locale: str = "zh_CN") -> InputWidget:
        widget = input_widget(question, locale=locale, today=lambda: TODAY)
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(widget)
        box.addStretch(1)
        page.resize(PAGE_WIDTH, PAGE_HEIGHT)
        qtbot.addWidget(page)
        pages.append(page)
        page.show()
        qtbot.waitExposed(page)
        return widget

    return make


def named(widget: QWidget, name: str) -> QPushButton:
    """The one visible button a screen reader would call `name`."""
    found = [
        b for b in widget.findChildren(QPushButton) if b.isVisible() and b.accessibleName() == name
    ]
    assert len(found) == 1, f"{name!r}: {[b.accessibleName() for b in found]}"
    return found[0]


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """A real pointer click in the middle of the button."""
    # pytest-qt's mouseClick forwards to QTest untyped
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]


def type_text(qtbot: QtBot, edit: QWidget, text: str) -> None:
    """Real key presses into a line edit."""
    qtbot.keyClicks(edit, text)  # type: ignore[no-untyped-call]  # pytest-qt: untyped


def text_of(widget: QWidget) -> list[str]:
    """Every visible label's text (what she reads)."""
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]


# --- everything starts empty ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["choice", "yesno", "number", "date", "text"])
def test_every_input_starts_unanswered(place: Callable[..., InputWidget], kind: str) -> None:
    """GIVEN a question without a catalogue default WHEN it is shown THEN nothing is chosen."""
    widget = place(spec(kind))
    assert widget.value() is None
    checked = [b.text() for b in widget.findChildren(QPushButton) if b.isChecked()]
    assert checked == []


def test_a_date_never_starts_at_today(place: Callable[..., InputWidget]) -> None:
    """GIVEN an optional date up to today WHEN shown THEN it says 未选择, not today's date."""
    widget = place(spec("date", required=False, max="today"))
    assert widget.value() is None
    assert "未选择" in text_of(widget)
    assert "2026年12月1日" not in " ".join(text_of(widget))


def test_catalogue_defaults_are_shown_chosen(place: Callable[..., InputWidget]) -> None:
    """GIVEN catalogue defaults WHEN shown THEN they are chosen (an answer the catalogue gives)."""
    choice = place(spec("choice", default="ended"))
    yesno = place(spec("yesno", required=False, default="no"))
    number = place(spec("number", min=1, max=12, default="3"))
    when = place(spec("date", default="2020-05-06"))
    assert choice.value() == "ended"
    assert [b.text() for b in choice.findChildren(QPushButton) if b.isChecked()] == ["✓ 合同到期"]
    assert yesno.value() == "no"
    assert number.value() == "3" and "3" in text_of(number)
    assert when.value() == "2020-05-06" and "2020年5月6日" in text_of(when)


# --- choices and yes/no ----------------------------------------------------------------------


def test_choice_by_pointer_click(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN a choice WHEN she clicks one answer, then another THEN the last one counts, once."""
    widget = place(spec("choice"))
    seen: list[str | None] = []
    widget.changed.connect(lambda: seen.append(widget.value()))
    click(qtbot, named(widget, "合同到期"))
    click(qtbot, named(widget, "照顾家人"))
    click(qtbot, named(widget, "照顾家人"))  # pressing it again changes nothing
    assert widget.value() == "family"
    assert seen == ["ended", "family"]
    assert named(widget, "照顾家人").text() == "✓ 照顾家人"  # not shown by colour alone
    assert named(widget, "合同到期").text() == "合同到期"


@pytest.mark.parametrize("action", ["Press", "Toggle"])
def test_choice_through_accessibility(
    qtbot: QtBot, place: Callable[..., InputWidget], action: str
) -> None:
    """GIVEN a yes/no question WHEN a screen reader presses or toggles 否 THEN the answer is no."""
    widget = place(spec("yesno"))
    seen: list[str | None] = []
    widget.changed.connect(lambda: seen.append(widget.value()))
    accessible_press(qtbot, named(widget, "否"), action)
    assert widget.value() == "no"
    assert seen == ["no"]


def test_choose_presses_by_value_or_label(place: Callable[..., InputWidget]) -> None:
    """GIVEN a choice WHEN the demo or a test calls choose() THEN the button is pressed."""
    widget = place(spec("choice"))
    assert isinstance(widget, ChoiceInput)
    widget.choose("单位裁员")
    assert widget.value() == "laid_off"
    widget.choose("family")
    assert widget.value() == "family"
    with pytest.raises(ValueError):
        widget.choose("不存在")


def test_optional_choice_offers_skip(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN an optional choice WHEN she presses 不填 THEN value() is "" (skipped, not None)."""
    required = place(spec("choice"))
    assert [b for b in required.findChildren(QPushButton) if b.text().endswith("不填")] == []
    widget = place(spec("yesno", required=False))
    assert "测试问题（可不填）" in text_of(widget)
    click(qtbot, named(widget, "不填"))
    assert widget.value() == ""
    click(qtbot, named(widget, "是"))
    assert widget.value() == "yes"
    accessible_press(qtbot, named(widget, "不填"))
    assert widget.value() == ""


def test_choice_grid_reflows_instead_of_widening(
    qtbot: QtBot, place: Callable[..., InputWidget]
) -> None:
    """GIVEN five answers WHEN laid out THEN they take balanced rows within the page width."""
    choices = [{"id": f"c{i}", "zh": f"第{i}种情况", "en": f"Case {i}"} for i in range(5)]
    widget = place(spec("choice", choices=choices))
    rows = sorted({b.y() for b in widget.findChildren(QPushButton)})
    assert len(rows) == 2  # 3 + 2, not 4 + 1
    assert all(b.geometry().right() <= PAGE_WIDTH for b in widget.findChildren(QPushButton))


# --- numbers -----------------------------------------------------------------------------------


def test_number_by_keypad_clicks(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN a number WHEN she types 1, 2, deletes one and types 0 THEN it shows and is 10."""
    widget = place(spec("number", min=1, max=12))
    for name in ("1", "2", "删除一位", "0"):
        click(qtbot, named(widget, name))
    assert widget.value() == "10"
    assert "10" in text_of(widget)
    click(qtbot, named(widget, "全部清除"))
    assert widget.value() is None
    assert "未填写" in text_of(widget)


def test_number_through_accessibility(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN a number WHEN a screen reader presses 7 THEN the number is 7."""
    widget = place(spec("number", min=0, max=17))
    accessible_press(qtbot, named(widget, "7"))
    assert widget.value() == "7"


def test_number_refuses_a_key_past_the_maximum(
    qtbot: QtBot, place: Callable[..., InputWidget]
) -> None:
    """GIVEN at most 12 WHEN she types 1 then 5 THEN 1 stays and the pad says the most is 12."""
    widget = place(spec("number", min=1, max=12))
    assert "可填1到12" in text_of(widget)
    click(qtbot, named(widget, "1"))
    click(qtbot, named(widget, "5"))
    assert widget.value() == "1"
    assert "最大是12" in text_of(widget)
    error = [label for label in widget.findChildren(QLabel) if label.text() == "最大是12"]
    assert error[0].objectName() == "inputError"


def test_number_below_the_minimum_says_why(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN at least 4 WHEN she types 2 THEN it shows why, and value() keeps 2 for the check."""
    widget = place(spec("number", min=4, max=11))
    click(qtbot, named(widget, "2"))
    assert "最小是4" in text_of(widget)
    assert widget.value() == "2"


def test_number_default_is_replaced_by_the_first_digit(
    qtbot: QtBot, place: Callable[..., InputWidget]
) -> None:
    """GIVEN a default of 1 WHEN she types 3 THEN it is 3, not 13; then 0 makes 30."""
    widget = place(spec("number", min=1, max=60, default="1"))
    click(qtbot, named(widget, "3"))
    assert widget.value() == "3"
    click(qtbot, named(widget, "0"))
    assert widget.value() == "30"


def test_number_entry_rules() -> None:
    """Leading zeros drop, and without a maximum seven digits are the most."""
    entry = NumberEntry(low=0, high=None)
    for key in "0070":
        entry.press(key)
    assert entry.digits == "70"
    for key in "123456789":
        entry.press(key)
    assert entry.digits == "7012345"
    assert entry.problem() is not None
    entry.press("back")
    assert entry.digits == "701234" and entry.problem() is None
    with pytest.raises(ValueError):
        entry.press("x")


# --- 不填 on numbers, dates and text ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["number", "date", "text"])
def test_skip_then_answer(qtbot: QtBot, place: Callable[..., InputWidget], kind: str) -> None:
    """GIVEN an optional question WHEN she presses 不填, then answers THEN "" and then the answer,
    and 不填 is no longer shown chosen."""
    widget = place(spec(kind, required=False))
    skip = named(widget, "不填")
    accessible_press(qtbot, skip)
    assert widget.value() == ""
    assert skip.text() == "✓ 不填"
    if isinstance(widget, NumberInput):
        click(qtbot, named(widget, "4"))
        expected = "4"
    elif isinstance(widget, DateInput):
        click(qtbot, named(widget, "选择日期"))
        click(qtbot, named(widget, "今天"))
        expected = TODAY.isoformat()
    else:
        assert isinstance(widget, TextInput)
        type_text(qtbot, widget.edit, "5A")
        expected = "5A"
    assert widget.value() == expected
    assert not skip.isChecked() and skip.text() == "不填"
    click(qtbot, skip)
    assert widget.value() == ""


def test_required_questions_have_no_skip(place: Callable[..., InputWidget]) -> None:
    """GIVEN required questions THEN none offers 不填."""
    for kind in ("number", "date", "text", "yesno"):
        widget = place(spec(kind))
        assert all("不填" not in b.text() for b in widget.findChildren(QPushButton))


# --- dates ------------------------------------------------------------------------------------


def date_path(day: date, chosen: bool = False) -> list[str]:
    """The buttons she presses for a date: open, decade, year, month, day."""
    return [
        "修改日期" if chosen else "选择日期",
        decade_text(day.year - day.year % 10, "zh_CN"),
        year_text(day.year, "zh_CN"),
        month_text(day.month, "zh_CN"),
        day_name(day.day, "zh_CN"),
    ]


def sample_dates() -> list[date]:
    """Edge dates and a seeded sample of the last hundred years."""
    low = date(TODAY.year - 100, TODAY.month, TODAY.day)
    edges = [low, TODAY, date(2024, 2, 29), date(1999, 12, 31), date(1958, 3, 12), date(2000, 1, 1)]
    rng = random.Random(10)
    span = (TODAY - low).days
    return edges + [low + timedelta(days=rng.randrange(span + 1)) for _ in range(24)]


def test_any_date_of_a_hundred_years_within_six_touches(
    qtbot: QtBot, place: Callable[..., InputWidget]
) -> None:
    """GIVEN a date up to today WHEN she picks each sample date THEN it takes at most 6 touches."""
    widget = place(spec("date", max="today"))
    for n, day in enumerate(sample_dates()):
        touches = 0
        for name in date_path(day, chosen=n > 0):
            click(qtbot, named(widget, name))
            touches += 1
        assert widget.value() == day.isoformat()
        assert touches <= 6, (day, touches)


def test_date_through_accessibility(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN a date WHEN a screen reader presses the path to 1958-03-12 THEN that is the date."""
    widget = place(spec("date", max="today"))
    picking: list[bool] = []
    assert isinstance(widget, DateInput)
    widget.picking.connect(picking.append)
    for name in date_path(date(1958, 3, 12)):
        accessible_press(qtbot, named(widget, name))
    assert widget.value() == "1958-03-12"
    assert "1958年3月12日" in text_of(widget)
    assert picking == [True, False]


def test_today_in_two_touches(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN a date WHEN she presses 选择日期 and 今天 THEN it is the (injected) day."""
    widget = place(spec("date"))
    click(qtbot, named(widget, "选择日期"))
    click(qtbot, named(widget, "今天"))
    assert widget.value() == "2026-12-01"


def test_dates_after_the_maximum_cannot_be_pressed(
    qtbot: QtBot, place: Callable[..., InputWidget]
) -> None:
    """GIVEN max today WHEN she opens the picker THEN no later decade, year or day is pressable."""
    widget = place(spec("date", max="today", min="1990-06-15"))
    click(qtbot, named(widget, "选择日期"))
    cells = [b.accessibleName() for b in widget.findChildren(QPushButton) if b.isVisible()]
    assert "1980年代" not in cells and "2030年代" not in cells
    assert "1990年代" in cells and "2020年代" in cells
    click(qtbot, named(widget, "1990年代"))
    assert named(widget, "1990年").isEnabled() and named(widget, "1999年").isEnabled()
    click(qtbot, named(widget, "1990年"))
    assert not named(widget, "5月").isEnabled() and named(widget, "6月").isEnabled()
    click(qtbot, named(widget, "6月"))
    assert not named(widget, "14日").isEnabled() and named(widget, "15日").isEnabled()
    click(qtbot, named(widget, "14日"))  # a disabled cell does nothing
    assert widget.value() is None
    click(qtbot, named(widget, "上一步"))
    click(qtbot, named(widget, "上一步"))
    click(qtbot, named(widget, "上一步"))
    click(qtbot, named(widget, "2020年代"))
    assert named(widget, "2026年").isEnabled() and not named(widget, "2027年").isEnabled()
    click(qtbot, named(widget, "2026年"))
    click(qtbot, named(widget, "12月"))
    assert named(widget, "1日").isEnabled() and not named(widget, "2日").isEnabled()


def test_a_day_the_month_lacks_is_never_offered(
    qtbot: QtBot, place: Callable[..., InputWidget]
) -> None:
    """GIVEN February 2023, February 2024 and April WHEN shown THEN 28, 29 and 30 days."""
    widget = place(spec("date"))
    for year, month, length in ((2023, 2, 28), (2024, 2, 29), (2024, 4, 30), (2024, 5, 31)):
        click(qtbot, named(widget, "选择日期"))
        for name in (f"{year - year % 10}年代", f"{year}年", f"{month}月"):
            click(qtbot, named(widget, name))
        shown = [b for b in widget.findChildren(QPushButton) if b.isVisible()]
        day_cells = [b for b in shown if b.objectName() == "pickerCell"]
        assert [b.text() for b in day_cells] == [str(d) for d in range(1, length + 1)]
        click(qtbot, named(widget, "取消"))


def test_cancel_keeps_the_date_and_back_goes_up(
    qtbot: QtBot, place: Callable[..., InputWidget]
) -> None:
    """GIVEN a chosen date WHEN she reopens, goes down and cancels THEN the date is unchanged;
    the chosen path is outlined on the way down."""
    widget = place(spec("date"))
    widget.set_value("1978-03-12")
    click(qtbot, named(widget, "修改日期"))
    assert named(widget, "1970年代").objectName() == "pickerCurrent"
    click(qtbot, named(widget, "1970年代"))
    assert named(widget, "1978年").objectName() == "pickerCurrent"
    click(qtbot, named(widget, "1978年"))
    click(qtbot, named(widget, "3月"))
    assert named(widget, "12日").objectName() == "pickerCurrent"
    click(qtbot, named(widget, "上一步"))
    assert "请选择几月" in text_of(widget)
    click(qtbot, named(widget, "取消"))
    assert widget.value() == "1978-03-12"
    assert "1978年3月12日" in text_of(widget)


def test_date_range_rules() -> None:
    """The range defaults to the decade of a hundred years ago and ten years ahead."""
    span = DateRange.from_spec(None, None, TODAY)
    assert span.low == date(1920, 1, 1) and span.high == date(2036, 12, 31)
    assert decades(span) == list(range(1920, 2040, 10))
    narrow = DateRange.from_spec("2024-02-10", "today", TODAY)
    assert [y for y, ok in years(2020, narrow) if ok] == [2024, 2025, 2026]
    assert [m for m, ok in months(2024, narrow) if ok] == list(range(2, 13))
    assert [d for d, ok in days(2024, 2, narrow) if ok] == list(range(10, 30))
    assert decades(DateRange(date(2020, 1, 1), date(2010, 1, 1))) == []


# --- mark_missing ------------------------------------------------------------------------------


def outline_colour(widget: QWidget) -> QColor:
    """The colour at the middle of the widget's left edge, where the outline is drawn."""
    image = widget.grab().toImage()
    return image.pixelColor(3, image.height() // 2)


@pytest.mark.parametrize("kind", ["choice", "number", "date"])
def test_missing_is_outlined_and_said(
    qtbot: QtBot, place: Callable[..., InputWidget], kind: str
) -> None:
    """GIVEN a required question WHEN marked missing THEN a red outline and 请填写这一项 show;
    False clears them, and so does an answer."""
    widget = place(spec(kind))
    assert outline_colour(widget) != QColor(RED)
    widget.mark_missing(True)
    assert "请填写这一项" in text_of(widget)
    assert outline_colour(widget) == QColor(RED)
    widget.mark_missing(False)
    assert "请填写这一项" not in text_of(widget)
    assert outline_colour(widget) != QColor(RED)
    widget.mark_missing(True)
    widget.set_value({"choice": "ended", "number": "5", "date": "2001-01-01"}[kind])
    assert "请填写这一项" not in text_of(widget)


# --- what every widget promises -----------------------------------------------------------------


def all_kinds() -> list[ItemInput]:
    """One of every kind, required and optional."""
    return [
        spec(kind, required=r)
        for kind in ("choice", "yesno", "number", "date", "text")
        for r in (True, False)
    ]


def picker_steps(qtbot: QtBot, widget: InputWidget) -> Iterator[str]:
    """Walk a date widget through its face and every picker step."""
    yield "face"
    if isinstance(widget, DateInput):
        click(qtbot, named(widget, "选择日期"))
        yield "decade"
        for name in ("1950年代", "1958年", "3月"):
            click(qtbot, named(widget, name))
            yield name


def test_every_button_has_an_accessible_name(
    qtbot: QtBot, place: Callable[..., InputWidget]
) -> None:
    """GIVEN every kind of question WHEN walked through every step THEN every button shown has
    a name a screen reader can say, and says at least what the button shows."""
    for question in all_kinds():
        widget = place(question)
        for step in picker_steps(qtbot, widget):
            shown = [b for b in widget.findChildren(QAbstractButton) if b.isVisible()]
            assert shown or question.type == "text", step
            for button in shown:
                iface = QAccessible.queryAccessibleInterface(button)
                assert iface is not None
                said = iface.text(QAccessible.Text.Name)
                assert said == button.accessibleName() != "", (question.type, step)
                visible = button.text().removeprefix("✓ ").removeprefix("⌫ ")
                assert visible in said, (said, button.text())  # WCAG 2.5.3 label in name
    keypad = place(spec("number"))
    assert named(keypad, "删除一位").text() == "⌫ 删除"


def test_targets_are_big_and_text_is_large(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN scale 1.0 THEN every button is at least 96 px high and no text is under 26 px."""
    for question in all_kinds():
        widget = place(question)
        for step in picker_steps(qtbot, widget):
            for button in widget.findChildren(QPushButton):
                if button.isVisible():
                    assert button.height() >= 96, (question.type, step, button.text())
            for shown in widget.findChildren(QLabel) + widget.findChildren(QPushButton):
                if shown.isVisible():
                    assert shown.font().pixelSize() >= 26, (step, shown.text())


@pytest.mark.parametrize("scale", [1.0, 1.3, 1.6])
def test_every_step_fits_the_item_page_unclipped(
    qtbot: QtBot, place: Callable[..., InputWidget], styled: Callable[[float], None], scale: float
) -> None:
    """GIVEN each text size WHEN every kind (and every picker step) is shown on a 1400 px page
    THEN it needs no more than the page's width, at most 600 px at 1.0, and no button is
    narrower than its text."""
    styled(scale)
    for question in all_kinds():
        widget = place(question)
        for step in picker_steps(qtbot, widget):
            hint = widget.minimumSizeHint()
            assert hint.width() <= PAGE_WIDTH, (question.type, step, hint)
            if scale == 1.0:
                assert widget.sizeHint().height() <= PAGE_HEIGHT, (question.type, step)
            for button in widget.findChildren(QPushButton):
                if button.isVisible():
                    assert button.width() >= button.minimumSizeHint().width(), button.text()


def test_round_trip_of_set_value(place: Callable[..., InputWidget]) -> None:
    """GIVEN kept answers WHEN put back with set_value THEN value() returns them, "" and None."""
    answers = {
        "choice": "family",
        "yesno": "yes",
        "number": "12",
        "date": "1999-12-31",
        "text": "东区",
    }
    for kind, answer in answers.items():
        widget = place(spec(kind, required=False, max=None if kind != "number" else 20))
        for value in (answer, "", None, answer):
            widget.set_value(value)
            assert widget.value() == value, (kind, value)


def test_english(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN the English locale THEN labels, buttons and dates are in English."""
    widget = place(spec("yesno", required=False), locale="en_US")
    assert "Test question (optional)" in text_of(widget)
    assert {b.accessibleName() for b in widget.findChildren(QPushButton)} == {"Yes", "No", "Skip"}
    widget.mark_missing(True)
    assert "Please answer this" in text_of(widget)
    when = place(spec("date"), locale="en_US")
    assert "Not chosen" in text_of(when)
    for name in ("Choose a date", "1950s", "1958", "March", "12"):
        click(qtbot, named(when, name))
    assert "12 March 1958" in text_of(when)


def test_text_has_no_context_menu(qtbot: QtBot, place: Callable[..., InputWidget]) -> None:
    """GIVEN a text question THEN it has no context menu, keeps to max and trims."""
    widget = place(spec("text", max=4))
    assert isinstance(widget, TextInput)
    assert widget.edit.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu
    type_text(qtbot, widget.edit, " 5Ab12")
    assert widget.value() == "5Ab"  # four characters at most, the space trimmed
    widget.edit.clear()
    assert widget.value() is None


def test_yes_no_accepts_catalogue_words(place: Callable[..., InputWidget]) -> None:
    """GIVEN a yes/no WHEN set to 是, no, true THEN it reads yes, no, yes."""
    widget = place(spec("yesno"))
    assert isinstance(widget, YesNoInput)
    for word, expected in (("是", "yes"), ("no", "no"), ("true", "yes")):
        widget.set_value(word)
        assert widget.value() == expected
