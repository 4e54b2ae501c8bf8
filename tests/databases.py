"""PostgreSQL for the tests: fresh databases (empty, or cloned from a template migrated once per
run), dropped afterwards; and which database the `config` fixture gives on this run.

`KIOSK_TEST_DATABASE=postgresql` (or `pytest --database postgresql`) is the PostgreSQL pass: the
`config` and `seeded_db` fixtures then stand on a fresh PostgreSQL database of their own instead
of a SQLite file, and only the tests that use them run (see tests/conftest.py).
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime

import psycopg
import pytest

PG_ADMIN_URL = os.environ.get(
    "KIOSK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE_ENV = "KIOSK_TEST_DATABASE"
BACKENDS = ("sqlite", "postgresql")
SEED_NOW = datetime(2026, 1, 2, 9, 0)  # what the seeded_db fixture seeds with


def admin_dsn() -> str:
    """The libpq form of the admin URL (psycopg does not read SQLAlchemy's +psycopg)."""
    return PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")


def url_of(name: str) -> str:
    """The SQLAlchemy URL of database `name` on the test server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def connect_admin() -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection to the server's admin database; a clear failure if it is down."""
    try:
        return psycopg.connect(admin_dsn(), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {admin_dsn()} (make test starts it): {exc}")


def create_database(template: str | None = None, prefix: str = "kiosk_test") -> str:
    """A new database (empty, or a copy of `template`); returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with connect_admin() as conn:
        clause = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{clause}')
    return name


def drop_database(name: str) -> None:
    """Drop a database, closing whatever still holds it open."""
    with psycopg.connect(admin_dsn(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Templates:
    """Two template databases made on first use in a run: migrated to head, and migrated and
    seeded with the demo register (what `seeded_db` would seed). Cloning one takes ~60 ms."""

    def __init__(self) -> None:
        self._names: dict[bool, str] = {}

    def clone(self, *, seeded: bool) -> str:
        """A fresh database copied from the (seeded) template; returns its name."""
        if seeded not in self._names:
            self._names[seeded] = self._make(seeded)
        return create_database(self._names[seeded])

    def drop(self) -> None:
        """Drop the templates made in this run."""
        for name in self._names.values():
            drop_database(name)
        self._names.clear()

    @staticmethod
    def _make(seeded: bool) -> str:
        from kiosk.db.engine import make_engine, session_factory
        from kiosk.db.migrate import upgrade
        from kiosk.db.repositories import ResidentRepository
        from kiosk.demo_data import seed_demo

        name = create_database(prefix="kiosk_template")
        engine = make_engine(url_of(name))
        try:
            upgrade(engine)
            if seeded:
                with session_factory(engine).begin() as session:
                    seed_demo(ResidentRepository(session), SEED_NOW)
        finally:
            engine.dispose()  # a template must have no open connection when it is copied
        return name
