"""Widgets the staff screens share: bilingual buttons and labels, a line saying what happened,
a digit pad, and a paged list of rows (no scrolling: pages with big 上一页 / 下一页)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from civic.errors import BilingualError
from kiosk.ui.staff.words import bi, both
from kiosk.ui.widgets import button, set_button
from kiosk.view import Message


def sbutton(text: str, name: str = "", *, checkable: bool = False) -> QPushButton:
    """A staff button: its accessible name is what it shows (both languages, one line)."""
    widget = button(text, name)
    widget.setCheckable(checkable)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch screen: no focus rectangles
    return widget


def slabel(text: str = "", name: str = "staffInfo", *, wrap: bool = True) -> QLabel:
    """A staff label (its accessible name follows its text: see `set_label`)."""
    widget = QLabel(text)
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setAccessibleName(text.replace("\n", " "))
    return widget


def set_label(widget: QLabel, text: str) -> None:
    """New text on a label, and on its accessible name."""
    widget.setText(text)
    widget.setAccessibleName(text.replace("\n", " "))


def relabel(widget: QPushButton, text: str) -> None:
    """New words on a staff button (and its accessible name)."""
    set_button(widget, text)


def error_words(exc: BaseException) -> Message:
    """What staff are told about a failure: the bilingual message and, for staff, the detail."""
    from kiosk.staff.errors import StaffError

    if isinstance(exc, BilingualError):
        zh, en = exc.resident_message
        plain = isinstance(exc, StaffError)  # its words are already for staff
        detail = exc.detail if exc.detail and not plain and exc.detail not in (zh, en) else ""
        return Message(zh, f"{en} ({detail})" if detail else en)
    return Message("操作失败，请重试或联系管理员", f"Failed: {type(exc).__name__}")


class Notice(QLabel):
    """One line saying what just happened: green when it worked, red when it did not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("staffInfo")
        self.kind = ""

    def say(self, message: Message, kind: str = "info") -> None:
        """Show `message` (kind: ok, error or info)."""
        self.kind = kind
        self.setObjectName({"ok": "staffOk", "error": "staffError"}.get(kind, "staffInfo"))
        self.style().unpolish(self)
        self.style().polish(self)
        set_label(self, both(message))

    def fail(self, exc: BaseException) -> None:
        """Say why something failed."""
        self.say(error_words(exc), "error")

    def clear_text(self) -> None:
        """Say nothing."""
        self.kind = ""
        set_label(self, "")


@dataclass(frozen=True)
class CaseHeader:
    """The top of a staff screen about one case: 返回, what the case is, what just happened."""

    back: QPushButton
    info: QLabel
    notice: Notice


def case_header(box: QVBoxLayout, on_back: Callable[[], None]) -> CaseHeader:
    """Add 返回 (top left), the case's info line beside it and a Notice below to `box`."""
    top = QHBoxLayout()
    back = sbutton(bi("back", " "))
    back.clicked.connect(lambda _c=False: on_back())
    top.addWidget(back, 0, Qt.AlignmentFlag.AlignTop)
    info = slabel("", "staffInfo")
    top.addWidget(info, 1)
    box.addLayout(top)
    notice = Notice()
    box.addWidget(notice)
    return CaseHeader(back, info, notice)


KEY_TEXT = {"back": ("⌫", "delete"), "clear": ("清除 Clear", "clear")}  # shown, said


class DigitPad(QWidget):
    """0-9 (and X, when asked), ⌫ and 清除: emits the key pressed."""

    pressed = Signal(str)

    def __init__(self, *, with_x: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X" if with_x else "", "0", "back"]
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate([*keys, "clear"]):
            if not key:
                continue
            shown, said = KEY_TEXT.get(key, (key, ""))
            widget = sbutton(shown, "staffKey")
            if said:
                widget.setAccessibleName(bi(said, " "))
            widget.clicked.connect(lambda _c=False, key=key: self.pressed.emit(key))
            row, column = divmod(index, 3)
            grid.addWidget(widget, row, column, 1, 3 if key == "clear" else 1)
            self.keys[key] = widget
        for column in range(3):
            grid.setColumnStretch(column, 1)


def typed(digits: str, key: str, most: int) -> str:
    """The digits after one key of a DigitPad (at most `most` of them)."""
    if key == "back":
        return digits[:-1]
    if key == "clear":
        return ""
    return digits + key if len(digits) < most else digits


@dataclass(frozen=True)
class Row:
    """One line of a PagedRows list: its key, what it shows, whether it can be chosen."""

    key: str
    text: str
    enabled: bool = True


class PagedRows(QWidget):
    """A list of rows as big buttons, `per_page` at a time; `chosen` when one is tapped, and
    `acted` when its own action button (if the list has one) is."""

    chosen = Signal(str)
    acted = Signal(str)

    def __init__(
        self,
        per_page: int = 6,
        *,
        action: str | None = None,
        empty: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.per_page, self.action, self.empty = per_page, action, empty
        self.rows: list[Row] = []
        self.selected: str | None = None
        self.page = 0
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        self.empty_label = slabel(empty, "staffSmall")
        box.addWidget(self.empty_label)
        self.slots: list[tuple[QPushButton, QPushButton | None]] = []
        for _ in range(per_page):
            line = QHBoxLayout()
            row = sbutton("", "staffRow", checkable=True)
            row.clicked.connect(lambda _c=False, b=row: self._tap(b))
            line.addWidget(row, 1)
            act = None
            if action is not None:
                act = sbutton(action, "staffPrimary")
                act.clicked.connect(lambda _c=False, b=row: self._act(b))
                line.addWidget(act)
            box.addLayout(line)
            self.slots.append((row, act))
        box.addStretch(1)
        pager = QHBoxLayout()
        self.prev = sbutton(bi("prev", " "))
        self.next = sbutton(bi("next", " "))
        self.where = slabel("", "staffSmall", wrap=False)
        self.where.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prev.clicked.connect(lambda _c=False: self.show_page(self.page - 1))
        self.next.clicked.connect(lambda _c=False: self.show_page(self.page + 1))
        pager.addWidget(self.prev)
        pager.addWidget(self.where, 1)
        pager.addWidget(self.next)
        box.addLayout(pager)
        self._pager = (self.prev, self.where, self.next)
        self.set_rows([])

    @property
    def pages(self) -> int:
        """How many pages the rows take (at least one)."""
        return max(1, -(-len(self.rows) // self.per_page))

    def set_rows(self, rows: Sequence[Row], *, keep: bool = True) -> None:
        """Show these rows (from the first page; the selection stays if its row is still here)."""
        self.rows = list(rows)
        keys = {r.key for r in self.rows}
        if not keep or self.selected not in keys:
            self.selected = None
        self.show_page(0)

    def show_page(self, page: int) -> None:
        """Show one page of rows."""
        self.page = min(max(page, 0), self.pages - 1)
        shown = self.rows[self.page * self.per_page : (self.page + 1) * self.per_page]
        for index, (row, act) in enumerate(self.slots):
            if index < len(shown):
                item = shown[index]
                relabel(row, item.text)
                row.setProperty("key", item.key)
                row.setEnabled(item.enabled)
                row.setChecked(item.key == self.selected)
            row.setVisible(index < len(shown))
            if act is not None:
                act.setVisible(index < len(shown))
                act.setEnabled(index < len(shown) and shown[index].enabled)
        self.empty_label.setVisible(not self.rows and bool(self.empty))
        set_label(self.where, bi("page", " ", n=self.page + 1, of=self.pages))
        self.prev.setEnabled(self.page > 0)
        self.next.setEnabled(self.page + 1 < self.pages)
        for widget in self._pager:
            widget.setVisible(self.pages > 1)

    def button_for(self, key: str) -> QPushButton:
        """The row button of `key`, turning to its page (KeyError if no such row)."""
        index = next(i for i, r in enumerate(self.rows) if r.key == key)
        self.show_page(index // self.per_page)
        return self.slots[index % self.per_page][0]

    def action_for(self, key: str) -> QPushButton:
        """The action button beside the row of `key`."""
        row = self.button_for(key)
        act = next(a for r, a in self.slots if r is row)
        assert act is not None, "this list has no action buttons"
        return act

    def _tap(self, row: QPushButton) -> None:
        key = str(row.property("key"))
        self.selected = key
        for other, _ in self.slots:
            other.setChecked(other is row)
        self.chosen.emit(key)

    def _act(self, row: QPushButton) -> None:
        self.acted.emit(str(row.property("key")))


def when_on(slot: Callable[[], object]) -> Callable[[bool], None]:
    """A `toggled` slot that acts when the button turns on (a choice made by hand or by
    assistive technology's Toggle), and not when it turns off."""

    def toggled(on: bool) -> None:
        if on:
            slot()

    return toggled


CHECK = "✓ "  # a chosen button says so by its shape too, not only by its colour


def show_mark(widget: QPushButton, text: str | None = None) -> None:
    """The button's words (new ones if given), with ✓ in front while it is checked."""
    if text is not None:
        widget.setProperty("plain", text)
    plain = str(widget.property("plain") or "")
    set_button(widget, f"{CHECK}{plain}" if widget.isChecked() else plain, plain.replace("\n", " "))


def check_quietly(widget: QPushButton, on: bool = True) -> None:
    """Check (or uncheck) a button without its `toggled`: the program, not a person, chose."""
    widget.blockSignals(True)
    exclusive = widget.autoExclusive()
    if not on:
        widget.setAutoExclusive(False)
    widget.setChecked(on)
    widget.setAutoExclusive(exclusive)
    widget.blockSignals(False)
    show_mark(widget)


def choice_row(
    keys: Sequence[tuple[str, str]], *, columns: int = 5
) -> tuple[QWidget, dict[str, QPushButton]]:
    """A grid of exclusive checkable buttons (key, text); returns it and the buttons by key."""
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setSpacing(8)
    buttons: dict[str, QPushButton] = {}
    for index, (key, text) in enumerate(keys):
        widget = sbutton(text, checkable=True)
        widget.setAutoExclusive(True)
        widget.setProperty("plain", text)
        widget.toggled.connect(lambda _on, w=widget: show_mark(w))
        grid.addWidget(widget, *divmod(index, columns))
        buttons[key] = widget
    return box, buttons
