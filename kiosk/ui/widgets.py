"""Small widgets the screens share."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget


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
