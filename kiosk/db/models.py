"""SQLAlchemy 2 typed models. Repositories (kiosk.db.repositories) are the only users."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Resident(Base):
    """A person in the community register."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(64))
    sex: Mapped[str] = mapped_column(String(8))  # male | female
    birth_date: Mapped[date] = mapped_column(Date)
    nation: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))
    community: Mapped[str] = mapped_column(String(64), index=True)
    grid: Mapped[str] = mapped_column(String(64))
    building: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(16))
    room: Mapped[str | None] = mapped_column(String(16))
    household_id: Mapped[str] = mapped_column(String(32), index=True)
    hukou_local: Mapped[bool] = mapped_column(Boolean)
    registered_since: Mapped[date] = mapped_column(Date)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Terminal(Base):
    """A kiosk terminal known to the database, with its last heartbeat."""

    __tablename__ = "terminals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    community: Mapped[str] = mapped_column(String(64))
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    # heartbeat (every 30 s from a running kiosk)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[str | None] = mapped_column(String(32))
    reader_state: Mapped[str | None] = mapped_column(String(32))
    printers: Mapped[dict[str, object] | None] = mapped_column(JSON)  # role -> state, paper
    catalog_hash: Mapped[str | None] = mapped_column(String(64))
    schema_revision: Mapped[str | None] = mapped_column(String(32))
    last_session_at: Mapped[datetime | None] = mapped_column(DateTime)
    # staff entry at this terminal: failures since the last success, and the lock they caused
    staff_failures: Mapped[int] = mapped_column(Integer, default=0)
    staff_locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class SerialCounter(Base):
    """Last serial sequence used per community code and day."""

    __tablename__ = "serial_counters"

    community_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD
    last: Mapped[int] = mapped_column(Integer, default=0)


class Issuance(Base):
    """One document issued to one resident: persisted before it is printed."""

    __tablename__ = "issuances"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True, index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.id"))
    inputs: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    paper: Mapped[str] = mapped_column(String(8))
    copies: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(16))  # issued|printed|print_failed|voided
    content_hash: Mapped[str | None] = mapped_column(String(64))
    reprints: Mapped[int] = mapped_column(Integer, default=0)
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by: Mapped[str | None] = mapped_column(String(64))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    # review papers (status pending_review -> issued/printed | rejected): who decided, and why
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    # The rendered document's values, so a reprint is the same paper even if the register changes.
    document: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)

    jobs: Mapped[list[PrintJobRecord]] = relationship(back_populates="issuance")


class PrintJobRecord(Base):
    """One attempt to print an issuance (the first print or a reprint)."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuance_id: Mapped[int] = mapped_column(ForeignKey("issuances.id"), index=True)
    printer_uri: Mapped[str] = mapped_column(String(200))
    reprint: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16))  # queued|sent|done|failed
    device_job_id: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    issuance: Mapped[Issuance] = relationship(back_populates="jobs")


class AuditEvent(Base):
    """Who did what, when, on which terminal. Append-only and hash-chained per terminal: each
    row carries the hash of the terminal's previous row and its own content hash."""

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("terminal_id", "seq", name="uq_audit_terminal_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int | None] = mapped_column(Integer)  # 1, 2, ... within the terminal's chain
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    terminal_id: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))  # resident:<masked id> | staff:<name> | system
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # a serial, an item id, a device uri
    detail: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class AuditHead(Base):
    """The last link of each terminal's audit chain (locked while appending; a deleted tail row
    no longer matches it)."""

    __tablename__ = "audit_heads"

    terminal_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class StaffAccount(Base):
    """A staff member who may enter maintenance mode: card (ID number) and a hashed PIN."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    role: Mapped[str] = mapped_column(String(16))  # staff | admin
    pin_hash: Mapped[str] = mapped_column(String(200))  # argon2id, salted
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class StaffCall(Base):
    """A resident pressed 呼叫工作人员: which terminal, when, on which screen; and who came."""

    __tablename__ = "staff_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    screen: Mapped[str] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))


class Rating(Base):
    """A 好差评 rating of one completed service; never linked to the resident."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[str] = mapped_column(String(32), index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    serial: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)  # 5 非常满意 ... 1 非常不满意
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class SessionLog(Base):
    """One resident session, without the resident: when, how it ended, what it issued."""

    __tablename__ = "session_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[str] = mapped_column(String(32), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ended_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(16))  # done | timeout | cancel | card_removed
    issued: Mapped[int] = mapped_column(Integer, default=0)
