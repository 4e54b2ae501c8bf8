"""Issuances as staff look them up: search rows with the resident masked, and voiding.

Statuses are read as plain text, so a status this module does not know (a review flow's
pending_review, rejected) is shown rather than refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from civic.idnumber import mask_id_number
from kiosk.db.models import Issuance, PrintJobRecord, Resident

# what `--status` names -> the stored statuses it covers
STATUS_GROUPS: dict[str, frozenset[str]] = {
    "print_failed": frozenset({"print_failed"}),
    "unfinished": frozenset({"issued", "unknown"}),
    "voided": frozenset({"voided"}),
    "printed": frozenset({"printed"}),
    "pending_review": frozenset({"pending_review"}),
    "rejected": frozenset({"rejected"}),
}
QUEUE_STATUSES = STATUS_GROUPS["print_failed"] | STATUS_GROUPS["unfinished"]


@dataclass(frozen=True)
class IssuanceQuery:
    """What staff search by; every given field must match (None: any)."""

    serial: str | None = None
    id_last4: str | None = None  # last 4 characters of the resident's ID number
    name: str | None = None  # the resident's name, exactly
    since: date | None = None
    until: date | None = None  # inclusive
    item_id: str | None = None
    statuses: frozenset[str] | None = None
    terminal_id: str | None = None
    limit: int = 200


@dataclass(frozen=True)
class IssuanceRow:
    """One issuance as a staff list shows it (the resident's number masked)."""

    serial: str
    created_at: datetime
    item_id: str
    terminal_id: str
    status: str
    paper: str
    copies: int
    reprints: int
    resident_name: str
    resident_masked_id: str
    void_reason: str | None
    voided_by: str | None
    voided_at: datetime | None
    last_print_state: str | None  # the newest print job: done, failed, unknown, queued
    last_print_reason: str | None


def day_start(day: date) -> datetime:
    """Midnight at the start of `day`."""
    return datetime.combine(day, time.min)


def day_after(day: date) -> datetime:
    """Midnight at the end of `day` (an exclusive upper bound)."""
    return day_start(day) + timedelta(days=1)


class DeskRepository:
    """Search and void issuances."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def search(self, query: IssuanceQuery) -> list[IssuanceRow]:
        """Matching issuances, newest first, at most `query.limit`."""
        statement = self._filtered(query).order_by(Issuance.created_at.desc(), Issuance.id.desc())
        pairs = [(r[0], r[1]) for r in self.session.execute(statement.limit(max(1, query.limit)))]
        jobs = self._last_jobs([issuance.id for issuance, _ in pairs])
        return [_row(issuance, resident, jobs.get(issuance.id)) for issuance, resident in pairs]

    def row(self, serial: str) -> IssuanceRow | None:
        """The issuance with this serial, or None."""
        found = self.search(IssuanceQuery(serial=serial, limit=1))
        return found[0] if found else None

    def void(self, serial: str, reason: str, by: str, now: datetime) -> tuple[str, IssuanceRow]:
        """Mark an issuance voided under a row lock; returns its previous status and the row.
        LookupError if there is no such serial (the caller checks it is not voided yet)."""
        issuance = self.session.scalar(
            select(Issuance)
            .where(Issuance.serial == serial)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if issuance is None:
            raise LookupError(serial)
        previous = issuance.status
        issuance.status = "voided"
        issuance.void_reason, issuance.voided_by, issuance.voided_at = reason, by, now
        self.session.flush()
        row = self.row(serial)
        assert row is not None  # just updated under a lock
        return previous, row

    def status(self, serial: str, *, lock: bool = False) -> str | None:
        """The stored status of an issuance (None: no such serial)."""
        query = select(Issuance.status).where(Issuance.serial == serial)
        if lock:
            query = query.with_for_update()
        return self.session.scalar(query)

    def _filtered(self, query: IssuanceQuery) -> Select[Issuance, Resident]:
        statement = select(Issuance, Resident).join(Resident, Resident.id == Issuance.resident_id)
        if query.serial:
            statement = statement.where(Issuance.serial == query.serial.strip())
        if query.id_last4:
            statement = statement.where(Resident.id_number.endswith(query.id_last4.upper()))
        if query.name:
            statement = statement.where(Resident.name == query.name.strip())
        if query.since:
            statement = statement.where(Issuance.created_at >= day_start(query.since))
        if query.until:
            statement = statement.where(Issuance.created_at < day_after(query.until))
        if query.item_id:
            statement = statement.where(Issuance.item_id == query.item_id)
        if query.statuses is not None:
            statement = statement.where(Issuance.status.in_(sorted(query.statuses)))
        if query.terminal_id:
            statement = statement.where(Issuance.terminal_id == query.terminal_id)
        return statement

    def _last_jobs(self, ids: list[int]) -> dict[int, PrintJobRecord]:
        if not ids:
            return {}
        rows = self.session.scalars(
            select(PrintJobRecord)
            .where(PrintJobRecord.issuance_id.in_(ids))
            .order_by(PrintJobRecord.id)
        )
        return {job.issuance_id: job for job in rows}  # the newest wins


def _row(issuance: Issuance, resident: Resident, job: PrintJobRecord | None) -> IssuanceRow:
    return IssuanceRow(
        serial=issuance.serial,
        created_at=issuance.created_at,
        item_id=issuance.item_id,
        terminal_id=issuance.terminal_id,
        status=issuance.status,
        paper=issuance.paper,
        copies=issuance.copies,
        reprints=issuance.reprints,
        resident_name=resident.name,
        resident_masked_id=mask_id_number(resident.id_number),
        void_reason=issuance.void_reason,
        voided_by=issuance.voided_by,
        voided_at=issuance.voided_at,
        last_print_state=job.state if job else None,
        last_print_reason=job.reason if job else None,
    )
