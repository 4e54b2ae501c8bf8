"""Counts for `kiosk stats` over a time window [start, end), optionally of one terminal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from kiosk.db.models import Issuance, PrintJobRecord, Rating, SessionLog, StaffCall

NOT_ISSUED = ("pending_review", "rejected")  # papers a reviewer has not let out
ABANDONED = ("timeout", "cancel", "card_removed")
SATISFIED_LEVEL = 3  # 5 非常满意, 4 满意, 3 基本满意
Moment = QueryableAttribute[datetime] | QueryableAttribute[datetime | None]


@dataclass(frozen=True)
class Window:
    """[start, end) and the terminal (None: all terminals)."""

    start: datetime
    end: datetime
    terminal_id: str | None = None


@dataclass(frozen=True)
class RatingCount:
    """Ratings of one key (an item or a terminal): how many, how many satisfied."""

    key: str
    ratings: int
    satisfied: int


class StatsRepository:
    """The aggregate queries."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def issued_by_item(self, w: Window) -> dict[str, int]:
        """Issuances created in the window per item (papers awaiting or refused review left out)."""
        query = (
            select(Issuance.item_id, func.count())
            .where(*self._issuances(w, Issuance.created_at), Issuance.status.not_in(NOT_ISSUED))
            .group_by(Issuance.item_id)
        )
        return {item: count for item, count in self.session.execute(query)}

    def print_failures(self, w: Window) -> int:
        """Print attempts in the window that failed or ended unknown."""
        return self._jobs(w, PrintJobRecord.state.in_(("failed", "unknown")))

    def reprints(self, w: Window) -> int:
        """Reprint attempts (补打) in the window."""
        return self._jobs(w, PrintJobRecord.reprint > 0)

    def voids(self, w: Window) -> int:
        """Issuances voided in the window."""
        query = (
            select(func.count())
            .select_from(Issuance)
            .where(*self._issuances(w, Issuance.voided_at))
        )
        return self.session.scalar(query) or 0

    def sessions(self, w: Window) -> dict[str, tuple[int, int]]:
        """Per end reason: (sessions, sessions that issued nothing)."""
        nothing = func.sum(case((SessionLog.issued == 0, 1), else_=0))
        query = (
            select(SessionLog.reason, func.count(), nothing)
            .where(*self._window(w, SessionLog.started_at, SessionLog.terminal_id))
            .group_by(SessionLog.reason)
        )
        return {r: (n, int(z or 0)) for r, n, z in self.session.execute(query)}

    def staff_calls(self, w: Window) -> int:
        """Call-staff alerts raised in the window."""
        query = select(func.count()).select_from(StaffCall)
        query = query.where(*self._window(w, StaffCall.at, StaffCall.terminal_id))
        return self.session.scalar(query) or 0

    def ratings(self, w: Window, by: str) -> list[RatingCount]:
        """Ratings per item (`by="item"`) or per terminal (`by="terminal"`)."""
        key = Rating.item_id if by == "item" else Rating.terminal_id
        happy = func.sum(case((Rating.level >= SATISFIED_LEVEL, 1), else_=0))
        query = (
            select(key, func.count(), happy)
            .where(*self._window(w, Rating.at, Rating.terminal_id))
            .group_by(key)
            .order_by(key)
        )
        return [RatingCount(k, n, int(s or 0)) for k, n, s in self.session.execute(query)]

    def _jobs(self, w: Window, condition: ColumnElement[bool]) -> int:
        query = (
            select(func.count())
            .select_from(PrintJobRecord)
            .join(Issuance, Issuance.id == PrintJobRecord.issuance_id)
            .where(condition, *self._window(w, PrintJobRecord.created_at, Issuance.terminal_id))
        )
        return self.session.scalar(query) or 0

    def _issuances(self, w: Window, at: Moment) -> list[ColumnElement[bool]]:
        return self._window(w, at, Issuance.terminal_id)

    @staticmethod
    def _window(
        w: Window, at: Moment, terminal: QueryableAttribute[str]
    ) -> list[ColumnElement[bool]]:
        conditions = [at >= w.start, at < w.end]
        if w.terminal_id is not None:
            conditions.append(terminal == w.terminal_id)
        return conditions
