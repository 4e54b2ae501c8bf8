"""Fixtures for the district: the run's database (`config`), fresh PostgreSQL databases,
migrated, with terminal configs that share them (two kiosks of one district on one server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import Config, load_config
from kiosk.db.engine import make_engine
from kiosk.db.migrate import upgrade
from tests.databases import create_database, drop_database, url_of
from tests.kiosk import conftest as app

TerminalFactory = Callable[[str], Config]

start_kiosk = app.start_kiosk  # the running kiosk, as the app's tests start it


@pytest.fixture
def config(tmp_path: Path, database_url: str | None) -> Config:
    """Embedded defaults in a fresh data dir on the run's database (a SQLite file there, or on
    the PostgreSQL pass a fresh migrated PostgreSQL database: see tests/databases.py)."""
    env = {"KIOSK_PATHS_DATA_DIR": str(tmp_path / "data"), "KIOSK_UI_VOICE": "false"}
    if database_url:
        env["KIOSK_DATABASE_URL"] = database_url
    return load_config(None, env=env)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = create_database()
    try:
        yield url_of(name)
    finally:
        drop_database(name)


@pytest.fixture
def district_url(pg_url: str) -> str:
    """The fresh database migrated to head, as `kiosk db upgrade` leaves a district's."""
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return pg_url


@pytest.fixture
def terminal(district_url: str, tmp_path: Path) -> TerminalFactory:
    """terminal("WY-HQJ-02") -> the config of one more kiosk on the district database (its own
    data dir and id; same community code, catalogue and key folder as the others)."""

    def make(terminal_id: str) -> Config:
        env = {
            "KIOSK_PATHS_DATA_DIR": str(tmp_path / terminal_id),
            "KIOSK_PATHS_KEY_DIR": str(tmp_path / "keys"),
            "KIOSK_DATABASE_URL": district_url,
            "KIOSK_UI_VOICE": "false",
        }
        config = load_config(None, env=env)
        name = f"红旗街社区服务站 {terminal_id}"
        return replace(config, terminal=replace(config.terminal, id=terminal_id, name=name))

    return make
