"""Small widgets the screens share."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


class WrapButton(QPushButton):
    """A big button whose text wraps onto several lines instead of widening the screen."""

    def __init__(self, text: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setObjectName(object_name + "Text")
        from PySide6.QtCore import Qt  # not before the first screen: the namespace is costly

        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label.setStyleSheet("background: transparent;")
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 10, 20, 10)
        box.addWidget(self.label)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        # the text is drawn by a child label: say it to screen readers on the button itself
        self.setAccessibleName(plain_text(text))

    def text(self) -> str:
        """The visible text (the inner label's)."""
        return self.label.text()


def plain_text(rich: str) -> str:
    """Rich label text as a screen reader should say it: tags dropped, <br> as a pause."""
    text = re.sub(r"<br\s*/?>", "，", rich)
    return re.sub(r"<[^>]+>", "", text).strip()


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after an objectName change (e.g. ok -> bad colours)."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def button(text: str, object_name: str = "", *, name: str | None = None) -> QPushButton:
    """A push button whose accessible name is what it says (or `name`)."""
    widget = QPushButton(text)
    if object_name:
        widget.setObjectName(object_name)
    widget.setAccessibleName(name or plain_text(text.replace("\n", " ")))
    return widget


def set_button(widget: QPushButton, text: str, name: str | None = None) -> None:
    """New words on a button, and on its accessible name."""
    widget.setText(text)
    widget.setAccessibleName(name or plain_text(text.replace("\n", " ")))


def para(text: str, object_name: str = "") -> str:
    """Rich text with 1.4 line spacing (plain QLabel text is set at Qt's tighter default)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
    return f'<p style="line-height:140%; margin:0">{escaped}</p>'


def label(text: str = "", object_name: str = "", *, wrap: bool = True) -> QLabel:
    """A label with its stylesheet name."""
    widget = QLabel(text)
    if object_name:
        widget.setObjectName(object_name)
    widget.setWordWrap(wrap)
    return widget


class Pager(QWidget):
    """上一页 · 第1/2页 · 下一页: big buttons, no scrolling anywhere."""

    def __init__(self, on_page: Callable[[int], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_page = on_page
        self.page = 0
        self.pages = 1
        self.lang = "zh_CN"
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.prev = button("上一页", "pager")
        self.next = button("下一页", "pager")
        self.where = label("", "pageLabel", wrap=False)
        self.prev.clicked.connect(lambda _c=False: self.turn(-1))
        self.next.clicked.connect(lambda _c=False: self.turn(1))
        row.addWidget(self.prev)
        row.addWidget(self.where, 1)
        row.addWidget(self.next)

    def show_pages(self, page: int, pages: int, locale: str) -> None:
        """Say where she is; hide when there is only one page."""
        from kiosk.messages import label as words

        self.page, self.pages, self.lang = page, max(1, pages), locale
        set_button(self.prev, words("prev_page", locale))
        set_button(self.next, words("next_page", locale))
        self.where.setText(words("page", locale, n=page + 1, of=self.pages))
        self.prev.setEnabled(page > 0)
        self.next.setEnabled(page + 1 < self.pages)
        self.setVisible(self.pages > 1)

    def turn(self, delta: int) -> None:
        """Go one page back or on."""
        target = min(max(self.page + delta, 0), self.pages - 1)
        if target != self.page:
            self.on_page(target)
