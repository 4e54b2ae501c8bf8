"""Engine and session factory for a database URL; SQLite files get their directory and pragmas;
the health ping; the one dialect-specific statement (INSERT ... ON CONFLICT DO UPDATE)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import KeyedColumnElement


def normalise_url(url: str) -> str:
    """postgresql:// -> postgresql+psycopg:// (psycopg 3 is the driver we ship)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url`. SQLite: WAL, foreign keys, busy timeout; the file's folder is created.

    Statement parameters (ID numbers, names) never appear in error messages or logs."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        if parsed.database and parsed.database != ":memory:" and "file:" not in parsed.database:
            _guard_the_file(engine, Path(parsed.database).expanduser())
        return engine
    return create_engine(
        url, pool_pre_ping=True, connect_args=dict(PG_CONNECT_ARGS), hide_parameters=True
    )


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def _guard_the_file(engine: Engine, path: Path) -> None:
    """An SQLite connection goes on writing to its file after the file is deleted: every
    record, serial and audit event would then vanish at the next start. So each checkout checks
    that the file is still the one the connection opened (a file replaced, e.g. restored, is
    reconnected to), and once the file existed this engine never creates an empty one again:
    it refuses (OperationalError -> RecordError) until staff put the register back."""
    seen: dict[str, tuple[int, int] | None] = {"first": None}

    @event.listens_for(engine, "do_connect")
    def _refuse_a_new_file(*_args: object) -> None:
        if seen["first"] is not None and _file_id(path) is None:
            raise sqlite3.OperationalError(f"database file {path} is gone (removed while in use)")

    @event.listens_for(engine, "connect")
    def _remember(_conn: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info["file_id"] = _file_id(path)
        seen["first"] = seen["first"] or record.info["file_id"]

    @event.listens_for(engine, "checkout")
    def _still_there(_conn: DBAPIConnection, record: ConnectionPoolEntry, _proxy: object) -> None:
        if _file_id(path) != record.info.get("file_id"):
            raise DisconnectionError(f"database file {path} was removed or replaced")


# A lost PostgreSQL is noticed within 5 s: a connection attempt gives up after 2 s, data sent and
# not acknowledged for 3 s (a cable pulled, a server powered off) fails the statement, idle
# connections are probed, and every checkout is pre-pinged. Server-side limits (statement and
# idle-in-transaction timeouts) are set on the kiosk role (deploy/postgres/roles.sql): they also
# hold behind PgBouncer, which refuses per-connection `options`.
PG_CONNECT_ARGS: dict[str, int] = {
    "connect_timeout": 2,
    "tcp_user_timeout": 3000,  # ms
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 1,
    "keepalives_count": 3,
}
PING_TIMEOUT_MS = 2000


def ping(engine: Engine, timeout_ms: int = PING_TIMEOUT_MS) -> None:
    """One cheap query under a short statement timeout; raises SQLAlchemyError when the database
    does not answer (the kiosk's health check: call it from the worker, never the UI thread)."""
    with engine.connect() as conn:
        ping_connection(conn, timeout_ms)


def ping_connection(conn: Connection, timeout_ms: int = PING_TIMEOUT_MS) -> None:
    """`ping` on a connection the caller keeps (the health watch's own); ends its transaction."""
    try:
        if conn.dialect.name == "postgresql":
            # SET LOCAL: this transaction only, so it also holds behind PgBouncer
            conn.execute(text(f"SET LOCAL statement_timeout = {int(timeout_ms)}"))
        conn.execute(text("SELECT 1"))
    finally:
        conn.rollback()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (records are copied out to dataclasses anyway)."""
    return sessionmaker(engine, expire_on_commit=False)


def insert_or_update(
    session: Session,
    table: Table,
    index: list[str],
    changed: Callable[[ReadOnlyColumnCollection[str, KeyedColumnElement[Any]]], dict[str, Any]],
) -> Insert:
    """INSERT ... ON CONFLICT (index) DO UPDATE SET changed(excluded), in the session's dialect
    (PostgreSQL and SQLite spell it alike but through different classes)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(table)
        return pg.on_conflict_do_update(index_elements=index, set_=changed(pg.excluded))
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    lite = sqlite_insert(table)
    return lite.on_conflict_do_update(index_elements=index, set_=changed(lite.excluded))
