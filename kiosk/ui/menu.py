"""The menu: 常用 and the ten categories on top, that category's services below in pages of big
buttons.

常用 (the catalogue's `frequent` list: what most residents come for) opens first, so the usual
paper is one touch away. No scrolling: a category's services are shown in catalogue order (the
same order for every resident), those she cannot have greyed in place with the reason, in pages
of at most 8 (fewer at larger text) with 上一页 / 下一页 buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.messages import label as words
from kiosk.ui.widgets import Pager, WrapButton, button, label, set_button
from kiosk.view import Availability, ResidentSummary, SessionView

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kiosk.catalog import Catalog, CatalogItem

# columns of services at each text scale; rows are as many as the screen's height takes
COLUMNS = {1.0: 4, 1.3: 2, 1.6: 2}
MIN_HEIGHT = 480  # greeting, tabs, one row of services and the pager
MAX_PER_PAGE = 8
FREQUENT = "frequent"  # the 常用 tab's id (no catalogue category has it: ids are checked)
FREQUENT_NAMES = ("常用", "Frequent")


def clear_layout(layout: QGridLayout | QVBoxLayout | QHBoxLayout) -> None:
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
        self.item_buttons: dict[str, WrapButton] = {}
        self.category_ids: list[str] = []
        self._category_columns = 0
        self.current_category = ""
        self.page = 0
        self.lang = "zh_CN"
        self.scale = 1.0
        self._resident: ResidentSummary | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 12, 24, 12)
        self.outer = outer
        top = QHBoxLayout()
        self.all_categories = button("‹ 全部类别", "quiet")  # large text: back to the categories
        self.all_categories.clicked.connect(lambda _c=False: self._choose_category())
        top.addWidget(self.all_categories)
        self.greeting = label("", "title", wrap=False)
        self.who = label("", "subtitle", wrap=False)
        names = QVBoxLayout()
        names.addWidget(self.greeting)
        names.addWidget(self.who)
        top.addLayout(names, 1)
        self.exit_button = button("退出", "quiet")
        self.exit_button.clicked.connect(lambda _c=False: self.exit_requested.emit())
        top.addWidget(self.exit_button)
        outer.addLayout(top)

        # all ten categories visible at once, two rows of five; at large text they are a page of
        # their own, and a category's services replace them (with a way back)
        self.category_box = QWidget()
        self.categories = QGridLayout(self.category_box)
        self.categories.setContentsMargins(0, 0, 0, 0)
        self.categories.setSpacing(8)
        self.category_group = QButtonGroup(self)
        self.category_group.idClicked.connect(lambda i: self.show_category(self.category_ids[i]))
        outer.addWidget(self.category_box)
        self.category_title = label("", "subtitle", wrap=False)
        outer.addWidget(self.category_title)
        self.choosing = False  # large text: the category page is showing
        self.items_grid = QGridLayout()
        self.items_grid.setSpacing(16)
        outer.addLayout(self.items_grid, 1)
        self.pager = Pager(self._turn)
        outer.addWidget(self.pager)

    def show_view(self, view: SessionView) -> None:
        """Follow the view: a new catalogue rebuilds the categories, a new resident is greeted
        on the first category, new availability or words redraw the page she is on."""
        rebuilt = view.catalog is not None and view.catalog is not self.catalog
        if view.catalog is not None and rebuilt:
            self._build_categories(view.catalog)
        resident = view.resident
        restyled = view.locale != self.lang or view.text_scale != self.scale
        self.lang, self.scale = view.locale, view.text_scale
        if resident is None:
            self.greeting.clear()
            self.who.clear()
            self.availability = {}
            self._resident = None
            return
        is_new = resident is not self._resident
        self._resident = resident
        self.greeting.setText(words("greeting", self.lang, name=resident.name))
        self.who.setText(f"{resident.masked_id}　{resident.community}")
        self.who.setVisible(self.scale < 1.6)  # the largest text keeps only what she needs
        set_button(self.exit_button, words("exit", self.lang))
        if is_new or rebuilt or restyled or view.availability is not self.availability:
            self.availability = view.availability
            if is_new and self.category_ids:
                self.show_category(self.category_ids[0])
                if self._large():
                    self._choose_category()
            else:
                self._name_categories()
                self._refresh()
            if restyled:  # sizes follow the new stylesheet on the next turn of the loop
                QTimer.singleShot(0, self._refresh)

    def show_category(self, category_id: str) -> None:
        """Open one category on its first page."""
        if self.catalog is None:
            return
        self.current_category = category_id
        self.page = 0
        self.choosing = False
        button_ = self.category_group.button(self.category_ids.index(category_id))
        if button_ is not None:
            button_.setChecked(True)
        self._refresh()

    def page_of(self, item_id: str) -> int:
        """The page of the open category that shows an item (for tests and voice)."""
        ids = [i.id for i in self._items()]
        return ids.index(item_id) // self._per_page()

    def show_item_page(self, item_id: str) -> None:
        """Open the category and page where an item is."""
        if self.catalog is None:
            return
        item = self.catalog.item(item_id)
        if item_id not in {i.id for i in self._items()}:
            self.show_category(item.category)
        self._turn(self.page_of(item_id))

    def _build_categories(self, catalog: Catalog) -> None:
        self.catalog = catalog
        for old in self.category_group.buttons():
            self.category_group.removeButton(old)
        clear_layout(self.categories)
        self.category_ids = []
        names = [(c.id, c.name_zh) for c in catalog.categories]
        if catalog.frequent:
            names.insert(0, (FREQUENT, FREQUENT_NAMES[0]))
        for i, (category_id, name) in enumerate(names):
            widget = button(name, "category")
            widget.setCheckable(True)
            self.category_group.addButton(widget, i)
            self.category_ids.append(category_id)
        self._category_columns = 0
        self._place_categories()
        if self.current_category not in self.category_ids:
            self.current_category = self.category_ids[0] if self.category_ids else ""

    def _name_categories(self) -> None:
        if self.catalog is None:
            return
        for i, category_id in enumerate(self.category_ids):
            widget = self.category_group.button(i)
            if isinstance(widget, QPushButton):
                set_button(widget, self._category_name(category_id))

    def _place_categories(self) -> None:
        """Two rows of tabs at normal text; at large text (their own page) three to a row."""
        count = len(self.category_ids)
        columns = 3 if self._large() else (6 if count > 10 else 5)
        if columns == self._category_columns:
            return
        self._category_columns = columns
        for i in range(count):
            widget = self.category_group.button(i)
            if widget is not None:
                self.categories.removeWidget(widget)
                self.categories.addWidget(widget, i // columns, i % columns)

    def _category_name(self, category_id: str) -> str:
        english = self.lang == "en_US"
        if category_id == FREQUENT or self.catalog is None:
            return FREQUENT_NAMES[1] if english else FREQUENT_NAMES[0]
        category = self.catalog.category(category_id)
        return category.name_en if english else category.name_zh

    def _items(self) -> tuple[CatalogItem, ...]:
        if self.catalog is None:
            return ()
        if self.current_category == FREQUENT:
            return tuple(self.catalog.item(i) for i in self.catalog.frequent)
        return self.catalog.in_category(self.current_category)

    def _columns(self) -> int:
        return COLUMNS.get(self.scale, 1)

    def _rows(self) -> int:
        """How many rows of service buttons fit between the heading and the pager, measured on
        the laid-out screen (an estimate before the first layout)."""
        probe = WrapButton("事项", "item")
        probe.ensurePolished()  # the stylesheet's sizes, not Qt's defaults
        row = max(probe.sizeHint().height(), 1) + self.items_grid.spacing()
        probe.deleteLater()
        if self.isVisible() and self.height() > 100:
            self.outer.activate()
            top = self.items_grid.geometry().top()
            pager = self.pager.sizeHint().height() + self.outer.spacing()
            bottom = self.height() - self.outer.contentsMargins().bottom() - pager
            return max(1, (bottom - top + self.items_grid.spacing()) // row)
        return max(1, (886 - 500) // row)

    def _per_page(self) -> int:
        return max(1, min(MAX_PER_PAGE, self._columns() * self._rows()))

    def minimumSizeHint(self) -> QSize:
        """Pages take the rows the height allows, so the menu never asks for the rows it shows
        now (a banner or a longer footer would otherwise push the window past the screen)."""
        hint = super().minimumSizeHint()
        return QSize(hint.width(), min(hint.height(), MIN_HEIGHT))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new height may take more or fewer rows: lay the page out again."""
        super().resizeEvent(event)
        if event.oldSize().height() != event.size().height() and self.item_buttons:
            self._refresh()

    def _turn(self, page: int) -> None:
        self.page = page
        self._refresh()

    def _large(self) -> bool:
        return self.scale >= 1.3

    def _choose_category(self) -> None:
        """Large text: the ten categories as a page of their own."""
        self.choosing = True
        self._refresh()

    def _refresh(self) -> None:
        """Draw the open page of the open category (or, at large text, the category page)."""
        clear_layout(self.items_grid)
        self.item_buttons.clear()
        large = self._large()
        self._place_categories()
        self.category_box.setVisible(not large or self.choosing)
        self.all_categories.setVisible(large and not self.choosing)
        set_button(self.all_categories, "‹ All services" if self.lang == "en_US" else "‹ 全部类别")
        browsing = large and not self.choosing
        self.greeting.setVisible(not browsing)  # the way back takes its place
        self.category_title.setVisible(not self.choosing and not (browsing and self.scale >= 1.6))
        if self.catalog is None or not self.current_category or (large and self.choosing):
            self.pager.setVisible(False)
            return
        items = self._items()
        per_page = self._per_page()
        pages = max(1, -(-len(items) // per_page))
        self.page = min(self.page, pages - 1)
        name = self._category_name(self.current_category)
        self.category_title.setText(f"{name}　{words('count', self.lang, n=len(items))}")
        columns = self._columns()
        unknown = Availability(False, "请先放置身份证")
        shown = items[self.page * per_page : (self.page + 1) * per_page]
        for n, item in enumerate(shown):
            verdict = self.availability.get(item.id, unknown)
            name = item.name_en if self.lang == "en_US" else item.name_zh
            why = f"{words('unavailable', self.lang)}：{verdict.reason}"
            text = name if verdict.ok else f"{name}<br><small>{why}</small>"
            widget = WrapButton(text, "item" if verdict.ok else "itemUnavailable")
            widget.setProperty("available", verdict.ok)
            widget.clicked.connect(lambda _c=False, item_id=item.id: self.item_chosen.emit(item_id))
            self.items_grid.addWidget(widget, n // columns, n % columns)
            self.item_buttons[item.id] = widget
        for n in range(len(shown), per_page):  # keep every button the same size on a short page
            self.items_grid.addWidget(QWidget(), n // columns, n % columns)
        for row in range(self.items_grid.rowCount()):
            self.items_grid.setRowStretch(row, 1)
        self.pager.show_pages(self.page, pages, self.lang)
