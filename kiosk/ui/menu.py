"""The menu: ten categories on top, that category's services below."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

from kiosk.ui.widgets import WrapButton
from kiosk.view import Availability, ResidentSummary, SessionView

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kiosk.catalog import Catalog


def touch_scroll(area: QScrollArea) -> QScrollArea:
    """Drag-to-scroll with a finger, as residents expect."""
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def clear_layout(layout: QGridLayout | QVBoxLayout) -> None:
    """Remove and delete every widget of a layout (hidden at once, not at the next loop turn)."""
    while layout.count():
        child = layout.takeAt(0)
        widget = child.widget() if child is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()


class MenuScreen(QWidget):
    """Pick a category, then a service; unavailable services say why in plain words."""

    item_chosen = Signal(str)
    exit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog: Catalog | None = None
        self.availability: Mapping[str, Availability] = {}
        self._resident: ResidentSummary | None = None
        self.item_buttons: dict[str, WrapButton] = {}
        self.category_ids: list[str] = []
        self.current_category = ""
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
        self.categories = QGridLayout()
        self.categories.setSpacing(8)
        self.category_group = QButtonGroup(self)
        self.category_group.idClicked.connect(lambda i: self.show_category(self.category_ids[i]))
        outer.addLayout(self.categories)

        self.items_host = QWidget()
        self.items_grid = QGridLayout(self.items_host)
        self.items_grid.setSpacing(16)
        self.items_area = touch_scroll(QScrollArea())
        self.items_area.setWidget(self.items_host)
        self.category_title = QLabel()
        self.category_title.setObjectName("subtitle")
        outer.addWidget(self.category_title)
        outer.addWidget(self.items_area, 1)

    def show_view(self, view: SessionView) -> None:
        """Follow the view: a new catalogue rebuilds the categories, a new resident is greeted
        on the first category, new availability redraws the buttons where she is."""
        rebuilt = view.catalog is not None and view.catalog is not self.catalog
        if view.catalog is not None and rebuilt:
            self._build_categories(view.catalog)
        resident = view.resident
        if resident is None:
            self.greeting.clear()
            self.who.clear()
            self.availability = {}
            self._resident = None
            return
        is_new = resident is not self._resident
        self._resident = resident
        self.greeting.setText(f"{resident.name}，您好！")
        self.who.setText(f"身份证 {resident.masked_id}　{resident.community}")
        if is_new or rebuilt or view.availability is not self.availability:
            self.availability = view.availability
            if is_new and self.category_ids:
                self.show_category(self.category_ids[0])
            else:
                self._refresh(keep_scroll=True)

    def show_category(self, category_id: str) -> None:
        """List one category's services, each with its availability."""
        if self.catalog is None:
            return
        self.current_category = category_id
        index = self.category_ids.index(category_id)
        button = self.category_group.button(index)
        if button is not None:
            button.setChecked(True)
        category = self.catalog.categories[index]
        count = len(self.catalog.in_category(category_id))
        self.category_title.setText(
            f"{category.name_zh}（{category.name_en}）共{count}项，上下滑动可查看全部"
        )
        self._refresh()

    def _build_categories(self, catalog: Catalog) -> None:
        self.catalog = catalog
        for button in self.category_group.buttons():
            self.category_group.removeButton(button)
        clear_layout(self.categories)
        self.category_ids = []
        for i, category in enumerate(catalog.categories):
            button = QPushButton(category.name_zh)
            button.setObjectName("category")
            button.setCheckable(True)
            self.category_group.addButton(button, i)
            self.category_ids.append(category.id)
            self.categories.addWidget(button, i // 5, i % 5)
        if self.current_category not in self.category_ids:
            self.current_category = self.category_ids[0] if self.category_ids else ""

    def _refresh(self, keep_scroll: bool = False) -> None:
        """Rebuild the service buttons of the open category."""
        scrolled = self.items_area.verticalScrollBar().value()
        clear_layout(self.items_grid)
        self.item_buttons.clear()
        if self.catalog is None:
            return
        unknown = Availability(False, "请先放置身份证")
        judged = [
            (item, self.availability.get(item.id, unknown))
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
