"""Alembic: upgrade from empty on SQLite and PostgreSQL, a linear chain, models in step."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from kiosk.db.engine import make_engine
from kiosk.db.migrate import alembic_config, current_revision, head_revision, upgrade
from kiosk.db.models import Base

TABLES = {"residents", "issuances", "print_jobs", "audit_events", "terminals", "serial_counters"}


def test_chain_is_linear() -> None:
    """Every revision has one parent and there is one head."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert revisions[-1].down_revision is None
    for rev in revisions[:-1]:
        assert isinstance(rev.down_revision, str), rev.revision


def _upgrade_and_compare(url: str) -> None:
    engine = make_engine(url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    upgrade(engine)  # idempotent
    engine.dispose()


def test_upgrade_from_empty_sqlite(tmp_path) -> None:
    """GIVEN an empty SQLite file WHEN upgraded THEN every table exists and matches the models."""
    _upgrade_and_compare(f"sqlite:///{tmp_path / 'k.sqlite3'}")


def test_upgrade_from_empty_postgresql(pg_url: str) -> None:
    """GIVEN an empty PostgreSQL database WHEN upgraded THEN the same."""
    _upgrade_and_compare(pg_url)
