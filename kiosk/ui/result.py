"""Printing, done and error screens: one message, big, and a way on."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class PrintingScreen(QWidget):
    """正在打印 with a preview of the document being printed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(60, 30, 60, 30)
        text = QVBoxLayout()
        text.addStretch(1)
        self.label = QLabel("正在打印，请稍候")
        self.label.setObjectName("hero")
        self.label.setWordWrap(True)
        self.label_en = QLabel("Printing, please wait")
        self.label_en.setObjectName("heroEn")
        self.progress = QLabel("")
        self.progress.setObjectName("subtitle")
        self.serial = QLabel("")
        self.serial.setObjectName("serial")
        for w in (self.label, self.label_en, self.progress, self.serial):
            text.addWidget(w)
        text.addStretch(1)
        row.addLayout(text, 1)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumWidth(300)
        row.addWidget(self.preview)
        self.last_preview: QPixmap | None = None

    def show_progress(self, state: str) -> None:
        """queued / sent / done, in words."""
        words = {
            "queued": "排队中",
            "sent": "已发送到打印机",
            "done": "打印完成",
            "failed": "打印失败",
        }
        self.progress.setText(words.get(state, state))

    def show_issued(self, serial: str, preview: QPixmap | None) -> None:
        """The serial and a preview of the page (None: no preview)."""
        self.last_preview = preview
        self.serial.setText(f"编号 {serial}")
        if preview is not None and not preview.isNull():
            self.preview.setPixmap(preview.scaledToHeight(min(720, max(300, self.height() - 80))))
        else:
            self.preview.clear()

    def reset(self) -> None:
        """Clear the last document (privacy)."""
        self.last_preview = None
        self.serial.clear()
        self.progress.clear()
        self.preview.clear()


class MessageScreen(QWidget):
    """A big mark, a message in Chinese then English, an optional picture of the paper, one button."""

    action = Signal()

    def __init__(
        self, mark: str, object_name: str, button: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(80, 30, 80, 30)
        row = QHBoxLayout()
        box = QVBoxLayout()
        row.addLayout(box, 1)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.picture)
        outer.addLayout(row, 1)
        box.addStretch(1)
        self.mark = QLabel(mark)
        self.mark.setObjectName(f"{object_name}Mark")
        self.text = QLabel()
        self.text.setObjectName(object_name)
        self.text_en = QLabel()
        self.text_en.setObjectName("heroEn")
        self.detail = QLabel()
        self.detail.setObjectName("description")
        for w in (self.mark, self.text, self.text_en, self.detail):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            w.setWordWrap(True)
            box.addWidget(w)
        box.addStretch(1)
        self.button = QPushButton(button)
        self.button.setObjectName("primary")
        self.button.clicked.connect(self.action.emit)
        outer.addWidget(self.button)

    def show_message(
        self, zh: str, en: str, detail: str = "", picture: QPixmap | None = None
    ) -> None:
        """Set the message (and the picture of what was printed, if any)."""
        self.text.setText(zh)
        self.text_en.setText(en)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        if picture is not None and not picture.isNull():
            self.picture.setPixmap(picture.scaledToHeight(min(640, max(300, self.height() - 220))))
            self.picture.show()
        else:
            self.picture.clear()
            self.picture.hide()
