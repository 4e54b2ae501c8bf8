"""Printing, done and error screens: one message, big, and a way on."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.view import Preview, SessionView
from printer.base import JobState

JOB_WORDS: dict[JobState, str] = {
    JobState.QUEUED: "排队中",
    JobState.SENT: "已发送到打印机",
    JobState.DONE: "打印完成",
    JobState.FAILED: "打印失败",
}


def preview_pixmap(preview: Preview | None) -> QPixmap | None:
    """The view's RGB preview as a pixmap (None: no picture)."""
    if preview is None:
        return None
    image = QImage(
        preview.rgb, preview.width, preview.height, preview.width * 3, QImage.Format.Format_RGB888
    )
    return QPixmap.fromImage(image.copy())  # copy: detach from the bytes Python owns


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
        self._shown: Preview | None = None

    def show_view(self, view: SessionView) -> None:
        """Job state in words, the serial and a picture of the page once recorded."""
        self.progress.setText(JOB_WORDS.get(view.job, "") if view.job else "")
        self.serial.setText(f"编号 {view.issued.serial}" if view.issued else "")
        if view.preview is not self._shown:
            self._shown = view.preview
            pixmap = preview_pixmap(view.preview)
            if pixmap is not None and not pixmap.isNull():
                height = min(720, max(300, self.height() - 80))
                self.preview.setPixmap(pixmap.scaledToHeight(height))
            else:
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
        self._shown: Preview | None = None
        self._pixmap: QPixmap | None = None

    def show_view(self, view: SessionView, detail: str = "") -> None:
        """The view's message, with the picture of what was printed when there is one."""
        if view.preview is not self._shown:
            self._shown = view.preview
            self._pixmap = preview_pixmap(view.preview)
        self.show_message(view.message.zh, view.message.en, detail, self._pixmap)

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
