"""The database dropped mid-session, under the real kiosk window (issue 14, part B 2): the SQLite
file removed or locked by another process; PostgreSQL backends terminated, and the database
refusing connections for a while.

Covered elsewhere and not repeated: the PostgreSQL database dropped for good mid-session
(tests/kiosk/test_database_down.py), backends terminated or killed under a Core, the server
stopped and started (tests/district/test_outages.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest

from kiosk.config import Config, DatabaseConfig
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_cards import identity_of
from kiosk.demo_data import generate_residents
from kiosk.errors import RecordError
from kiosk.residents import ResidentRecord
from kiosk.ui.launch import RunningKiosk
from kiosk.view import Step
from tests.databases import admin_dsn
from tests.kiosk.conftest import StartKiosk
from tests.reliability.faults_support import (
    assert_bilingual,
    log_lines,
    log_size,
    staff_log,  # noqa: F401
    visible_text,
)

pytestmark = [pytest.mark.stacks, pytest.mark.slow]

UNREACHABLE = RecordError().resident_message
SQLITE_FILES = ("", "-wal", "-shm")


def someone(running: RunningKiosk) -> ResidentRecord:
    """A resident of the register the kiosk stands on."""
    with running.core.sessions() as db:
        return ResidentRepository(db).sample(1)[0]


def to_confirm(running: RunningKiosk, resident: ResidentRecord, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Her card, 居住证明, her answer: the draft is on the confirm screen."""
    session = running.session
    running.kiosk.reader.place(identity_of(resident, date.today()))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=15_000)
    assert session.choose_item("residence_certificate")
    assert session.submit({"purpose": "school"})
    qtbot.waitUntil(lambda: session.view.draft is not None, timeout=30_000)


def told_records_unreachable(running: RunningKiosk) -> None:
    """数据库暂时无法访问 / not reachable, both languages, with 返回; no serial, nothing printed."""
    text = visible_text(running.window)
    assert_bilingual(UNREACHABLE, text)
    assert running.window.error.button.isVisible()
    assert running.session.view.issued is None
    printed = running.kiosk.config.data_dir / "printed"
    assert not printed.exists() or not list(printed.glob("*.pdf"))


def printed_pdfs(running: RunningKiosk) -> list[Path]:
    """What the file printer wrote."""
    return list((running.kiosk.config.data_dir / "printed").glob("*.pdf"))


# -- SQLite -----------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_sqlite_file_removed_mid_session(  # type: ignore[no-untyped-def]
    seeded_db: Config,
    start_kiosk: StartKiosk,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN a resident on the confirm screen WHEN the SQLite register is deleted from the disk
    THEN 确认打印 records nothing and prints nothing (the open connection would have gone on
    writing to the deleted file, and every record would have vanished with it): she reads
    数据库暂时无法访问 / not reachable with 返回, the staff log has an ERROR line, and no empty
    register is created in its place; a new card is told the same, not a frozen screen; WHEN
    staff put the file back THEN her card opens the menu and she can print."""
    running = start_kiosk(seeded_db)
    resident = someone(running)
    to_confirm(running, resident, qtbot)
    database = Path(seeded_db.database.url.split("///", 1)[1])
    kept = database.with_name("kept")
    kept.mkdir()
    for suffix in SQLITE_FILES:
        if Path(f"{database}{suffix}").exists():
            os.link(f"{database}{suffix}", kept / f"{database.name}{suffix}")  # staff's backup
            os.unlink(f"{database}{suffix}")
    mark = log_size(staff_log)
    assert running.session.confirm()
    qtbot.waitUntil(lambda: running.session.step == Step.ERROR, timeout=30_000)
    told_records_unreachable(running)
    assert log_lines(staff_log, r"ERROR .*(no serial allocated|not recorded)", since=mark)
    assert not database.exists(), "an empty register was made in place of the removed one"

    reader = running.kiosk.reader
    reader.remove()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: running.session.step == Step.WAITING, timeout=10_000)
    reader.place(identity_of(resident, date.today()))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: running.session.step == Step.ERROR, timeout=20_000)
    assert_bilingual(UNREACHABLE, visible_text(running.window))

    for suffix in SQLITE_FILES:  # staff restore the register (the same files, linked back)
        if (kept / f"{database.name}{suffix}").exists():
            os.link(kept / f"{database.name}{suffix}", f"{database}{suffix}")
    reader.remove()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: running.session.step == Step.WAITING, timeout=10_000)
    to_confirm(running, resident, qtbot)
    assert running.session.confirm()
    qtbot.waitUntil(lambda: running.session.step == Step.DONE, timeout=30_000)
    assert len(printed_pdfs(running)) == 1


@pytest.fixture
def sqlite_lock(seeded_db: Config) -> Iterator[subprocess.Popen[str]]:
    """Another process that can take the register's write lock (BEGIN EXCLUSIVE) on request."""
    database = seeded_db.database.url.split("///", 1)[1]
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, database],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    yield holder
    if holder.poll() is None:
        holder.kill()
        holder.wait(5)


LOCK_HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
sys.stdin.readline()
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
print("released", flush=True)
"""


@pytest.mark.sqlite_only
def test_sqlite_register_locked_by_another_process(  # type: ignore[no-untyped-def]
    seeded_db: Config,
    start_kiosk: StartKiosk,
    sqlite_lock: subprocess.Popen[str],
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN a resident on the confirm screen WHEN another process holds the register's write lock
    THEN after the busy timeout she reads 数据库暂时无法访问 / not reachable with 返回, nothing is
    printed and the staff log says why; WHEN the lock is released THEN 返回 leads back to her
    menu and the paper prints."""
    running = start_kiosk(seeded_db)
    to_confirm(running, someone(running), qtbot)
    assert sqlite_lock.stdin is not None and sqlite_lock.stdout is not None
    sqlite_lock.stdin.write("lock\n")
    sqlite_lock.stdin.flush()
    assert sqlite_lock.stdout.readline().strip() == "locked"
    mark = log_size(staff_log)
    pressed = time.monotonic()
    assert running.session.confirm()
    qtbot.waitUntil(lambda: running.session.step == Step.ERROR, timeout=60_000)
    print(f"sqlite locked: error on screen {time.monotonic() - pressed:.1f} s after 确认打印")
    told_records_unreachable(running)
    assert log_lines(staff_log, r"ERROR .*no serial allocated: OperationalError", since=mark)

    sqlite_lock.stdin.write("release\n")
    sqlite_lock.stdin.flush()
    assert sqlite_lock.stdout.readline().strip() == "released"
    running.window.error.button.click()
    qtbot.waitUntil(lambda: running.session.step == Step.MENU, timeout=5_000)
    assert running.session.choose_item("residence_certificate")
    assert running.session.submit({"purpose": "school"})
    qtbot.waitUntil(lambda: running.session.view.draft is not None, timeout=30_000)
    assert running.session.confirm()
    qtbot.waitUntil(lambda: running.session.step == Step.DONE, timeout=30_000)


# -- PostgreSQL -------------------------------------------------------------------------------


def _admin(statement: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(admin_dsn(), autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []


def terminate_backends(url: str) -> int:
    """pg_terminate_backend every session of the database behind `url`."""
    name = url.rsplit("/", 1)[1]
    rows = _admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        name,
    )
    return len(rows)


@pytest.fixture
def pg_kiosk(config: Config, pg_url: str, start_kiosk: StartKiosk) -> RunningKiosk:
    """The kiosk on a private PostgreSQL database of its own, with a small register."""
    running = start_kiosk(replace(config, database=DatabaseConfig(url=pg_url)))
    with running.core.sessions.begin() as db:
        for person in generate_residents(20):
            ResidentRepository(db).upsert(person, datetime(2026, 1, 2))
    return running


def test_postgres_backends_terminated_mid_session_go_unnoticed(  # type: ignore[no-untyped-def]
    pg_kiosk: RunningKiosk, pg_url: str, qtbot
) -> None:
    """GIVEN a resident on the confirm screen WHEN every backend of the kiosk's database is
    terminated (pg_terminate_backend: a restart, a failover) THEN 确认打印 prints as usual: the
    pool replaces the dead connections at checkout."""
    to_confirm(pg_kiosk, someone(pg_kiosk), qtbot)
    assert terminate_backends(pg_url) >= 1
    assert pg_kiosk.session.confirm()
    qtbot.waitUntil(lambda: pg_kiosk.session.step == Step.DONE, timeout=30_000)
    assert len(printed_pdfs(pg_kiosk)) == 1


def test_postgres_refusing_connections_mid_session_then_back(  # type: ignore[no-untyped-def]
    pg_kiosk: RunningKiosk,
    pg_url: str,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN a resident on the confirm screen WHEN the database drops every connection and
    refuses new ones (ALLOW_CONNECTIONS false, backends terminated) THEN she reads
    数据库暂时无法访问 / not reachable with 返回, nothing is recorded or printed, the staff log has
    an ERROR line; WHEN it takes connections again THEN 返回 leads to her menu and she prints."""
    name = pg_url.rsplit("/", 1)[1]
    to_confirm(pg_kiosk, someone(pg_kiosk), qtbot)
    _admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    try:
        terminate_backends(pg_url)
        mark = log_size(staff_log)
        assert pg_kiosk.session.confirm()
        qtbot.waitUntil(lambda: pg_kiosk.session.step == Step.ERROR, timeout=30_000)
        told_records_unreachable(pg_kiosk)
        assert log_lines(staff_log, r"ERROR .*no serial allocated", since=mark)
    finally:
        _admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    pg_kiosk.window.error.button.click()
    qtbot.waitUntil(lambda: pg_kiosk.session.step == Step.MENU, timeout=5_000)
    assert pg_kiosk.session.choose_item("residence_certificate")
    assert pg_kiosk.session.submit({"purpose": "school"})
    qtbot.waitUntil(lambda: pg_kiosk.session.view.draft is not None, timeout=30_000)
    assert pg_kiosk.session.confirm()
    qtbot.waitUntil(lambda: pg_kiosk.session.step == Step.DONE, timeout=30_000)
    with pg_kiosk.core.sessions() as db:
        from kiosk.db.repositories import IssuanceRepository

        record = IssuanceRepository(db).by_serial(pg_kiosk.session.view.issued.serial)  # type: ignore[union-attr]
    assert record is not None and record.status == "printed"
