"""呼叫提醒: the open call-staff alerts of this terminal, each with 确认 (audited with who
answered). Shown as its own screen and inside diagnostics."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.db.staff import StaffCallRecord
from kiosk.ui.staff.parts import PagedRows, Row, set_label, slabel
from kiosk.ui.staff.services import Services, Staff
from kiosk.ui.staff.words import bi, word

SCREENS = {
    "menu": "选择事项 menu",
    "item": "事项 item",
    "confirm": "确认 confirm",
    "printing": "打印中 printing",
    "done": "完成 done",
    "error": "出错 error",
    "waiting": "待机 attract",
    "rating": "评价 rating",
}


def call_text(call: StaffCallRecord) -> str:
    """#id, when, which terminal, from which screen."""
    screen = SCREENS.get(call.screen, call.screen)
    return word(
        "call_row",
        id=call.id,
        at=f"{call.at:%m-%d %H:%M}",
        terminal=call.terminal_id,
        screen=screen,
    ).zh


def load_calls(services: Services) -> list[StaffCallRecord]:
    """This terminal's open alerts (worker)."""
    from kiosk.staff.calls import open_calls

    return open_calls(services.core.sessions, services.terminal_id)


class CallsList(QWidget):
    """The open alerts, each with 确认; `changed` after one is acknowledged."""

    changed = Signal()

    def __init__(self, staff: Staff, per_page: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.heading = slabel(bi("open_calls", " · "), "staffHeading")
        box.addWidget(self.heading)
        self.rows = PagedRows(per_page, action=bi("acknowledge", " "), empty=bi("no_calls", " · "))
        self.rows.acted.connect(self.acknowledge)
        box.addWidget(self.rows)

    def load(self) -> None:
        """Ask for the open alerts."""
        self.staff.run(load_calls, self.show_calls)

    def show_calls(self, calls: Sequence[StaffCallRecord]) -> None:
        """List them."""
        set_label(self.heading, f"{bi('open_calls', ' · ')}（{len(calls)}）")
        self.rows.set_rows([Row(str(c.id), call_text(c)) for c in calls])

    def acknowledge(self, key: str) -> None:
        """确认 one alert."""
        member = self.staff.member
        if member is None:
            return
        call_id, now = int(key), self.staff.now()

        def work(services: Services) -> list[StaffCallRecord]:
            from kiosk.staff.calls import acknowledge_call

            acknowledge_call(services.core.sessions, call_id, member, services.terminal_id, now=now)
            return load_calls(services)

        def done(calls: list[StaffCallRecord]) -> None:
            self.staff.say(word("acknowledged", id=call_id), "ok")
            self.show_calls(calls)
            self.changed.emit()

        self.staff.run(work, done)


class CallsScreen(QWidget):
    """The alerts on a screen of their own."""

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(30, 16, 30, 16)
        self.title = slabel(bi("calls", " · "), "staffTitle")
        box.addWidget(self.title)
        self.calls = CallsList(staff, per_page=8)
        box.addWidget(self.calls, 1)

    def enter(self) -> None:
        """Shown: load the alerts."""
        self.calls.load()
