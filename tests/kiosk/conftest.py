"""Fixtures for the app: a config in a temporary data dir, a migrated database, demo residents."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.config import Config, load_config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import seed_demo

PG_ADMIN_URL = os.environ.get(
    "KIOSK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def make_config(data_dir: Path, **env: str) -> Config:
    """A Config on embedded defaults inside data_dir; env adds KIOSK_* overrides."""
    values = {"KIOSK_PATHS_DATA_DIR": str(data_dir), "KIOSK_UI_VOICE": "false", **env}
    return load_config(None, env=values)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """Embedded defaults in a fresh data dir (SQLite file, sim reader, file printer)."""
    return make_config(tmp_path / "data")


@pytest.fixture
def seeded_db(config: Config) -> Iterator[Config]:
    """The config's SQLite database migrated and seeded with the demo residents."""
    engine = make_engine(config.database.url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        seed_demo(ResidentRepository(session), datetime(2026, 1, 2, 9, 0))
    engine.dispose()
    yield config


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"kiosk_test_{uuid.uuid4().hex[:10]}"
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {admin} (make test starts it): {exc}")
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Appended below the original fixtures (this file is shared), hence the late import.
from printer.emulators.cupsd import CupsdError, CupsServer, PrivateCupsd  # noqa: E402


@pytest.fixture(scope="session")
def kiosk_cups() -> Iterator[CupsServer]:
    """A private cupsd (own config, spool and port; stopped by its pid) with the cups-pdf queue
    KIOSK_PDF, for kiosk sessions that print A4 through real CUPS."""
    scheduler = PrivateCupsd()
    try:
        scheduler.start()
        queue = scheduler.add_pdf_queue()
    except CupsdError as exc:
        scheduler.stop()
        if "not installed" in str(exc):
            pytest.skip(str(exc))
        pytest.fail(str(exc))
    try:
        yield queue
    finally:
        scheduler.stop()
