"""The kiosk window: header (大字, 中文/English), one screen per step, the footer (what she is
told, 重听 / 音量 / 静音, 呼叫工作人员), and the countdown / exit layer over everything.

It renders the session's SessionView (`show_view`) and sends intents back; it reads nothing else.
The screens past the attract screen are built after its first paint (`screens`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.messages import label as words
from kiosk.session import KioskSession
from kiosk.ui.filters import TouchFilter
from kiosk.ui.waiting import WaitingScreen
from kiosk.ui.widgets import button, label, repolish, set_button
from kiosk.view import Message, SessionView, Step
from printer.base import PrinterState

if TYPE_CHECKING:
    from kiosk.ui.confirm import ConfirmScreen
    from kiosk.ui.item import ItemScreen
    from kiosk.ui.menu import MenuScreen
    from kiosk.ui.overlay import Overlay
    from kiosk.ui.rating import RatingScreen
    from kiosk.ui.result import MessageScreen, PrintingScreen
    from kiosk.ui.screens import Screens

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
ROLE_NAMES = {"a4": ("A4打印机", "A4 printer"), "slip": ("小票打印机", "Slip printer")}
STATE_WORDS = {
    PrinterState.READY: ("正常", "ready"),
    PrinterState.PAPER_LOW: ("纸将用完", "paper low"),
    PrinterState.PAPER_OUT: ("缺纸", "out of paper"),
    PrinterState.COVER_OPEN: ("盖未关好", "cover open"),
    PrinterState.OFFLINE: ("未连接", "offline"),
    PrinterState.ERROR: ("故障", "fault"),
}
VOLUMES = (0.35, 0.65, 1.0)


class Voice(Protocol):
    """What the window asks of the speaker (kiosk.ui.speaker.Speaker)."""

    @property
    def volume(self) -> float:
        """0.0 .. 1.0."""
        ...

    @property
    def muted(self) -> bool:
        """True while silent."""
        ...

    def say(
        self,
        zh: Message,
        en: str | None = None,
        *,
        locale: str | None = None,
        chime: bool = False,
    ) -> None:
        """Speak a message (interrupting the last one); `chime`: a tone first."""

    def repeat(self) -> None:
        """Say the last message again."""

    def set_volume(self, volume: float) -> None:
        """Loudness 0.0 .. 1.0."""

    def set_muted(self, muted: bool) -> None:
        """Silence, or sound again."""


class KioskWindow(QMainWindow):
    """Renders the session's views; all decisions are the session's."""

    def __init__(
        self,
        session: KioskSession,
        *,
        title: str,
        speaker: Voice | None = None,
        side_panel: QWidget | None = None,
        base_scale: float = 1.0,
    ) -> None:
        super().__init__()
        self.session = session
        self.speaker = speaker
        self.base_scale = base_scale
        self.title_text = title
        self.setWindowTitle(title)
        root = QWidget()
        outer = QVBoxLayout(root)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._header(title))
        self.staff_banner = label("", "staffBanner")
        self.staff_banner.hide()
        outer.addWidget(self.staff_banner)
        middle = QHBoxLayout()
        middle.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        self.waiting = WaitingScreen()
        self.stack.addWidget(self.waiting)
        self._later: Screens | None = None
        self._overlay: Overlay | None = None
        middle.addWidget(self.stack, 1)
        if side_panel is not None:
            middle.addWidget(side_panel)
        outer.addLayout(middle, 1)
        outer.addWidget(self._footer())
        self.setCentralWidget(root)
        self._root = root
        self._view: SessionView | None = None
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(15_000)
        self._update_clock()
        self._touch_filter = TouchFilter(session)
        session.view_changed.connect(self.show_view)
        self.show_view(session.view)

    # --- parts ---------------------------------------------------------------------------
    def _header(self, title: str) -> QWidget:
        header = QWidget()
        header.setObjectName("header")
        row = QHBoxLayout(header)
        row.setContentsMargins(28, 10, 28, 10)
        self.header_title = label(title, "headerTitle", wrap=False)
        self.printer_label = label("", "printerOk", wrap=False)
        self.clock = label("", "", wrap=False)
        for elastic in (self.header_title, self.clock):  # cut short rather than widen the window
            elastic.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.large_text = button("大字")
        self.language = button("English")
        self.large_text.clicked.connect(lambda _c=False: self.session.next_text_scale())
        self.language.clicked.connect(lambda _c=False: self._switch_language())
        row.addWidget(self.header_title, 1)
        row.addWidget(self.printer_label)
        row.addSpacing(24)
        row.addWidget(self.clock)
        row.addSpacing(24)
        row.addWidget(self.large_text)
        row.addWidget(self.language)
        return header

    def _footer(self) -> QWidget:
        footer = QWidget()
        footer.setObjectName("footer")
        row = QHBoxLayout(footer)
        row.setContentsMargins(28, 8, 28, 8)
        text = QVBoxLayout()
        self.notice = label("", "notice", wrap=False)  # one line each: never a taller window
        self.notice_en = label("", "noticeOther", wrap=False)
        for elastic in (self.notice, self.notice_en):
            elastic.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        text.addWidget(self.notice)
        text.addWidget(self.notice_en)
        row.addLayout(text, 1)
        self.repeat_button = button("重听")
        self.volume_button = button("音量")
        self.mute_button = button("静音")
        self.call_button = button("呼叫工作人员", "callStaff")
        self.repeat_button.clicked.connect(lambda _c=False: self._repeat())
        self.volume_button.clicked.connect(lambda _c=False: self._louder())
        self.mute_button.clicked.connect(lambda _c=False: self._toggle_mute())
        self.call_button.clicked.connect(lambda _c=False: self.session.call_staff())
        for widget in (self.repeat_button, self.volume_button, self.mute_button, self.call_button):
            row.addWidget(widget)
        return footer

    @property
    def screens(self) -> Screens:
        """Every screen past the attract screen (built on first use, after the first paint)."""
        if self._later is None:
            from kiosk.ui.overlay import Overlay
            from kiosk.ui.screens import Screens

            self._later = Screens(self.session, self.stack)
            self._overlay = Overlay(self._root)
            self._overlay.more_time.connect(self.session.more_time)
            self._overlay.leave.connect(self.session.answer_exit)
            if self._view is not None:
                self._overlay.show_view(self._view)
        return self._later

    @property
    def overlay(self) -> Overlay:
        """The countdown / exit layer."""
        self.screens  # noqa: B018
        assert self._overlay is not None
        return self._overlay

    @property
    def menu(self) -> MenuScreen:
        """The menu."""
        return self.screens.menu

    @property
    def item(self) -> ItemScreen:
        """One item's screen."""
        return self.screens.item

    @property
    def confirm(self) -> ConfirmScreen:
        """The confirm screen."""
        return self.screens.confirm

    @property
    def printing(self) -> PrintingScreen:
        """The printing screen."""
        return self.screens.printing

    @property
    def done(self) -> MessageScreen:
        """The done screen."""
        return self.screens.done

    @property
    def rating(self) -> RatingScreen:
        """The rating screen."""
        return self.screens.rating

    @property
    def error(self) -> MessageScreen:
        """The error screen."""
        return self.screens.error

    def screen_for(self, step: Step) -> QWidget:
        """The screen that shows `step`."""
        if step in (Step.WAITING, Step.READING, Step.CARD_LEFT, Step.TIMED_OUT):
            return self.waiting
        return self.screens.for_step(step) or self.waiting

    def install_touch_filter(self, app: QObject) -> None:
        """Every press anywhere restarts the idle countdown (until `remove_touch_filter`)."""
        app.installEventFilter(self._touch_filter)

    def remove_touch_filter(self, app: QObject) -> None:
        """The kiosk is stopping: presses no longer concern its session."""
        app.removeEventFilter(self._touch_filter)

    # --- rendering -----------------------------------------------------------------------
    def show_view(self, view: SessionView) -> None:
        """Render one view: the step's screen, header, footer, layer; speak what changed."""
        previous, self._view = self._view, view
        if previous is not None and previous.text_scale != view.text_scale:
            self._restyle(view.text_scale)  # (the stylesheet at the start scale is set at launch)
        if previous is None or previous.step != view.step:
            self.stack.setCurrentWidget(self.screen_for(view.step))
        self.waiting.show_view(view)
        if self._later is not None or view.step not in (Step.WAITING, Step.READING):
            self.screens.show_view(view)
        if self._overlay is not None:
            self._overlay.show_view(view)
        self._show_header(view)
        self._show_footer(view)
        self._speak(previous, view)

    def _restyle(self, scale: float) -> None:
        from PySide6.QtWidgets import QApplication

        from kiosk.ui.style import stylesheet

        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setStyleSheet(stylesheet(self.base_scale * scale))

    def _show_header(self, view: SessionView) -> None:
        locale = view.locale
        set_button(self.large_text, f"{words('large_text', locale)} {view.text_scale:g}×")
        set_button(self.language, words("language", locale))
        if view.staff_called:
            from kiosk import messages

            self.staff_banner.setText(f"　{messages.STAFF_CALLED.text(locale)}")
        self.staff_banner.setVisible(view.staff_called)
        if not view.ready:
            self.printer_label.setText("")
            return
        en = 1 if locale == "en_US" else 0
        bad = [
            f"{ROLE_NAMES[role][en]}{' ' if en else ''}{STATE_WORDS[status.state][en]}"
            for role in ("a4", "slip")
            if not (status := view.printers.of(role)).can_print
        ]
        # say which printer: an empty slip roll must not make A4 services look broken
        self.printer_label.setText("　".join(bad) if bad else words("printer_ok", locale))
        name = "printerBad" if bad else "printerOk"
        if self.printer_label.objectName() != name:
            self.printer_label.setObjectName(name)
            repolish(self.printer_label)

    def _show_footer(self, view: SessionView) -> None:
        from kiosk import messages

        locale = view.locale
        # the screens that say it big themselves get no echo in the notice bar
        echo = view.step not in (
            Step.DONE,
            Step.ERROR,
            Step.WAITING,
            Step.CARD_LEFT,
            Step.TIMED_OUT,
        ) or (view.step == Step.WAITING and view.message not in (messages.WAITING, Message()))
        self.notice.setText(view.message.text(locale) if echo else "")
        self.notice_en.setText(view.message.other(locale) if echo else "")
        set_button(self.repeat_button, words("repeat", locale))
        volume = self.speaker.volume if self.speaker is not None else 1.0
        muted = self.speaker.muted if self.speaker is not None else False
        set_button(
            self.volume_button, f"{words('volume', locale)} {VOLUMES.index(_nearest(volume)) + 1}"
        )
        set_button(self.mute_button, words("unmute" if muted else "mute", locale))
        set_button(
            self.call_button, words("staff_called" if view.staff_called else "call_staff", locale)
        )
        self.call_button.setEnabled(not view.staff_called)

    def _speak(self, previous: SessionView | None, view: SessionView) -> None:
        """Say every new message; the countdown and the card reminder get their own words."""
        if self.speaker is None:
            return
        from kiosk import messages

        if view.countdown is not None and (previous is None or previous.countdown is None):
            self.speaker.say(messages.STILL_THERE, locale=view.locale, chime=True)
        elif (
            view.step == Step.CARD_LEFT
            and previous is not None
            and view.reminders > previous.reminders
        ):
            self.speaker.say(messages.CARD_LEFT, locale=view.locale, chime=True)
        elif view.message and (
            previous is None or previous.message != view.message or previous.step != view.step
        ):
            self.speaker.say(view.message, locale=view.locale)

    # --- her controls --------------------------------------------------------------------
    def _switch_language(self) -> None:
        view = self.session.view
        self.session.set_locale("zh_CN" if view.locale == "en_US" else "en_US")

    def _repeat(self) -> None:
        self.session.touch()
        if self.speaker is not None:
            self.speaker.repeat()

    def _louder(self) -> None:
        self.session.touch()
        if self.speaker is not None:
            now = VOLUMES.index(_nearest(self.speaker.volume))
            self.speaker.set_volume(VOLUMES[(now + 1) % len(VOLUMES)])
            self.speaker.repeat()
        if self._view is not None:
            self._show_footer(self._view)

    def _toggle_mute(self) -> None:
        self.session.touch()
        if self.speaker is not None:
            self.speaker.set_muted(not self.speaker.muted)
        if self._view is not None:
            self._show_footer(self._view)

    def _update_clock(self) -> None:
        now = datetime.now()
        self.clock.setText(f"{now:%Y年%m月%d日} 星期{WEEKDAYS[now.weekday()]} {now:%H:%M}")


def _nearest(volume: float) -> float:
    return min(VOLUMES, key=lambda v: abs(v - volume))


def fit_to_screen(window: QMainWindow, fullscreen: bool) -> None:
    """Fullscreen on the kiosk: the screen's geometry first (without a window manager
    showFullScreen alone is ignored), then full screen (under cage: the whole output)."""
    screen = window.screen()
    if fullscreen and screen is not None:
        window.setMaximumSize(screen.geometry().size())  # a screen may squeeze, never overflow
        window.setGeometry(screen.geometry())
        window.showFullScreen()
    else:
        window.resize(1280, 860)
        window.show()
