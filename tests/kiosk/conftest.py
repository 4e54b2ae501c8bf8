"""Fixtures for the app: a config in a temporary data dir, a migrated database, demo residents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.config import Config, load_config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import seed_demo
from tests.databases import PG_ADMIN_URL as PG_ADMIN_URL  # re-exported: tests import it here
from tests.databases import create_database, drop_database, url_of


def make_config(data_dir: Path, **env: str) -> Config:
    """A Config on embedded defaults inside data_dir; env adds KIOSK_* overrides."""
    values = {"KIOSK_PATHS_DATA_DIR": str(data_dir), "KIOSK_UI_VOICE": "false", **env}
    return load_config(None, env=values)


@pytest.fixture
def config(tmp_path: Path, database_url: str | None) -> Config:
    """Embedded defaults in a fresh data dir (sim reader, file printer) on the run's database:
    a SQLite file in the data dir, or on the PostgreSQL pass a fresh migrated PostgreSQL database
    (see tests/databases.py)."""
    env = {"KIOSK_DATABASE_URL": database_url} if database_url else {}
    return make_config(tmp_path / "data", **env)


@pytest.fixture
def seeded_db(config: Config) -> Iterator[Config]:
    """The config's database migrated and seeded with the demo residents (on the PostgreSQL
    pass it comes seeded from a template: seed_demo then finds residents and adds none)."""
    engine = make_engine(config.database.url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        seed_demo(ResidentRepository(session), datetime(2026, 1, 2, 9, 0))
    engine.dispose()
    yield config


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = create_database()
    try:
        yield url_of(name)
    finally:
        drop_database(name)


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

    start(config, reader_uri="sim://", poll_interval=0.2, emulator=None, create_key=True)
    -> RunningKiosk; create_key=False: the terminal's own certified key, as `kiosk run` has it;
    font_copies=True: builds the lean font copies once ready, as `kiosk run` does.
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
        create_key: bool = True,
        font_copies: bool = False,
    ) -> RunningKiosk:
        qt_app()
        kiosk = build_kiosk(
            config,
            reader_uri=reader_uri,
            emulator=emulator,  # type: ignore[arg-type]
            migrate=True,
            create_key=create_key,
            poll_interval=poll_interval,
            font_copies=font_copies,
        )
        running = start_kiosk(kiosk, voice=False)
        started.append(running)
        running.window.resize(1600, 1000)
        running.window.show()
        if wait_ready:
            view = running.session
            qtbot.waitUntil(
                lambda: view.view.ready or view.view.out_of_service is not None, timeout=60_000
            )
        return running

    yield start
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    for running in started:
        running.stop()
        running.window.close()
        running.window.deleteLater()  # freed here, on the UI thread, not by a GC elsewhere
    started.clear()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def kiosk(seeded_db: Config, start_kiosk: StartKiosk) -> RunningKiosk:
    """The kiosk on the demo register with a simulated reader (running.kiosk.reader)."""
    return start_kiosk(seeded_db)


def press_print(running: RunningKiosk, qtbot) -> None:  # type: ignore[no-untyped-def]
    """打印 on the item screen, then 确认打印 once the draft is on screen (real clicks)."""
    from PySide6.QtCore import Qt

    from kiosk.view import Step

    window, session = running.window, running.session
    qtbot.mouseClick(window.item.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: session.step == Step.CONFIRM and session.view.draft is not None, timeout=30_000
    )
    qtbot.mouseClick(window.confirm.confirm_button, Qt.MouseButton.LeftButton)
