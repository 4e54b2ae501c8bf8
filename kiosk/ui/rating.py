"""好差评 (国办发〔2019〕51号, GB/T 39734-2020): five big buttons; the two lowest ask why."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.messages import RATING_LEVELS, RATING_REASON_CHOICES
from kiosk.messages import label as words
from kiosk.ui.widgets import button, label, set_button
from kiosk.view import SessionView


class RatingScreen(QWidget):
    """Rate, or skip; nothing about her is kept with the rating."""

    rated = Signal(int)
    reasons_given = Signal(tuple)
    skipped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(80, 30, 80, 30)
        self.heading = label("", "title")
        self.heading_other = label("", "subtitle")
        outer.addWidget(self.heading)
        outer.addWidget(self.heading_other)
        outer.addStretch(1)
        levels = QHBoxLayout()
        self.level_buttons: dict[int, QPushButton] = {}
        for level, words_ in RATING_LEVELS:
            widget = button(words_.zh, "rating")
            widget.clicked.connect(lambda _c=False, n=level: self.rated.emit(n))
            levels.addWidget(widget)
            self.level_buttons[level] = widget
        outer.addLayout(levels)
        self.reasons_box = QWidget()
        reasons = QGridLayout(self.reasons_box)
        self.reason_buttons: dict[str, QPushButton] = {}
        for n, (key, words_) in enumerate(RATING_REASON_CHOICES):
            widget = button(words_.zh, "rating")
            widget.setCheckable(True)
            reasons.addWidget(widget, n // 2, n % 2)
            self.reason_buttons[key] = widget
        self.send = button("提交", "primary")
        self.send.clicked.connect(lambda _c=False: self.reasons_given.emit(self.chosen()))
        reasons.addWidget(self.send, 2, 0, 1, 2)
        outer.addWidget(self.reasons_box)
        self.reasons_box.hide()  # only after a low level
        outer.addStretch(1)
        self.skip = button("跳过", "quiet")
        self.skip.clicked.connect(lambda _c=False: self.skipped.emit())
        outer.addWidget(self.skip)

    def chosen(self) -> tuple[str, ...]:
        """The reasons she ticked."""
        return tuple(key for key, widget in self.reason_buttons.items() if widget.isChecked())

    def show_view(self, view: SessionView) -> None:
        """Levels first; after a low level, its reasons."""
        locale = view.locale
        self.heading.setText(view.message.text(locale))
        self.heading_other.setText(view.message.other(locale))
        for level, words_ in RATING_LEVELS:
            widget = self.level_buttons[level]
            set_button(widget, words_.text(locale))
            widget.setCheckable(True)
            widget.setChecked(level == view.rating_level)
            widget.setEnabled(view.rating_level is None)
        for key, words_ in RATING_REASON_CHOICES:
            set_button(self.reason_buttons[key], words_.text(locale))
        asking = view.rating_level is not None
        if not asking:
            for widget in self.reason_buttons.values():
                widget.setChecked(False)
        self.reasons_box.setVisible(asking)
        set_button(self.send, "提交" if locale != "en_US" else "Send")
        set_button(self.skip, words("skip", locale))
