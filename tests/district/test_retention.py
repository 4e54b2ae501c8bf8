"""Retention: `kiosk retention purge` deletes ratings and session logs older than `[retention]`
allows and keeps everything newer; issuances and audit events are never purged."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from kiosk.cli import main
from kiosk.config import Config, RetentionConfig, load_config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import AuditEvent, Rating, SessionLog
from kiosk.db.repositories import AuditRepository, TerminalRepository
from kiosk.errors import ConfigError
from kiosk.retention import purge

NOW = datetime(2026, 6, 1, 12, 0)


def _fill(config: Config, now: datetime = NOW) -> None:
    """Ratings and session logs 10 and 400 days before `now`; an audit event 3000 days old."""
    engine = make_engine(config.database.url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        TerminalRepository(session).touch("WY-A", "1号机", "红旗街社区", now)
        for days in (10, 400):
            at = now - timedelta(days=days)
            session.add(
                Rating(terminal_id="WY-A", item_id="x", serial=None, level=5, reasons=[], at=at)
            )
            session.add(
                SessionLog(terminal_id="WY-A", started_at=at, ended_at=at, reason="done", issued=1)
            )
        AuditRepository(session).record(
            terminal_id="WY-A", actor="system", kind="started", subject="WY-A",
            now=now - timedelta(days=3000),
        )  # fmt: skip
    engine.dispose()


def _left(config: Config) -> tuple[int, int, int]:
    engine = make_engine(config.database.url)
    with session_factory(engine)() as session:
        found = tuple(
            session.scalar(select(func.count()).select_from(t)) or 0
            for t in (Rating, SessionLog, AuditEvent)
        )
    engine.dispose()
    return found  # type: ignore[return-value]


def test_purge_keeps_what_is_within_retention(config: Config) -> None:
    """GIVEN ratings kept 365 days and sessions 30 WHEN a dry run, then a purge THEN the dry run
    only counts; the purge deletes the 400-day-old rating and both old-enough session rows, and
    the 3000-day-old audit event stays."""
    _fill(config)
    retention = RetentionConfig(ratings_days=365, sessions_days=5)
    engine = make_engine(config.database.url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        counted = purge(session, retention, NOW, dry_run=True)
    assert (counted.ratings, counted.sessions) == (1, 2)
    assert _left(config) == (2, 2, 1)
    with sessions.begin() as session:
        done = purge(session, retention, NOW)
    engine.dispose()
    assert (done.ratings, done.sessions) == (1, 2)
    assert _left(config) == (1, 0, 1)


def test_retention_purge_command_reads_the_configuration(
    config: Config, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN [retention] in kiosk.toml WHEN `kiosk retention purge --dry-run` and then without
    THEN it reports, then deletes, by those days; issuances and audit events are kept (the
    command runs on the real clock: the rows are dated from it)."""
    _fill(config, datetime.now())
    toml = tmp_path / "kiosk.toml"
    toml.write_text("[retention]\nratings_days = 30\nsessions_days = 30\n", encoding="utf-8")
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(config.data_dir))
    argv = ["--config", str(toml), "--db", config.database.url, "retention", "purge"]
    assert main([*argv, "--dry-run"]) == 0
    assert "would delete 1 ratings" in capsys.readouterr().out
    assert _left(config) == (2, 2, 1)
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("deleted 1 ratings") and "1 session log rows" in out
    assert "audit events kept" in out


@pytest.mark.parametrize("days", ["0", "36501", "-3"])
def test_retention_days_out_of_range_are_a_config_error(days: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN retention.ratings_days outside 1..36500 THEN a ConfigError naming the key."""
    env = {"KIOSK_PATHS_DATA_DIR": str(tmp_path), "KIOSK_RETENTION_RATINGS_DAYS": days}
    with pytest.raises(ConfigError) as caught:
        load_config(None, env=env)
    assert caught.value.key == "retention.ratings_days"
    assert (
        replace(load_config(None, env={"KIOSK_PATHS_DATA_DIR": str(tmp_path)})).retention
        == RetentionConfig()
    )
