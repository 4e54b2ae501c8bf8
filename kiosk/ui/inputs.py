"""Touch-friendly input widgets for an item's questions: choices, yes/no, numbers, dates.

Free text is the last resort (hard on a touch screen); every widget offers `value() -> str | None`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from kiosk.catalog import ItemInput


def choice_pairs(spec: ItemInput) -> list[tuple[str, str]]:
    """(value, Chinese label) pairs of a choice input."""
    return [(choice.id, choice.label_zh) for choice in spec.choices]


class InputWidget(QWidget):
    """Base: a labelled question; `changed` fires on every answer."""

    changed = Signal()

    def __init__(self, spec: ItemInput, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 12, 0, 12)
        label = QLabel(f"{spec.label_zh}{'' if spec.required else '（可不选）'}")
        label.setObjectName("inputLabel")
        label.setWordWrap(True)
        self.layout_.addWidget(label)
        if spec.hint:
            note = QLabel(spec.hint)
            note.setObjectName("subtitle")
            note.setWordWrap(True)
            self.layout_.addWidget(note)

    def value(self) -> str | None:
        """The answer as the catalogue expects it, or None if not answered."""
        raise TypeError(type(self).__name__)


class ChoiceInput(InputWidget):
    """Big toggle buttons, three to a row."""

    def __init__(
        self,
        spec: ItemInput,
        parent: QWidget | None = None,
        labels: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(spec, parent)
        grid = QGridLayout()
        grid.setSpacing(14)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.values: list[str] = []
        self.labels: list[str] = []
        for i, (value, label) in enumerate(labels or choice_pairs(spec)):
            button = QPushButton(label)
            button.setObjectName("choice")
            button.setCheckable(True)
            self.group.addButton(button, i)
            self.values.append(value)
            self.labels.append(label)
            grid.addWidget(button, i // 3, i % 3)
        self.layout_.addLayout(grid)
        if spec.default is not None and spec.default in self.values:
            self.group.button(self.values.index(spec.default)).setChecked(True)
        self.group.idClicked.connect(lambda _id: self.changed.emit())

    def value(self) -> str | None:
        """The chosen value."""
        checked = self.group.checkedId()
        return self.values[checked] if checked >= 0 else None

    def choose(self, value: str) -> None:
        """Press the button of a value or of its label (as a resident would)."""
        index = self.values.index(value) if value in self.values else self.labels.index(value)
        button = self.group.button(index)
        if button is not None:
            button.click()


class YesNoInput(ChoiceInput):
    """是 / 否."""

    def __init__(self, spec: ItemInput, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent, labels=[("yes", "是"), ("no", "否")])


class Stepper(QWidget):
    """[-] value [+] with big buttons."""

    changed = Signal(int)

    def __init__(
        self, value: int, low: int, high: int, suffix: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.low, self.high, self.suffix = low, high, suffix
        self._value = min(max(value, low), high)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        minus, plus = QPushButton("－"), QPushButton("＋")
        for b in (minus, plus):
            b.setObjectName("step")
            b.setAutoRepeat(True)
        self.label = QLabel()
        self.label.setObjectName("stepValue")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        minus.clicked.connect(lambda: self.set_value(self._value - 1))
        plus.clicked.connect(lambda: self.set_value(self._value + 1))
        row.addWidget(minus)
        row.addWidget(self.label)
        row.addWidget(plus)
        row.addStretch(1)
        self._show()

    def value(self) -> int:
        """The current number."""
        return self._value

    def set_value(self, value: int) -> None:
        """Clamp to the range and show."""
        self._value = min(max(value, self.low), self.high)
        self._show()
        self.changed.emit(self._value)

    def _show(self) -> None:
        self.label.setText(f"{self._value}{self.suffix}")


class NumberInput(InputWidget):
    """A whole number with +/- buttons."""

    def __init__(self, spec: ItemInput, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        low = int(spec.min or 0)
        high = int(spec.max or 999)
        default = spec.default
        self.stepper = Stepper(int(default) if default else low, low, high)
        self.stepper.changed.connect(lambda _v: self.changed.emit())
        self.layout_.addWidget(self.stepper)

    def value(self) -> str | None:
        """The number as text."""
        return str(self.stepper.value())


class DateInput(InputWidget):
    """Year / month / day steppers (no keyboard)."""

    def __init__(
        self, spec: ItemInput, parent: QWidget | None = None, today: date | None = None
    ) -> None:
        super().__init__(spec, parent)
        today = today or date.today()
        row = QHBoxLayout()
        self.year = Stepper(today.year, 1900, today.year + 5, "年")
        self.month = Stepper(today.month, 1, 12, "月")
        self.day = Stepper(today.day, 1, 31, "日")
        for s in (self.year, self.month, self.day):
            s.changed.connect(lambda _v: self.changed.emit())
            row.addWidget(s)
        self.layout_.addLayout(row)

    def value(self) -> str | None:
        """YYYY-MM-DD, the day clamped to the month's length."""
        year, month = self.year.value(), self.month.value()
        for day in range(self.day.value(), 0, -1):
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                continue
        return None


class TextInput(InputWidget):
    """A line of text, only where the catalogue cannot offer choices."""

    def __init__(self, spec: ItemInput, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.edit = QLineEdit()
        self.edit.setMaxLength(int(spec.max or 60))
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.layout_.addWidget(self.edit)

    def value(self) -> str | None:
        """The trimmed text, or None if empty."""
        text = self.edit.text().strip()
        return text or None


WIDGETS: dict[str, type[InputWidget]] = {
    "choice": ChoiceInput,
    "yesno": YesNoInput,
    "number": NumberInput,
    "date": DateInput,
    "text": TextInput,
}


def input_widget(spec: ItemInput) -> InputWidget:
    """The widget for one catalogue input."""
    return WIDGETS.get(spec.type, TextInput)(spec)
