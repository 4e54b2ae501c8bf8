"""Small widgets the screens share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget


class WrapButton(QPushButton):
    """A big button whose text wraps onto several lines instead of widening the screen."""

    def __init__(self, text: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setObjectName(object_name + "Text")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label.setStyleSheet("background: transparent;")
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 10, 20, 10)
        box.addWidget(self.label)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)

    def text(self) -> str:  # type: ignore[override]
        """The visible text (the inner label's)."""
        return self.label.text()
