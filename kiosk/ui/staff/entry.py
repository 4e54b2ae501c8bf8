"""Staff entry: the name picker (after the corner hold) and the PIN pad.

Both only draw and emit: the controller (kiosk.ui.staff.mode) checks the PIN on the worker and
hands refusals back (`PinPad.refused`): a wrong PIN with the tries left, or a lock and its end.
The PIN is shown as dots and never leaves this widget but in `submitted`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.staff.errors import LockedError
from kiosk.staff.pins import MAX_DIGITS, MIN_DIGITS
from kiosk.ui.staff.parts import DigitPad, Notice, PagedRows, Row, sbutton, set_label, slabel, typed
from kiosk.ui.staff.words import bi, word
from kiosk.view import Message


def shown_time(when: datetime) -> str:
    """A lock's end as staff read it on the screen."""
    return when.strftime("%H:%M:%S")


class NamePicker(QWidget):
    """请选择您的姓名: the enabled accounts as big buttons."""

    picked = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(80, 30, 80, 30)
        self.title = slabel(bi("pick_name", " · "), "staffTitle")
        self.lock = Notice()
        self.names = PagedRows(8, empty=bi("no_accounts", " · "))
        self.names.chosen.connect(self.picked.emit)
        self.cancel = sbutton(bi("cancel", " "))
        self.cancel.clicked.connect(lambda _c=False: self.cancelled.emit())
        box.addWidget(self.title)
        box.addWidget(self.lock)
        box.addWidget(self.names, 1)
        box.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignLeft)

    def show_names(self, names: Sequence[str], locked_until: datetime | None) -> None:
        """The names to choose from; the terminal's lock, if one is in force."""
        self.names.set_rows([Row(name, name) for name in names], keep=False)
        if locked_until is not None:
            self.lock.say(word("entry_locked", until=shown_time(locked_until)), "error")
        else:
            self.lock.clear_text()


class PinPad(QWidget):
    """{name}，请输入密码: dots for the digits, a pad, 登录 and 取消."""

    submitted = Signal(str, str)  # name, PIN
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = ""
        self.digits = ""
        self.waiting = False
        row = QHBoxLayout(self)
        row.setContentsMargins(80, 30, 80, 30)
        row.setSpacing(60)
        side = QVBoxLayout()
        self.title = slabel("", "staffTitle")
        self.dots = slabel("", "staffPin", wrap=False)
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice = Notice()
        self.lock = slabel("", "staffError")
        self.sign_in = sbutton(bi("sign_in", " "), "staffPrimary")
        self.cancel = sbutton(bi("cancel", " "))
        self.sign_in.clicked.connect(lambda _c=False: self._submit())
        self.cancel.clicked.connect(lambda _c=False: self.cancelled.emit())
        for widget in (self.title, self.dots, self.notice, self.lock):
            side.addWidget(widget)
        side.addStretch(1)
        side.addWidget(self.sign_in)
        side.addWidget(self.cancel)
        row.addLayout(side, 1)
        self.pad = DigitPad()
        self.pad.setMaximumWidth(560)
        self.pad.pressed.connect(self._key)
        row.addWidget(self.pad, 1, Qt.AlignmentFlag.AlignTop)
        self._show()

    def ask(self, name: str) -> None:
        """Ask `name` for a PIN (a fresh pad)."""
        self.name, self.digits, self.waiting = name, "", False
        set_label(self.title, bi("enter_pin", " · ", name=name))
        self.notice.clear_text()
        set_label(self.lock, "")
        self._show()

    def refused(self, exc: BaseException) -> None:
        """Say why the PIN was refused; a lock names its end."""
        self.digits, self.waiting = "", False
        self.notice.fail(exc)
        if isinstance(exc, LockedError):
            set_label(self.lock, bi("locked_until", " · ", until=shown_time(exc.until)))
        else:
            set_label(self.lock, "")
        self._show()

    def _key(self, key: str) -> None:
        if not self.waiting:
            self.digits = typed(self.digits, key, MAX_DIGITS)
            self._show()

    def _submit(self) -> None:
        if len(self.digits) >= MIN_DIGITS and not self.waiting:
            self.waiting = True
            pin, self.digits = self.digits, ""
            self.notice.say(word("working"))
            self._show()
            self.submitted.emit(self.name, pin)

    def _show(self) -> None:
        self.dots.setText("●" * len(self.digits) or "—")
        said = word("pin_digits", n=len(self.digits))
        self.dots.setAccessibleName(f"{said.zh} {said.en}")
        self.sign_in.setEnabled(len(self.digits) >= MIN_DIGITS and not self.waiting)


def lock_message(until: datetime) -> Message:
    """本机工作人员登录已锁定至… for the terminal's lock."""
    return word("entry_locked", until=shown_time(until))
