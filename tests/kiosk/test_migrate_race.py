"""Migrations on first start: eight processes on one fresh database all succeed (they used to
fail with `table alembic_version already exists` / UniqueViolation); `kiosk db upgrade` is
idempotent; `schema_is_current` agrees with Alembic in one query and without importing it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, text

from kiosk.cli import main
from kiosk.db.engine import make_engine
from kiosk.db.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    schema_is_current,
    upgrade,
)

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 8
# Each worker imports everything, says it is ready, then waits for the start line: the eight
# migrations begin within milliseconds of each other, as when a district's kiosks power up.
WORKER = """
import sys, time
from pathlib import Path
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
import alembic.command, alembic.runtime.migration
from kiosk.cli import build_parser, main
build_parser()
ready.touch()
while not go.exists():
    time.sleep(0.002)
sys.exit(main(sys.argv[3:]))
"""


def _race(url: str, tmp_path: Path) -> list[subprocess.CompletedProcess[str]]:
    """Start PROCESSES `kiosk db upgrade` at once; their results."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_PATHS_DATA_DIR=str(tmp_path / "data"), KIOSK_UI_VOICE="false")
    go = tmp_path / "go"
    procs = []
    for i in range(PROCESSES):
        ready = tmp_path / f"ready-{i}"
        argv = [sys.executable, "-c", WORKER, str(ready), str(go), "--db", url, "db", "upgrade"]
        procs.append(
            subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        )
    for _ in range(6000):  # up to a minute for eight interpreters to import everything
        if all((tmp_path / f"ready-{i}").exists() for i in range(PROCESSES)):
            break
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.01)
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def _assert_all_started(results: list[subprocess.CompletedProcess[str]], url: str) -> None:
    failures = [r for r in results if r.returncode != 0 or "Traceback" in r.stderr]
    assert not failures, "\n---\n".join(r.stderr for r in failures)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [v for (v,) in versions] == [head_revision()]
    finally:
        engine.dispose()


def test_eight_processes_migrate_a_fresh_sqlite_file(tmp_path: Path) -> None:
    """GIVEN no database file WHEN eight processes upgrade it at once THEN all exit 0."""
    url = f"sqlite:///{tmp_path / 'data' / 'kiosk.sqlite3'}"
    _assert_all_started(_race(url, tmp_path), url)
    lock = tmp_path / "data" / "kiosk.sqlite3.migrate.lock"
    assert lock.exists() and lock.stat().st_mode & 0o077 == 0


def test_eight_processes_migrate_a_fresh_postgresql_database(pg_url: str, tmp_path: Path) -> None:
    """GIVEN an empty PostgreSQL database WHEN eight processes upgrade it at once THEN all exit 0."""
    _assert_all_started(_race(pg_url, tmp_path), pg_url)


def _upgrade_twice(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert f"-> {head_revision()}" in capsys.readouterr().out
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert f"already at {head_revision()}" in capsys.readouterr().out
    assert main(["--db", url, "db", "current"]) == 0


def test_db_upgrade_is_idempotent_on_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a fresh SQLite file WHEN `kiosk db upgrade` runs twice THEN both exit 0."""
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    _upgrade_twice(f"sqlite:///{tmp_path / 'k.sqlite3'}", capsys)


def test_db_upgrade_is_idempotent_on_postgresql(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a fresh PostgreSQL database WHEN `kiosk db upgrade` runs twice THEN both exit 0."""
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    _upgrade_twice(pg_url, capsys)


def test_head_read_from_the_files_is_alembics_head() -> None:
    """The head parsed from migrations/versions without Alembic is the one Alembic computes."""
    assert (
        head_revision()
        == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    )


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    return seen


def _agrees_with_alembic(url: str) -> None:
    engine = make_engine(url)
    try:
        alembic_head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
        statements = _statements(engine)
        assert schema_is_current(engine) is False  # never migrated: no alembic_version table
        assert current_revision(engine) is None
        upgrade(engine)
        statements.clear()
        assert schema_is_current(engine) is True
        assert statements == ["SELECT version_num FROM alembic_version"]
        assert current_revision(engine) == alembic_head
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        assert schema_is_current(engine) is False
        assert current_revision(engine) != alembic_head
    finally:
        engine.dispose()


def test_schema_is_current_agrees_with_alembic_on_sqlite(tmp_path: Path) -> None:
    """GIVEN a fresh, a migrated and a stale SQLite database THEN the same answer as Alembic."""
    _agrees_with_alembic(f"sqlite:///{tmp_path / 'k.sqlite3'}")


def test_schema_is_current_agrees_with_alembic_on_postgresql(pg_url: str) -> None:
    """GIVEN a fresh, a migrated and a stale PostgreSQL database THEN the same answer."""
    _agrees_with_alembic(pg_url)


def test_schema_is_current_does_not_import_alembic(tmp_path: Path) -> None:
    """GIVEN a migrated database WHEN a fresh process asks schema_is_current THEN True, and
    Alembic was never imported (the app's start-up skips it)."""
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    code = (
        "import sys\n"
        "from kiosk.db.engine import make_engine\n"
        "from kiosk.db.migrate import schema_is_current\n"
        f"print(schema_is_current(make_engine({url!r})), 'alembic' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.split() == ["True", "False"], proc.stderr
