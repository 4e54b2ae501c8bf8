"""Repositories: take a Session, return plain dataclasses. The only code that touches models."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kiosk.db.engine import insert_or_update
from kiosk.db.models import Base, Issuance, PrintJobRecord, Resident, Terminal
from kiosk.residents import ResidentRecord


def _resident(row: Resident) -> ResidentRecord:
    return ResidentRecord(
        id=row.id,
        id_number=row.id_number,
        name=row.name,
        sex=row.sex,
        birth_date=row.birth_date,
        nation=row.nation,
        phone=row.phone,
        address=row.address,
        community=row.community,
        grid=row.grid,
        building=row.building,
        unit=row.unit,
        room=row.room,
        household_id=row.household_id,
        hukou_local=row.hukou_local,
        registered_since=row.registered_since,
        tags=frozenset(row.tags or ()),
    )


@dataclass(frozen=True)
class ResidentData:
    """The fields of a resident as imported (no database id yet)."""

    id_number: str
    name: str
    sex: str
    birth_date: date
    nation: str | None
    phone: str | None
    address: str
    community: str
    grid: str
    building: str | None
    unit: str | None
    room: str | None
    household_id: str
    hukou_local: bool
    registered_since: date
    tags: tuple[str, ...]


class ResidentRepository:
    """Residents by ID number; upsert for imports."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_id_number(self, id_number: str) -> ResidentRecord | None:
        """The resident with this number, or None."""
        row = self.session.scalar(select(Resident).where(Resident.id_number == id_number.upper()))
        return _resident(row) if row else None

    def by_id(self, resident_id: int) -> ResidentRecord | None:
        """The resident with this database id (an issuance's resident), or None."""
        row = self.session.get(Resident, resident_id)
        return _resident(row) if row else None

    def upsert(self, data: ResidentData, now: datetime) -> bool:
        """Insert or update by ID number; True if inserted."""
        row = self.session.scalar(select(Resident).where(Resident.id_number == data.id_number))
        values = dict(data.__dict__, tags=list(data.tags), updated_at=now)
        if row is None:
            self.session.add(Resident(**values))
            return True
        for key, value in values.items():
            setattr(row, key, value)
        return False

    def upsert_many(self, rows: Sequence[ResidentData], now: datetime) -> tuple[int, int]:
        """Insert or update a batch by ID number (one lookup, one INSERT ... ON CONFLICT DO
        UPDATE, batched by the driver); returns (inserted, updated). Imports use it."""
        if not rows:
            return 0, 0
        numbers = [r.id_number for r in rows]
        existing = set(
            self.session.scalars(select(Resident.id_number).where(Resident.id_number.in_(numbers)))
        )
        values = [dict(r.__dict__, tags=list(r.tags), updated_at=now) for r in rows]
        keys = [key for key in values[0] if key != "id_number"]
        upsert = insert_or_update(
            self.session,
            Base.metadata.tables["residents"],
            ["id_number"],
            lambda excluded: {key: excluded[key] for key in keys},
        )
        self.session.connection().execute(upsert, values)  # Core: no ORM objects per row
        return len(rows) - len(existing), len(existing)

    def count(self) -> int:
        """How many residents are registered."""
        return self.session.scalar(select(func.count()).select_from(Resident)) or 0

    def sample(
        self, limit: int = 20, *, min_age: int | None = None, today: date | None = None
    ) -> list[ResidentRecord]:
        """A few residents in id order (the demo's card panel uses it)."""
        query = select(Resident).order_by(Resident.id).limit(limit)
        if min_age is not None and today is not None:
            cutoff = date(today.year - min_age, today.month, min(today.day, 28))
            query = query.where(Resident.birth_date <= cutoff)
        return [_resident(r) for r in self.session.scalars(query)]


@dataclass(frozen=True)
class IssuanceRecord:
    """An issued document as recorded."""

    id: int
    serial: str
    item_id: str
    resident_id: int
    terminal_id: str
    inputs: dict[str, str]
    paper: str
    copies: int
    created_at: datetime
    status: IssuanceStatus
    content_hash: str | None
    reprints: int
    void_reason: str | None


def _issuance(row: Issuance) -> IssuanceRecord:
    return IssuanceRecord(
        id=row.id,
        serial=row.serial,
        item_id=row.item_id,
        resident_id=row.resident_id,
        terminal_id=row.terminal_id,
        inputs=dict(row.inputs or {}),
        paper=row.paper,
        copies=row.copies,
        created_at=row.created_at,
        status=IssuanceStatus(row.status),
        content_hash=row.content_hash,
        reprints=row.reprints,
        void_reason=row.void_reason,
    )


class IssuanceStatus(enum.StrEnum):
    """The life of an issuance."""

    ISSUED = "issued"  # recorded, print not yet finished
    PRINTED = "printed"
    PRINT_FAILED = "print_failed"  # nothing (good) came out: staff may reprint
    UNKNOWN = "unknown"  # interrupted mid-print: staff must look at the printer
    VOIDED = "voided"
    # review certificates (kiosk.review): the 待审核 application is out, staff have not decided;
    # approval moves it to issued (the sealed certificate, same serial), refusal to rejected
    PENDING_REVIEW = "pending_review"
    REJECTED = "rejected"


@dataclass(frozen=True)
class PrintJobData:
    """A print attempt as recorded."""

    id: int
    issuance_id: int
    printer_uri: str
    reprint: int
    state: str
    device_job_id: str | None
    reason: str | None
    created_at: datetime
    finished_at: datetime | None


def _job(r: PrintJobRecord) -> PrintJobData:
    return PrintJobData(
        r.id,
        r.issuance_id,
        r.printer_uri,
        r.reprint,
        r.state,
        r.device_job_id,
        r.reason,
        r.created_at,
        r.finished_at,
    )


class IssuanceRepository:
    """Issuances, their serials and their print jobs."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def next_serial(self, community_code: str, day: date) -> str:
        """Allocate `<community code>-<YYYYMMDD>-<sequence>` inside the caller's transaction.

        One atomic upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING): two terminals issuing
        at the same moment get different sequences on PostgreSQL and SQLite alike.
        """
        key = day.strftime("%Y%m%d")
        values = {"community_code": community_code, "day": key, "last": 1}
        table = Base.metadata.tables["serial_counters"]
        bump = insert_or_update(
            self.session, table, ["community_code", "day"], lambda _: {"last": table.c.last + 1}
        )
        upsert = bump.values(values).returning(table.c.last)
        sequence = self.session.execute(upsert).scalar_one()
        return f"{community_code}-{key}-{sequence:05d}"

    def create(
        self,
        *,
        community_code: str,
        item_id: str,
        resident_id: int,
        terminal_id: str,
        inputs: dict[str, str],
        paper: str,
        copies: int,
        now: datetime,
        serial: str | None = None,
    ) -> IssuanceRecord:
        """Record a new issuance (status `issued`) under `serial`, or a fresh one."""
        serial = serial or self.next_serial(community_code, now.date())
        row = Issuance(
            serial=serial,
            item_id=item_id,
            resident_id=resident_id,
            terminal_id=terminal_id,
            inputs=dict(inputs),
            paper=paper,
            copies=copies,
            created_at=now.replace(microsecond=0),
            status=IssuanceStatus.ISSUED,
            reprints=0,
        )
        self.session.add(row)
        self.session.flush()
        return _issuance(row)

    def by_serial(self, serial: str) -> IssuanceRecord | None:
        """The issuance with this serial, or None."""
        row = self.session.scalar(select(Issuance).where(Issuance.serial == serial))
        return _issuance(row) if row else None

    def set_content_hash(self, serial: str, digest: str) -> None:
        """Remember the hash of the rendered content (verification)."""
        self._row(serial).content_hash = digest

    def set_document(self, serial: str, document: dict[str, object]) -> None:
        """Store the rendered document's values (reprints use them)."""
        self._row(serial).document = document

    def document(self, serial: str) -> dict[str, object]:
        """The stored document values of an issuance."""
        return dict(self._row(serial).document or {})

    def set_status(
        self, serial: str, status: IssuanceStatus, *, void_reason: str | None = None
    ) -> None:
        """Move an issuance to a new status."""
        row = self._row(serial)
        row.status = status
        if void_reason is not None:
            row.void_reason = void_reason

    def count_reprint(self, serial: str) -> int:
        """Add one to the reprint count and return it."""
        row = self._row(serial)
        row.reprints += 1
        return row.reprints

    def add_job(self, serial: str, printer_uri: str, reprint: int, now: datetime) -> int:
        """Record a print attempt (queued); returns its id."""
        job = PrintJobRecord(
            issuance_id=self._row(serial).id,
            printer_uri=printer_uri,
            reprint=reprint,
            state="queued",
            created_at=now,
        )
        self.session.add(job)
        self.session.flush()
        return job.id

    def finish_job(
        self,
        job_id: int,
        state: str,
        *,
        device_job_id: str | None,
        reason: str | None,
        now: datetime,
    ) -> None:
        """Record how a print attempt ended."""
        job = self.session.get(PrintJobRecord, job_id)
        if job is None:
            raise LookupError(job_id)
        job.state = state
        job.device_job_id = device_job_id
        job.reason = reason
        job.finished_at = now

    def jobs(self, serial: str) -> list[PrintJobData]:
        """Every print attempt for an issuance, oldest first."""
        rows = self.session.scalars(
            select(PrintJobRecord)
            .where(PrintJobRecord.issuance_id == self._row(serial).id)
            .order_by(PrintJobRecord.id)
        )
        return [_job(r) for r in rows]

    def unfinished(self, terminal_id: str) -> list[tuple[IssuanceRecord, list[PrintJobData]]]:
        """This terminal's issuances still `issued` or with a print job never finished (a
        reprint killed mid-print), each with its print jobs (start-up check)."""
        open_jobs = select(PrintJobRecord.issuance_id).where(PrintJobRecord.finished_at.is_(None))
        left = or_(Issuance.status == IssuanceStatus.ISSUED, Issuance.id.in_(open_jobs))
        rows = self.session.scalars(
            select(Issuance).where(Issuance.terminal_id == terminal_id, left).order_by(Issuance.id)
        )
        return [(_issuance(row), self.jobs(row.serial)) for row in rows]

    def _row(self, serial: str) -> Issuance:
        row = self.session.scalar(select(Issuance).where(Issuance.serial == serial))
        if row is None:
            raise LookupError(serial)
        return row


class TerminalRepository:
    """Terminals announce themselves at start."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def touch(self, terminal_id: str, name: str, community: str, now: datetime) -> None:
        """Create or refresh this terminal's row."""
        row = self.session.get(Terminal, terminal_id)
        if row is None:
            self.session.add(
                Terminal(id=terminal_id, name=name, community=community, last_seen=now)
            )
        else:
            row.name, row.community, row.last_seen = name, community, now


class AuditRepository:
    """Append-only audit trail, hash-chained per terminal (see kiosk.db.audit)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        *,
        terminal_id: str,
        actor: str,
        kind: str,
        subject: str,
        now: datetime,
        detail: dict[str, str] | None = None,
    ) -> None:
        """Append one event to the terminal's chain (its head stays locked until commit)."""
        from kiosk.db.audit import append_event

        append_event(
            self.session,
            terminal_id=terminal_id,
            actor=actor,
            kind=kind,
            subject=subject,
            now=now,
            detail=detail,
        )
