"""What a visit leaves behind without the resident: calls for staff, 好差评 ratings, session log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.db.models import Rating, SessionLog, StaffCall


@dataclass(frozen=True)
class CallRecord:
    """One call for staff."""

    id: int
    terminal_id: str
    at: datetime
    screen: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class VisitRepository:
    """Staff calls, ratings and the session log."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_call(self, terminal_id: str, screen: str, now: datetime) -> int:
        """Record a call; returns its id."""
        row = StaffCall(terminal_id=terminal_id, at=now, screen=screen)
        self.session.add(row)
        self.session.flush()
        return row.id

    def open_calls(self, terminal_id: str | None = None) -> list[CallRecord]:
        """Calls nobody has acknowledged yet, oldest first (one terminal's, or all)."""
        query = select(StaffCall).where(StaffCall.acknowledged_at.is_(None)).order_by(StaffCall.id)
        if terminal_id is not None:
            query = query.where(StaffCall.terminal_id == terminal_id)
        return [
            CallRecord(r.id, r.terminal_id, r.at, r.screen, r.acknowledged_at, r.acknowledged_by)
            for r in self.session.scalars(query)
        ]

    def acknowledge(self, call_id: int, staff: str, now: datetime) -> bool:
        """Mark a call answered; False if there is no such open call."""
        row = self.session.get(StaffCall, call_id)
        if row is None or row.acknowledged_at is not None:
            return False
        row.acknowledged_at, row.acknowledged_by = now, staff
        return True

    def add_rating(
        self,
        terminal_id: str,
        item_id: str,
        serial: str | None,
        level: int,
        reasons: Sequence[str],
        now: datetime,
    ) -> None:
        """Store one rating (1..5)."""
        if not 1 <= level <= 5:
            raise ValueError(f"rating level {level} is not 1..5")
        self.session.add(
            Rating(
                terminal_id=terminal_id,
                item_id=item_id,
                serial=serial,
                level=level,
                reasons=list(reasons),
                at=now,
            )
        )

    def log_session(
        self, terminal_id: str, started: datetime, ended: datetime, reason: str, issued: int
    ) -> None:
        """One line per session."""
        self.session.add(
            SessionLog(
                terminal_id=terminal_id,
                started_at=started,
                ended_at=ended,
                reason=reason,
                issued=issued,
            )
        )
