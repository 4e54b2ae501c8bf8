"""The district database goes away mid-session: the resident is told, nothing prints unrecorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import psycopg

from card_reader.simulated import SimulatedReader
from kiosk.config import Config, DatabaseConfig
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_cards import identity_of
from kiosk.demo_data import generate_residents
from kiosk.session import Step
from tests.kiosk.conftest import PG_ADMIN_URL, StartKiosk


def _drop(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_database_lost_mid_session(
    config: Config, pg_url: str, qtbot, start_kiosk: StartKiosk
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a kiosk on PostgreSQL with a resident at the item screen
    WHEN the database disappears and she presses 打印
    THEN she reads that the records cannot be reached (Chinese first), nothing is printed,
    and a new card gets the same message instead of a frozen screen."""
    config = replace(config, database=DatabaseConfig(url=pg_url))
    running = start_kiosk(config)
    core = running.core
    people = generate_residents(20)
    with core.sessions.begin() as db:
        for person in people:
            ResidentRepository(db).upsert(person, datetime(2026, 1, 2))
    reader = running.kiosk.reader
    assert isinstance(reader, SimulatedReader)
    session = running.session
    resident = core.lookup(people[0].id_number)
    assert resident is not None
    reader.place(identity_of(resident, date.today()))
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=10_000)
    assert session.choose_item("residence_certificate")

    assert session.submit({"purpose": "school"})  # the draft is made before the database goes
    qtbot.waitUntil(lambda: session.view.draft is not None, timeout=20_000)
    core.engine.dispose()
    _drop(pg_url)
    assert session.confirm()
    qtbot.waitUntil(lambda: session.step == Step.ERROR, timeout=20_000)
    assert "数据库暂时无法访问" in running.window.error.text.text()
    printed = Path(config.data_dir / "printed")
    assert not printed.exists() or not list(printed.glob("*.pdf"))

    reader.remove()
    qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=10_000)
    reader.place(identity_of(resident, date.today()))
    qtbot.waitUntil(lambda: session.step == Step.ERROR, timeout=20_000)
    assert "数据库暂时无法访问" in session.view.message.zh
