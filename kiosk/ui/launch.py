"""Builds the running kiosk on top of a Core: Qt app, reader bridge, session, printer monitor, window."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.app import Core
from kiosk.devices import PrinterMonitor
from kiosk.session import KioskSession
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.speaker import Speaker
from kiosk.ui.style import UI_FONT, stylesheet
from kiosk.voice import VoicePrompts

log = logging.getLogger(__name__)


@dataclass
class RunningKiosk:
    """The live parts, so callers (run, demo, tests) can drive and stop them."""

    core: Core
    session: KioskSession
    window: KioskWindow
    bridge: Any
    monitor: PrinterMonitor
    speaker: Speaker

    def stop(self) -> None:
        """Stop threads and release devices."""
        self.monitor.stop()
        if self.bridge is not None:
            self.bridge.stop()


def qt_app() -> QApplication:
    """The QApplication (created once); Qt's own messages go to the kiosk log."""
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    return app  # type: ignore[return-value]


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
    core: Core,
    reader: Any,
    *,
    side_panel: QWidget | None = None,
    poll_interval: float = 5.0,
    voice: bool | None = None,
) -> RunningKiosk:
    """Wire reader -> session -> window and start the background threads (not the event loop)."""
    from card_reader.qt import ReaderBridge

    config = core.config
    app = qt_app()
    app.setFont(QFont(UI_FONT, 14))
    app.setStyleSheet(stylesheet(config.ui.font_scale))
    assert core.issuer is not None
    monitor = PrinterMonitor(core.printers, lambda *_: None, interval=poll_interval)
    session = KioskSession(
        lookup=core.lookup,
        issuer=core.issuer,
        catalog=core.catalog,
        printers=core.printers,
        monitor=monitor,
        idle_timeout=config.ui.idle_timeout,
        result_timeout=config.ui.result_timeout,
    )
    monitor.listener = session.on_printer_status
    speaker = Speaker(
        VoicePrompts(config.data_dir / "voice"), enabled=config.ui.voice if voice is None else voice
    )
    title = f"{config.terminal.community} 自助服务终端"
    window = KioskWindow(session, title=title, speaker=speaker, side_panel=side_panel)
    window.install_touch_filter(app)
    bridge = None
    if reader is not None:
        bridge = ReaderBridge(reader)
        bridge.card_read.connect(session.card_read)
        bridge.read_failed.connect(session.read_failed)
        bridge.card_removed.connect(session.card_removed)
        bridge.state_changed.connect(window.show_reader_state)
        bridge.start()
    monitor.poll_once()
    monitor.start()
    return RunningKiosk(core, session, window, bridge, monitor, speaker)
