"""The kiosk window: header, one screen per session step, the notice bar, and the demo panel.

It renders the session's SessionView (`show_view`) and sends intents back; it reads nothing else.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.session import KioskSession
from kiosk.ui.speaker import Speaker
from kiosk.ui.waiting import WaitingScreen
from kiosk.ui.widgets import repolish
from kiosk.view import SessionView, Step
from printer.base import PrinterState

if TYPE_CHECKING:
    from kiosk.ui.item import ItemScreen
    from kiosk.ui.menu import MenuScreen
    from kiosk.ui.result import MessageScreen, PrintingScreen

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
ROLE_NAMES = {"a4": "A4打印机", "slip": "小票打印机"}
STATE_WORDS = {
    PrinterState.READY: "正常",
    PrinterState.PAPER_LOW: "纸将用完",
    PrinterState.PAPER_OUT: "缺纸",
    PrinterState.COVER_OPEN: "盖未关好",
    PrinterState.OFFLINE: "未连接",
    PrinterState.ERROR: "故障",
}


class KioskWindow(QMainWindow):
    """Renders the session's views; all decisions are the session's."""

    def __init__(
        self,
        session: KioskSession,
        *,
        title: str,
        speaker: Speaker | None = None,
        side_panel: QWidget | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.speaker = speaker
        self.setWindowTitle(title)
        root = QWidget()
        outer = QVBoxLayout(root)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._header(title))

        middle = QHBoxLayout()
        middle.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        self.waiting = WaitingScreen()
        self.stack.addWidget(self.waiting)
        self._later: Screens | None = None  # the other screens, built after the first paint
        middle.addWidget(self.stack, 1)
        if side_panel is not None:
            middle.addWidget(side_panel)
        outer.addLayout(middle, 1)
        outer.addWidget(self._footer())
        self.setCentralWidget(root)

        self._view: SessionView | None = None
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(15_000)
        self._update_clock()
        self._touch_filter = _TouchFilter(session)
        session.view_changed.connect(self.show_view)
        self.show_view(session.view)

    def _header(self, title: str) -> QWidget:
        header = QWidget()
        header.setObjectName("header")
        row = QHBoxLayout(header)
        row.setContentsMargins(28, 12, 28, 12)
        self.header_title = QLabel(title)
        self.header_title.setObjectName("headerTitle")
        self.printer_label = QLabel()
        self.printer_label.setObjectName("printerOk")
        self.clock = QLabel()
        row.addWidget(self.header_title, 1)
        row.addWidget(self.printer_label)
        row.addSpacing(30)
        row.addWidget(self.clock)
        return header

    def _footer(self) -> QWidget:
        footer = QWidget()
        footer.setObjectName("footer")
        column = QVBoxLayout(footer)
        column.setContentsMargins(28, 10, 28, 10)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice_en = QLabel()
        self.notice_en.setObjectName("noticeEn")
        self.help = QLabel("需要帮助？请找大厅工作人员　Need help? Please ask the staff.")
        self.help.setObjectName("noticeEn")
        for w in (self.notice, self.notice_en, self.help):
            column.addWidget(w)
        return footer

    @property
    def screens(self) -> Screens:
        """Every screen but the attract screen (built on first use: the attract screen is
        painted before the rest exists)."""
        if self._later is None:
            self._later = Screens(self.session, self.stack)
        return self._later

    @property
    def menu(self) -> MenuScreen:
        """The menu screen."""
        return self.screens.menu

    @property
    def item(self) -> ItemScreen:
        """One item's screen."""
        return self.screens.item

    @property
    def printing(self) -> PrintingScreen:
        """The printing screen."""
        return self.screens.printing

    @property
    def done(self) -> MessageScreen:
        """The done screen."""
        return self.screens.done

    @property
    def error(self) -> MessageScreen:
        """The error screen."""
        return self.screens.error

    def screen_for(self, step: Step) -> QWidget:
        """The screen that shows `step`."""
        if step in (Step.WAITING, Step.READING):
            return self.waiting
        return self.screens.for_step(step)

    def install_touch_filter(self, app: QObject) -> None:
        """Every press anywhere restarts the idle countdown."""
        app.installEventFilter(self._touch_filter)

    def show_view(self, view: SessionView) -> None:
        """Render one view: the step's screen, the header and the notice bar."""
        previous, self._view = self._view, view
        step_changed = previous is None or previous.step != view.step
        if step_changed:
            self.stack.setCurrentWidget(self.screen_for(view.step))
        self.waiting.show_view(view)
        if self._later is not None or view.step not in (Step.WAITING, Step.READING):
            self.screens.show_view(view)
        self._show_notice(view)
        self._show_printers(view)
        if step_changed and self.speaker is not None:
            self.speaker.say(view.step.value)
        if (
            self.speaker is not None
            and view.countdown is not None
            and (previous is None or previous.countdown is None)
        ):
            self.speaker.say("still_there")

    def _show_notice(self, view: SessionView) -> None:
        # the done and error screens say it themselves: no echo in the notice bar
        echo = view.step not in (Step.DONE, Step.ERROR)
        if view.countdown is not None:
            zh = f"您还需要时间吗？{view.countdown}秒后将自动退出，请点一下屏幕继续"
            en = f"Still there? The session ends in {view.countdown} seconds; touch the screen."
            echo = True
        else:
            zh, en = view.message.zh, view.message.en
        self.notice.setText(zh)
        self.notice_en.setText(en)
        self.notice.setVisible(echo)
        self.notice_en.setVisible(echo)

    def _show_printers(self, view: SessionView) -> None:
        if not view.ready:
            self.printer_label.setText("")
            return
        bad = [
            f"{ROLE_NAMES[role]}{STATE_WORDS[status.state]}"
            for role in ("a4", "slip")
            if not (status := view.printers.of(role)).can_print
        ]
        # say which printer: an empty slip roll must not make A4 services look broken
        self.printer_label.setText("　".join(bad) if bad else "打印机正常")
        name = "printerBad" if bad else "printerOk"
        if self.printer_label.objectName() != name:
            self.printer_label.setObjectName(name)
            repolish(self.printer_label)

    def _update_clock(self) -> None:
        now = datetime.now()
        self.clock.setText(f"{now:%Y年%m月%d日} 星期{WEEKDAYS[now.weekday()]} {now:%H:%M}")


class Screens:
    """The screens after the attract screen, wired to the session."""

    def __init__(self, session: KioskSession, stack: QStackedWidget) -> None:
        from kiosk.ui.item import ItemScreen
        from kiosk.ui.menu import MenuScreen
        from kiosk.ui.result import MessageScreen, PrintingScreen

        self.menu = MenuScreen()
        self.item = ItemScreen()
        self.printing = PrintingScreen()
        self.done = MessageScreen("✓", "doneText", "完成  Finish")
        self.error = MessageScreen("！", "errorText", "返回  Back")
        self._steps: dict[Step, QWidget] = {
            Step.MENU: self.menu,
            Step.ITEM: self.item,
            Step.PRINTING: self.printing,
            Step.DONE: self.done,
            Step.ERROR: self.error,
        }
        for screen in self._steps.values():
            stack.addWidget(screen)
        self.menu.item_chosen.connect(session.choose_item)
        self.menu.exit_requested.connect(lambda: session.end("cancel"))
        self.item.back_requested.connect(session.back)
        self.item.print_requested.connect(lambda values, copies: session.submit(values, copies))
        self.done.action.connect(lambda: session.end("done"))
        self.error.action.connect(session.back)
        if session.view.step != Step.WAITING:
            self.show_view(session.view)

    def for_step(self, step: Step) -> QWidget:
        """The screen of a step past the attract screen."""
        return self._steps[step]

    def show_view(self, view: SessionView) -> None:
        """Let each screen follow the view."""
        self.menu.show_view(view)
        self.item.show_view(view)
        self.printing.show_view(view)
        if view.step == Step.DONE:
            self.done.show_view(view, _done_detail(view))
        if view.step == Step.ERROR:
            self.error.show_view(view)


def _done_detail(view: SessionView) -> str:
    issued = view.issued
    if issued is None:
        return ""
    detail = f"编号 {issued.serial}"
    if issued.where_to_go:
        detail += f"\n下一步：交给{issued.where_to_go}"
    return detail


class _TouchFilter(QObject):
    def __init__(self, session: KioskSession) -> None:
        super().__init__()
        self.session = session

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.session.touch()
        return False


def fit_to_screen(window: QMainWindow, fullscreen: bool) -> None:
    """Fullscreen on the kiosk: the screen's geometry first (without a window manager
    showFullScreen alone is ignored), then full screen (under cage: the whole output)."""
    screen = window.screen()
    if fullscreen and screen is not None:
        window.setGeometry(screen.geometry())
        window.showFullScreen()
    else:
        window.resize(1280, 860)
        window.show()
