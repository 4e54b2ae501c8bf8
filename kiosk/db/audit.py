"""The audit chain in SQL: append under the terminal's head lock, read chains and events back.

Appending takes the terminal's `audit_heads` row first: an INSERT ... ON CONFLICT DO NOTHING
creates it at the first event (and, on SQLite, is the write that takes the database's write
lock, so the read that follows is the latest), then SELECT ... FOR UPDATE locks it on
PostgreSQL until the transaction ends. Two processes of one terminal therefore append one after
the other; different terminals never wait for each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Executable, func, select
from sqlalchemy.orm import Session

from civic.crashpoints import crashpoint
from kiosk.audit import GENESIS, Head, Link, event_hash, normalise_time
from kiosk.db.models import AuditEvent, AuditHead


def _ensure_head(session: Session, terminal_id: str) -> None:
    values = {"terminal_id": terminal_id, "seq": 0, "hash": GENESIS}
    statement: Executable
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement = pg_insert(AuditHead).values(values).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(AuditHead).values(values).on_conflict_do_nothing()
    session.execute(statement)


def append_event(
    session: Session,
    *,
    terminal_id: str,
    actor: str,
    kind: str,
    subject: str,
    now: datetime,
    detail: Mapping[str, str] | None = None,
) -> Link:
    """Append one event to the terminal's chain inside the caller's transaction; the head stays
    locked until that transaction ends (keep audit the last write of a transaction)."""
    _ensure_head(session, terminal_id)
    head = session.execute(
        select(AuditHead)
        .where(AuditHead.terminal_id == terminal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    at = normalise_time(now)
    clean = {str(k): str(v) for k, v in (detail or {}).items()}
    # the columns' widths (PostgreSQL enforces them); the hash covers what is stored
    actor, kind, subject = actor[:64], kind[:32], subject[:64]
    seq = head.seq + 1
    digest = event_hash(
        terminal_id=terminal_id,
        seq=seq,
        at=at,
        actor=actor,
        kind=kind,
        subject=subject,
        detail=clean,
        prev_hash=head.hash,
    )
    row = AuditEvent(
        seq=seq,
        prev_hash=head.hash,
        hash=digest,
        at=at,
        terminal_id=terminal_id,
        actor=actor,
        kind=kind,
        subject=subject,
        detail=clean,
    )
    session.add(row)
    head.seq, head.hash = seq, digest
    session.flush()
    crashpoint("mid_audit_append")  # event and head written, the transaction still open
    return _link(row)


def _link(event: AuditEvent) -> Link:
    return Link(
        row_id=event.id,
        terminal_id=event.terminal_id,
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        kind=event.kind,
        subject=event.subject,
        detail=dict(event.detail or {}),
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


@dataclass(frozen=True)
class ChainRows:
    """What the database holds of one terminal's chain, for kiosk.audit.check_chain."""

    terminal_id: str
    head: Head | None
    unchained: int  # rows without a seq written before the first chained row
    unlinked: tuple[Link, ...]  # rows without a seq written after it


class AuditChainRepository:
    """Reads the chains back: terminals, heads, rows in seq order, events for `audit show`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def terminals(self) -> list[str]:
        """Every terminal with events or a head, sorted."""
        found = set(self.session.scalars(select(AuditEvent.terminal_id).distinct()))
        found.update(self.session.scalars(select(AuditHead.terminal_id)))
        return sorted(found)

    def chain(self, terminal_id: str) -> ChainRows:
        """The head and the rows outside the chain of one terminal."""
        head_row = self.session.get(AuditHead, terminal_id)
        head = Head(terminal_id, head_row.seq, head_row.hash) if head_row else None
        first = self.session.scalar(
            select(func.min(AuditEvent.id)).where(
                AuditEvent.terminal_id == terminal_id, AuditEvent.seq.is_not(None)
            )
        )
        bare = select(AuditEvent).where(
            AuditEvent.terminal_id == terminal_id, AuditEvent.seq.is_(None)
        )
        if first is None:
            unchained = len(self.session.scalars(bare).all())
            return ChainRows(terminal_id, head, unchained, ())
        unchained = (
            self.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.terminal_id == terminal_id,
                    AuditEvent.seq.is_(None),
                    AuditEvent.id < first,
                )
            )
            or 0
        )
        later = self.session.scalars(bare.where(AuditEvent.id > first).order_by(AuditEvent.id))
        return ChainRows(terminal_id, head, unchained, tuple(_link(r) for r in later))

    def links(self, terminal_id: str, batch: int = 1000) -> Iterator[Link]:
        """The terminal's chained rows in seq order, read in batches."""
        query = (
            select(AuditEvent)
            .where(AuditEvent.terminal_id == terminal_id, AuditEvent.seq.is_not(None))
            .order_by(AuditEvent.seq, AuditEvent.id)
            .execution_options(yield_per=batch)
        )
        for event in self.session.scalars(query):
            yield _link(event)
            self.session.expunge(event)

    def events(
        self,
        *,
        since: datetime | None = None,
        kind: str | None = None,
        terminal_id: str | None = None,
        limit: int | None = None,
    ) -> list[Link]:
        """Events in the order they were recorded (the last `limit` of them), optionally of one
        kind/terminal. Not by their time: a terminal's clock may be set back (NTP, a flat RTC
        battery), and the events after that must still come after the ones before."""
        query = select(AuditEvent)
        if since is not None:
            query = query.where(AuditEvent.at >= since)
        if kind is not None:
            query = query.where(AuditEvent.kind == kind)
        if terminal_id is not None:
            query = query.where(AuditEvent.terminal_id == terminal_id)
        query = query.order_by(AuditEvent.id.desc())
        if limit:
            query = query.limit(limit)
        return [_link(r) for r in reversed(self.session.scalars(query).all())]
