"""The tamper-evident audit chain: canonical content, its hash, and the check of a chain.

Each terminal keeps its own chain: event n carries the hash of event n-1 of the same terminal
(`prev_hash`) and the SHA-256 of its own canonical content (`hash`); `audit_heads` holds the
last link, so a deleted tail is caught too. Pure functions here; the SQL is in kiosk.db.audit.
An unkeyed chain shows edits, deletions and insertions by anyone who does not recompute every
later hash and the head; `kiosk audit verify` prints each head so it can be noted elsewhere.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.app import Core

GENESIS = "0" * 64  # the prev_hash of a terminal's first event
_PASSWORD = re.compile(r"(://[^/@:]*:)[^/@]*@")


def hide_password(uri: str) -> str:
    """A device or database URI with any password replaced by ***."""
    return _PASSWORD.sub(r"\1***@", uri)


def normalise_time(at: datetime) -> datetime:
    """The naive local time an event is stored with (aware times converted, microseconds kept)."""
    return at.astimezone().replace(tzinfo=None) if at.tzinfo is not None else at


def event_hash(
    *,
    terminal_id: str,
    seq: int,
    at: datetime,
    actor: str,
    kind: str,
    subject: str,
    detail: Mapping[str, str],
    prev_hash: str,
) -> str:
    """SHA-256 (hex) over the canonical JSON of an event: sorted keys, compact, UTF-8."""
    content = {
        "terminal": terminal_id,
        "seq": seq,
        "at": normalise_time(at).isoformat(timespec="microseconds"),
        "actor": actor,
        "kind": kind,
        "subject": subject,
        "detail": {str(k): str(v) for k, v in detail.items()},
        "prev_hash": prev_hash,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    """One audit event as the chain sees it (a row of audit_events)."""

    row_id: int
    terminal_id: str
    seq: int | None
    at: datetime
    actor: str
    kind: str
    subject: str
    detail: Mapping[str, str]
    prev_hash: str | None
    hash: str | None

    def recomputed(self) -> str:
        """The hash this event should carry, recomputed from its stored content."""
        return event_hash(
            terminal_id=self.terminal_id,
            seq=self.seq or 0,
            at=self.at,
            actor=self.actor,
            kind=self.kind,
            subject=self.subject,
            detail=self.detail,
            prev_hash=self.prev_hash or "",
        )


class Break(enum.StrEnum):
    """How a chain is broken."""

    EDITED = "edited"  # the row's content no longer gives its hash
    DELETED = "deleted"  # a sequence number is missing
    INSERTED = "inserted"  # a second row with one seq, rows past the head, rows without a link
    LINK = "link"  # prev_hash is not the previous row's hash: inserted here, or the one before replaced
    TAIL = "tail"  # the head names a later event than the chain's last: the tail was deleted
    HEAD = "head"  # the head is missing, or its hash is not the last event's


@dataclass(frozen=True)
class Problem:
    """One broken link: which terminal, where, and what it looks like."""

    terminal_id: str
    kind: Break
    seq: int | None
    row_id: int | None
    message: str

    def line(self) -> str:
        """One line for staff."""
        where = f"seq {self.seq}" if self.seq is not None else "no seq"
        row = f" (row id {self.row_id})" if self.row_id is not None else ""
        return f"{self.terminal_id} {where}{row}: {self.kind}: {self.message}"


@dataclass(frozen=True)
class Head:
    """The last link of a terminal's chain as audit_heads records it."""

    terminal_id: str
    seq: int
    hash: str


@dataclass(frozen=True)
class ChainReport:
    """The result of checking one terminal's chain."""

    terminal_id: str
    events: int
    unchained: int  # rows written before the chain began (older databases): not a break
    head: Head | None
    problems: tuple[Problem, ...] = ()

    @property
    def intact(self) -> bool:
        """True when no link is broken."""
        return not self.problems

    @property
    def first_break(self) -> Problem | None:
        """The earliest broken link, or None."""
        return self.problems[0] if self.problems else None


@dataclass
class ChainChecker:
    """Checks one terminal's chained rows, fed in seq order (streaming), then its head.

    After a problem it carries on from the row as stored, so one edit is one problem and
    every independent break is reported, earliest first."""

    terminal_id: str
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    _expected: int = 1
    _prev: str = GENESIS
    _last: Link | None = None

    def feed(self, link: Link) -> None:
        """Check the next row."""
        self.events += 1
        seq = link.seq or 0
        if seq > self._expected:
            gap = (
                str(self._expected) if seq == self._expected + 1 else f"{self._expected}-{seq - 1}"
            )
            self._add(Break.DELETED, self._expected, None, f"event {gap} missing (deleted)")
        elif seq < self._expected:
            self._add(Break.INSERTED, seq, link.row_id, "a second event with this seq")
        elif link.prev_hash != self._prev:
            self._add(Break.LINK, seq, link.row_id, "does not link to the event before it")
        if link.recomputed() != link.hash:
            self._add(Break.EDITED, seq, link.row_id, "content changed since it was written")
        self._expected = max(self._expected, seq + 1)
        self._prev = link.hash or ""
        self._last = link

    def finish(
        self, head: Head | None, unchained: int = 0, unlinked: Iterable[Link] = ()
    ) -> ChainReport:
        """Compare the last row with the head; rows without a seq after the chain began are
        inserted rows."""
        for link in unlinked:
            self._add(Break.INSERTED, None, link.row_id, f"'{link.kind}' event without a link")
        last = self._last
        last_seq = last.seq or 0 if last is not None else 0
        if head is None:
            if last is not None:
                self._add(Break.HEAD, last_seq, None, "no head recorded for this chain")
        elif last is None:
            self._add(Break.TAIL, head.seq, None, f"head names seq {head.seq}, no events remain")
        elif head.seq > last_seq:
            self._add(
                Break.TAIL, last_seq + 1, None, f"chain ends at {last_seq}, head at {head.seq}"
            )
        elif head.seq < last_seq:
            self._add(Break.INSERTED, head.seq + 1, None, f"events past the head (seq {head.seq})")
        elif head.hash != last.hash:
            self._add(Break.HEAD, last_seq, last.row_id, "the head's hash is not the last event's")
        return ChainReport(self.terminal_id, self.events, unchained, head, tuple(self.problems))

    def _add(self, kind: Break, seq: int | None, row_id: int | None, message: str) -> None:
        self.problems.append(Problem(self.terminal_id, kind, seq, row_id, message))


def check_chain(
    terminal_id: str,
    links: Iterable[Link],
    head: Head | None,
    *,
    unchained: int = 0,
    unlinked: Iterable[Link] = (),
) -> ChainReport:
    """Check one terminal's chain: `links` ordered by seq, its head, its rows without a seq."""
    checker = ChainChecker(terminal_id)
    for link in links:
        checker.feed(link)
    return checker.finish(head, unchained, unlinked)


def verify_chains(
    sessions: sessionmaker[Session], terminal_id: str | None = None
) -> list[ChainReport]:
    """Recompute the stored chains (one terminal's, or every terminal's) and report on each;
    RecordError if the database cannot be read. Reads every event: run it on the worker."""
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.db.audit import AuditChainRepository
    from kiosk.errors import RecordError

    reports = []
    try:
        with sessions() as session:
            repo = AuditChainRepository(session)
            for terminal in [terminal_id] if terminal_id else repo.terminals():
                rows = repo.chain(terminal)
                reports.append(
                    check_chain(
                        terminal,
                        repo.links(terminal),
                        rows.head,
                        unchained=rows.unchained,
                        unlinked=rows.unlinked,
                    )
                )
    except SQLAlchemyError as exc:
        raise RecordError(type(exc).__name__) from exc
    return reports


def record_startup(
    core: Core, *, reader_uri: str | None = None, now: datetime | None = None
) -> None:
    """Audit the configuration a kiosk starts with: terminal, reader, printers, catalogue hash,
    signing key, version, database. Call once on the worker after the Core is built;
    RecordError if the database refuses."""
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk import __version__
    from kiosk.db.repositories import AuditRepository
    from kiosk.errors import RecordError

    config = core.config
    detail = {
        "terminal": config.terminal.id,
        "reader": hide_password(reader_uri or config.reader.uri),
        "printer_a4": hide_password(config.printers.a4),
        "printer_slip": hide_password(config.printers.slip),
        "catalog_hash": core.catalog.digest,
        "catalog_items": str(len(core.catalog.items)),
        "key": core.signing_key.fingerprint,
        "version": __version__,
        "database": core.engine.url.render_as_string(hide_password=True),
    }
    try:
        with core.sessions.begin() as session:
            AuditRepository(session).record(
                terminal_id=config.terminal.id,
                actor="system",
                kind="startup",
                subject=config.terminal.id,
                now=now or datetime.now(),
                detail=detail,
            )
    except SQLAlchemyError as exc:
        raise RecordError(type(exc).__name__) from exc
