"""Touch-friendly input widgets for an item's questions: choices, yes/no, numbers, dates.

Every widget starts empty (unless the catalogue gives a `default`) and answers `value()`:
None = not touched, "" = she pressed 不填 (optional inputs only), else the answer as the catalogue
expects it. Free text is the last resort (hard on a touch screen).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from civic.dates import cn_date
from kiosk.catalog.inputs import NO_WORDS, YES_WORDS, as_date, as_int
from kiosk.ui.datepicker import MONTHS_EN, DatePicker
from kiosk.ui.input_base import CHECK, SKIP, WORDS, InputWidget, SkippableInput
from kiosk.ui.keypad import NumberInput
from kiosk.ui.widgets import repolish
from kiosk.view import Message

if TYPE_CHECKING:
    from kiosk.catalog import ItemInput

__all__ = [
    "ChoiceInput",
    "DateInput",
    "InputWidget",
    "NumberInput",
    "TextInput",
    "YesNoInput",
    "input_widget",
]


def choice_pairs(spec: ItemInput, locale: str = "zh_CN") -> list[tuple[str, str]]:
    """(value, label in the locale) pairs of a choice input."""
    return [(c.id, Message(c.label_zh, c.label_en).text(locale)) for c in spec.choices]


class ButtonGrid(QWidget):
    """Buttons in as many equal columns as the widest label allows (at most `most`)."""

    def __init__(self, buttons: Sequence[QPushButton], most: int = 4) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(14)
        self.buttons, self.most, self.columns = list(buttons), most, 0
        self._place(min(most, len(self.buttons)) or 1)

    def widest(self) -> int:
        """The width the widest button needs, with room for the check mark."""
        widths = [0]
        for button in self.buttons:
            button.ensurePolished()
            mark = button.fontMetrics().horizontalAdvance(CHECK)
            widths.append(button.sizeHint().width() + mark)
        return max(widths)

    def columns_for(self, width: int) -> int:
        """How many columns fit in `width`."""
        gap, count = self.grid.spacing(), len(self.buttons)
        fit = max(1, min(self.most, count, (width + gap) // (self.widest() + gap)))
        rows = -(-count // fit)
        return -(-count // rows)  # balanced rows: 5 buttons as 3 + 2, not 4 + 1

    def minimumSizeHint(self) -> QSize:
        """One column's width: the grid re-flows to fewer columns rather than widen the page."""
        return QSize(self.widest(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-flow when the width changes the number of columns that fit."""
        super().resizeEvent(event)
        columns = self.columns_for(event.size().width())
        if columns != self.columns:
            self._place(columns)

    def _place(self, columns: int) -> None:
        self.columns = columns
        for button in self.buttons:
            self.grid.removeWidget(button)
        for i, button in enumerate(self.buttons):
            self.grid.addWidget(button, i // columns, i % columns)
        for c in range(self.most):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)


class ChoiceInput(InputWidget):
    """Big toggle buttons, as many to a row as fit; 不填 last for optional questions."""

    def __init__(
        self,
        spec: ItemInput,
        parent: QWidget | None = None,
        labels: list[tuple[str, str]] | None = None,
        *,
        locale: str = "zh_CN",
    ) -> None:
        super().__init__(spec, parent, locale=locale)
        pairs = labels or choice_pairs(spec, locale)
        self.values = [value for value, _ in pairs]
        self.labels = [label for _, label in pairs]
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        buttons = [self._button(label, "choice") for label in self.labels]
        skip = self._skip_button()
        if skip is not None:
            buttons.append(skip)
            self.values.append(SKIP)
            self.labels.append(skip.text())
        self._buttons = buttons
        for i, button in enumerate(buttons):
            self.group.addButton(button, i)
            # toggled, not clicked: a screen reader's Toggle action checks without a click
            button.toggled.connect(lambda on, i=i: self._toggled(i, on))
        self.layout_.addWidget(ButtonGrid(buttons))
        if spec.default is not None:
            self.set_value(spec.default)
        self._last = self.value()

    def _button(self, label: str, name: str) -> QPushButton:
        button = QPushButton(label)
        button.setObjectName(name)
        button.setCheckable(True)
        button.setAccessibleName(label)
        return button

    def _toggled(self, index: int, on: bool) -> None:
        button = self._buttons[index]
        button.setText((CHECK if on else "") + self.labels[index])
        if on:
            self._changed()

    def value(self) -> str | None:
        """The chosen value, "" for 不填, None when nothing is chosen."""
        checked = self.group.checkedId()
        return self.values[checked] if checked >= 0 else None

    def set_value(self, value: str | None) -> None:
        """Choose by value or label; None (or "" on a required question) clears."""
        index = self._index(value) if value is not None else None
        if index is None:
            checked = self.group.checkedButton()
            if checked is not None:
                self.group.setExclusive(False)
                checked.setChecked(False)
                self.group.setExclusive(True)
            self._changed()
            return
        self.group.button(index).setChecked(True)

    def _index(self, value: str) -> int | None:
        for words in (self.values, self.labels):
            if value in words:
                return words.index(value)
        if value == SKIP:
            return None
        raise ValueError(f"{self.spec.id}: not a choice: {value!r}")

    def choose(self, value_or_label: str) -> None:
        """Press the button of a value or of its label (as a resident would)."""
        index = self._index(value_or_label)
        if index is not None:
            self.group.button(index).click()

    def buttons(self) -> list[QPushButton]:
        """The choice buttons in order (不填 last when present)."""
        return list(self._buttons)


class YesNoInput(ChoiceInput):
    """是 / 否 (and 不填 when optional)."""

    def __init__(
        self, spec: ItemInput, parent: QWidget | None = None, *, locale: str = "zh_CN"
    ) -> None:
        words = [("yes", WORDS["yes"].text(locale)), ("no", WORDS["no"].text(locale))]
        super().__init__(spec, parent, labels=words, locale=locale)

    def _index(self, value: str) -> int | None:
        low = value.strip().lower()
        if low in YES_WORDS:
            return 0
        if low in NO_WORDS:
            return 1
        return super()._index(value)


class DateInput(SkippableInput):
    """The chosen date (or 未选择) and 选择日期, which opens the picker in its place."""

    picking = Signal(bool)  # True while the picker is open (it needs about 1400 × 540 px)

    def __init__(
        self,
        spec: ItemInput,
        parent: QWidget | None = None,
        today: Callable[[], date] | None = None,
        *,
        locale: str = "zh_CN",
    ) -> None:
        super().__init__(spec, parent, locale=locale)
        self.today = today or date.today
        self.chosen: date | None = None
        self.face = QWidget()
        row = QHBoxLayout(self.face)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        self.shown = QLabel()
        self.shown.setMinimumWidth(420)
        self.open_button = QPushButton()
        self.open_button.setObjectName("dateOpen")
        self.open_button.clicked.connect(lambda _checked=False: self.open_picker())
        row.addWidget(self.shown)
        row.addWidget(self.open_button)
        self._setup_skip(row)
        row.addStretch(1)
        self.picker = DatePicker(spec.min, spec.max, locale=locale, today=self.today)
        self.picker.picked.connect(self._picked)
        self.picker.cancelled.connect(self.close_picker)
        self.picker.hide()
        self.layout_.addWidget(self.face)
        self.layout_.addWidget(self.picker)
        if spec.default is not None:
            self.chosen = as_date(spec.default, self.today())
        self._show()
        self._last = self.value()

    def open_picker(self) -> None:
        """Replace the face by the picker, at the decades."""
        self.picker.start(self.chosen)
        self.face.hide()
        self.picker.show()
        self.picking.emit(True)

    def close_picker(self) -> None:
        """Back to the face (the answer unchanged unless a day was picked)."""
        self.picker.hide()
        self.face.show()
        self.picking.emit(False)

    def _picked(self, day: date) -> None:
        self.chosen = day
        self._unskip()
        self._show()
        self.close_picker()
        self._changed()

    def _clear(self) -> None:
        self.chosen = None
        self._show()

    def _skip_toggled(self, on: bool) -> None:
        super()._skip_toggled(on)
        self._show()

    def value(self) -> str | None:
        """YYYY-MM-DD, "" for 不填, None when no date is chosen."""
        if self.skipped():
            return SKIP
        return self.chosen.isoformat() if self.chosen else None

    def set_value(self, value: str | None) -> None:
        """Show an ISO date, "" skips, None clears."""
        if value == SKIP and self.skip is not None:
            self.skip.setChecked(True)
            return
        self._unskip()
        self.chosen = date.fromisoformat(value) if value else None
        self._show()
        self._changed()

    def date_text(self) -> str:
        """The face's words: the date, 未选择, or 不填."""
        if self.skipped():
            return self.word("skipped")
        if self.chosen is None:
            return self.word("not_chosen")
        d = self.chosen
        return Message(cn_date(d), f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}").text(self.lang)

    def _show(self) -> None:
        self.shown.setText(self.date_text())
        self.shown.setAccessibleName(self.shown.text())
        self.shown.setObjectName("dateValue" if self.chosen else "dateEmpty")
        repolish(self.shown)
        self.open_button.setText(self.word("change_date" if self.chosen else "choose_date"))
        self.open_button.setAccessibleName(self.open_button.text())


class TextInput(SkippableInput):
    """A line of text, only where the catalogue cannot offer choices."""

    def __init__(
        self, spec: ItemInput, parent: QWidget | None = None, *, locale: str = "zh_CN"
    ) -> None:
        super().__init__(spec, parent, locale=locale)
        row = QHBoxLayout()
        self.edit = QLineEdit()
        self.edit.setObjectName("textInput")
        self.edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.edit.setMaxLength(as_int(spec.max) or 60)
        self.edit.setAccessibleName(self.accessibleName())
        self.edit.setText(spec.default or "")
        self.edit.textChanged.connect(self._typed)
        row.addWidget(self.edit, 1)
        self._setup_skip(row)
        self.layout_.addLayout(row)
        self._last = self.value()

    def _typed(self, text: str) -> None:
        if text.strip():
            self._unskip()
        self._changed()

    def _clear(self) -> None:
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)

    def value(self) -> str | None:
        """The trimmed text, "" for 不填, None if empty."""
        if self.skipped():
            return SKIP
        return self.edit.text().strip() or None

    def set_value(self, value: str | None) -> None:
        """Show a text, "" skips, None clears."""
        if value == SKIP and self.skip is not None:
            self.skip.setChecked(True)
            return
        self._unskip()
        self.edit.setText(value or "")
        self._changed()


WIDGETS: dict[str, type[InputWidget]] = {
    "choice": ChoiceInput,
    "yesno": YesNoInput,
    "number": NumberInput,
    "date": DateInput,
    "text": TextInput,
}


def input_widget(
    spec: ItemInput, *, locale: str = "zh_CN", today: Callable[[], date] | None = None
) -> InputWidget:
    """The widget for one catalogue input (`today` is injected for dates; default the clock)."""
    if spec.type == "date":
        return DateInput(spec, today=today, locale=locale)
    return WIDGETS.get(spec.type, TextInput)(spec, locale=locale)
