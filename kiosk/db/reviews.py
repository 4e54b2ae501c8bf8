"""The review queue's records: issuances awaiting a staff decision, and the decision itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.idnumber import mask_id_number
from kiosk.db.models import Issuance, Resident

PENDING = "pending_review"


@dataclass(frozen=True)
class ReviewRow:
    """One review application as the queue lists it (the resident's number masked)."""

    serial: str
    item_id: str
    status: str
    created_at: datetime
    terminal_id: str
    resident_id: int
    resident_name: str
    resident_masked_id: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None


class ReviewRepository:
    """Review applications of one community (by serial prefix): list, lock, decide."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def pending(self, community_code: str, limit: int = 100) -> list[ReviewRow]:
        """This community's applications awaiting review, oldest first."""
        query = (
            select(Issuance, Resident)
            .join(Resident, Resident.id == Issuance.resident_id)
            .where(Issuance.status == PENDING, Issuance.serial.startswith(f"{community_code}-"))
            .order_by(Issuance.id)
            .limit(limit)
        )
        return [_row(issuance, resident) for issuance, resident in self.session.execute(query)]

    def row(self, serial: str, *, lock: bool = False) -> ReviewRow | None:
        """The issuance with this serial as a review row (locked for the decision when `lock`:
        two reviewers deciding at once are serialised on PostgreSQL)."""
        query = (
            select(Issuance, Resident)
            .join(Resident, Resident.id == Issuance.resident_id)
            .where(Issuance.serial == serial)
        )
        if lock:
            query = query.with_for_update(of=Issuance)
        found = self.session.execute(query).first()
        return _row(*found) if found is not None else None

    def decide(self, serial: str, status: str, by: str, at: datetime, note: str | None) -> None:
        """Record a decision: the new status, who decided, when, and the note (a refusal's
        reason, told to the resident)."""
        issuance = self.session.scalar(select(Issuance).where(Issuance.serial == serial))
        if issuance is None:
            raise LookupError(serial)
        issuance.status = status
        issuance.reviewed_by = by
        issuance.reviewed_at = at
        issuance.review_note = note


def _row(issuance: Issuance, resident: Resident) -> ReviewRow:
    return ReviewRow(
        serial=issuance.serial,
        item_id=issuance.item_id,
        status=issuance.status,
        created_at=issuance.created_at,
        terminal_id=issuance.terminal_id,
        resident_id=resident.id,
        resident_name=resident.name,
        resident_masked_id=mask_id_number(resident.id_number),
        reviewed_by=issuance.reviewed_by,
        reviewed_at=issuance.reviewed_at,
        review_note=issuance.review_note,
    )
