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
    """A kiosk terminal known to the database."""

    __tablename__ = "terminals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    community: Mapped[str] = mapped_column(String(64))
    last_seen: Mapped[datetime] = mapped_column(DateTime)


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
    """Who did what, when, on which terminal: staff actions and notable resident events."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    terminal_id: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))  # resident:<masked id> | staff:<name> | system
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # a serial, an item id, a device uri
    detail: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
