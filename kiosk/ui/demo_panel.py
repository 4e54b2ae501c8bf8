"""The demo's stand-in for a hand: put a card on the simulated reader, take it away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.demo_cards import DemoCard

if TYPE_CHECKING:
    from kiosk.demo import DemoHand


def _press(action: Callable[[], None]) -> Callable[[bool], None]:
    """A clicked(checked) slot that calls `action()`: `clicked` passes `checked`, a mouse click
    included, and a bare lambda would take it as its first argument."""

    def slot(_checked: bool = False) -> None:
        action()

    return slot


class DemoPanel(QWidget):
    """Buttons for demo cards (F1…F9) and 'take the card away' (F12); filled once ready."""

    def __init__(self, hand: DemoHand, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoPanel")
        self.setFixedWidth(300)
        self.box = QVBoxLayout(self)
        self.box.addWidget(QLabel("演示读卡器\nDemo card reader"))
        self.waiting = QLabel("正在准备…")
        self.box.addWidget(self.waiting)
        self.buttons: list[QPushButton] = []
        self._shortcuts: list[QShortcut] = []
        self.box.addSpacing(20)
        self.remove_button = QPushButton("F12  取走身份证")
        self.remove_button.setAccessibleName("取走身份证")
        self.remove_button.clicked.connect(_press(hand.remove))
        self._shortcuts.append(QShortcut(QKeySequence("F12"), self, hand.remove))
        self.box.addWidget(self.remove_button)
        self.box.addStretch(1)

    def show_cards(self, cards: Sequence[DemoCard]) -> None:
        """One button per demo card, F1… in order."""
        self.waiting.hide()
        for i, card in enumerate(cards):
            key = f"F{i + 1}" if i < 9 else ""
            button = QPushButton(f"{key}  {card.label}" if key else card.label)
            button.setAccessibleName(card.label)
            button.clicked.connect(_press(card.place))
            self.box.insertWidget(1 + i, button)
            self.buttons.append(button)
            if key:
                self._shortcuts.append(QShortcut(QKeySequence(key), self, card.place))
