"""Alembic migrations driven from code: `kiosk db upgrade` and the app's start-up check.

Alembic is imported only when a migration runs or a revision is asked of it: `schema_is_current`
answers a start-up with one query and the head read from the shipped migration files.
Migrations are serialised across processes (eight kiosks starting on one fresh database):
a PostgreSQL advisory lock, or an flock beside the SQLite file.
"""

from __future__ import annotations

import fcntl
import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from kiosk.db.engine import normalise_url
from kiosk.errors import RecordError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
# Any constant would do; this one spells "kiosk" in ASCII and is only used for migrations.
PG_LOCK_KEY = 0x6B696F736B
_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"""^down_revision\s*(?::[^=]*)?=\s*(.+)$""", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


def alembic_config(url: str) -> AlembicConfig:
    """An Alembic config pointing at the packaged migrations."""
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind `engine` to `revision`, one process at a time.

    Whoever waited for the lock finds the work done: Alembic reads the revision after the lock
    is held, in the same transaction, and has nothing left to apply."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with _sqlite_file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "sqlite":  # pysqlite runs DDL outside any transaction: a kill
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # half-way then left tables, no version
        _pg_advisory_lock(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def upgrade_if_needed(engine: Engine) -> bool:
    """Upgrade to head unless the schema is current (then: one query); True if it upgraded."""
    if schema_is_current(engine):
        return False
    upgrade(engine)
    return True


def schema_is_current(engine: Engine) -> bool:
    """True if the database is at the shipped head: ONE query, no Alembic import.

    A database that cannot be reached raises as usual; one with no alembic_version table (never
    migrated) or at another revision answers False."""
    with engine.connect() as conn:
        try:
            found = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except DBAPIError:
            return False
    return found == {head_revision()}


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@functools.cache
def head_revision() -> str:
    """The newest revision shipped with this kiosk, read from the `revision = "..."` and
    `down_revision = ...` lines of migrations/versions (a test holds it to Alembic's answer)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(VERSIONS.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue  # __init__.py
        revisions.add(found.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    heads = revisions - parents
    if len(heads) != 1:
        raise RecordError(f"the shipped migrations have {len(heads)} heads, not one: {heads}")
    return heads.pop()


def _pg_advisory_lock(conn: Connection) -> None:
    """On PostgreSQL, wait for other migrating processes; released when the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """On a SQLite file, hold an exclusive flock on `<db file>.migrate.lock` (kept, 0600)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
