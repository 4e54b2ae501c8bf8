"""Terminal health: what a running kiosk reports every 30 s (reader, each printer's state and
paper, app version, catalogue hash, schema revision, last session, open staff calls) into its
`terminals` row, and what `kiosk terminals` reads back for every terminal of the district.

The running kiosk calls `beat(...)` on its worker thread every HEARTBEAT_SECONDS."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from kiosk import __version__
from kiosk.db.models import StaffCall, Terminal
from printer.base import PrinterState, PrinterStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.config import Config
    from printer.base import Printer

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
SILENT_AFTER = timedelta(minutes=2)
READER_FAULTS = {
    "no_service": "读卡器服务未运行",
    "no_reader": "未连接读卡器",
    "error": "读卡器故障",
}
PAPER = {PrinterState.READY: "ok", PrinterState.PAPER_LOW: "low", PrinterState.PAPER_OUT: "out"}


class HasDigest(Protocol):
    """The loaded catalogue (kiosk.catalog.Catalog)."""

    @property
    def digest(self) -> str:
        """SHA-256 of catalog.yaml."""
        ...


class HeartbeatSource(Protocol):
    """What a heartbeat is collected from: the kiosk's Core."""

    @property
    def config(self) -> Config:
        """The terminal's configuration."""
        ...

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The district database."""
        ...

    @property
    def catalog(self) -> HasDigest:
        """The catalogue in use."""
        ...

    @property
    def printers(self) -> Mapping[str, Printer]:
        """Printers by role (a4, slip)."""
        ...


@dataclass(frozen=True)
class PrinterHealth:
    """One printer as the heartbeat reports it."""

    role: str
    uri: str
    state: str  # a printer.base.PrinterState value
    paper: str  # ok | low | out | unknown
    message: str = ""


@dataclass(frozen=True)
class Heartbeat:
    """What one terminal says about itself at one moment."""

    terminal_id: str
    name: str
    community: str
    at: datetime
    version: str
    reader_state: str
    printers: tuple[PrinterHealth, ...]
    catalog_hash: str | None
    schema_revision: str | None
    last_session_at: datetime | None
    open_calls: int = 0
    problems: tuple[str, ...] = field(default=())


def collect(
    core: HeartbeatSource,
    *,
    reader_state: str,
    printer_status: Mapping[str, PrinterStatus],
    last_session_at: datetime | None,
    now: datetime,
) -> Heartbeat:
    """Gather this terminal's heartbeat: the states given (the printer monitor's last poll per
    role, the reader bridge's state), the catalogue's hash, and from the database the schema
    revision and this terminal's open staff calls. Database failures leave those None / 0."""
    terminal = core.config.terminal
    printers = tuple(
        _printer(role, printer.uri, printer_status.get(role))
        for role, printer in sorted(core.printers.items())
    )
    revision, calls = None, 0
    try:
        with core.sessions() as session:
            revision = schema_revision(session)
            calls = open_calls(session).get(terminal.id, 0)
    except SQLAlchemyError as exc:
        log.warning("heartbeat: database not read (%s)", type(exc).__name__)
    beat = Heartbeat(
        terminal_id=terminal.id,
        name=terminal.name,
        community=terminal.community,
        at=now.replace(microsecond=0),
        version=__version__,
        reader_state=str(reader_state),
        printers=printers,
        catalog_hash=core.catalog.digest,
        schema_revision=revision,
        last_session_at=last_session_at,
        open_calls=calls,
    )
    return replace(beat, problems=problems_of(beat))


def _printer(role: str, uri: str, status: PrinterStatus | None) -> PrinterHealth:
    if status is None:
        return PrinterHealth(role, uri, "unknown", "unknown", "not polled yet")
    paper = PAPER.get(status.state, "unknown")
    return PrinterHealth(role, uri, status.state.value, paper, status.staff_message)


def problems_of(beat: Heartbeat) -> tuple[str, ...]:
    """What staff must look at, in Chinese: printers not ready, reader faults, open calls."""
    found = []
    for p in beat.printers:
        if p.paper == "out":
            found.append(f"{p.role} 打印机缺纸")
        elif p.paper == "low":
            found.append(f"{p.role} 打印纸将用完")
        elif p.state not in ("ready", "unknown"):
            found.append(f"{p.role} 打印机{p.state}")
    if beat.reader_state in READER_FAULTS:
        found.append(READER_FAULTS[beat.reader_state])
    if beat.open_calls:
        found.append(f"{beat.open_calls} 个未处理的呼叫")
    return tuple(found)


def schema_revision(session: Session) -> str | None:
    """The database's Alembic revision, in one query (None if never migrated)."""
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def open_calls(session: Session) -> dict[str, int]:
    """Staff calls not yet acknowledged, by terminal."""
    rows = session.execute(
        select(StaffCall.terminal_id, func.count())
        .where(StaffCall.acknowledged_at.is_(None))
        .group_by(StaffCall.terminal_id)
    )
    return {str(terminal): int(count) for terminal, count in rows}


def write(sessions: sessionmaker[Session], heartbeat: Heartbeat, now: datetime) -> None:
    """Store the heartbeat in the terminal's row (created if missing), one short transaction."""
    printers: dict[str, object] = {
        p.role: {"uri": p.uri, "state": p.state, "paper": p.paper, "message": p.message}
        for p in heartbeat.printers
    }
    with sessions.begin() as session:
        row = session.get(Terminal, heartbeat.terminal_id)
        if row is None:
            row = Terminal(
                id=heartbeat.terminal_id,
                name=heartbeat.name,
                community=heartbeat.community,
                last_seen=now,
            )
            session.add(row)
        row.last_seen = now
        row.heartbeat_at = heartbeat.at
        row.version = heartbeat.version
        row.reader_state = heartbeat.reader_state
        row.printers = printers
        row.catalog_hash = heartbeat.catalog_hash
        row.schema_revision = heartbeat.schema_revision
        if heartbeat.last_session_at is not None:
            row.last_session_at = heartbeat.last_session_at


def beat(
    core: HeartbeatSource,
    *,
    reader_state: str,
    printer_status: Mapping[str, PrinterStatus],
    last_session_at: datetime | None,
    now: datetime | None = None,
) -> Heartbeat | None:
    """Collect and write one heartbeat; never raises (a lost database is logged and the next
    beat tries again). What the running kiosk's 30 s timer calls, on the worker thread."""
    moment = now or datetime.now()
    try:
        heartbeat = collect(
            core,
            reader_state=reader_state,
            printer_status=printer_status,
            last_session_at=last_session_at,
            now=moment,
        )
        write(core.sessions, heartbeat, moment)
    except SQLAlchemyError as exc:
        log.warning("heartbeat not written (%s)", type(exc).__name__)
        return None
    return heartbeat


@dataclass(frozen=True)
class TerminalHealth:
    """One terminal as `kiosk terminals` shows it: its last heartbeat and what is wrong."""

    id: str
    name: str
    community: str
    heartbeat_at: datetime | None
    silent: bool  # no heartbeat for more than SILENT_AFTER (or never)
    version: str | None
    reader_state: str | None
    printers: Mapping[str, Mapping[str, str]]
    catalog_hash: str | None
    schema_revision: str | None
    last_session_at: datetime | None
    open_calls: int
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """JSON-safe values (datetimes as ISO text)."""
        data = dict(self.__dict__)
        for key in ("heartbeat_at", "last_session_at"):
            value = data[key]
            data[key] = value.isoformat() if isinstance(value, datetime) else None
        data["printers"] = {k: dict(v) for k, v in self.printers.items()}
        data["problems"] = list(self.problems)
        return data


def district_health(
    session: Session, now: datetime, head: str | None = None
) -> list[TerminalHealth]:
    """Every terminal in the database with its health, the ones needing staff first.

    `head`: the schema revision the terminals should be at (a terminal reporting another one
    runs an older or newer kiosk)."""
    calls = open_calls(session)
    found = []
    for row in session.scalars(select(Terminal).order_by(Terminal.id)):
        printers = {
            role: {k: str(v) for k, v in dict(value).items()}
            for role, value in (row.printers or {}).items()
            if isinstance(value, dict)
        }
        silent = row.heartbeat_at is None or now - row.heartbeat_at > SILENT_AFTER
        problems = list(_row_problems(row, printers, calls.get(row.id, 0), now))
        if silent:
            problems.insert(0, _silence(row.heartbeat_at, now))
        if head and row.schema_revision and row.schema_revision != head:
            problems.append(f"数据库版本 {row.schema_revision}（应为 {head}）")
        found.append(
            TerminalHealth(
                id=row.id,
                name=row.name,
                community=row.community,
                heartbeat_at=row.heartbeat_at,
                silent=silent,
                version=row.version,
                reader_state=row.reader_state,
                printers=printers,
                catalog_hash=row.catalog_hash,
                schema_revision=row.schema_revision,
                last_session_at=row.last_session_at,
                open_calls=calls.get(row.id, 0),
                problems=tuple(problems),
            )
        )
    return sorted(found, key=lambda t: (not t.problems, t.id))


def _row_problems(
    row: Terminal, printers: Mapping[str, Mapping[str, str]], calls: int, now: datetime
) -> tuple[str, ...]:
    health = tuple(
        PrinterHealth(role, p.get("uri", ""), p.get("state", "unknown"), p.get("paper", "unknown"))
        for role, p in sorted(printers.items())
    )
    beat = Heartbeat(
        terminal_id=row.id,
        name=row.name,
        community=row.community,
        at=row.heartbeat_at or now,
        version=row.version or "",
        reader_state=row.reader_state or "",
        printers=health,
        catalog_hash=row.catalog_hash,
        schema_revision=row.schema_revision,
        last_session_at=row.last_session_at,
        open_calls=calls,
    )
    problems = problems_of(beat)
    if row.staff_locked_until is not None and row.staff_locked_until > now:
        problems += (f"工作人员登录已锁定至 {row.staff_locked_until:%H:%M}",)
    return problems


def _silence(heartbeat_at: datetime | None, now: datetime) -> str:
    if heartbeat_at is None:
        return "从未上报 / never reported"
    minutes = int((now - heartbeat_at).total_seconds() // 60)
    return f"{minutes} 分钟无心跳 / silent for {minutes} min"
