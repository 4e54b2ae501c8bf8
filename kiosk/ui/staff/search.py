"""How staff look an issuance up without a keyboard: by serial (typed on a digit pad: the date
and the number), by the last 4 ID digits (then a name from the results), by item, each within a
date range (today, 7 days, 30 days, any).

`SearchForm` is the pure part (what is typed and chosen -> an IssuanceQuery); `SearchPanel`
draws it and says `search_requested` / `queue_requested`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.db.desk import IssuanceQuery
from kiosk.ui.staff.parts import (
    DigitPad,
    PagedRows,
    Row,
    check_quietly,
    choice_row,
    sbutton,
    set_label,
    slabel,
    typed,
    when_on,
)
from kiosk.ui.staff.words import bi

MODES = ("serial", "id", "item")
RANGES: dict[str, int | None] = {"today": 0, "days7": 6, "days30": 29, "any": None}
SERIAL_DIGITS = 13  # YYYYMMDD + a 5-digit sequence


@dataclass(frozen=True)
class SearchForm:
    """What staff have typed and chosen."""

    mode: str = "serial"
    digits: str = ""
    range_key: str = "any"
    item_id: str | None = None
    name: str | None = None

    def serial(self, community_code: str) -> str:
        """The serial the digits spell: <code>-<YYYYMMDD>-<NNNNN> (missing places as _)."""
        day = self.digits[:8].ljust(8, "_")
        sequence = self.digits[8:]
        number = sequence.zfill(5) if sequence else "_____"
        return f"{community_code}-{day}-{number}"

    def ready(self) -> bool:
        """True when a search can be made."""
        if self.mode == "serial":
            return len(self.digits) > 8
        if self.mode == "id":
            return len(self.digits) == 4
        return self.item_id is not None or self.range_key != "any"

    def query(self, today: date, community_code: str) -> IssuanceQuery:
        """The query this form asks (every terminal's issuances)."""
        days = RANGES.get(self.range_key)
        since = today - timedelta(days=days) if days is not None else None
        until = today if days is not None else None
        if self.mode == "serial":
            return IssuanceQuery(serial=self.serial(community_code), limit=50)
        if self.mode == "id":
            return IssuanceQuery(
                id_last4=self.digits, name=self.name, since=since, until=until, limit=200
            )
        return IssuanceQuery(item_id=self.item_id, since=since, until=until, limit=200)

    def press(self, key: str) -> SearchForm:
        """The form after a key of the digit pad."""
        most = SERIAL_DIGITS if self.mode == "serial" else 4
        if key == "X" and (self.mode != "id" or len(self.digits) != 3):
            return self  # X is only the last character of an ID number
        return replace(self, digits=typed(self.digits, key, most), name=None)


class SearchPanel(QWidget):
    """Mode buttons, the date range, the pad (or the item list), 查找 and 待补打队列."""

    search_requested = Signal()
    queue_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = SearchForm()
        self.community_code = ""
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        modes, self.modes = choice_row([(m, bi(f"search_{m}", "\n")) for m in MODES], columns=3)
        for key, widget in self.modes.items():  # toggled: assistive technology toggles too
            widget.toggled.connect(when_on(partial(self.set_mode, key)))
        box.addWidget(modes)
        ranges, self.ranges = choice_row(
            [(k, bi(k if k != "any" else "any_time", "\n")) for k in RANGES], columns=4
        )
        for key, widget in self.ranges.items():
            widget.toggled.connect(when_on(partial(self._range, key)))
        box.addWidget(ranges)
        self.display = slabel("", "staffEntry", wrap=False)
        box.addWidget(self.display)
        self.pad = DigitPad(with_x=True)
        self.pad.pressed.connect(self._key)
        box.addWidget(self.pad)
        self.items = PagedRows(5)
        self.items.chosen.connect(self._item)
        box.addWidget(self.items, 1)
        actions = QHBoxLayout()
        self.search = sbutton(bi("search", " "), "staffPrimary")
        self.queue = sbutton(bi("queue_button", " "))
        self.search.clicked.connect(lambda _c=False: self.search_requested.emit())
        self.queue.clicked.connect(lambda _c=False: self.queue_requested.emit())
        actions.addWidget(self.search, 1)
        actions.addWidget(self.queue, 1)
        box.addLayout(actions)
        self.set_mode("serial")

    def set_items(self, items: Sequence[tuple[str, str]]) -> None:
        """The catalogue's items (id, name) to search by."""
        self.items.set_rows([Row(item_id, f"{name}　{item_id}") for item_id, name in items])

    def set_mode(self, mode: str) -> None:
        """By serial, by ID digits, or by item."""
        self.form = replace(self.form, mode=mode, digits="", name=None)
        check_quietly(self.modes[mode])
        check_quietly(self.ranges[self.form.range_key])
        self.pad.setVisible(mode != "item")
        self.display.setVisible(mode != "item")
        self.items.setVisible(mode == "item")
        self._show()

    def choose_name(self, name: str | None) -> None:
        """Narrow an ID-digits search to one resident's name (None: every name)."""
        self.form = replace(self.form, name=name)

    def type_digits(self, digits: str) -> None:
        """Press these keys in turn (what a staff member's taps would do)."""
        for key in digits:
            self._key(key)

    def _key(self, key: str) -> None:
        self.form = self.form.press(key)
        self._show()

    def _range(self, key: str) -> None:
        self.form = replace(self.form, range_key=key)
        self._show()

    def _item(self, item_id: str) -> None:
        self.form = replace(self.form, item_id=item_id)
        self._show()

    def _show(self) -> None:
        form = self.form
        if form.mode == "serial":
            text = form.serial(self.community_code or "…")
        else:
            text = (form.digits + "____")[:4]
        set_label(self.display, text)
        self.pad.keys["X"].setEnabled(form.mode == "id")
        self.search.setEnabled(form.ready())
