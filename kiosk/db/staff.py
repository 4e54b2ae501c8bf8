"""Staff accounts, the terminal's staff-entry counter and call-staff alerts in SQL.

Records leave as dataclasses without the PIN hash and with the ID number masked; the hash is
read only by `pin_hash`. `lock_*` methods take row locks (SELECT ... FOR UPDATE on PostgreSQL;
on SQLite the transaction's first write, `ensure_terminal`, already holds the database's write
lock), always in the order terminal, then account, then the audit head.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Executable, select
from sqlalchemy.orm import Session

from civic.idnumber import mask_id_number
from kiosk.db.models import StaffAccount, StaffCall, Terminal
from kiosk.staff.lockout import Counter


@dataclass(frozen=True)
class StaffRecord:
    """A staff account as shown to administrators: no PIN hash, the ID number masked."""

    name: str
    masked_id: str
    role: str
    enabled: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def counter(self) -> Counter:
        """The account's wrong-PIN counter."""
        return Counter(self.failed_attempts, self.locked_until)


def _record(row: StaffAccount) -> StaffRecord:
    return StaffRecord(
        name=row.name,
        masked_id=mask_id_number(row.id_number),
        role=row.role,
        enabled=row.enabled,
        failed_attempts=row.failed_attempts,
        locked_until=row.locked_until,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class StaffRepository:
    """Accounts by name and by card."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self, *, name: str, id_number: str, role: str, pin_hash: str, now: datetime
    ) -> StaffRecord:
        """Insert a new enabled account."""
        row = StaffAccount(
            name=name,
            id_number=id_number,
            role=role,
            pin_hash=pin_hash,
            enabled=True,
            failed_attempts=0,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return _record(row)

    def by_name(self, name: str, *, lock: bool = False) -> StaffRecord | None:
        """The account of this name (enabled or not), or None."""
        row = self._row(name, lock=lock)
        return _record(row) if row else None

    def by_card(self, id_number: str) -> StaffRecord | None:
        """The enabled account whose card carries this ID number, or None."""
        row = self.session.scalar(
            select(StaffAccount)
            .where(StaffAccount.id_number == id_number.strip().upper(), StaffAccount.enabled)
            .order_by(StaffAccount.id)
        )
        return _record(row) if row else None

    def card_taken(self, id_number: str) -> bool:
        """True if an enabled account already has this card."""
        return self.by_card(id_number) is not None

    def all(self) -> list[StaffRecord]:
        """Every account, by name."""
        return [
            _record(r)
            for r in self.session.scalars(select(StaffAccount).order_by(StaffAccount.name))
        ]

    def pin_hash(self, name: str) -> str | None:
        """The stored argon2 hash of an account's PIN."""
        row = self._row(name)
        return row.pin_hash if row else None

    def id_number(self, name: str) -> str | None:
        """The full ID number of an account (PIN rules only; never shown)."""
        row = self._row(name)
        return row.id_number if row else None

    def update(
        self,
        name: str,
        now: datetime,
        *,
        enabled: bool | None = None,
        pin_hash: str | None = None,
        counter: Counter | None = None,
    ) -> StaffRecord:
        """Change an account; LookupError if there is none."""
        row = self._row(name)
        if row is None:
            raise LookupError(name)
        if enabled is not None:
            row.enabled = enabled
        if pin_hash is not None:
            row.pin_hash = pin_hash
        if counter is not None:
            row.failed_attempts, row.locked_until = counter.failures, counter.locked_until
        row.updated_at = now
        return _record(row)

    def _row(self, name: str, *, lock: bool = False) -> StaffAccount | None:
        query = select(StaffAccount).where(StaffAccount.name == name)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalar(query)


class TerminalEntryRepository:
    """A terminal's staff-entry counter (terminals.staff_failures, staff_locked_until)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ensure_terminal(self, terminal_id: str, name: str, community: str, now: datetime) -> None:
        """Create the terminal's row if missing (a write: on SQLite it takes the write lock)."""
        values = {"id": terminal_id, "name": name, "community": community, "last_seen": now}
        values |= {"staff_failures": 0}
        statement: Executable
        if self.session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            statement = pg_insert(Terminal).values(values).on_conflict_do_nothing()
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            statement = sqlite_insert(Terminal).values(values).on_conflict_do_nothing()
        self.session.execute(statement)

    def counter(self, terminal_id: str, *, lock: bool = False) -> Counter:
        """The terminal's failures and lock (nothing for an unknown terminal)."""
        query = select(Terminal).where(Terminal.id == terminal_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        row = self.session.scalar(query)
        if row is None:
            return Counter()
        return Counter(row.staff_failures or 0, row.staff_locked_until)

    def save(self, terminal_id: str, counter: Counter) -> None:
        """Store the terminal's counter (the row exists: see ensure_terminal)."""
        row = self.session.get(Terminal, terminal_id)
        if row is None:
            raise LookupError(terminal_id)
        row.staff_failures, row.staff_locked_until = counter.failures, counter.locked_until


@dataclass(frozen=True)
class StaffCallRecord:
    """A call-staff alert."""

    id: int
    terminal_id: str
    at: datetime
    screen: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None


def _call(row: StaffCall) -> StaffCallRecord:
    return StaffCallRecord(
        row.id, row.terminal_id, row.at, row.screen, row.acknowledged_at, row.acknowledged_by
    )


class StaffCallRepository:
    """Alerts raised by residents pressing 呼叫工作人员, and who answered them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, terminal_id: str, screen: str, now: datetime) -> StaffCallRecord:
        """Record a new open alert."""
        row = StaffCall(terminal_id=terminal_id, at=now, screen=screen)
        self.session.add(row)
        self.session.flush()
        return _call(row)

    def open(self, terminal_id: str | None = None) -> list[StaffCallRecord]:
        """Alerts nobody acknowledged yet, oldest first."""
        query = select(StaffCall).where(StaffCall.acknowledged_at.is_(None))
        if terminal_id is not None:
            query = query.where(StaffCall.terminal_id == terminal_id)
        return [_call(r) for r in self.session.scalars(query.order_by(StaffCall.at, StaffCall.id))]

    def acknowledge(self, call_id: int, name: str, now: datetime) -> StaffCallRecord | None:
        """Mark an alert answered (kept as it was if already answered); None if unknown."""
        row = self.session.scalar(
            select(StaffCall).where(StaffCall.id == call_id).with_for_update()
        )
        if row is None:
            return None
        if row.acknowledged_at is None:
            row.acknowledged_at, row.acknowledged_by = now, name
        return _call(row)
