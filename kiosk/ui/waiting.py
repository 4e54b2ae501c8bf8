"""The first screen: place your ID card. Also shown while the card is read and while the kiosk
gets ready after start-up (a card placed then simply waits), and — as 请取走您的身份证 — when a
visit has ended with the card still on the reader.

Imports only what the first paint needs (no Qt enum namespace: the stylesheet centres text).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from card_reader.base import ReaderState
from kiosk import messages
from kiosk.ui.widgets import repolish
from kiosk.view import Message, SessionView, Step

READER_TEXT: dict[ReaderState, Message] = {
    ReaderState.READY: Message("读卡器已就绪", "Reader ready"),
    ReaderState.CARD_PRESENT: Message("已检测到证件", "Card detected"),
    ReaderState.READING: Message("正在读卡", "Reading"),
    ReaderState.NO_READER: Message(
        "读卡器未连接，请联系工作人员", "Card reader not connected. Please ask staff."
    ),
    ReaderState.NO_SERVICE: Message(
        "读卡服务未启动，请联系工作人员", "Card service not running. Please ask staff."
    ),
    ReaderState.ERROR: Message(
        "读卡器故障，请联系工作人员", "Card reader fault. Please ask staff."
    ),
}
READER_BAD = (ReaderState.NO_READER, ReaderState.NO_SERVICE, ReaderState.ERROR)
GETTING_READY = messages.NOT_READY
READER_DOWN = Message("读卡器暂时不能使用", "The card reader is out of service")
PAUSED = Message("暂停服务", "Service paused")


def _label(object_name: str) -> QLabel:
    widget = QLabel()
    widget.setObjectName(object_name)
    widget.setWordWrap(True)
    return widget


class WaitingScreen(QWidget):
    """请将身份证放在读卡区 — with the reader's (or the kiosk's) state underneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waitingScreen")  # its labels are centred by the stylesheet
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 24, 60, 24)
        box.addStretch(2)
        self.hero = _label("hero")
        self.hero_en = _label("heroOther")
        self.steps = _label("title")
        self.arrow = _label("mark")
        self.arrow.setText("▼")
        self.reader = _label("readerOk")
        box.addWidget(self.hero)
        box.addWidget(self.hero_en)
        box.addSpacing(24)
        box.addWidget(self.steps)
        box.addStretch(1)
        box.addWidget(self.arrow)
        box.addWidget(self.reader)
        box.addStretch(1)
        self.show_view(SessionView())

    @property
    def out_of_service(self) -> bool:
        """True while the screen tells residents it cannot serve them."""
        return self.reader.objectName() == "readerBad"

    def show_view(self, view: SessionView) -> None:
        """Show what the view says about the reader and the kiosk, in her language."""
        locale = view.locale
        reader = view.reader or ReaderState.READY
        bad_reader = reader in READER_BAD
        if view.out_of_service is not None:
            status = view.out_of_service
        elif not bad_reader and not view.ready:
            status = GETTING_READY
        else:
            status = READER_TEXT[reader]
        bad = bad_reader or view.out_of_service is not None
        self.reader.setText(f"{status.text(locale)}　{status.other(locale)}")
        name = "readerBad" if bad else "readerOk"
        if self.reader.objectName() != name:
            self.reader.setObjectName(name)
            repolish(self.reader)
        self.steps.setText(messages.LABELS["steps"].text(locale))
        self.arrow.setVisible(not bad)
        self.steps.setVisible(not bad and view.step == Step.WAITING)
        if view.step in (Step.READING, Step.CARD_LEFT, Step.TIMED_OUT):
            hero = view.message
        elif bad_reader:  # do not invite a card the kiosk cannot read
            hero = READER_DOWN
        elif view.out_of_service is not None:
            hero = PAUSED
        else:
            hero = messages.WAITING
        self.hero.setText(hero.text(locale))
        self.hero_en.setText(hero.other(locale))
