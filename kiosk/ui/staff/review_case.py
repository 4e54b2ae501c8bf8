"""One application under review: who applied for what, her answers, the facts staff fill in from
the committee's records (choices and keypads, as the catalogue declares them), then approve (the
sealed certificate prints on A4 under the same serial) or reject with a reason she is told."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.review import ReviewCase
from kiosk.staff.accounts import StaffMember
from kiosk.ui.input_base import InputWidget
from kiosk.ui.inputs import input_widget
from kiosk.ui.staff.parts import case_header, error_words, sbutton, set_label, slabel
from kiosk.ui.staff.reasons import reject_reasons
from kiosk.ui.staff.services import Services, Staff
from kiosk.ui.staff.words import bi, word
from kiosk.view import Message


@dataclass(frozen=True)
class Approval:
    """An approved application: printed, or why printing failed (it stays approved)."""

    serial: str
    print_error: Message | None = None


def approve_and_print(
    services: Services, serial: str, member: StaffMember, facts: Mapping[str, str]
) -> Approval:
    """Approve (sealed certificate, same serial) and print it on the A4 printer (worker)."""
    from printer.base import PrinterError

    issued = services.review.approve(serial, member, facts)
    try:
        services.core.issuer.print(issued, services.core.printers["a4"])
    except PrinterError as exc:
        return Approval(issued.serial, error_words(exc))
    return Approval(issued.serial)


def case_text(case: ReviewCase) -> str:
    """The application in lines: serial, certificate, applicant (masked), when, her answers."""
    lines = [
        f"编号 Serial：{case.serial}　{case.title}",
        f"申请人 Applicant：{case.resident_name}　{case.resident_masked_id}",
        f"申请时间 Applied：{case.requested_at:%Y-%m-%d %H:%M}　终端 Terminal：{case.terminal_id}",
    ]
    lines += [f"{question}：{answer}" for question, answer in case.answers]
    return "\n".join(lines)


class CaseView(QWidget):
    """The case, its facts form and 审核通过并打印; the rejection reasons and 不予出具.
    `closed(changed)` when staff go back."""

    closed = Signal(bool)

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.case: ReviewCase | None = None
        self.changed = False
        self.inputs: dict[str, InputWidget] = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(30, 12, 30, 12)
        header = case_header(box, lambda: self.closed.emit(self.changed))
        self.back, self.info, self.notice = header.back, header.info, header.notice
        sides = QHBoxLayout()
        sides.setSpacing(40)
        left = QVBoxLayout()
        left.addWidget(slabel(bi("facts", " · "), "staffHeading"))
        self.form = QVBoxLayout()
        left.addLayout(self.form)
        left.addStretch(1)
        self.approve = sbutton(bi("approve", " "), "staffPrimary")
        self.approve.clicked.connect(lambda _c=False: self.do_approve())
        left.addWidget(self.approve)
        right = QVBoxLayout()
        self.reasons = reject_reasons()
        right.addWidget(self.reasons)
        right.addStretch(1)
        self.reject = sbutton(bi("reject", " "), "staffDanger")
        self.reject.clicked.connect(lambda _c=False: self.do_reject())
        right.addWidget(self.reject)
        sides.addLayout(left, 3)
        sides.addLayout(right, 2)
        box.addLayout(sides, 1)

    def show_case(self, case: ReviewCase) -> None:
        """Show an application with an empty facts form."""
        self.case, self.changed = case, False
        set_label(self.info, case_text(case))
        while self.form.count():
            item = self.form.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        today = self.staff.now().date
        self.inputs = {spec.id: input_widget(spec, today=today) for spec in case.facts}
        for spec in case.facts:
            widget = self.inputs[spec.id]
            optional = "" if spec.required else "（可不填） (optional)"
            set_label(widget.label, f"{spec.label_zh} · {spec.label_en}{optional}")
            self.form.addWidget(widget)
        self.reasons.reset()
        self.notice.clear_text()
        self._enable(case.status == "pending_review")

    def facts(self) -> dict[str, str]:
        """The facts as entered (untouched ones left out: approval names what is missing)."""
        return {key: v for key, w in self.inputs.items() if (v := w.value()) is not None}

    def reject_reason(self) -> str:
        """The chosen reason, then a typed one."""
        parts = [p for p in (self.reasons.choice() or "", self.reasons.note()) if p]
        return "；".join(parts)

    def do_approve(self) -> None:
        """审核通过并打印."""
        case, member = self.case, self.staff.member
        if case is None or member is None:
            return
        facts, serial = self.facts(), case.serial
        self._enable(False)
        self.notice.say(word("working"))
        self.staff.run(
            lambda s: approve_and_print(s, serial, member, facts), self._approved, self._failed
        )

    def do_reject(self) -> None:
        """不予出具 with the reason."""
        case, member = self.case, self.staff.member
        if case is None or member is None:
            return
        reason, serial = self.reject_reason(), case.serial
        self._enable(False)
        self.notice.say(word("working"))
        self.staff.run(
            lambda s: s.review.reject(serial, member, reason), self._rejected, self._failed
        )

    def _approved(self, approval: Approval) -> None:
        self.changed = True
        if approval.print_error is None:
            self.notice.say(word("approved", serial=approval.serial), "ok")
        else:
            said = word("approved_unprinted", serial=approval.serial)
            error = approval.print_error
            self.notice.say(Message(f"{said.zh}（{error.zh}）", f"{said.en} ({error.en})"), "error")

    def _rejected(self, case: ReviewCase) -> None:
        self.changed = True
        self.case = case
        self.notice.say(word("rejected", serial=case.serial), "ok")

    def _failed(self, exc: Exception) -> None:
        self.notice.fail(exc)
        self._enable(self.case is not None and self.case.status == "pending_review")

    def _enable(self, on: bool) -> None:
        self.approve.setEnabled(on)
        self.reject.setEnabled(on)
