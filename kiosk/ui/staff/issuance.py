"""One issuance: what it is, and its two actions, each with its reason: 补打 (printed again,
marked 补打 n) and 作废. A voided paper (or one awaiting review, or rejected) offers no reprint."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.db.desk import IssuanceRow
from kiosk.staff.accounts import StaffMember
from kiosk.staff.desk import IssuanceDesk, Reprinted, status_label
from kiosk.staff.errors import StaffError, StaffInputError
from kiosk.staff.reasons import ReprintReason, VoidReason
from kiosk.ui.staff.parts import case_header, sbutton, set_label
from kiosk.ui.staff.reasons import reprint_reasons, void_reasons
from kiosk.ui.staff.services import Services, Staff
from kiosk.ui.staff.words import bi, both, word

PRINT_STATES = {
    "done": "已打印 printed",
    "failed": "失败 failed",
    "unknown": "结果不明 unknown",
    "queued": "排队中 queued",
    "sent": "已发送 sent",
}


def details(row: IssuanceRow, item_name: str) -> str:
    """The issuance in lines: serial, item, resident (masked), status, copies, reprints, void."""
    zh, en = status_label(row.status)
    lines = [
        f"编号 Serial：{row.serial}",
        f"事项 Item：{item_name}（{row.item_id}）",
        f"居民 Resident：{row.resident_name}　{row.resident_masked_id}",
        f"状态 Status：{zh} {en}",
        f"份数 Copies：{row.copies}　补打 Reprints：{row.reprints}",
        f"出具 Issued：{row.created_at:%Y-%m-%d %H:%M}　终端 Terminal：{row.terminal_id}",
    ]
    if row.last_print_state:
        reason = f"（{row.last_print_reason}）" if row.last_print_reason else ""
        state = PRINT_STATES.get(row.last_print_state, row.last_print_state)
        lines.append(f"最近打印 Last print：{state}{reason}")
    if row.void_reason:
        when = f"{row.voided_at:%Y-%m-%d %H:%M}" if row.voided_at else ""
        lines.append(f"作废 Voided：{row.void_reason}（{row.voided_by} {when}）")
    return "\n".join(lines)


def reprint_refusal(row: IssuanceRow) -> StaffError | None:
    """Why this row cannot be reprinted (None: it can)."""
    try:
        IssuanceDesk.check_reprintable(row)
    except StaffError as exc:
        return exc
    return None


class IssuanceView(QWidget):
    """The issuance's details; 补打 with its reason on the left, 作废 with its reason on the
    right; 返回. `closed(changed)` when staff go back."""

    closed = Signal(bool)

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.row: IssuanceRow | None = None
        self.item_name = ""
        self.changed = False
        box = QVBoxLayout(self)
        box.setContentsMargins(30, 16, 30, 16)
        header = case_header(box, lambda: self.closed.emit(self.changed))
        self.back, self.info, self.notice = header.back, header.info, header.notice
        sides = QHBoxLayout()
        sides.setSpacing(40)
        left, right = QVBoxLayout(), QVBoxLayout()
        self.reprint_reasons = reprint_reasons()
        self.reprint = sbutton(bi("reprint", " "), "staffPrimary")
        self.reprint.clicked.connect(lambda _c=False: self.do_reprint())
        left.addWidget(self.reprint_reasons)
        left.addStretch(1)
        left.addWidget(self.reprint)
        self.void_reasons = void_reasons()
        self.void = sbutton(bi("void", " "), "staffDanger")
        self.void.clicked.connect(lambda _c=False: self.do_void())
        right.addWidget(self.void_reasons)
        right.addStretch(1)
        right.addWidget(self.void)
        sides.addLayout(left, 1)
        sides.addLayout(right, 1)
        box.addLayout(sides, 1)

    def show_row(self, row: IssuanceRow, item_name: str) -> None:
        """Show one issuance with fresh reason choices."""
        self.row, self.item_name, self.changed = row, item_name, False
        self.reprint_reasons.reset()
        self.void_reasons.reset()
        self.notice.clear_text()
        self._show()

    def do_reprint(self) -> None:
        """补打 with the chosen reason (and note), on the paper's printer."""
        row, member = self.row, self.staff.member
        reason = self.reprint_reasons.choice()
        if row is None or member is None:
            return
        if reason is None:
            self.notice.fail(StaffInputError("no reason", zh="请选择补打原因"))
            return
        note = self.reprint_reasons.note()
        serial = row.serial
        self._busy()
        self.staff.run(
            lambda s: _reprint(s, member, serial, ReprintReason(reason), note),
            self._reprinted,
            self._failed,
        )

    def do_void(self) -> None:
        """作废 with the chosen reason (and note)."""
        row, member = self.row, self.staff.member
        reason = self.void_reasons.choice()
        if row is None or member is None:
            return
        if reason is None:
            self.notice.fail(StaffInputError("no reason", zh="请选择作废原因"))
            return
        note = self.void_reasons.note()
        serial = row.serial
        self._busy()
        self.staff.run(
            lambda s: s.desk.void(member, serial, VoidReason(reason), note),
            self._voided,
            self._failed,
        )

    def _reprinted(self, done: tuple[Reprinted, IssuanceRow]) -> None:
        reprinted, row = done
        self.row, self.changed = row, True
        self.reprint_reasons.reset()
        message = word("reprinted", serial=reprinted.serial, n=reprinted.reprint)
        self.notice.say(message, "ok")
        self._show()

    def _voided(self, row: IssuanceRow) -> None:
        self.row, self.changed = row, True
        self.void_reasons.reset()
        message = word("voided", serial=row.serial)
        self.notice.say(message, "ok")
        self._show()

    def _failed(self, exc: Exception) -> None:
        self.notice.fail(exc)
        serial = self.row.serial if self.row is not None else ""
        if serial:  # a failed reprint is recorded print_failed: show the row as it is now
            self.staff.run(lambda s: s.desk.find(serial), self._refreshed, lambda _e: None)
        self._show()

    def _refreshed(self, row: IssuanceRow) -> None:
        self.row, self.changed = row, True
        self._show()

    def _busy(self) -> None:
        self.reprint.setEnabled(False)
        self.void.setEnabled(False)
        self.notice.say(word("working"))

    def _show(self) -> None:
        row = self.row
        if row is None:
            return
        set_label(self.info, details(row, self.item_name))
        refusal = reprint_refusal(row)
        self.reprint.setEnabled(refusal is None)
        if refusal is not None:
            self.reprint.setToolTip(both(word("not_reprintable")))
        self.void.setEnabled(row.status != "voided")


def _reprint(
    services: Services, member: StaffMember, serial: str, reason: ReprintReason, note: str
) -> tuple[Reprinted, IssuanceRow]:
    desk = services.desk
    done = desk.reprint(member, serial, reason, note)
    return done, desk.find(serial)
