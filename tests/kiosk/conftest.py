"""Fixtures for the app: a config in a temporary data dir, a migrated database, demo residents."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
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


# --- the running kiosk: one fixture for every test that drives the real window ---------------
from kiosk.ui.launch import RunningKiosk  # noqa: E402

StartKiosk = Callable[..., RunningKiosk]


@pytest.fixture
def start_kiosk(qtbot) -> Iterator[StartKiosk]:  # type: ignore[no-untyped-def]
    """Start the real kiosk (worker, session, reader, window offscreen at 1600×1000) on a config
    and wait until it is ready (or out of service); every kiosk started is stopped afterwards.

    start(config, reader_uri="sim://", poll_interval=0.2, emulator=None) -> RunningKiosk
    """
    from kiosk.app import build_kiosk
    from kiosk.ui.launch import qt_app, start_kiosk

    started: list[RunningKiosk] = []

    def start(
        config: Config,
        *,
        reader_uri: str = "sim://",
        poll_interval: float = 0.2,
        emulator: str | None = None,
        wait_ready: bool = True,
    ) -> RunningKiosk:
        qt_app()
        kiosk = build_kiosk(
            config,
            reader_uri=reader_uri,
            emulator=emulator,  # type: ignore[arg-type]
            migrate=True,
            create_key=True,
            poll_interval=poll_interval,
        )
        running = start_kiosk(kiosk, voice=False)
        started.append(running)
        qtbot.addWidget(running.window)
        running.window.resize(1600, 1000)
        running.window.show()
        if wait_ready:
            view = running.session
            qtbot.waitUntil(
                lambda: view.view.ready or view.view.out_of_service is not None, timeout=60_000
            )
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def kiosk(seeded_db: Config, start_kiosk: StartKiosk) -> RunningKiosk:
    """The kiosk on the demo register with a simulated reader (running.kiosk.reader)."""
    return start_kiosk(seeded_db)
