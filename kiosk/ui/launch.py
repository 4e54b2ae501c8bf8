"""Puts a window on the kiosk build_kiosk made: Qt app, style, speaker, window; then starts it.

The window is shown (and painted) before the heavy start-up work, which the Kiosk does on its
worker thread: the first screen comes first.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from kiosk import messages
from kiosk.app import Core
from kiosk.running import Kiosk
from kiosk.session import KioskSession
from kiosk.ui import probe
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.probe import PaintWatch
from kiosk.ui.speaker import Speaker
from kiosk.ui.staff.mode import StaffMode, StaffOptions
from kiosk.ui.style import UI_FONT, stylesheet

log = logging.getLogger(__name__)


@dataclass
class RunningKiosk:
    """The live parts, so callers (run, demo, tests) can drive and stop them."""

    kiosk: Kiosk
    window: KioskWindow
    speaker: Speaker
    staff: StaffMode  # staff maintenance mode (kiosk.ui.staff)

    @property
    def session(self) -> KioskSession:
        """The resident's session."""
        return self.kiosk.session

    @property
    def core(self) -> Core:
        """The Core, once the kiosk is ready."""
        return self.kiosk.core

    def stop(self) -> None:
        """Stop threads and release devices (no voice player left running)."""
        self.staff.detach()
        app = QApplication.instance()
        if app is not None:
            self.window.remove_touch_filter(app)
        self.speaker.close()
        self.kiosk.stop()


def qt_app() -> QApplication:
    """The QApplication (created once); Qt's own messages go to the kiosk log."""
    qInstallMessageHandler(_qt_message)
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    return QApplication(sys.argv[:1])


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_QT_NOISE = ("propagateSizeHints",)  # the offscreen platform's harmless complaint


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    level = _QT_LEVELS.get(kind, logging.WARNING)
    if any(noise in message for noise in _QT_NOISE):
        level = logging.DEBUG
    logging.getLogger("kiosk.qt").log(level, "%s", message)


def start_kiosk(
    kiosk: Kiosk,
    *,
    side_panel: QWidget | None = None,
    voice: bool | None = None,
    staff: StaffOptions | None = None,
) -> RunningKiosk:
    """Make the window for `kiosk`, then start its reader and its background start-up
    (not the event loop). Show the window right after: it paints before the work is done.
    `staff`: staff mode's clock, timers and durations (tests inject them)."""
    config = kiosk.config
    app = qt_app()
    app.setFont(QFont(UI_FONT, 14))
    app.setStyleSheet(stylesheet(config.ui.font_scale))
    speaker = Speaker(
        config.data_dir / "voice",
        enabled=config.ui.voice if voice is None else voice,
        locale=config.ui.locale,
    )
    title = f"{config.terminal.community} 自助服务终端"
    window = KioskWindow(
        kiosk.session,
        title=title,
        speaker=speaker,
        side_panel=side_panel,
        base_scale=config.ui.font_scale,
    )
    window.install_touch_filter(app)
    staff_mode = StaffMode(kiosk, window, staff)
    probe.install(window, window.waiting, kiosk.session)
    # first screen first: the heavy start-up work waits for the attract screen's first paint
    # (or a second, for a window nobody shows), so it never competes with that paint; the other
    # screens and the voice wait for the kiosk to be ready, so they never compete with that
    kiosk.start(prepare=False)
    started: list[str] = []

    def after_first_paint() -> None:
        if "prepare" not in started:  # the paint, or the one-second fallback, whichever first
            started.append("prepare")
            kiosk.prepare()

    def after_ready() -> None:
        if "screens" not in started:  # ready, or the five-second fallback, whichever first
            started.append("screens")
            window.screens  # noqa: B018  # build the other screens now, before her card arrives
            speaker.prewarm(messages.every_message())  # rendered off the UI thread

    # one more turn of the loop: the whole first frame (the attract screen too) is out first;
    # each timer dies with the window (a kiosk stopped and closed early starts nothing)
    PaintWatch(window, lambda: QTimer.singleShot(0, window, after_first_paint))
    QTimer.singleShot(1000, window, after_first_paint)
    kiosk.on_ready.append(lambda _core: QTimer.singleShot(0, window, after_ready))
    QTimer.singleShot(5000, window, after_ready)
    return RunningKiosk(kiosk, window, speaker, staff_mode)
