"""The demo's stand-in for a hand: put a card on the simulated reader, take it away."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.demo_cards import DemoCard


class DemoPanel(QWidget):
    """Buttons for demo cards (F1…F9) and 'take the card away' (F12)."""

    def __init__(
        self, cards: Sequence[DemoCard], remove: DemoCard, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("demoPanel")
        self.setFixedWidth(300)
        box = QVBoxLayout(self)
        title = QLabel("演示读卡器\nDemo card reader")
        box.addWidget(title)
        self.buttons: list[QPushButton] = []
        for i, card in enumerate(cards):
            key = f"F{i + 1}" if i < 9 else ""
            button = QPushButton(f"{key}  {card.label}" if key else card.label)
            button.clicked.connect(card.place)
            box.addWidget(button)
            self.buttons.append(button)
            if key:
                QShortcut(QKeySequence(key), self, activated=card.place)
        box.addSpacing(20)
        self.remove_button = QPushButton(f"F12  {remove.label}")
        self.remove_button.clicked.connect(remove.place)
        QShortcut(QKeySequence("F12"), self, activated=remove.place)
        box.addWidget(self.remove_button)
        box.addStretch(1)
