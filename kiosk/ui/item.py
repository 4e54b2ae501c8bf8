"""One service: what you get and what to do next, a few questions, and one big print button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.ui.inputs import InputWidget, Stepper, input_widget
from kiosk.ui.menu import clear_layout, touch_scroll
from kiosk.view import SessionView

if TYPE_CHECKING:
    from kiosk.catalog import CatalogItem

KIND_TEXT = {"certificate": "证明", "form": "申请表", "slip": "告知单"}
PAPER_TEXT = {"a4": "A4纸", "slip": "小票"}


class ItemScreen(QWidget):
    """Description, inputs, copies, print."""

    print_requested = Signal(dict, int)
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inputs: dict[str, InputWidget] = {}
        self.item: CatalogItem | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 16, 40, 16)
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("subtitle")
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        outer.addSpacing(12)
        self.body = QWidget()
        self.body_box = QVBoxLayout(self.body)
        self.body_box.setContentsMargins(0, 0, 16, 0)
        area = touch_scroll(QScrollArea())
        area.setWidget(self.body)
        outer.addWidget(area, 1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("返回  Back")
        self.back_button.setObjectName("quiet")
        self.back_button.setMinimumWidth(260)
        self.print_button = QPushButton("打印  Print")
        self.print_button.setObjectName("primary")
        self.back_button.clicked.connect(self.back_requested.emit)
        self.print_button.clicked.connect(self._print)
        self.copies_label = QLabel("份数")
        self.copies_label.setObjectName("inputLabel")
        self.copies = Stepper(1, 1, 1, "份")
        buttons.addWidget(self.back_button)
        buttons.addSpacing(20)
        buttons.addWidget(self.copies_label)
        buttons.addWidget(self.copies)
        buttons.addSpacing(20)
        buttons.addWidget(self.print_button, 1)
        outer.addLayout(buttons)

    def show_view(self, view: SessionView) -> None:
        """Lay out the view's item when it changes (answers given so far stay otherwise)."""
        if view.item is not self.item:
            self.show_item(view.item)

    def show_item(self, item: CatalogItem | None) -> None:
        """Lay out one item (None clears)."""
        self.item = item
        clear_layout(self.body_box)
        self.inputs.clear()
        if item is None:
            return
        self.title.setText(item.name_zh)
        kind = KIND_TEXT.get(item.kind, "")
        paper = PAPER_TEXT.get(item.paper, "")
        review = "　打印后请交窗口工作人员审核" if item.staff_review else ""
        self.subtitle.setText(f"{item.name_en}　·　打印{kind}（{paper}）{review}")
        description = QLabel(item.description.strip())
        description.setObjectName("description")
        description.setWordWrap(True)
        self.body_box.addWidget(description)
        for spec in item.inputs:
            widget = input_widget(spec)
            self.inputs[spec.id] = widget
            self.body_box.addWidget(widget)
        self.copies.high = item.max_copies
        self.copies.set_value(1)
        self.copies.setVisible(item.max_copies > 1)
        self.copies_label.setVisible(item.max_copies > 1)
        self.body_box.addStretch(1)

    def values(self) -> dict[str, str]:
        """The answers given so far (unanswered ones left out)."""
        return {key: v for key, w in self.inputs.items() if (v := w.value()) is not None}

    def _print(self) -> None:
        self.print_requested.emit(self.values(), self.copies.value())
