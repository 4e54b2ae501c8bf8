"""A date picked by touch in four short steps: decade, year, month, day (or 今天 at once).

Any date of the last hundred years is five touches away (open, decade, year, month, day), and a
day that the month does not have is never offered. The grid logic is plain functions over a
`DateRange`, so it is tested without Qt; `DatePicker` only lays the cells out.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog.inputs import as_date
from kiosk.ui.widgets import repolish
from kiosk.view import Message

REACH_BACK_YEARS = 100  # without a catalogue `min`: the decade of a hundred years ago
REACH_AHEAD_YEARS = 10  # without a catalogue `max`: due dates, start dates to come

WORDS: dict[str, Message] = {
    "decade": Message("请选择年代", "Choose the decade"),
    "year": Message("请选择哪一年", "Choose the year"),
    "month": Message("请选择几月", "Choose the month"),
    "day": Message("请选择几号", "Choose the day"),
    "today": Message("今天", "Today"),
    "back": Message("上一步", "Back"),
    "cancel": Message("取消", "Cancel"),
    "chosen": Message("已选：", "So far: "),
}
MONTHS_EN = tuple(calendar.month_name)[1:]  # English month names, locale-independent in CPython


@dataclass(frozen=True)
class DateRange:
    """The dates an input accepts, both ends included."""

    low: date
    high: date

    @classmethod
    def from_spec(cls, low: int | str | None, high: int | str | None, today: date) -> DateRange:
        """The catalogue's `min`/`max` (ISO or "today"); a hundred years back and ten ahead
        when absent."""
        default_low = date(decade_of(today.year - REACH_BACK_YEARS), 1, 1)
        default_high = date(today.year + REACH_AHEAD_YEARS, 12, 31)
        return cls(as_date(low, today) or default_low, as_date(high, today) or default_high)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.low <= day <= self.high


def decade_of(year: int) -> int:
    """The first year of a year's decade (1958 -> 1950)."""
    return year - year % 10


def decades(span: DateRange) -> list[int]:
    """The decades that hold at least one date of the range, oldest first."""
    if span.low > span.high:
        return []
    return list(range(decade_of(span.low.year), decade_of(span.high.year) + 1, 10))


def years(decade: int, span: DateRange) -> list[tuple[int, bool]]:
    """The ten years of a decade, each with whether it holds a date of the range."""
    return [(y, span.low.year <= y <= span.high.year) for y in range(decade, decade + 10)]


def months(year: int, span: DateRange) -> list[tuple[int, bool]]:
    """The twelve months of a year, each with whether it holds a date of the range."""
    low, high = (span.low.year, span.low.month), (span.high.year, span.high.month)
    return [(m, low <= (year, m) <= high) for m in range(1, 13)]


def days(year: int, month: int, span: DateRange) -> list[tuple[int, bool]]:
    """The days the month really has (28 to 31), each with whether it is in the range."""
    length = calendar.monthrange(year, month)[1]
    return [(d, date(year, month, d) in span) for d in range(1, length + 1)]


def decade_text(decade: int, locale: str) -> str:
    """1950年代 / 1950s."""
    return Message(f"{decade}年代", f"{decade}s").text(locale)


def year_text(year: int, locale: str) -> str:
    """1958年 / 1958."""
    return Message(f"{year}年", f"{year}").text(locale)


def month_text(month: int, locale: str) -> str:
    """3月 / March."""
    return Message(f"{month}月", MONTHS_EN[month - 1]).text(locale)


def day_name(day: int, locale: str) -> str:
    """What a screen reader says for a day cell: 15日 / 15 (the cell itself shows 15)."""
    return Message(f"{day}日", f"{day}").text(locale)


def cell(name: str) -> QPushButton:
    """A big grid button, styled as #pickerCell."""
    button = QPushButton()
    button.setObjectName(name)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    policy = button.sizePolicy()
    policy.setRetainSizeWhenHidden(True)  # the grid keeps its shape in short months
    button.setSizePolicy(policy)
    return button


class CellGrid(QWidget):
    """A fixed number of cells in rows of `columns`; each step relabels and re-enables them."""

    def __init__(self, count: int, columns: int, on_press: Callable[[int], None]) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)  # 6 rows of days must fit 1080 lines with the header and footer
        self.cells: list[QPushButton] = []
        self.values: list[int] = []
        for i in range(count):
            button = cell("pickerCell")
            button.setText(str(i + 1))  # an empty button asks for more width than "2024年"
            button.setAccessibleName(button.text())
            button.clicked.connect(lambda _checked=False, i=i: on_press(self.values[i]))
            grid.addWidget(button, i // columns, i % columns)
            self.cells.append(button)
        grid.setRowStretch(grid.rowCount(), 1)

    def fill(
        self,
        rows: list[tuple[int, bool]],
        text: Callable[[int], tuple[str, str]],
        current: int | None = None,
    ) -> None:
        """Show one cell per (value, enabled); `text` gives (shown text, accessible name); the
        `current` value (the date chosen before) is outlined as #pickerCurrent."""
        self.values = [value for value, _ in rows]
        for i, button in enumerate(self.cells):
            if i >= len(rows):
                button.hide()
                continue
            value, enabled = rows[i]
            shown, name = text(value)
            button.setText(shown)
            button.setAccessibleName(name)
            button.setEnabled(enabled)
            button.setObjectName("pickerCurrent" if value == current else "pickerCell")
            repolish(button)
            button.show()


class DatePicker(QWidget):
    """Decade -> year -> month -> day grids with 今天, 上一步 and 取消 beside them."""

    picked = Signal(object)  # a datetime.date
    cancelled = Signal()

    def __init__(
        self,
        low: int | str | None,
        high: int | str | None,
        *,
        locale: str = "zh_CN",
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("datePicker")
        self.bounds, self.lang, self.today = (low, high), locale, today
        self.span = DateRange.from_spec(low, high, today())
        self.step = "decade"
        self.decade = self.year = self.month = 0
        self.chosen: date | None = None  # the date chosen before, outlined on every step
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.prompt = QLabel()
        self.prompt.setObjectName("pickerPrompt")
        self.path = QLabel()
        self.path.setObjectName("pickerPath")
        top.addWidget(self.prompt)
        top.addSpacing(24)
        top.addWidget(self.path, 1)
        outer.addLayout(top)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.pages = QStackedWidget()
        self.grids = {
            "decade": CellGrid(12, 3, self._decade_pressed),  # 1920s-2030s, wide at 1.6
            "year": CellGrid(10, 5, self._year_pressed),
            "month": CellGrid(12, 4, self._month_pressed),
            "day": CellGrid(31, 10, self._day_pressed),
        }
        for grid in self.grids.values():
            self.pages.addWidget(grid)
        row.addWidget(self.pages, 1)
        row.addLayout(self._side())
        outer.addLayout(row)

    def _side(self) -> QVBoxLayout:
        side = QVBoxLayout()
        side.setSpacing(8)
        self.today_button = self._button("pickerQuick", "today", self._today_pressed)
        self.back_button = self._button("pickerNav", "back", self.go_back)
        self.cancel_button = self._button("pickerNav", "cancel", self.cancelled.emit)
        for button in (self.today_button, self.back_button, self.cancel_button):
            side.addWidget(button)
        side.addStretch(1)
        return side

    def _button(self, name: str, word: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(WORDS[word].text(self.lang))
        button.setObjectName(name)
        button.setAccessibleName(button.text())
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def start(self, chosen: date | None = None) -> None:
        """Begin at the decades, with the range taken on today's date; `chosen` (the answer
        so far) is outlined on the way down."""
        self.span = DateRange.from_spec(*self.bounds, self.today())
        self.chosen = chosen
        count = len(self.grids["decade"].cells)
        shown = decades(self.span)[-count:]  # over 120 years: the most recent twelve decades
        loc = self.lang
        self.grids["decade"].fill(
            [(d, True) for d in shown],
            lambda d: (decade_text(d, loc), decade_text(d, loc)),
            decade_of(chosen.year) if chosen else None,
        )
        self._show_step("decade")

    def _current(self, step: str) -> int | None:
        """The value of the chosen date on this step, if the path so far leads to it."""
        c = self.chosen
        if c is None:
            return None
        return {
            "year": c.year,
            "month": c.month if self.year == c.year else None,
            "day": c.day if (self.year, self.month) == (c.year, c.month) else None,
        }[step]

    def go_back(self) -> None:
        """One step back (decades stay at decades)."""
        order = list(self.grids)
        self._show_step(order[max(order.index(self.step) - 1, 0)])

    def _show_step(self, step: str) -> None:
        self.step = step
        self.pages.setCurrentWidget(self.grids[step])
        self.prompt.setText(WORDS[step].text(self.lang))
        self.path.setText(self.path_text())
        self.today_button.setVisible(step == "decade" and self.today() in self.span)
        self.back_button.setVisible(step != "decade")

    def path_text(self) -> str:
        """What is chosen so far ("已选：1958年 › 3月"), empty at the decades."""
        loc = self.lang
        parts = {
            "decade": [],
            "year": [decade_text(self.decade, loc)],
            "month": [year_text(self.year, loc)],
            "day": [year_text(self.year, loc), month_text(self.month, loc)],
        }[self.step]
        return WORDS["chosen"].text(loc) + " › ".join(parts) if parts else ""

    def _decade_pressed(self, decade: int) -> None:
        self.decade = decade
        loc = self.lang
        self.grids["year"].fill(
            years(decade, self.span),
            lambda y: (year_text(y, loc), year_text(y, loc)),
            self._current("year"),
        )
        self._show_step("year")

    def _year_pressed(self, year: int) -> None:
        self.year = year
        loc = self.lang
        self.grids["month"].fill(
            months(year, self.span),
            lambda m: (month_text(m, loc), month_text(m, loc)),
            self._current("month"),
        )
        self._show_step("month")

    def _month_pressed(self, month: int) -> None:
        self.month = month
        loc = self.lang
        self.grids["day"].fill(
            days(self.year, month, self.span),
            lambda d: (str(d), day_name(d, loc)),
            self._current("day"),
        )
        self._show_step("day")

    def _day_pressed(self, day: int) -> None:
        self.picked.emit(date(self.year, self.month, day))

    def _today_pressed(self) -> None:
        self.picked.emit(self.today())
