"""补打与作废: the queue of print-failed and unfinished papers first, the search beside it, and
one issuance's reprint and void (kiosk.ui.staff.issuance) when a row is tapped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from kiosk.db.desk import IssuanceQuery, IssuanceRow
from kiosk.staff.desk import status_label
from kiosk.ui.staff.issuance import IssuanceView
from kiosk.ui.staff.parts import (
    PagedRows,
    Row,
    check_quietly,
    sbutton,
    set_label,
    show_mark,
    slabel,
    when_on,
)
from kiosk.ui.staff.search import SearchPanel
from kiosk.ui.staff.services import Services, Staff
from kiosk.ui.staff.words import bi, word

MAX_NAMES = 4  # name buttons over the results of an ID-digits search


@dataclass(frozen=True)
class Found:
    """Rows of a search or the queue, with the item names to show them by."""

    rows: tuple[IssuanceRow, ...]
    names: dict[str, str] = field(default_factory=dict)
    queue: bool = False


def find(services: Services, query: IssuanceQuery | None) -> Found:
    """The queue (query None) or a search's rows (worker thread)."""
    rows = services.desk.queue() if query is None else services.desk.search(query)
    names = {r.item_id: services.item_name(r.item_id) for r in rows}
    return Found(tuple(rows), names, queue=query is None)


def row_text(row: IssuanceRow, item_name: str) -> str:
    """Two lines: serial, item, resident (masked); status, copies, reprints, when."""
    zh, en = status_label(row.status)
    text = word(
        "row",
        serial=row.serial,
        item=item_name,
        name=row.resident_name,
        masked=row.resident_masked_id,
        status=f"{zh} {en}",
        copies=row.copies,
        reprints=row.reprints,
        at=f"{row.created_at:%Y-%m-%d %H:%M}",
    )
    return text.zh


class DeskScreen(QWidget):
    """The list (queue or results) and the search; a tapped row opens its issuance view."""

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.found = Found(())
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.list_page = QWidget()
        row = QHBoxLayout(self.list_page)
        row.setContentsMargins(30, 16, 30, 16)
        row.setSpacing(30)
        left = QVBoxLayout()
        self.heading = slabel(bi("queue", " · "), "staffTitle")
        left.addWidget(self.heading)
        self.names_row = QHBoxLayout()
        self.name_buttons: list[QPushButton] = []
        for _ in range(MAX_NAMES + 1):
            widget = sbutton("", checkable=True)
            widget.setAutoExclusive(True)
            widget.toggled.connect(when_on(partial(self._name, widget)))
            widget.toggled.connect(lambda _on, w=widget: show_mark(w))
            widget.hide()
            self.names_row.addWidget(widget)
            self.name_buttons.append(widget)
        self.names_row.addStretch(1)
        left.addLayout(self.names_row)
        self.rows = PagedRows(6, empty=bi("none_found", " · "))
        self.rows.chosen.connect(self._open)
        left.addWidget(self.rows, 1)
        row.addLayout(left, 3)
        self.search = SearchPanel()
        self.search.search_requested.connect(self.run_search)
        self.search.queue_requested.connect(self.show_queue)
        row.addWidget(self.search, 2)
        self.stack.addWidget(self.list_page)
        self.issuance = IssuanceView(staff)
        self.issuance.closed.connect(self._back)
        self.stack.addWidget(self.issuance)

    def enter(self) -> None:
        """Shown: the queue first, and the catalogue's items for the search by item."""
        self.search.community_code = self.staff.community_code
        self.search.set_mode(self.search.form.mode)
        self.stack.setCurrentWidget(self.list_page)
        self.staff.run(
            lambda s: [(i.id, i.name_zh) for i in s.core.catalog.items], self.search.set_items
        )
        self.show_queue()

    def show_queue(self) -> None:
        """待补打: print-failed and unfinished papers of this terminal, newest first."""
        self.staff.run(lambda s: find(s, None), self.show_found)

    def run_search(self) -> None:
        """Search as the panel's form says."""
        query = self.search.form.query(self.staff.now().date(), self.staff.community_code)
        self.staff.run(lambda s: find(s, query), self.show_found)

    def show_found(self, found: Found) -> None:
        """Show rows (and, after an ID-digits search, the names among them)."""
        self.found = found
        if found.queue:
            set_label(self.heading, f"{bi('queue', ' · ')}（{len(found.rows)}）")
        else:
            set_label(self.heading, bi("results", " · ", n=len(found.rows)))
        self.rows.set_rows(
            [Row(r.serial, row_text(r, found.names.get(r.item_id, r.item_id))) for r in found.rows]
        )
        self._show_names(found)

    def _show_names(self, found: Found) -> None:
        form = self.search.form
        names = sorted({r.resident_name for r in found.rows})
        shown = not found.queue and form.mode == "id" and (len(names) > 1 or form.name)
        labels = [bi("all_names", " "), *names[:MAX_NAMES]] if shown else []
        for index, widget in enumerate(self.name_buttons):
            if index < len(labels):
                widget.setProperty("plain", labels[index])
                widget.setProperty("name", "" if index == 0 else labels[index])
                check_quietly(widget, (form.name or "") == widget.property("name"))
            widget.setVisible(index < len(labels))

    def _name(self, widget: QPushButton) -> None:
        name = str(widget.property("name") or "") or None
        self.search.choose_name(name)
        self.run_search()

    def _open(self, serial: str) -> None:
        row = next((r for r in self.found.rows if r.serial == serial), None)
        if row is not None:
            self.issuance.show_row(row, self.found.names.get(row.item_id, row.item_id))
            self.stack.setCurrentWidget(self.issuance)

    def _back(self, changed: bool) -> None:
        self.stack.setCurrentWidget(self.list_page)
        if changed:
            self._refresh()

    def _refresh(self) -> None:
        if self.found.queue or not self.search.form.ready():
            self.show_queue()
        else:
            self.run_search()

    def rows_shown(self) -> Sequence[str]:
        """The serials in the list now (tests and screen readers)."""
        return [r.key for r in self.rows.rows]
