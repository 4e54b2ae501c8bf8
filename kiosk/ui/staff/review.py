"""审核申请: the applications of this community awaiting review, oldest first; a tapped one
opens its case (kiosk.ui.staff.review_case)."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.review import ReviewCase
from kiosk.ui.staff.parts import PagedRows, Row, set_label, slabel
from kiosk.ui.staff.review_case import CaseView
from kiosk.ui.staff.services import Staff
from kiosk.ui.staff.words import bi


def case_row(case: ReviewCase) -> str:
    """One line per application: serial, certificate, applicant (masked), when."""
    return (
        f"{case.serial}　{case.title}\n{case.resident_name} {case.resident_masked_id}"
        f"　{case.requested_at:%Y-%m-%d %H:%M}"
    )


class ReviewScreen(QWidget):
    """The queue, then one case."""

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.cases: list[ReviewCase] = []
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.queue_page = QWidget()
        box = QVBoxLayout(self.queue_page)
        box.setContentsMargins(30, 16, 30, 16)
        self.heading = slabel(bi("review_queue", " · "), "staffTitle")
        box.addWidget(self.heading)
        self.rows = PagedRows(7, empty=bi("no_pending", " · "))
        self.rows.chosen.connect(self._open)
        box.addWidget(self.rows, 1)
        self.stack.addWidget(self.queue_page)
        self.case = CaseView(staff)
        self.case.closed.connect(self._back)
        self.stack.addWidget(self.case)

    def enter(self) -> None:
        """Shown: load the queue."""
        self.stack.setCurrentWidget(self.queue_page)
        self.load()

    def load(self) -> None:
        """Ask for the pending applications."""
        self.staff.run(lambda s: s.review.pending(), self.show_cases)

    def show_cases(self, cases: list[ReviewCase]) -> None:
        """List the applications."""
        self.cases = list(cases)
        set_label(self.heading, f"{bi('review_queue', ' · ')}（{len(self.cases)}）")
        self.rows.set_rows([Row(c.serial, case_row(c)) for c in self.cases])

    def _open(self, serial: str) -> None:
        case = next((c for c in self.cases if c.serial == serial), None)
        if case is not None:
            self.case.show_case(case)
            self.stack.setCurrentWidget(self.case)

    def _back(self, changed: bool) -> None:
        self.stack.setCurrentWidget(self.queue_page)
        if changed:
            self.load()
