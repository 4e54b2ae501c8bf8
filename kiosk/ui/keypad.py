"""A whole number typed on a big on-screen keypad (0-9, ⌫, 清除), shown large, kept in range.

`NumberEntry` is the pure core (what each key does to the digits, and what is wrong with them);
`NumberPad` draws it: the number in a box, a line saying the range or what is wrong, the keys;
`NumberInput` is the question widget around it (with 不填 when optional).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.catalog.inputs import as_int
from kiosk.ui.input_base import SKIP, SkippableInput
from kiosk.ui.widgets import repolish
from kiosk.view import Message

if TYPE_CHECKING:
    from kiosk.catalog import ItemInput

DEFAULT_MAX_DIGITS = 7
KEY_ROWS = (("1", "2", "3", "4", "5", "back"), ("6", "7", "8", "9", "0", "clear"))
KEY_WORDS: dict[str, tuple[Message, Message]] = {  # (shown on the key, said by a screen reader)
    "back": (Message("⌫ 删除", "⌫ Delete"), Message("删除一位", "Delete one digit")),
    "clear": (Message("清除", "Clear"), Message("全部清除", "Clear all")),
}
EMPTY = Message("未填写", "Not entered")


@dataclass
class NumberEntry:
    """The digits typed so far within [low, high]; a key that would pass `high` is refused."""

    low: int | None = None
    high: int | None = None
    digits: str = ""
    fresh: bool = False  # the digits came from a default: the next digit replaces them
    refused: str = ""  # the digit last refused, until the next key

    @property
    def max_digits(self) -> int:
        """How many digits the range allows."""
        return (
            len(str(self.high)) if self.high is not None and self.high >= 0 else DEFAULT_MAX_DIGITS
        )

    def press(self, key: str) -> None:
        """Apply one key: a digit, "back" (one digit off) or "clear" (all off)."""
        self.refused = ""
        if key == "back":
            self.digits = self.digits[:-1]
        elif key == "clear":
            self.digits = ""
        elif key.isdigit() and len(key) == 1:
            typed = key if self.fresh else self.digits + key
            typed = typed.lstrip("0") or "0"
            too_big = self.high is not None and int(typed) > self.high
            if too_big or len(typed) > self.max_digits:
                self.refused = key
                return
            self.digits = typed
        else:
            raise ValueError(f"not a keypad key: {key!r}")
        self.fresh = False

    def problem(self) -> Message | None:
        """Why the number cannot be taken as it stands (too big a key, or below the minimum)."""
        if self.refused and self.high is not None:
            return Message(f"最大是{self.high}", f"The most is {self.high}")
        if self.refused:
            return Message("位数太多了", "Too many digits")
        if self.digits and self.low is not None and int(self.digits) < self.low:
            return Message(f"最小是{self.low}", f"The least is {self.low}")
        return None

    def range_text(self) -> Message | None:
        """The range in plain words, when the catalogue gives one."""
        low, high = self.low, self.high
        if low is not None and high is not None:
            return Message(f"可填{low}到{high}", f"From {low} to {high}")
        if high is not None:
            return Message(f"最大是{high}", f"At most {high}")
        if low is not None:
            return Message(f"最小是{low}", f"At least {low}")
        return None


class NumberPad(QWidget):
    """The number in a large box, its range (or what is wrong) below, and two rows of keys."""

    changed = Signal()

    def __init__(
        self,
        low: int | None,
        high: int | None,
        *,
        locale: str = "zh_CN",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.entry = NumberEntry(low, high)
        self.lang = locale
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        self.side = QVBoxLayout()
        self.side.setSpacing(8)
        self.display = QLabel()
        self.display.setObjectName("numberValue")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setMinimumWidth(320)
        self.note = QLabel()
        self.note.setObjectName("inputHint")
        self.note.setWordWrap(True)
        self.side.addWidget(self.display)
        self.side.addWidget(self.note)
        self.side.addStretch(1)
        row.addLayout(self.side)
        keys = self._keys()
        row.addLayout(keys, 1)
        row.setAlignment(keys, Qt.AlignmentFlag.AlignTop)  # the top keys level with the number
        self.keys: dict[str, QPushButton]
        self._show()

    def _keys(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(12)
        self.keys = {}
        for r, keys in enumerate(KEY_ROWS):
            for c, key in enumerate(keys):
                shown, said = KEY_WORDS.get(key, (Message(key, key), Message(key, key)))
                button = QPushButton(shown.text(self.lang))
                button.setObjectName("keypadKey" if key.isdigit() else "keypadAction")
                button.setAccessibleName(said.text(self.lang))
                button.clicked.connect(lambda _checked=False, key=key: self.press(key))
                grid.addWidget(button, r, c)
                self.keys[key] = button
        for c in range(len(KEY_ROWS[0])):
            grid.setColumnStretch(c, 1)
        return grid

    def press(self, key: str) -> None:
        """What a key does (the buttons call this)."""
        before = self.entry.digits
        self.entry.press(key)
        self._show()
        if self.entry.digits != before:
            self.changed.emit()

    def text(self) -> str:
        """The digits shown ("" when none)."""
        return self.entry.digits

    def set_text(self, digits: str, *, fresh: bool = False) -> None:
        """Show a number (a default or a kept answer: `fresh` lets the next digit replace it)."""
        self.entry.digits, self.entry.fresh, self.entry.refused = digits, fresh, ""
        self._show()

    def problem(self) -> str:
        """The words of what is wrong with the number now ("" when nothing is)."""
        problem = self.entry.problem()
        return problem.text(self.lang) if problem else ""

    def _show(self) -> None:
        empty = not self.entry.digits
        self.display.setText(EMPTY.text(self.lang) if empty else self.entry.digits)
        self.display.setObjectName("numberEmpty" if empty else "numberValue")
        self.display.setAccessibleName(self.display.text())
        repolish(self.display)
        problem = self.entry.problem()
        words = problem or self.entry.range_text()
        self.note.setText(words.text(self.lang) if words else "")
        self.note.setObjectName("inputError" if problem else "inputHint")
        repolish(self.note)


class NumberInput(SkippableInput):
    """A whole number on a big keypad, kept within the catalogue's min/max."""

    def __init__(
        self, spec: ItemInput, parent: QWidget | None = None, *, locale: str = "zh_CN"
    ) -> None:
        super().__init__(spec, parent, locale=locale)
        self.pad = NumberPad(as_int(spec.min), as_int(spec.max), locale=locale)
        self.pad.changed.connect(self._typed)
        self._setup_skip(self.pad.side)
        self.layout_.addWidget(self.pad)
        if spec.default is not None:
            self.pad.set_text(str(as_int(spec.default) or spec.default), fresh=True)
        self._last = self.value()

    def _typed(self) -> None:
        self._unskip()
        self._changed()

    def _clear(self) -> None:
        self.pad.set_text("")

    def value(self) -> str | None:
        """The digits as typed ("" for 不填; None when none). A number below `min` is returned
        as typed (the pad says why it is wrong) so the confirm check names it."""
        if self.skipped():
            return SKIP
        return self.pad.text() or None

    def set_value(self, value: str | None) -> None:
        """Show a number (the next digit replaces it), "" skips, None clears."""
        if value == SKIP and self.skip is not None:
            self.skip.setChecked(True)
            return
        self._unskip()
        self.pad.set_text(str(int(value)) if value else "", fresh=bool(value))
        self._changed()
