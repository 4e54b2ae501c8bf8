"""A running kiosk on a PostgreSQL server of its own, the server stopped and started again: the
attract screen says 暂停服务 within seconds, the resident in a visit is told, and the kiosk
serves again by itself when the server returns (no restart, no staff)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import Terminal
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import seed_demo
from kiosk.health import HealthWatch, Vitals
from kiosk.messages import DATABASE_LOST, WAITING
from kiosk.view import Step
from tests.district.cluster import ThrowawayCluster
from tests.kiosk.conftest import StartKiosk, make_config
from tests.kiosk.screen import card_on, featured, sim, visible_text

pytestmark = [pytest.mark.slow, pytest.mark.stacks]  # a PostgreSQL cluster of its own


def _district(cluster: ThrowawayCluster) -> str:
    """A migrated `kiosk` database with the demo register on the cluster."""
    url = cluster.url.rsplit("/", 1)[0] + "/kiosk"
    with psycopg.connect(cluster.url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("CREATE DATABASE kiosk")
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        seed_demo(ResidentRepository(session), datetime(2026, 1, 2, 9, 0))
    engine.dispose()
    return url


def test_the_attract_screen_pauses_and_comes_back_with_the_server(
    tmp_path: Path, start_kiosk: StartKiosk, qtbot: QtBot
) -> None:
    """GIVEN a running kiosk with a resident at the menu WHEN its database server stops THEN
    within 5 s she reads that service is paused (her visit is not thrown away) and, once she
    leaves, the attract screen says 暂停服务 WHEN the server starts again THEN the attract
    screen invites a card again and a heartbeat is written, by itself."""
    cluster = ThrowawayCluster()
    try:
        cluster.start()
        config = make_config(tmp_path / "data", KIOSK_DATABASE_URL=_district(cluster))
        running = start_kiosk(config)
        session, window = running.session, running.window
        assert session.view.ready
        card_on(running, qtbot, featured(config))
        assert session.step == Step.MENU

        cluster.stop()
        qtbot.waitUntil(lambda: session.view.out_of_service == DATABASE_LOST, timeout=5_000)
        assert DATABASE_LOST.zh in visible_text(window)
        assert session.step == Step.MENU  # still her menu: nothing she did is lost
        sim(running).remove()  # she takes her card
        qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=10_000)
        qtbot.waitUntil(lambda: "暂停服务" in visible_text(window.waiting), timeout=5_000)

        cluster.start()
        qtbot.waitUntil(lambda: session.view.out_of_service is None, timeout=30_000)
        qtbot.waitUntil(lambda: WAITING.zh in visible_text(window.waiting), timeout=5_000)
        assert "暂停服务" not in visible_text(window.waiting)
        terminal = config.terminal.id

        def beaten() -> bool:
            with running.kiosk.core.sessions() as db:
                at = db.scalar(select(Terminal.heartbeat_at).where(Terminal.id == terminal))
            return at is not None

        qtbot.waitUntil(beaten, timeout=5_000)
    finally:
        cluster.remove()


class _Core:
    """A Core's health surface on the cluster's engine (the heartbeat is not what is tested)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)


def test_a_lost_database_is_told_once_and_retried_with_backoff(tmp_path: Path) -> None:
    """GIVEN a health watch on a server WHEN the server stops THEN on_lost is called once and
    the next checks come after 2, 4, 8, then 15 s WHEN it starts again THEN on_back once."""
    cluster = ThrowawayCluster()
    events: list[str] = []
    try:
        cluster.start()
        core = _Core(cluster.url)
        watch = HealthWatch(
            core,  # type: ignore[arg-type]  # pinged only: the heartbeat is skipped below
            lambda: Vitals("ready", {}, None),
            on_lost=lambda: events.append("lost"),
            on_back=lambda: events.append("back"),
            heartbeat_seconds=1e9,
            clock=lambda: -1.0,  # never due: no heartbeat in this test
        )
        assert watch.check() == 2.0 and events == []
        cluster.stop()
        assert [watch.check() for _ in range(5)] == [2.0, 4.0, 8.0, 15.0, 15.0]
        assert events == ["lost"] and watch.lost
        cluster.start()
        assert watch.check() == 2.0
        assert events == ["lost", "back"] and not watch.lost
        core.engine.dispose()
    finally:
        cluster.remove()
