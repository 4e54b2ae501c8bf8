"""The kiosk window: header, one screen per session step, the notice bar, and the demo panel."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.session import KioskSession, Step
from kiosk.ui.item import ItemScreen
from kiosk.ui.menu import MenuScreen
from kiosk.ui.result import MessageScreen, PrintingScreen
from kiosk.ui.speaker import Speaker
from kiosk.ui.waiting import WaitingScreen
from printer.base import PrinterState, PrinterStatus

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
    """Renders the session's states; all decisions are the session's."""

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

        header = QWidget()
        header.setObjectName("header")
        hrow = QHBoxLayout(header)
        hrow.setContentsMargins(28, 12, 28, 12)
        self.header_title = QLabel(title)
        self.header_title.setObjectName("headerTitle")
        self.printer_label = QLabel()
        self.printer_label.setObjectName("printerOk")
        self.clock = QLabel()
        hrow.addWidget(self.header_title, 1)
        hrow.addWidget(self.printer_label)
        hrow.addSpacing(30)
        hrow.addWidget(self.clock)
        outer.addWidget(header)

        middle = QHBoxLayout()
        middle.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        self.waiting = WaitingScreen()
        self.menu = MenuScreen(session.catalog, session.availability)
        self.item = ItemScreen()
        self.printing = PrintingScreen()
        self.done = MessageScreen("✓", "doneText", "完成  Finish")
        self.error = MessageScreen("！", "errorText", "返回  Back")
        self.screens: dict[Step, QWidget] = {
            Step.WAITING: self.waiting,
            Step.READING: self.waiting,
            Step.MENU: self.menu,
            Step.ITEM: self.item,
            Step.PRINTING: self.printing,
            Step.DONE: self.done,
            Step.ERROR: self.error,
        }
        for screen in dict.fromkeys(self.screens.values()):
            self.stack.addWidget(screen)
        middle.addWidget(self.stack, 1)
        if side_panel is not None:
            middle.addWidget(side_panel)
        outer.addLayout(middle, 1)

        footer = QWidget()
        footer.setObjectName("footer")
        frow = QVBoxLayout(footer)
        frow.setContentsMargins(28, 10, 28, 10)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice_en = QLabel()
        self.notice_en.setObjectName("noticeEn")
        self.help = QLabel("需要帮助？请找大厅工作人员　Need help? Please ask the staff.")
        self.help.setObjectName("noticeEn")
        for w in (self.notice, self.notice_en, self.help):
            frow.addWidget(w)
        outer.addWidget(footer)
        self.setCentralWidget(root)

        session.step_changed.connect(self._on_step)
        session.notice.connect(self._on_notice)
        session.resident_changed.connect(self.menu.show_resident)
        session.item_changed.connect(self.item.show_item)
        session.issued.connect(self._on_issued)
        session.print_progress.connect(self.printing.show_progress)
        session.printers_changed.connect(self._on_printers)
        if speaker is not None:
            session.timeout_warning.connect(lambda _s: speaker.say("still_there"))
        self.menu.item_chosen.connect(session.choose_item)
        self.menu.exit_requested.connect(lambda: session.end("cancel"))
        self.item.back_requested.connect(session.back)
        self.item.print_requested.connect(lambda values, copies: session.submit(values, copies))
        self.done.action.connect(lambda: session.end("done"))
        self.error.action.connect(session.back)

        self._printers_usable: tuple[bool, ...] = ()
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(15_000)
        self._update_clock()
        self._on_printers()
        self._on_step(session.step.value)
        self._touch_filter = _TouchFilter(session)

    def install_touch_filter(self, app: QObject) -> None:
        """Every press anywhere restarts the idle countdown."""
        app.installEventFilter(self._touch_filter)

    def show_reader_state(self, state: str) -> None:
        """The reader bridge's state_changed -> the waiting screen."""
        self.waiting.show_reader_state(state)

    def _on_step(self, step: str) -> None:
        current = Step(step)
        self.stack.setCurrentWidget(self.screens[current])
        self.waiting.show_reading(current == Step.READING)
        if current == Step.WAITING:
            self.printing.reset()
            self.done.show_message("", "")
            self.notice.setText("")
            self.notice_en.setText("")
        # the done and error screens say it themselves: no echo in the notice bar
        self.notice.setVisible(current not in (Step.DONE, Step.ERROR))
        self.notice_en.setVisible(current not in (Step.DONE, Step.ERROR))
        if current == Step.DONE:
            zh, en = self.session.message
            issued = self.session.last_issued
            detail = ""
            if issued is not None:
                detail = f"编号 {issued.serial}"
                if issued.document.where_to_go:
                    detail += f"\n下一步：交给{issued.document.where_to_go}"
            self.done.show_message(zh, en, detail, self.printing.last_preview)
        if current == Step.ERROR:
            self.error.show_message(*self.session.message)
        if current == Step.MENU:
            self.menu.refresh()
        if self.speaker is not None:
            self.speaker.say(current.value if current != Step.READING else "reading")

    def _on_notice(self, zh: str, en: str) -> None:
        self.notice.setText(zh)
        self.notice_en.setText(en)

    def _on_issued(self, issued: Any) -> None:
        self.printing.show_issued(issued.serial, _pixmap(self.session.last_preview))

    def _on_printers(self) -> None:
        monitor = self.session.monitor
        if monitor is None:
            self.printer_label.setText("")
            return
        statuses: list[PrinterStatus] = [monitor.status(role) for role in ("a4", "slip")]
        bad = [
            f"{ROLE_NAMES[role]}{STATE_WORDS[s.state]}"
            for role, s in zip(("a4", "slip"), statuses, strict=True)
            if not s.can_print
        ]
        # say which printer: an empty slip roll must not make A4 services look broken
        self.printer_label.setText("　".join(bad) if bad else "打印机正常")
        self.printer_label.setObjectName("printerBad" if bad else "printerOk")
        self.printer_label.style().unpolish(self.printer_label)
        self.printer_label.style().polish(self.printer_label)
        # rebuild the menu only when what a resident can start has changed, keeping her place
        usable = tuple(s.can_print for s in statuses)
        if usable != self._printers_usable:
            self._printers_usable = usable
            if self.session.step == Step.MENU:
                self.menu.refresh(keep_scroll=True)

    def _update_clock(self) -> None:
        now = datetime.now()
        self.clock.setText(f"{now:%Y年%m月%d日} 星期{WEEKDAYS[now.weekday()]} {now:%H:%M}")


class _TouchFilter(QObject):
    def __init__(self, session: KioskSession) -> None:
        super().__init__()
        self.session = session

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.session.touch()
        return False


def _pixmap(image: Any) -> QPixmap | None:
    if image is None:
        return None
    from forms.preview import to_qimage

    return QPixmap.fromImage(to_qimage(image))


def fit_to_screen(window: QMainWindow, fullscreen: bool) -> None:
    """Fullscreen on the kiosk (geometry first: without a window manager showFullScreen is ignored)."""
    screen = window.screen()
    if fullscreen and screen is not None:
        window.setGeometry(screen.geometry())
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.showFullScreen()
    else:
        window.resize(1280, 860)
        window.show()
