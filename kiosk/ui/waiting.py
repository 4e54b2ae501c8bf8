"""The first screen: place your ID card. Also shown while the card is read and while the kiosk
gets ready after start-up (a card placed then simply waits)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from card_reader.base import ReaderState
from kiosk.ui.widgets import repolish
from kiosk.view import SessionView, Step

READER_TEXT: dict[ReaderState, tuple[str, str]] = {
    ReaderState.READY: ("读卡器已就绪", "Reader ready"),
    ReaderState.CARD_PRESENT: ("已检测到证件", "Card detected"),
    ReaderState.READING: ("正在读卡", "Reading"),
    ReaderState.NO_READER: (
        "读卡器未连接，请联系工作人员",
        "Card reader not connected. Please ask staff.",
    ),
    ReaderState.NO_SERVICE: (
        "读卡服务未启动，请联系工作人员",
        "Card service not running. Please ask staff.",
    ),
    ReaderState.ERROR: ("读卡器故障，请联系工作人员", "Card reader fault. Please ask staff."),
}
READER_BAD = (ReaderState.NO_READER, ReaderState.NO_SERVICE, ReaderState.ERROR)
GETTING_READY = ("正在准备，请稍候", "Getting ready, please wait")


class WaitingScreen(QWidget):
    """请将身份证放在读卡区 — with the reader's (or the kiosk's) state underneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waitingScreen")  # its labels are centred by the stylesheet
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 40, 60, 40)
        box.addStretch(2)
        self.hero = QLabel("请将身份证放在下方读卡区")
        self.hero.setObjectName("hero")
        self.hero_en = QLabel("Please place your ID card on the reader below")
        self.hero_en.setObjectName("heroEn")
        self.steps = QLabel("① 放身份证　　② 选择事项　　③ 取走证明")
        self.steps.setObjectName("title")
        self.arrow = QLabel("▼")
        self.arrow.setObjectName("mark")
        self.reader = QLabel()
        self.reader.setObjectName("readerOk")
        for w in (self.hero, self.hero_en, self.steps, self.arrow, self.reader):
            w.setWordWrap(True)
        box.addWidget(self.hero)
        box.addWidget(self.hero_en)
        box.addSpacing(40)
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
        """Show what the view says about the reader and the kiosk."""
        reader = view.reader or ReaderState.READY
        bad_reader = reader in READER_BAD
        if view.out_of_service is not None:
            status = (view.out_of_service.zh, view.out_of_service.en)
        elif not bad_reader and not view.ready:
            status = GETTING_READY
        else:
            status = READER_TEXT[reader]
        bad = bad_reader or view.out_of_service is not None
        self.reader.setText(f"{status[0]}  {status[1]}")
        name = "readerBad" if bad else "readerOk"
        if self.reader.objectName() != name:
            self.reader.setObjectName(name)
            repolish(self.reader)
        self.arrow.setVisible(not bad)
        self.steps.setVisible(not bad)
        if view.step == Step.READING:
            self.hero.setText("正在读取身份证，请不要移动")
            self.hero_en.setText("Reading your card, please hold still")
        elif bad_reader:  # do not invite a card the kiosk cannot read
            self.hero.setText("读卡器暂时不能使用")
            self.hero_en.setText("The card reader is out of service")
        elif view.out_of_service is not None:
            self.hero.setText("暂停服务")
            self.hero_en.setText("Service paused")
        else:
            self.hero.setText("请将身份证放在下方读卡区")
            self.hero_en.setText("Please place your ID card on the reader below")
