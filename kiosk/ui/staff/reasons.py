"""Why staff do something, without a keyboard: one reason from a fixed list, and an optional note
from a few canned ones (a keyboard, if one is attached, can type a note instead)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.staff.reasons import ENGLISH, ReprintReason, VoidReason
from kiosk.ui.staff.parts import choice_row, slabel
from kiosk.ui.staff.words import bi

# canned notes and reasons: (what is recorded, its English for the button)
REPRINT_NOTES = (
    ("已重新装纸", "paper reloaded"),
    ("已清除卡纸", "jam cleared"),
    ("打印机已修复", "printer fixed"),
    ("居民当场领取", "handed over"),
)
VOID_NOTES = (
    ("姓名有误", "wrong name"),
    ("住址有误", "wrong address"),
    ("用途选错", "wrong purpose"),
    ("居民不再需要", "not needed"),
)
REJECT_REASONS = (
    ("本社区记录中没有相关记录", "No such record here"),
    ("记录与申请内容不符", "Records differ"),
    ("申请人不在本社区登记", "Not registered here"),
    ("请到服务窗口补充材料", "More papers needed"),
)


def reason_text(value: str) -> str:
    """A reason as its button shows it: 卡纸 / paper jam."""
    english = ENGLISH.get(value)
    return f"{value}\n{english}" if english else value


def uncheck(buttons: Sequence[QPushButton]) -> None:
    """Clear a group of exclusive buttons (auto-exclusive buttons refuse to uncheck alone)."""
    for widget in buttons:
        widget.setAutoExclusive(False)
        widget.setChecked(False)
        widget.setAutoExclusive(True)


class ChoiceNote(QWidget):
    """A title, a row of exclusive choices, and (optionally) canned notes plus a typed note."""

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str]],
        notes: Sequence[tuple[str, str]] = (),
        *,
        columns: int = 5,
        typed_note: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        self.title = slabel(title, "staffHeading")
        box.addWidget(self.title)
        grid, self.choices = choice_row(choices, columns=columns)
        box.addWidget(grid)
        self.notes: dict[str, QPushButton] = {}
        self.typed: QLineEdit | None = None
        if notes:
            box.addWidget(slabel(bi("note", " · "), "staffSmall"))
            note_grid, self.notes = choice_row([(n, f"{n}\n{en}") for n, en in notes], columns=4)
            box.addWidget(note_grid)
        if typed_note:
            self.typed = QLineEdit()
            self.typed.setMaxLength(200)
            self.typed.setAccessibleName(bi("note", " "))
            self.typed.setPlaceholderText(bi("note", " "))
            box.addWidget(self.typed)

    def choice(self) -> str | None:
        """The key of the chosen button (None: none chosen)."""
        return next((key for key, b in self.choices.items() if b.isChecked()), None)

    def note(self) -> str:
        """The canned note chosen, then whatever was typed ('' when neither)."""
        parts = [key for key, b in self.notes.items() if b.isChecked()]
        if self.typed is not None and self.typed.text().strip():
            parts.append(self.typed.text().strip())
        return "；".join(parts)

    def reset(self) -> None:
        """Nothing chosen, nothing typed."""
        uncheck(list(self.choices.values()))
        uncheck(list(self.notes.values()))
        if self.typed is not None:
            self.typed.clear()


def reprint_reasons() -> ChoiceNote:
    """卡纸 / 缺纸 / 打印不清 / 居民遗失 / 其他, with canned notes."""
    choices = [(r.value, reason_text(r.value)) for r in ReprintReason]
    return ChoiceNote(bi("reprint_reason", " · "), choices, REPRINT_NOTES)


def void_reasons() -> ChoiceNote:
    """信息有误 / 重复打印 / 居民要求 / 其他, with canned notes."""
    choices = [(r.value, reason_text(r.value)) for r in VoidReason]
    return ChoiceNote(bi("void_reason", " · "), choices, VOID_NOTES, columns=4)


def reject_reasons() -> ChoiceNote:
    """The reasons a resident is told when her application is refused (or a typed one)."""
    choices = [(r, f"{r}\n{en}") for r, en in REJECT_REASONS]
    return ChoiceNote(bi("reject_reason", " · "), choices, columns=2)
