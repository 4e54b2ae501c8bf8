"""The menu: ten categories on the left, that category's services on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from kiosk.session import Availability
from kiosk.ui.widgets import WrapButton


def touch_scroll(area: QScrollArea) -> QScrollArea:
    """Drag-to-scroll with a finger, as residents expect."""
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class MenuScreen(QWidget):
    """Pick a category, then a service; unavailable services say why in plain words."""

    item_chosen = Signal(str)
    exit_requested = Signal()

    def __init__(
        self,
        catalog: Any,
        availability: Callable[[Any], Availability],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.availability = availability
        self.item_buttons: dict[str, WrapButton] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        top = QHBoxLayout()
        self.greeting = QLabel()
        self.greeting.setObjectName("title")
        self.who = QLabel()
        self.who.setObjectName("subtitle")
        names = QVBoxLayout()
        names.addWidget(self.greeting)
        names.addWidget(self.who)
        top.addLayout(names, 1)
        self.exit_button = QPushButton("退出  Exit")
        self.exit_button.setObjectName("quiet")
        self.exit_button.clicked.connect(self.exit_requested.emit)
        top.addWidget(self.exit_button)
        outer.addLayout(top)

        # all ten categories visible at once, two rows of five: nothing hidden behind a scroll
        cats = QGridLayout()
        cats.setSpacing(8)
        self.category_group = QButtonGroup(self)
        self.category_ids: list[str] = []
        for i, category in enumerate(catalog.categories):
            button = QPushButton(category.name_zh)
            button.setObjectName("category")
            button.setCheckable(True)
            self.category_group.addButton(button, i)
            self.category_ids.append(category.id)
            cats.addWidget(button, i // 5, i % 5)
        self.category_group.idClicked.connect(lambda i: self.show_category(self.category_ids[i]))
        outer.addLayout(cats)

        self.items_host = QWidget()
        self.items_grid = QGridLayout(self.items_host)
        self.items_grid.setSpacing(16)
        self.items_area = touch_scroll(QScrollArea())
        self.items_area.setWidget(self.items_host)
        self.category_title = QLabel()
        self.category_title.setObjectName("subtitle")
        outer.addWidget(self.category_title)
        outer.addWidget(self.items_area, 1)
        self.current_category = self.category_ids[0] if self.category_ids else ""

    def show_resident(self, resident: Any) -> None:
        """Greet the resident (masked number only) and open the first category."""
        if resident is None:
            self.greeting.clear()
            self.who.clear()
            return
        self.greeting.setText(f"{resident.name}，您好！")
        self.who.setText(f"身份证 {resident.masked_id}　{resident.community}")
        self.show_category(self.category_ids[0])

    def show_category(self, category_id: str) -> None:
        """List one category's services, each with its availability."""
        self.current_category = category_id
        index = self.category_ids.index(category_id)
        self.category_group.button(index).setChecked(True)
        category = self.catalog.categories[index]
        count = len(self.catalog.in_category(category_id))
        self.category_title.setText(
            f"{category.name_zh}（{category.name_en}）共{count}项，上下滑动可查看全部"
        )
        self.refresh()

    def refresh(self, keep_scroll: bool = False) -> None:
        """Rebuild the service buttons (availability changes with printers)."""
        scrolled = self.items_area.verticalScrollBar().value()
        while self.items_grid.count():
            widget = self.items_grid.takeAt(0).widget()
            if widget is not None:
                widget.hide()  # gone at once, not at the next event loop turn
                widget.deleteLater()
        self.item_buttons.clear()
        judged = [
            (item, self.availability(item))
            for item in self.catalog.in_category(self.current_category)
        ]
        judged.sort(key=lambda pair: not pair[1].ok)  # what the resident can do comes first
        for i, (item, verdict) in enumerate(judged):
            text = (
                item.name_zh
                if verdict.ok
                else f"{item.name_zh}<br><small>不能办理：{verdict.reason}</small>"
            )
            button = WrapButton(text, "item" if verdict.ok else "itemUnavailable")
            button.setProperty("available", verdict.ok)
            button.setToolTip(item.name_en)
            button.clicked.connect(lambda _c=False, item_id=item.id: self.item_chosen.emit(item_id))
            self.items_grid.addWidget(button, i // 2, i % 2)
            self.item_buttons[item.id] = button
        self.items_grid.setRowStretch(self.items_grid.rowCount(), 1)
        self.items_area.verticalScrollBar().setValue(scrolled if keep_scroll else 0)
