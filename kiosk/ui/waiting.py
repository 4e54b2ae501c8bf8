"""The first screen: place your ID card. Also shown while the card is read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

READER_TEXT = {
    "ready": ("读卡器已就绪", "Reader ready"),
    "card_present": ("已检测到证件", "Card detected"),
    "reading": ("正在读卡", "Reading"),
    "no_reader": ("读卡器未连接，请联系工作人员", "Card reader not connected. Please ask staff."),
    "no_service": ("读卡服务未启动，请联系工作人员", "Card service not running. Please ask staff."),
    "error": ("读卡器故障，请联系工作人员", "Card reader fault. Please ask staff."),
}


class WaitingScreen(QWidget):
    """请将身份证放在读卡区 — with the reader's state underneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            w.setWordWrap(True)
        box.addWidget(self.hero)
        box.addWidget(self.hero_en)
        box.addSpacing(40)
        box.addWidget(self.steps)
        box.addStretch(1)
        box.addWidget(self.arrow)
        box.addWidget(self.reader)
        box.addStretch(1)
        self.show_reader_state("ready")

    def show_reading(self, reading: bool) -> None:
        """Switch between 'place your card' and 'reading, hold still'."""
        if reading:
            self.hero.setText("正在读取身份证，请不要移动")
            self.hero_en.setText("Reading your card, please hold still")
        elif self.out_of_service:  # do not invite a card the kiosk cannot read
            self.hero.setText("读卡器暂时不能使用")
            self.hero_en.setText("The card reader is out of service")
        else:
            self.hero.setText("请将身份证放在下方读卡区")
            self.hero_en.setText("Please place your ID card on the reader below")

    def show_reader_state(self, state: str) -> None:
        """Show the reader's state; problems in red so staff notice."""
        zh, en = READER_TEXT.get(state, READER_TEXT["error"])
        self.reader.setText(f"{zh}  {en}")
        bad = state in ("no_reader", "no_service", "error")
        self.reader.setObjectName("readerBad" if bad else "readerOk")
        self.reader.style().unpolish(self.reader)
        self.reader.style().polish(self.reader)
        self.arrow.setVisible(not bad)
        self.steps.setVisible(not bad)
        self.out_of_service = bad
        self.show_reading(False)

    out_of_service = False
