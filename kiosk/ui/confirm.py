"""确认打印: the real first page (from an unsigned draft, no serial yet) beside her answers."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.messages import label as words
from kiosk.ui.menu import clear_layout
from kiosk.ui.result import Picture
from kiosk.ui.widgets import button, label, para, set_button
from kiosk.view import Draft, SessionView


class ConfirmScreen(QWidget):
    """The page she will get, what she answered, and two choices: 确认打印 or 返回修改."""

    confirmed = Signal()
    edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._draft: Draft | None = None
        self._lang = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(40, 16, 40, 16)
        self.picture = Picture(780)
        row.addWidget(self.picture)
        side = QVBoxLayout()
        row.addLayout(side, 1)
        self.heading = label("", "title")
        self.waiting = label("", "subtitle")
        side.addWidget(self.heading)
        side.addWidget(self.waiting)
        self.answers = QGridLayout()
        self.answers.setVerticalSpacing(14)
        side.addLayout(self.answers)
        side.addStretch(1)
        self.edit_button = button("返回修改", "quiet")
        self.confirm_button = button("确认打印", "primary")
        self.edit_button.clicked.connect(lambda _c=False: self.edit_requested.emit())
        self.confirm_button.clicked.connect(lambda _c=False: self.confirmed.emit())
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.confirm_button, 1)
        side.addLayout(buttons)

    def show_view(self, view: SessionView) -> None:
        """The draft once it is rendered; until then 正在生成预览 and no confirm button."""
        locale = view.locale
        item = view.item
        self.heading.setText((item.name_en if locale == "en_US" else item.name_zh) if item else "")
        set_button(self.edit_button, words("edit", locale))
        set_button(self.confirm_button, words("confirm", locale))
        draft = view.draft
        self.confirm_button.setEnabled(draft is not None)
        self.waiting.setText(view.message.text(locale) if draft is None else "")
        if draft is self._draft and locale == self._lang:
            return
        self._draft, self._lang = draft, locale
        self.picture.show_preview(draft.preview if draft else None)
        clear_layout(self.answers)
        if draft is None:
            return
        rows = list(draft.answers)
        if draft.copies > 1:
            rows.append((words("copies", locale), str(draft.copies)))
        if not rows and item is not None:  # nothing asked: what the paper is for instead
            about = item.description.strip() or words("no_questions", locale)
            self.answers.addWidget(label(para(about), "description"), 0, 0)
        for n, (question, answer) in enumerate(rows):
            self.answers.addWidget(label(question, "answerLabel"), 2 * n, 0)
            self.answers.addWidget(
                label(answer or words("skipped", locale), "answer"), 2 * n + 1, 0
            )
