"""Crash consistency of the register's bulk changes: `kiosk residents import` SIGKILLed with a
batch written but not committed, and `kiosk db upgrade` SIGKILLed between two migrations, on a
SQLite file and on PostgreSQL. Each is all or nothing: after the kill the database is as it was,
the same command then succeeds, and `kiosk run` comes back to a clean attract screen."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from kiosk.benchmarks.million import write_csv
from kiosk.config import Config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import head_revision
from kiosk.db.models import Resident
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import seed_demo
from tests.kiosk.conftest import make_config
from tests.reliability.crash_terminal import (
    Register,
    Terminal,
    assert_clean_attract,
    assert_consistent,
    install_certified_key,
)

pytestmark = [pytest.mark.slow, pytest.mark.stacks]
ROWS = 2_500  # three batches of 1,000: the kill lands after the second


def residents(url: str) -> set[str]:
    """Every ID number in the register."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return set(session.scalars(select(Resident.id_number)))
    finally:
        engine.dispose()


def test_killed_mid_import_batch_imports_nothing(seeded_db: Config, tmp_path: Path) -> None:
    """GIVEN a register and a CSV of 2,500 new residents WHEN `kiosk residents import` is
    killed with two batches written inside its transaction THEN not one row is in the register;
    `kiosk run` restarts clean, and the same import then brings in every row, once."""
    term = Terminal(seeded_db)
    install_certified_key(term.config, tmp_path / "district-root")
    register = write_csv(tmp_path / "register.csv", ROWS, offset=10_000)
    with register.open(encoding="utf-8") as fh:
        numbers = {row["id_number"] for row in csv.DictReader(fh)}
    before = residents(term.config.database.url)
    assert len(numbers) == ROWS and not numbers & before
    killed_register = term.register()
    term.killed("mid_import_batch:2", "residents", "import", str(register))
    assert residents(term.config.database.url) == before
    assert_clean_attract(term.restart())
    assert_consistent(term, killed_register)
    term.ok("residents", "import", str(register))
    assert residents(term.config.database.url) == before | numbers


def migrate_killed_then_restarted(url: str, tmp_path: Path) -> None:
    """`kiosk db upgrade` on a fresh database killed after its first revision: nothing may be
    left of it. Then the terminal starts as it would at boot: `kiosk run` (which migrates a
    SQLite file itself; PostgreSQL first gets `kiosk db upgrade`), the register, new issuances."""
    term = Terminal(make_config(tmp_path / "data", KIOSK_DATABASE_URL=url))
    install_certified_key(term.config, tmp_path / "district-root")
    term.killed("mid_migration", "db", "upgrade")
    engine = make_engine(url)
    try:
        left = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert not left, f"a killed migration left tables without a version: {sorted(left)}"
        if engine.dialect.name != "sqlite":
            assert f"-> {head_revision()}" in term.ok("db", "upgrade")
        assert_clean_attract(term.restart())
        with session_factory(engine).begin() as session:
            seed_demo(ResidentRepository(session), datetime(2026, 1, 2, 9, 0))
            assert session.scalar(select(func.count()).select_from(Resident))
    finally:
        engine.dispose()
    assert_consistent(term, Register({}, {}, frozenset(), ()))


def test_killed_mid_migration_on_sqlite(tmp_path: Path) -> None:
    """GIVEN a fresh SQLite file WHEN `kiosk db upgrade` is killed between two migrations
    THEN no table is left behind (it was: every later start failed `table ... already exists`),
    the upgrade succeeds again and the kiosk starts and issues."""
    migrate_killed_then_restarted(f"sqlite:///{tmp_path / 'data' / 'kiosk.sqlite3'}", tmp_path)


def test_killed_mid_migration_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """GIVEN a fresh PostgreSQL database WHEN `kiosk db upgrade` is killed between two
    migrations THEN nothing is left of it, the upgrade succeeds again, the kiosk starts."""
    migrate_killed_then_restarted(pg_url, tmp_path)
