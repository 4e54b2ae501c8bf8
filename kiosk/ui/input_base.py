"""The base of every input widget: a labelled question that can be marked missing, and 不填.

`value()` is None when untouched, "" when she pressed 不填 (optional questions only), else the
answer as the catalogue expects it; `changed` fires whenever that changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.style import RED
from kiosk.view import Message

if TYPE_CHECKING:
    from kiosk.catalog import ItemInput

WORDS: dict[str, Message] = {
    "optional": Message("（可不填）", " (optional)"),
    "missing": Message("请填写这一项", "Please answer this"),
    "skip": Message("不填", "Skip"),
    "yes": Message("是", "Yes"),
    "no": Message("否", "No"),
    "not_chosen": Message("未选择", "Not chosen"),
    "skipped": Message("已选择不填", "Skipped"),
    "choose_date": Message("选择日期", "Choose a date"),
    "change_date": Message("修改日期", "Change the date"),
}
CHECK = "✓ "  # a chosen button says so in its shape too, not only in its colour
MISSING_PEN = 6  # px: the outline around a required question she has not answered
SKIP = ""


class InputWidget(QWidget):
    """Base: a labelled question; `changed` fires whenever `value()` changes."""

    changed = Signal()

    def __init__(
        self, spec: ItemInput, parent: QWidget | None = None, *, locale: str = "zh_CN"
    ) -> None:
        super().__init__(parent)
        self.spec, self.lang, self.missing = spec, locale, False
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 6, 20, 6)  # the date picker fits 1080 lines
        self.layout_.setSpacing(10)
        label = Message(spec.label_zh, spec.label_en).text(locale)
        optional = "" if spec.required else self.word("optional")
        self.label = QLabel(label + optional)
        self.label.setObjectName("inputLabel")
        self.label.setWordWrap(True)
        self.missing_line = QLabel(self.word("missing"))
        self.missing_line.setObjectName("inputMissing")
        self.missing_line.hide()
        self.layout_.addWidget(self.label)
        self.layout_.addWidget(self.missing_line)
        if spec.hint:
            note = QLabel(spec.hint)
            note.setObjectName("inputHint")
            note.setWordWrap(True)
            self.layout_.addWidget(note)
        self.setAccessibleName(label)
        self._last: str | None = None

    def word(self, key: str) -> str:
        """One of the widgets' own words in this widget's language."""
        return WORDS[key].text(self.lang)

    def value(self) -> str | None:
        """The answer as the catalogue expects it; "" when skipped; None if not answered."""
        raise NotImplementedError(type(self).__name__)

    def set_value(self, value: str | None) -> None:
        """Show an answer (None clears, "" skips an optional input); emits `changed` if it
        changes."""
        raise NotImplementedError(type(self).__name__)

    def mark_missing(self, missing: bool) -> None:
        """Outline the question in red and say 请填写这一项 under its label (False clears)."""
        self.missing = missing
        self.missing_line.setVisible(missing)
        self.setAccessibleDescription(self.word("missing") if missing else "")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The red outline of a missing answer, drawn inside the layout's margins."""
        super().paintEvent(event)
        if self.missing:
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(RED), MISSING_PEN))
            half = MISSING_PEN // 2
            painter.drawRoundedRect(self.rect().adjusted(half, half, -half, -half), 14, 14)
            painter.end()

    def _changed(self) -> None:
        """Emit `changed` once per real change; an answer clears the missing mark."""
        now = self.value()
        if now != self._last:
            self._last = now
            if now is not None and self.missing:
                self.mark_missing(False)
            self.changed.emit()

    def _skip_button(self) -> QPushButton | None:
        """不填, for optional questions only (checkable: it shows that she chose to skip)."""
        if self.spec.required:
            return None
        button = QPushButton(self.word("skip"))
        button.setObjectName("choiceSkip")
        button.setCheckable(True)
        button.setAccessibleName(button.text())
        label = button.text()
        button.toggled.connect(lambda on: button.setText((CHECK if on else "") + label))
        return button


class SkippableInput(InputWidget):
    """An input with one answer control and, when optional, a 不填 toggle beside it."""

    skip: QPushButton | None = None
    _unskipping = False

    def _setup_skip(self, box: QHBoxLayout | QVBoxLayout) -> None:
        self.skip = self._skip_button()
        if self.skip is not None:
            box.addWidget(self.skip)
            self.skip.toggled.connect(self._skip_toggled)

    def skipped(self) -> bool:
        """Whether 不填 is on."""
        return self.skip is not None and self.skip.isChecked()

    def _skip_toggled(self, on: bool) -> None:
        if self._unskipping:  # an answer was given: it turned 不填 off
            return
        if on:
            self._clear()
        self._changed()

    def _unskip(self) -> None:
        if self.skip is not None and self.skip.isChecked():
            self._unskipping = True
            try:
                self.skip.setChecked(False)
            finally:
                self._unskipping = False

    def _clear(self) -> None:
        """Forget the answer (不填 was pressed)."""
        raise NotImplementedError(type(self).__name__)
