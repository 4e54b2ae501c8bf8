"""One service: what she gets and what to do next, her questions in pages, copies, and 打印.

No scrolling: the description and the questions are laid out in pages (上一页 / 下一页); a
required question she left out is outlined in red and its page brought into view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.messages import label as words
from kiosk.ui.inputs import DateInput, InputWidget, input_widget
from kiosk.ui.menu import clear_layout
from kiosk.ui.widgets import Pager, button, label, para, set_button
from kiosk.view import SessionView

if TYPE_CHECKING:
    from kiosk.catalog import CatalogItem

KIND_TEXT = {
    "certificate": ("证明", "certificate"),
    "form": ("申请表", "form"),
    "slip": ("告知单", "notice"),
}
PAPER_TEXT = {"a4": ("A4纸", "A4 paper"), "slip": ("小票", "a slip")}


class Copies(QWidget):
    """份数: [－] n [＋], big buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.low, self.high, self._value = 1, 1, 1
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.caption = label("份数", "inputLabel", wrap=False)
        self.minus = button("－", "step", name="少一份")
        self.plus = button("＋", "step", name="多一份")
        self.shown = label("1", "stepValue", wrap=False)
        self.minus.clicked.connect(lambda _c=False: self.set_value(self._value - 1))
        self.plus.clicked.connect(lambda _c=False: self.set_value(self._value + 1))
        for widget in (self.caption, self.minus, self.shown, self.plus):
            row.addWidget(widget)

    def value(self) -> int:
        """The number of copies."""
        return self._value

    def set_value(self, value: int) -> None:
        """Clamp to 1..high and show."""
        self._value = min(max(value, self.low), self.high)
        self.shown.setText(str(self._value))


class ItemScreen(QWidget):
    """Description, questions, copies, 打印."""

    print_requested = Signal(dict, int)
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inputs: dict[str, InputWidget] = {}
        self.item: CatalogItem | None = None
        self.page = 0
        self.lang = "zh_CN"
        self.scale = 1.0
        self._missing: tuple[str, ...] = ()
        self._about: QLabel | None = None  # the item's description (page one)
        outer = QVBoxLayout(self)
        self.outer = outer
        outer.setContentsMargins(40, 12, 40, 12)
        self.title = label("", "title")
        self.subtitle = label("", "subtitle")
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        self.body = QVBoxLayout()
        outer.addLayout(self.body, 1)
        self.pager = Pager(self._turn)
        outer.addWidget(self.pager)
        buttons = QHBoxLayout()
        self.back_button = button("返回", "quiet")
        self.back_button.setMinimumWidth(260)
        self.print_button = button("打印", "primary")
        self.back_button.clicked.connect(lambda _c=False: self.back_requested.emit())
        self.print_button.clicked.connect(lambda _c=False: self._print())
        self.copies = Copies()
        buttons.addWidget(self.back_button)
        buttons.addSpacing(20)
        buttons.addWidget(self.copies)
        buttons.addSpacing(20)
        buttons.addWidget(self.print_button, 1)
        outer.addLayout(buttons)

    def show_view(self, view: SessionView) -> None:
        """Lay out the view's item when it changes (her answers stay otherwise); mark what is
        missing and turn to its page."""
        restyled = view.locale != self.lang or view.text_scale != self.scale
        self.lang, self.scale = view.locale, view.text_scale
        if view.item is not self.item or (restyled and view.item is not None):
            answers = self.values() if view.item is self.item else {}
            self.show_item(view.item, answers)
        if view.missing != self._missing:
            self._missing = view.missing
            for key, widget in self.inputs.items():
                widget.mark_missing(key in view.missing)
            if view.missing and view.missing[0] in self.inputs:
                self._turn(self._page_of(view.missing[0]))

    def show_item(
        self, item: CatalogItem | None, answers: dict[str, str | None] | None = None
    ) -> None:
        """Lay out one item (None clears); `answers` are put back (a change of text size)."""
        self.item = item
        for widget in self.inputs.values():
            widget.hide()
            widget.deleteLater()
        self.inputs.clear()
        clear_layout(self.body)
        if self._about is not None:
            self._about.deleteLater()
            self._about = None
        if item is None:
            return
        en = self.lang == "en_US"
        self.title.setText(item.name_en if en else item.name_zh)
        kind = KIND_TEXT.get(item.kind, ("", ""))[1 if en else 0]
        paper = PAPER_TEXT.get(item.paper, ("", ""))[1 if en else 0]
        self.subtitle.setText(f"{kind} · {paper}" if kind else paper)
        for spec in item.inputs:
            widget = input_widget(spec, locale=self.lang)
            if isinstance(widget, DateInput):  # the open picker needs the page to itself
                widget.picking.connect(lambda open_, w=widget: self._focus(w, open_))
            if answers and spec.id in answers:
                widget.set_value(answers[spec.id])
            self.inputs[spec.id] = widget
        self.copies.high = item.max_copies
        self.copies.set_value(1)
        self.copies.setVisible(item.max_copies > 1)
        set_button(self.back_button, words("back", self.lang))
        set_button(self.print_button, words("print", self.lang))
        self.copies.caption.setText(words("copies", self.lang))
        self._missing = ()
        self.page = 0
        self._turn(0)

    def values(self) -> dict[str, str | None]:
        """Her answers: None for untouched, "" for 不填."""
        return {key: widget.value() for key, widget in self.inputs.items()}

    def _room(self) -> int:
        """Height left for the description and questions on this screen."""
        height = self.height() if self.height() > 100 else 886
        margins = self.outer.contentsMargins()
        used = margins.top() + margins.bottom() + 5 * self.outer.spacing()
        for widget in (self.title, self.subtitle, self.pager, self.print_button):
            used += widget.sizeHint().height()
        return max(200, height - used)

    def _paginate(self) -> list[list[str]]:
        """Questions into pages by their heights (the description takes room on page one)."""
        room = self._room()
        used = self._description().sizeHint().height() if self.item is not None else 0
        pages: list[list[str]] = [[]]
        for key, widget in self.inputs.items():
            height = widget.sizeHint().height()
            if used + height > room and used > 0:  # a full page (or the description alone)
                pages.append([])
                used = 0
            pages[-1].append(key)
            used += height
        return pages

    def _pages(self) -> int:
        return len(self._paginate())

    def show_question(self, input_id: str) -> None:
        """Turn to the page that asks `input_id`."""
        self._turn(self._page_of(input_id))

    def _page_of(self, input_id: str) -> int:
        return next(n for n, keys in enumerate(self._paginate()) if input_id in keys)

    def _description(self) -> QLabel:
        if self._about is None:
            self._about = label(
                para(self.item.description.strip() if self.item else ""), "description"
            )
        return self._about

    def _turn(self, page: int) -> None:
        """Show one page: the description and the first questions, then the rest."""
        self.page = page
        kept = set(map(id, self.inputs.values())) | ({id(self._about)} if self._about else set())
        while self.body.count():  # questions stay alive (her answers); the rest is redrawn
            taken = self.body.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()
                if id(widget) not in kept:
                    widget.deleteLater()
        if self.item is None:
            return
        pages = self._paginate()
        page = min(page, len(pages) - 1)
        self.page = page
        if page == 0:
            self.body.addWidget(self._description())
            self._description().show()
            if not self.inputs:
                self.body.addWidget(label(words("no_questions", self.lang), "subtitle"))
        for key in pages[page]:
            self.body.addWidget(self.inputs[key])
            self.inputs[key].show()
        self.body.addStretch(1)
        self.pager.show_pages(page, len(pages), self.lang)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Another height takes another number of questions per page."""
        super().resizeEvent(event)
        if event.oldSize().height() != event.size().height() and self.item is not None:
            self._turn(min(self.page, self._pages() - 1))

    def _focus(self, picker: InputWidget, alone: bool) -> None:
        """While a date picker is open, the other things on its page step aside."""
        for index in range(self.body.count()):
            entry = self.body.itemAt(index)
            widget = entry.widget() if entry is not None else None
            if widget is not None and widget is not picker:
                widget.setVisible(not alone)

    def _print(self) -> None:
        self.print_requested.emit(self.values(), self.copies.value())
