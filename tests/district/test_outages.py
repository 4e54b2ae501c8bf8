"""Outages on the database side: backends terminated under a running Core, a backend killed in
the middle of an issuance (never half-recorded), and the whole server stopped and started again
(the same Core comes back by itself). The engine gives up on a lost server within 5 s."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from kiosk.app import Core, build_core
from kiosk.benchmarks.fleet import INPUTS, ITEM, prepare_register
from kiosk.config import Config, DatabaseConfig
from kiosk.db.engine import PG_CONNECT_ARGS, make_engine, ping, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import AuditEvent, AuditHead, Issuance, SerialCounter
from kiosk.errors import RecordError
from kiosk.residents import ResidentRecord
from tests.district.cluster import ThrowawayCluster
from tests.district.conftest import TerminalFactory


def _terminate(url: str) -> int:
    """pg_terminate_backend every session of the database behind `url`; how many."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    name = dsn.rsplit("/", 1)[1]
    admin = dsn.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


@pytest.fixture
def core(terminal: TerminalFactory, district_url: str) -> Iterator[Core]:
    """A terminal's Core on the district database, with the demo register."""
    prepare_register(district_url)
    built = build_core(terminal("WY-HQJ-01"), create_key=True, printers=False)
    yield built
    built.close()


def _eligible(core: Core) -> ResidentRecord:
    item = core.catalog.item(ITEM)
    with core.sessions() as session:
        from kiosk.db.repositories import ResidentRepository

        people = ResidentRepository(session).sample(100)
    return next(p for p in people if item.check_eligibility(p, date.today()).eligible)


def test_lost_server_is_noticed_within_five_seconds() -> None:
    """GIVEN the engine's connection settings THEN a connection attempt gives up after at most
    2 s and unacknowledged data fails after 3 s: 5 s in all before the kiosk hears of it."""
    assert PG_CONNECT_ARGS["connect_timeout"] + PG_CONNECT_ARGS["tcp_user_timeout"] / 1000 <= 5
    engine = make_engine("postgresql://k@db.invalid/kiosk")
    assert engine.pool._pre_ping  # type: ignore[attr-defined]  # checked out connections are pinged
    engine.dispose()


def test_terminated_backends_are_replaced_without_an_error(core: Core) -> None:
    """GIVEN a Core that has looked a resident up WHEN every backend of its database is
    terminated THEN the next ping, lookup and issuance just work (dead pooled connections are
    replaced at checkout)."""
    resident = _eligible(core)
    assert core.lookup(resident.id_number) == resident
    assert _terminate(core.config.database.url) >= 1
    ping(core.engine)
    assert core.lookup(resident.id_number) == resident
    assert core.issue(resident, core.catalog.item(ITEM), INPUTS, copies=1, card_type="resident")


def test_a_backend_killed_mid_issue_leaves_nothing_recorded(core: Core) -> None:
    """GIVEN a resident at the confirm step WHEN the database backend is killed inside the
    issuance's transaction (the row and its document written, the audit event not yet) THEN
    RecordError, and the database holds no issuance, no audit event and an untouched audit
    head; only the serial, taken in a transaction of its own, is spent: the next issuance gets
    sequence 00002 (a gap, never a duplicate)."""
    from kiosk.db.repositories import IssuanceRepository

    resident = _eligible(core)
    item = core.catalog.item(ITEM)
    set_document = IssuanceRepository.set_document

    def killed(self: IssuanceRepository, serial: str, document: dict[str, object]) -> None:
        set_document(self, serial, document)
        _terminate(core.config.database.url)

    IssuanceRepository.set_document = killed  # type: ignore[method-assign]
    try:
        with pytest.raises(RecordError):
            core.issue(resident, item, INPUTS, copies=1, card_type="resident")
    finally:
        IssuanceRepository.set_document = set_document  # type: ignore[method-assign]
    with core.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Issuance)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
        assert session.scalar(select(func.count()).select_from(AuditHead)) == 0
        assert session.scalar(select(func.count()).select_from(SerialCounter)) == 1
    issued = core.issue(resident, item, INPUTS, copies=1, card_type="resident")
    assert issued.serial.endswith("-00002")


@pytest.mark.slow
def test_server_stopped_and_started_the_core_recovers_by_itself(
    terminal: TerminalFactory,
) -> None:
    """GIVEN a Core on a PostgreSQL server of its own WHEN the server stops THEN ping and lookup
    fail (RecordError: the kiosk pauses) WHEN it starts again THEN the same Core pings, looks up
    and issues again, without being rebuilt."""
    cluster = ThrowawayCluster()
    try:
        cluster.start()
        url = cluster.url.rsplit("/", 1)[0] + "/kiosk"
        with psycopg.connect(cluster.url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute("CREATE DATABASE kiosk")
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        prepare_register(url)
        config: Config = replace(terminal("WY-HQJ-09"), database=DatabaseConfig(url=url))
        core = build_core(config, create_key=True, printers=False)
        try:
            resident = _eligible(core)
            cluster.stop()
            with pytest.raises(SQLAlchemyError):
                ping(core.engine)
            with pytest.raises(RecordError):
                core.lookup(resident.id_number)
            cluster.start()
            ping(core.engine)
            assert core.lookup(resident.id_number) == resident
            issued = core.issue(
                resident, core.catalog.item(ITEM), INPUTS, copies=1, card_type="resident"
            )
            with session_factory(core.engine)() as session:
                assert session.scalar(select(Issuance.serial)) == issued.serial
        finally:
            core.close()
    finally:
        cluster.remove()
