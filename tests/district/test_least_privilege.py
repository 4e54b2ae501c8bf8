"""deploy/postgres/ applied to a fresh server database: the owner migrates, the kiosk role
issues but cannot change or remove audit rows (no grant, and a trigger even if one is given),
the verifier only reads; and a backup taken with kiosk-backup.sh restores into an empty
database with every audit chain intact and the same records."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from kiosk.app import build_core
from kiosk.audit import verify_chains
from kiosk.benchmarks.fleet import INPUTS, ITEM
from kiosk.cli import main
from kiosk.commands.verify import void_status
from kiosk.config import DatabaseConfig, RetentionConfig
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.models import AuditEvent, Issuance, Resident
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import generate_residents
from kiosk.heartbeat import collect, write
from kiosk.retention import purge
from tests.databases import admin_dsn
from tests.district.conftest import TerminalFactory

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "postgres"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class District:
    """The names roles.sql was given, and URLs for each role."""

    db: str
    owner: str
    kiosk: str
    verifier: str

    def url(self, role: str) -> str:
        """The SQLAlchemy URL of the database as `role`."""
        return f"postgresql+psycopg://{role}@{HOST}:5432/{self.db}"

    def psql(self, role: str, script: str, database: str | None = None) -> None:
        """Run a deploy/postgres script with psql as `role`, with this district's names."""
        names = {"db": self.db, "owner": self.owner, "kiosk": self.kiosk, "verifier": self.verifier}
        argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-U", role]
        argv += ["-d", database or self.db, "-f", str(DEPLOY / script)]
        for key, value in names.items():
            argv += ["-v", f"{key}={value}"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=_env())
        assert done.returncode == 0, done.stderr


def _env() -> dict[str, str]:
    return {**os.environ, "PGPASSWORD": os.environ.get("PGPASSWORD", "postgres")}


def _superuser() -> str:
    return admin_dsn().split("://", 1)[1].split("@", 1)[0] or "postgres"


@pytest.fixture
def district(pg_url: str) -> Iterator[District]:
    """roles.sql run as the superuser, `kiosk db upgrade` as the owner, grants.sql as the owner."""
    tag = uuid.uuid4().hex[:8]
    names = District(f"kiosk_lp_{tag}", f"kiosk_owner_{tag}", f"kiosk_{tag}", f"kiosk_verify_{tag}")
    try:
        names.psql(_superuser(), "roles.sql", database="postgres")
        engine = make_engine(names.url(names.owner))
        from kiosk.db.migrate import upgrade

        upgrade(engine)
        with session_factory(engine).begin() as session:
            for person in generate_residents(40):
                ResidentRepository(session).upsert(person, datetime(2026, 1, 2))
        engine.dispose()
        names.psql(names.owner, "grants.sql")
        yield names
    finally:
        with psycopg.connect(admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{names.db}" WITH (FORCE)')
            for role in (names.kiosk, names.verifier, names.owner):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _connect(district: District, role: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(district.url(role).replace("+psycopg", ""), autocommit=True)


def _issue_as_kiosk(district: District, terminal: TerminalFactory) -> str:
    config = replace(
        terminal("WY-LP-01"), database=DatabaseConfig(url=district.url(district.kiosk))
    )
    core = build_core(config, create_key=True, printers=False)
    try:
        item = core.catalog.item(ITEM)
        with core.sessions() as session:
            people = ResidentRepository(session).sample(40)
        resident = next(p for p in people if item.check_eligibility(p, date.today()).eligible)
        issued = core.issue(resident, item, INPUTS, copies=1, card_type="resident")
        beat = collect(
            core, reader_state="ready", printer_status={}, last_session_at=None, now=datetime.now()
        )
        write(core.sessions, beat, datetime.now())
        return issued.serial
    finally:
        core.close()


def test_the_kiosk_role_issues_but_cannot_touch_audit_rows(
    district: District, terminal: TerminalFactory
) -> None:
    """GIVEN the least-privilege layout WHEN a terminal connects as the kiosk role THEN it
    issues (serial, record, audit), writes its heartbeat and purges old ratings; but UPDATE,
    DELETE and TRUNCATE of audit rows are refused, and editing the register is refused too."""
    serial = _issue_as_kiosk(district, terminal)
    engine = make_engine(district.url(district.kiosk))
    with session_factory(engine).begin() as session:  # the retention timer runs as this role
        purge(session, RetentionConfig(), datetime.now())
    engine.dispose()
    with _connect(district, district.kiosk) as conn:
        assert conn.execute(
            "SELECT count(*) FROM issuances WHERE serial = %s", (serial,)
        ).fetchone() == (1,)
        for statement in (
            "UPDATE audit_events SET actor = 'staff:nobody'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "UPDATE residents SET name = 'x'",
            "DELETE FROM issuances",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_the_trigger_refuses_audit_edits_even_with_a_grant(
    district: District, terminal: TerminalFactory
) -> None:
    """GIVEN an audit row WHEN somebody grants the kiosk role UPDATE and DELETE on audit_events
    (a mistake) THEN the trigger still refuses both, and refuses the owner too."""
    _issue_as_kiosk(district, terminal)
    with _connect(district, district.owner) as conn:
        conn.execute(f'GRANT UPDATE, DELETE ON audit_events TO "{district.kiosk}"')
    for role in (district.kiosk, district.owner):
        with _connect(district, role) as conn:
            for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    conn.execute(statement)


def test_the_verifier_only_reads(district: District, terminal: TerminalFactory) -> None:
    """GIVEN an issued document WHEN `kiosk verify` asks as the verifier role THEN it reads the
    void status; any write by that role is refused."""
    serial = _issue_as_kiosk(district, terminal)
    config = replace(
        terminal("WY-LP-02"), database=DatabaseConfig(url=district.url(district.verifier))
    )
    voided, note = void_status(config, serial)
    assert voided is False and "未作废" in note
    with _connect(district, district.verifier) as conn:
        for statement in (
            "INSERT INTO ratings (terminal_id, item_id, level, reasons, at) VALUES ('x', 'y', 5, '[]', now())",
            "UPDATE issuances SET status = 'voided'",
            "DELETE FROM session_log",
        ):
            with pytest.raises(
                (psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)
            ):
                conn.execute(statement)


def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return tuple(  # type: ignore[return-value]
                session.scalar(select(func.count()).select_from(t)) or 0
                for t in (Resident, Issuance, AuditEvent)
            )
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_backup_restores_into_an_empty_database(
    district: District,
    terminal: TerminalFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GIVEN a district with issuances and audit events WHEN kiosk-backup.sh dumps it, the
    database is dropped, roles.sql makes it again and pg_restore fills it THEN the counts are the
    same, `kiosk audit verify` finds every chain intact, and the audit trigger is back."""
    for _ in range(3):
        _issue_as_kiosk(district, terminal)
    before = _counts(district.url(district.owner))
    env = {**_env(), "KIOSK_DB": district.db, "KIOSK_DB_OWNER": district.owner,
           "KIOSK_BACKUP_DIR": str(tmp_path / "backups"), "PGHOST": HOST}  # fmt: skip
    done = subprocess.run(
        ["bash", str(DEPLOY / "kiosk-backup.sh")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    dump = Path(done.stdout.strip().splitlines()[-1])
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{district.db}" WITH (FORCE)')
    district.psql(_superuser(), "roles.sql", database="postgres")
    restore = ["pg_restore", "-h", HOST, "-U", district.owner, "-d", district.db]
    done = subprocess.run(
        [*restore, "--no-owner", "--exit-on-error", str(dump)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert _counts(district.url(district.owner)) == before and before[1] == 3
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "cli"))
    assert main(["--db", district.url(district.verifier), "audit", "verify"]) == 0
    assert "every chain intact" in capsys.readouterr().out
    engine = make_engine(district.url(district.verifier))
    reports = verify_chains(session_factory(engine))
    engine.dispose()
    assert reports and all(r.first_break is None for r in reports)
    with (
        _connect(district, district.owner) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("DELETE FROM audit_events")
