"""The staff layer: a full-window widget over the resident's screens while staff mode is open.

A green bar (工作人员维护, who is signed in, 主页, 退出登录), one line saying what just
happened, and one screen at a time: the entry screens, then home and the task screens. The
screens are built when the layer is first shown, never before the attract screen's first paint.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.filters import never_raises
from kiosk.ui.staff.calls import CallsScreen
from kiosk.ui.staff.desk import DeskScreen
from kiosk.ui.staff.diagnostics import DiagnosticsScreen
from kiosk.ui.staff.entry import NamePicker, PinPad
from kiosk.ui.staff.home import HomeScreen
from kiosk.ui.staff.parts import Notice, sbutton, set_label, slabel
from kiosk.ui.staff.review import ReviewScreen
from kiosk.ui.staff.services import Staff
from kiosk.ui.staff.stats import StatsScreen
from kiosk.ui.staff.words import bi, staff_stylesheet, word
from kiosk.view import Message

BAR_PX = 92


class Screen(Protocol):
    """A task screen: told when it is shown."""

    def enter(self) -> None:
        """Load what it shows."""


class StaffLayer(QWidget):
    """Covers `host` (the window's central widget) while staff mode is open."""

    home_requested = Signal()
    logout_requested = Signal()

    def __init__(self, host: QWidget, staff: Staff) -> None:
        super().__init__(host)
        self.host = host
        self.setObjectName("staffLayer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(staff_stylesheet())
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self._bar())
        self.notice = Notice()
        self.notice.setContentsMargins(30, 6, 30, 6)
        box.addWidget(self.notice)
        self.stack = QStackedWidget()
        box.addWidget(self.stack, 1)
        self.names = NamePicker()
        self.pin = PinPad()
        self.home = HomeScreen(staff)
        self.desk = DeskScreen(staff)
        self.review = ReviewScreen(staff)
        self.diagnostics = DiagnosticsScreen(staff)
        self.stats = StatsScreen(staff)
        self.calls = CallsScreen(staff)
        self.tasks: dict[str, Screen] = {
            "home": self.home,
            "desk": self.desk,
            "review": self.review,
            "diagnostics": self.diagnostics,
            "stats": self.stats,
            "calls": self.calls,
        }
        self.screens: dict[str, QWidget] = {"names": self.names, "pin": self.pin}
        self.screens.update(
            home=self.home,
            desk=self.desk,
            review=self.review,
            diagnostics=self.diagnostics,
            stats=self.stats,
            calls=self.calls,
        )
        for screen in self.screens.values():
            self.stack.addWidget(screen)
        host.installEventFilter(self)
        self.hide()

    def _bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("staffBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        bar.setFixedHeight(BAR_PX)  # the tallest screen must not squeeze it
        row = QHBoxLayout(bar)
        row.setContentsMargins(30, 10, 30, 10)
        self.title = slabel(bi("mode", " · "), "staffBarTitle", wrap=False)
        self.who = slabel("", "staffBarWho", wrap=False)
        self.home_button = sbutton(bi("home", " "))
        self.logout = sbutton(bi("logout", " "))
        self.home_button.clicked.connect(lambda _c=False: self.home_requested.emit())
        self.logout.clicked.connect(lambda _c=False: self.logout_requested.emit())
        row.addWidget(self.title)
        row.addSpacing(40)
        row.addWidget(self.who, 1)
        row.addWidget(self.home_button)
        row.addWidget(self.logout)
        return bar

    @never_raises
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Cover the host whenever it changes size."""
        if watched is self.host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.host.rect())
        return False

    @property
    def current(self) -> str:
        """The name of the screen shown."""
        widget = self.stack.currentWidget()
        return next((k for k, w in self.screens.items() if w is widget), "")

    def open(self, screen: str, *, who: str = "", signed_in: bool = False) -> None:
        """Show the layer on `screen` (calling its `enter` if it has one)."""
        set_label(self.who, who)
        self.home_button.setVisible(signed_in)
        self.logout.setVisible(signed_in)  # the entry screens have their own 取消
        self.notice.clear_text()
        widget = self.screens[screen]
        self.stack.setCurrentWidget(widget)
        self.setGeometry(self.host.rect())
        self.show()
        self.raise_()
        task = self.tasks.get(screen)  # the entry screens are driven by the controller
        if task is not None:
            task.enter()

    def close_layer(self) -> None:
        """Hide the layer: the resident's screens show again."""
        self.notice.clear_text()
        self.hide()

    def say(self, message: Message, kind: str = "info") -> None:
        """One line under the bar."""
        self.notice.say(message, kind)

    def busy(self, on: bool) -> None:
        """While a job runs, say so (each screen disables its own action meanwhile)."""
        if on and not self.notice.text():
            self.notice.say(word("working"))
        elif not on and self.notice.text() == bi("working", " · "):
            self.notice.clear_text()
