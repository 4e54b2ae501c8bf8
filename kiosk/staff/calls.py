"""Call-staff alerts: a resident presses 呼叫工作人员 (the session records it), staff see the
open ones in diagnostics and acknowledge them. Both are audited (staff_call, staff_call_ack)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.db.repositories import AuditRepository
from kiosk.db.staff import StaffCallRecord, StaffCallRepository
from kiosk.staff.errors import StaffInputError
from kiosk.staff.store import reading, transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.staff.accounts import StaffMember

__all__ = ["StaffCallRecord", "acknowledge_call", "open_calls", "record_staff_call"]


def record_staff_call(
    sessions: sessionmaker[Session], terminal_id: str, screen: str, *, now: datetime
) -> StaffCallRecord:
    """Record (and audit) a resident's call for staff from `screen` (the Step's name)."""
    with transaction(sessions) as session:
        call = StaffCallRepository(session).add(terminal_id, screen[:32], now)
        AuditRepository(session).record(
            terminal_id=terminal_id,
            actor="resident",
            kind="staff_call",
            subject=str(call.id),
            now=now,
            detail={"screen": call.screen},
        )
    return call


def open_calls(
    sessions: sessionmaker[Session], terminal_id: str | None = None
) -> list[StaffCallRecord]:
    """Alerts nobody has acknowledged, oldest first (one terminal's, or all)."""
    with reading(sessions) as session:
        return StaffCallRepository(session).open(terminal_id)


def acknowledge_call(
    sessions: sessionmaker[Session],
    call_id: int,
    staff: StaffMember,
    terminal_id: str,
    *,
    now: datetime,
) -> StaffCallRecord:
    """Mark an alert answered by `staff` (audited); StaffInputError for an unknown alert."""
    with transaction(sessions) as session:
        call = StaffCallRepository(session).acknowledge(call_id, staff.name, now)
        if call is None:
            raise StaffInputError(f"no call-staff alert {call_id}", zh="没有这条呼叫记录")
        AuditRepository(session).record(
            terminal_id=terminal_id,
            actor=staff.actor,
            kind="staff_call_ack",
            subject=str(call_id),
            now=now,
            detail={"called_at": call.at.isoformat(timespec="seconds"), "screen": call.screen},
        )
    return call
