"""Diagnostics in one record: reader, printers, database, catalogue, key, disk, version, the last
errors of the kiosk log and the open call-staff alerts; and a printer test page.

`diagnostics(core)` is what the staff screen shows (call it on the worker: it asks every
printer and the database). `collect(...)` takes the parts one by one, so `kiosk diagnose` can
report on a kiosk whose database or catalogue would not even open.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable
from urllib.parse import urlsplit

from kiosk.audit import hide_password
from kiosk.staff.logs import recent_errors

__all__ = ["Diagnostics", "collect", "diagnostics", "print_test_page", "recent_errors"]

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from card_reader.base import Reader, ReaderState
    from forms.keys import SigningKey
    from kiosk.app import Core
    from kiosk.catalog import Catalog
    from kiosk.config import Config
    from kiosk.db.staff import StaffCallRecord
    from printer.base import Printer
    from printer.testpage import PageKind

Timer = Callable[[], float]


@runtime_checkable
class DescribesDevice(Protocol):
    """A reader driver that can say more about its device (SAM serial, ATR, firmware)."""

    def device_details(self) -> Mapping[str, str]:
        """Name -> value, e.g. {"sam_serial": "...", "atr": "3B 8F ..."}."""


@dataclass(frozen=True)
class ReaderReport:
    """The card reader: driver, port, state, what the device says, a test read."""

    uri: str
    driver: str
    port: str
    state: str  # a card_reader ReaderState value, or "unknown"
    details: tuple[tuple[str, str], ...] = ()
    test_read: str = ""
    error: str = ""


@dataclass(frozen=True)
class PrinterReport:
    """One configured printer as it answers now."""

    role: str
    uri: str
    state: str
    can_print: bool
    message_zh: str
    staff_message: str
    reasons: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class DatabaseReport:
    """The database: where (no password), whether and how fast it answers, its schema."""

    url: str
    reachable: bool
    latency_ms: float | None
    revision: str | None
    expected_revision: str
    error: str = ""


@dataclass(frozen=True)
class CatalogReport:
    """The catalogue in use."""

    path: str
    digest: str
    items: int
    locality: str | None
    error: str = ""


@dataclass(frozen=True)
class Diagnostics:
    """Everything the diagnostics screen and `kiosk diagnose` show."""

    at: datetime
    version: str
    terminal_id: str
    reader: ReaderReport
    printers: tuple[PrinterReport, ...]
    database: DatabaseReport
    catalog: CatalogReport
    key_fingerprint: str  # empty when no key could be loaded (key_error says why)
    data_dir: str
    free_disk_bytes: int | None
    recent_errors: tuple[str, ...]
    open_calls: tuple[StaffCallRecord, ...] = field(default=())
    key_error: str = ""

    @property
    def healthy(self) -> bool:
        """True when the reader has no error, every printer can print and the database answers
        at the expected schema."""
        db = self.database
        return (
            not self.reader.error
            and all(p.can_print for p in self.printers)
            and db.reachable
            and db.revision == db.expected_revision
            and not self.catalog.error
            and not self.key_error
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (datetimes as ISO text)."""
        data = asdict(self)
        data["at"] = self.at.isoformat(timespec="seconds")
        data["healthy"] = self.healthy
        data["open_calls"] = [
            {
                "id": c.id,
                "terminal_id": c.terminal_id,
                "at": c.at.isoformat(timespec="seconds"),
                "screen": c.screen,
            }
            for c in self.open_calls
        ]
        return data


def diagnostics(
    core: Core,
    *,
    reader: Reader | None = None,
    reader_state: ReaderState | None = None,
    test_read_seconds: float | None = None,
    timer: Timer = time.perf_counter,
    clock: Callable[[], datetime] = datetime.now,
) -> Diagnostics:
    """Diagnostics of a built kiosk. Pass the `reader` only when no other thread uses it (the
    CLI); the running kiosk passes `reader_state` as its reader bridge last reported it."""
    return collect(
        core.config,
        engine=core.engine,
        catalog=core.catalog,
        signing_key=core.signing_key,
        printers=core.printers,
        reader=reader,
        reader_state=reader_state,
        test_read_seconds=test_read_seconds,
        timer=timer,
        clock=clock,
    )


def collect(
    config: Config,
    *,
    engine: Engine | None,
    catalog: Catalog | None,
    signing_key: SigningKey | None,
    printers: Mapping[str, Printer],
    reader: Reader | None = None,
    reader_state: ReaderState | None = None,
    test_read_seconds: float | None = None,
    problems: Mapping[str, str] | None = None,
    timer: Timer = time.perf_counter,
    clock: Callable[[], datetime] = datetime.now,
) -> Diagnostics:
    """Diagnostics from whatever parts could be opened; `problems` says why a part is None
    (keys: database, catalog, key, printer_a4, printer_slip, reader)."""
    from kiosk import __version__

    problems = problems or {}
    calls: tuple[StaffCallRecord, ...] = ()
    if engine is not None:
        calls = _open_calls(engine)
    return Diagnostics(
        at=clock(),
        version=__version__,
        terminal_id=config.terminal.id,
        reader=reader_report(
            config.reader.uri,
            reader,
            state=reader_state,
            test_read_seconds=test_read_seconds,
            problem=problems.get("reader", ""),
        ),
        printers=tuple(
            printer_report(role, uri, printers.get(role), problems.get(f"printer_{role}", ""))
            for role, uri in (("a4", config.printers.a4), ("slip", config.printers.slip))
        ),
        database=database_report(config.database.url, engine, timer, problems.get("database", "")),
        catalog=catalog_report(config, catalog, problems.get("catalog", "")),
        key_fingerprint=signing_key.fingerprint if signing_key else "",
        key_error="" if signing_key else problems.get("key", "not loaded"),
        data_dir=str(config.data_dir),
        free_disk_bytes=free_disk(config.data_dir),
        recent_errors=recent_errors(config.data_dir / "logs"),
        open_calls=calls,
    )


def reader_report(
    uri: str,
    reader: Reader | None,
    *,
    state: ReaderState | None = None,
    test_read_seconds: float | None = None,
    problem: str = "",
) -> ReaderReport:
    """The reader's driver, port and state; asks `reader` (status, details, a test read)."""
    from card_reader.base import CardReaderError, NoCardError

    parts = urlsplit(uri)
    port = (parts.netloc + parts.path) or "—"
    driver = parts.scheme if reader is None else type(reader).__name__
    base = ReaderReport(hide_password(uri), driver, port, state.value if state else "unknown")
    if problem:
        return replace(base, error=problem)
    if reader is None:
        return base
    try:
        found = reader.status().value
        details: tuple[tuple[str, str], ...] = ()
        if isinstance(reader, DescribesDevice):
            details = tuple(sorted(reader.device_details().items()))
    except CardReaderError as exc:
        return replace(base, state=exc.state.value, error=exc.detail)
    read = ""
    if test_read_seconds is not None:
        try:
            identity = reader.wait_for_card(test_read_seconds)
            read = f"读卡成功 / read OK: {identity.masked_id}"
        except NoCardError:
            read = "读卡器正常，未放卡 / reader answered, no card on it"
        except CardReaderError as exc:
            read = f"{exc.resident_message[0]} / {exc.detail}"
        found = reader.status().value
    return replace(base, state=found, details=details, test_read=read)


def printer_report(
    role: str, uri: str, printer: Printer | None, problem: str = ""
) -> PrinterReport:
    """What one printer says now (status() never raises: an unreachable device is OFFLINE)."""
    if printer is None:
        why = problem or "not opened"
        return PrinterReport(
            role, hide_password(uri), "error", False, "打印机不可用", why, error=why
        )
    status = printer.status()
    return PrinterReport(
        role=role,
        uri=hide_password(printer.uri),
        state=status.state.value,
        can_print=status.can_print,
        message_zh=status.resident_message[0],
        staff_message=status.staff_message,
        reasons=tuple(status.reasons),
    )


def database_report(
    url: str, engine: Engine | None, timer: Timer, problem: str = ""
) -> DatabaseReport:
    """Round trip (SELECT 1) in milliseconds and the schema revision."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.db.migrate import head_revision

    expected = head_revision()
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as far as it is safe to
        shown = hide_password(url)
    if engine is None:
        return DatabaseReport(shown, False, None, None, expected, problem or "not opened")
    try:
        with engine.connect() as conn:
            started = timer()
            conn.execute(text("SELECT 1"))
            latency = (timer() - started) * 1000
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        return DatabaseReport(shown, False, None, None, expected, type(exc).__name__)
    return DatabaseReport(shown, True, round(latency, 2), revision, expected)


def catalog_report(config: Config, catalog: Catalog | None, problem: str = "") -> CatalogReport:
    """The catalogue file's hash and item count."""
    if catalog is None:
        return CatalogReport(str(config.catalog_path), "", 0, config.terminal.locality, problem)
    return CatalogReport(str(catalog.source), catalog.digest, len(catalog.items), catalog.locality)


def free_disk(path: Path) -> int | None:
    """Free bytes on the data directory's file system (None if it cannot be asked)."""
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def _open_calls(engine: Engine) -> tuple[StaffCallRecord, ...]:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.db.engine import session_factory
    from kiosk.db.staff import StaffCallRepository

    try:
        with session_factory(engine)() as session:
            return tuple(StaffCallRepository(session).open())
    except SQLAlchemyError:
        return ()


def print_test_page(
    printer: Printer,
    *,
    role: str,
    slip_paper: str,
    sessions: sessionmaker[Session] | None = None,
    terminal_id: str = "",
    actor: str = "system",
    now: datetime | None = None,
) -> str:
    """Print a stamped test page (A4, or the slip width) and audit it (test_page) when
    `sessions` is given; returns the printer job's state. PrinterError if it fails."""
    from printer.testpage import render_test_page

    when = now or datetime.now()
    kind: PageKind = "a4" if role == "a4" else ("slip58" if slip_paper == "slip58" else "slip80")
    pdf = render_test_page(kind, when, printer.uri)
    job = printer.print(pdf, title=f"print-test-{when:%Y%m%d-%H%M%S}")
    if sessions is not None:
        _audit_test_page(sessions, terminal_id, actor, printer.uri, job.state.value, when)
    return job.state.value


def _audit_test_page(
    sessions: sessionmaker[Session],
    terminal_id: str,
    actor: str,
    uri: str,
    state: str,
    now: datetime,
) -> None:
    from kiosk.db.repositories import AuditRepository
    from kiosk.staff.store import transaction

    with transaction(sessions) as session:
        AuditRepository(session).record(
            terminal_id=terminal_id,
            actor=actor,
            kind="test_page",
            subject=hide_password(uri)[:64],
            now=now,
            detail={"state": state},
        )
