"""Over every screen: the idle countdown with 我还需要时间, and 确定退出吗？.

A full-window layer (dimmed) so it also covers keypads, pickers and dialogs; the buttons are
≥ 160 px high.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk import messages
from kiosk.messages import label as words
from kiosk.ui.filters import never_raises
from kiosk.ui.widgets import button, label, set_button
from kiosk.view import SessionView


class Overlay(QWidget):
    """The countdown, or the exit question, on top of whatever is on screen."""

    more_time = Signal()
    leave = Signal(bool)  # True: 是，退出

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.host = parent
        self.setObjectName("overlay")
        from PySide6.QtCore import Qt

        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the stylesheet's dimming
        box = QVBoxLayout(self)
        box.setContentsMargins(120, 80, 120, 80)
        box.addStretch(1)
        self.countdown = label("", "countdown")
        self.text = label("", "overlayText")
        self.other = label("", "overlayOther")
        for widget in (self.countdown, self.text, self.other):
            box.addWidget(widget)
        box.addSpacing(40)
        row = QHBoxLayout()
        row.addStretch(1)
        self.more = button("我还需要时间", "primary")
        self.yes = button("是，退出", "quiet")
        self.no = button("不，继续办理", "primary")
        self.more.clicked.connect(lambda _c=False: self.more_time.emit())
        self.yes.clicked.connect(lambda _c=False: self.leave.emit(True))
        self.no.clicked.connect(lambda _c=False: self.leave.emit(False))
        for choice in (self.yes, self.no, self.more):
            row.addWidget(choice)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    @never_raises
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Cover the whole window whenever it changes size."""
        if watched is self.host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.host.rect())
        return False

    def show_view(self, view: SessionView) -> None:
        """Show the countdown or the question, or nothing."""
        locale = view.locale
        if view.countdown is not None:
            self.countdown.setText(str(view.countdown))
            self.countdown.setAccessibleName(words("seconds_left", locale, n=view.countdown))
            self.text.setText(messages.STILL_THERE.text(locale))
            self.other.setText(words("seconds_left", locale, n=view.countdown))
            set_button(self.more, words("more_time", locale))
            self._only(self.more)
        elif view.asking_exit:
            self.countdown.setText("?")
            self.text.setText(messages.EXIT_ASK.text(locale))
            self.other.setText(messages.EXIT_ASK.other(locale))
            set_button(self.yes, words("yes_exit", locale))
            set_button(self.no, words("no_stay", locale))
            self._only(self.yes, self.no)
        else:
            self.hide()
            return
        self.setGeometry(self.host.rect())
        self.show()
        self.raise_()

    def _only(self, *shown: QWidget) -> None:
        for choice in (self.more, self.yes, self.no):
            choice.setVisible(choice in shown)
