"""Printing, done, error, 请取走您的身份证 and 已超时 screens: one message, big, and a way on."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.messages import label as words
from kiosk.ui.widgets import button, label, set_button
from kiosk.view import Preview, SessionView, Step
from printer.base import JobState

JOB_WORDS: dict[JobState, tuple[str, str]] = {
    JobState.QUEUED: ("正在准备打印", "Getting the paper ready"),
    JobState.SENT: ("打印机正在打印", "The printer is printing"),
    JobState.DONE: ("打印完成", "Printed"),
    JobState.FAILED: ("打印失败", "Printing failed"),
}


def preview_pixmap(preview: Preview | None) -> QPixmap | None:
    """The view's RGB preview as a pixmap (None: no picture)."""
    if preview is None:
        return None
    image = QImage(
        preview.rgb, preview.width, preview.height, preview.width * 3, QImage.Format.Format_RGB888
    )
    return QPixmap.fromImage(image.copy())  # copy: detach from the bytes Python owns


class Picture(QLabel):
    """A document picture that follows the view's preview: `height` tall where the screen has
    the room, shorter where it has not (it never makes its screen taller than the monitor)."""

    def __init__(self, height: int = 640, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = height
        self._shown: Preview | None = None
        self._full: QPixmap | None = None
        self.setAccessibleName("证明文件预览")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)

    def show_preview(self, preview: Preview | None) -> None:
        """Draw `preview` (None clears) if it changed."""
        if preview is self._shown:
            return
        self._shown = preview
        pixmap = preview_pixmap(preview)
        if pixmap is None or pixmap.isNull():
            self._full = None
            self.clear()
            self.hide()
            return
        self._full = pixmap
        self._fit()
        self.show()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        """The picture at its full height."""
        if self._full is None:
            return super().sizeHint()
        ratio = self._full.width() / max(self._full.height(), 1)
        return QSize(round(self.target * ratio), self.target)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the full picture, as short as the screen needs."""
        return QSize(self.sizeHint().width(), 0) if self._full is not None else QSize(0, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Scale to the height the layout gave."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._full is None:
            return
        height = max(1, min(self.target, self.height() if self.isVisible() else self.target))
        if self.pixmap().height() != height:
            self.setPixmap(
                self._full.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)
            )


class PrintingScreen(QWidget):
    """正在打印: the job in words, a moving bar, the page count, a picture of the page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(60, 30, 60, 30)
        text = QVBoxLayout()
        text.addStretch(1)
        self.label = label("正在打印，请稍候", "hero")
        self.label_other = label("Printing, please wait", "heroOther")
        self.progress = label("", "title")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: it moves while the printer works
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("打印进度")
        self.serial = label("", "serial")
        self.pages = label("", "subtitle")
        for widget in (
            self.label,
            self.label_other,
            self.progress,
            self.bar,
            self.serial,
            self.pages,
        ):
            text.addWidget(widget)
        text.addStretch(1)
        row.addLayout(text, 1)
        self.preview = Picture(720)
        row.addWidget(self.preview)

    def show_view(self, view: SessionView) -> None:
        """Job state in words, the serial and the picture once recorded."""
        locale = view.locale
        self.label.setText(view.message.text(locale))
        self.label_other.setText(view.message.other(locale))
        words_ = JOB_WORDS.get(view.job) if view.job is not None else None
        self.progress.setText((words_[1] if locale == "en_US" else words_[0]) if words_ else "")
        busy = view.job in (JobState.QUEUED, JobState.SENT)
        self.bar.setRange(0, 0 if busy else 1)
        self.bar.setValue(1 if not busy else 0)
        issued = view.issued
        self.serial.setText(f"{words('serial', locale)} {issued.serial}" if issued else "")
        self.pages.setText(words("pages", locale, n=issued.pages) if issued else "")
        self.preview.show_preview(view.preview)


class MessageScreen(QWidget):
    """A big mark, a message in her language then the other, an optional picture, one button."""

    action = Signal()

    def __init__(
        self, mark: str, object_name: str, button_key: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.button_key = button_key
        outer = QVBoxLayout(self)
        outer.setContentsMargins(80, 30, 80, 30)
        row = QHBoxLayout()
        box = QVBoxLayout()
        row.addLayout(box, 1)
        self.picture = Picture(600)
        row.addWidget(self.picture)
        outer.addLayout(row, 1)
        box.addStretch(1)
        self.mark = label(mark, f"{object_name}Mark")
        self.text = label("", object_name)
        self.text_other = label("", "heroOther")
        self.detail = label("", "description")
        for widget in (self.mark, self.text, self.text_other, self.detail):
            box.addWidget(widget)
        box.addStretch(1)
        self.button = button("", "primary")
        self.button.clicked.connect(lambda _c=False: self.action.emit())
        outer.addWidget(self.button)
        self.button.setVisible(bool(button_key))

    def show_view(self, view: SessionView, detail: str = "", picture: bool = False) -> None:
        """The view's message, a detail line, and (if asked) the picture of the paper."""
        locale = view.locale
        self.text.setText(view.message.text(locale))
        self.text_other.setText(view.message.other(locale))
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.picture.show_preview(view.preview if picture else None)
        if self.button_key:
            set_button(self.button, words(self.button_key, locale))


def done_detail(view: SessionView) -> str:
    """The serial and where the paper goes next."""
    issued = view.issued
    if issued is None:
        return ""
    detail = f"{words('serial', view.locale)} {issued.serial}"
    if issued.where_to_go:
        detail += f"\n{words('next_step', view.locale)}{issued.where_to_go}"
    return detail


def error_detail(view: SessionView) -> str:
    """An error after recording shows the serial staff reprint from."""
    if view.step == Step.ERROR and view.issued is not None:
        return f"{words('serial', view.locale)} {view.issued.serial}"
    return ""
