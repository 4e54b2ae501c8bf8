"""The audit chain on real databases: every edit, deletion and insertion is found, on SQLite
and PostgreSQL, with several writers at once; rows from before the chain are not breaks."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.audit import (
    GENESIS,
    Break,
    ChainReport,
    Head,
    Link,
    check_chain,
    event_hash,
    verify_chains,
)
from kiosk.cli import main
from kiosk.db.audit import AuditChainRepository
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import AuditEvent, AuditHead
from kiosk.db.repositories import AuditRepository

T0 = datetime(2026, 3, 2, 9, 0, 0, 123456)


def chain(n: int, terminal: str = "A") -> list[Link]:
    """n correctly chained links."""
    links, prev = [], GENESIS
    for seq in range(1, n + 1):
        fields = dict(
            terminal_id=terminal, seq=seq, at=T0 + timedelta(seconds=seq), actor="system",
            kind="printed", subject=f"S-{seq}", detail={"n": str(seq)}, prev_hash=prev,
        )  # fmt: skip
        digest = event_hash(**fields)  # type: ignore[arg-type]
        links.append(Link(row_id=seq, hash=digest, **fields))  # type: ignore[arg-type]
        prev = digest
    return links


def head_of(links: list[Link]) -> Head:
    return Head(links[-1].terminal_id, links[-1].seq or 0, links[-1].hash or "")


# --- the pure check ------------------------------------------------------------------------
def test_an_untouched_chain_is_intact() -> None:
    """GIVEN a whole chain and its head WHEN checked THEN intact."""
    links = chain(5)
    assert check_chain("A", links, head_of(links)).intact


@pytest.mark.parametrize(
    "change", [{"at": T0}, {"actor": "staff:x"}, {"kind": "void"}, {"subject": "S-9"},
               {"detail": {"n": "9"}}, {"terminal_id": "B"}, {"prev_hash": "f" * 64}],
)  # fmt: skip
def test_every_field_is_covered_by_the_hash(change: dict[str, object]) -> None:
    """GIVEN a chain WHEN any one field of event 3 changes THEN the check reports event 3."""
    links = chain(5)
    links[2] = replace(links[2], **change)  # type: ignore[arg-type]
    report = check_chain("A", links, head_of(links))
    assert report.first_break is not None and report.first_break.seq == 3


def test_a_deleted_tail_is_caught_by_the_head() -> None:
    """GIVEN a chain whose last event was removed WHEN checked against the head THEN TAIL."""
    links = chain(5)
    report = check_chain("A", links[:-1], head_of(links))
    assert [p.kind for p in report.problems] == [Break.TAIL]


# --- real databases ------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of each kind (the PostgreSQL one is fresh and dropped afterwards)."""
    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
    built = make_engine(url)
    upgrade(built)
    yield built
    built.dispose()


def record(sessions: sessionmaker[Session], terminal: str, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with sessions.begin() as session:
            AuditRepository(session).record(
                terminal_id=terminal, actor="system", kind="printed", subject=f"S-{i}",
                now=T0 + timedelta(seconds=i), detail={"reason": ""},
            )  # fmt: skip


def report_of(sessions: sessionmaker[Session], terminal: str = "A") -> ChainReport:
    return {r.terminal_id: r for r in verify_chains(sessions)}[terminal]


def edit(session: Session) -> None:
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.terminal_id == "A", AuditEvent.seq == 2)
        .values(detail={"reason": "nothing happened"})
    )


def remove(session: Session) -> None:
    session.execute(delete(AuditEvent).where(AuditEvent.terminal_id == "A", AuditEvent.seq == 4))


def insert(session: Session) -> None:
    """A forged event slipped in between 4 and 5: later rows renumbered, the new row's link and
    hash computed correctly (the head left alone)."""
    rows = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.terminal_id == "A", AuditEvent.seq >= 5)
        .order_by(AuditEvent.seq.desc())
    ).all()
    for row in rows:  # one by one, from the top: the (terminal, seq) key stays unique
        row.seq = (row.seq or 0) + 1
        session.flush()
    before = session.scalars(
        select(AuditEvent).where(AuditEvent.terminal_id == "A", AuditEvent.seq == 4)
    ).first()
    prev = before.hash if before else GENESIS
    at = T0 + timedelta(seconds=4, milliseconds=500)
    fields = dict(
        terminal_id="A",
        seq=5,
        at=at,
        actor="staff:nobody",
        kind="void",
        subject="S-x",
        detail={},
        prev_hash=prev,
    )
    session.add(AuditEvent(hash=event_hash(**fields), **fields))  # type: ignore[arg-type]


def unlinked(session: Session) -> None:
    session.add(
        AuditEvent(at=T0, terminal_id="A", actor="system", kind="void", subject="S-y", detail={})
    )


@pytest.mark.parametrize(
    ("tamper", "kind", "seq"),
    [
        (edit, Break.EDITED, 2),
        (remove, Break.DELETED, 4),
        (insert, Break.LINK, 6),
        (unlinked, Break.INSERTED, None),
    ],
    ids=["edited", "deleted", "inserted", "inserted_without_link"],
)
def test_each_tampering_is_found_at_its_row(
    engine: Engine, tamper: Callable[[Session], None], kind: Break, seq: int | None
) -> None:
    """GIVEN 8 events of terminal A and 3 of B WHEN one row of A is edited, deleted or inserted
    THEN A's first broken link names that row's kind and place; B stays intact."""
    sessions = session_factory(engine)
    record(sessions, "A", 8)
    record(sessions, "B", 3)
    assert report_of(sessions).intact
    with sessions.begin() as session:
        tamper(session)
    report = report_of(sessions)
    assert report.first_break is not None
    assert (report.first_break.kind, report.first_break.seq) == (kind, seq)
    assert report_of(sessions, "B").intact


def test_an_edit_a_deletion_and_an_insertion_together_are_all_found(engine: Engine) -> None:
    """GIVEN a chain WHEN one row is edited, another deleted and a third inserted THEN three
    problems, the earliest (the edit) first."""
    sessions = session_factory(engine)
    record(sessions, "A", 8)
    with sessions.begin() as session:
        edit(session)
        remove(session)
        unlinked(session)
    report = report_of(sessions)
    assert [(p.kind, p.seq) for p in report.problems] == [
        (Break.EDITED, 2), (Break.DELETED, 4), (Break.INSERTED, None)
    ]  # fmt: skip


def test_a_deleted_tail_row_is_found_in_the_database(engine: Engine) -> None:
    """GIVEN a chain WHEN its newest row is deleted THEN the head no longer matches (TAIL)."""
    sessions = session_factory(engine)
    record(sessions, "A", 3)
    with sessions.begin() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
    assert [p.kind for p in report_of(sessions).problems] == [Break.TAIL]


def test_rows_from_before_the_chain_are_unchained_not_broken(engine: Engine) -> None:
    """GIVEN an older database's rows without a seq WHEN the chain starts after them THEN they
    are counted as unchained and the chain is intact."""
    sessions = session_factory(engine)
    with sessions.begin() as session:
        for i in range(2):
            session.add(
                AuditEvent(
                    at=T0,
                    terminal_id="A",
                    actor="system",
                    kind="issued",
                    subject=f"old-{i}",
                    detail={},
                )
            )
    record(sessions, "A", 3)
    report = report_of(sessions)
    assert report.intact and report.unchained == 2 and report.events == 3


def test_writers_at_once_keep_one_whole_chain_per_terminal(engine: Engine) -> None:
    """GIVEN three writers on terminal A and one on B at the same time (separate connections)
    WHEN each appends 15 events THEN A's chain is seq 1..45 and intact, B's 1..15."""
    sessions = session_factory(engine)
    writers = [threading.Thread(target=record, args=(sessions, "A", 15, k * 100)) for k in range(3)]
    writers.append(threading.Thread(target=record, args=(sessions, "B", 15)))
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    reports = {r.terminal_id: r for r in verify_chains(sessions)}
    assert reports["A"].intact and reports["A"].events == 45
    assert reports["B"].intact and reports["B"].events == 15
    with sessions() as session:
        heads = {h.terminal_id: h.seq for h in session.scalars(select(AuditHead))}
        seqs = [link.seq for link in AuditChainRepository(session).links("A")]
    assert heads == {"A": 45, "B": 15} and seqs == list(range(1, 46))


def test_several_events_in_one_transaction_chain_one_after_the_other(engine: Engine) -> None:
    """GIVEN one transaction that records three events (as the start-up reconcile does) WHEN it
    commits THEN they are seq 1, 2, 3, each linked to the one before, and the head is at 3."""
    sessions = session_factory(engine)
    with sessions.begin() as session:
        for n in range(3):
            AuditRepository(session).record(
                terminal_id="A", actor="system", kind="interrupted", subject=f"S-{n}", now=T0
            )
    report = report_of(sessions)
    assert report.intact and report.events == 3 and report.head is not None and report.head.seq == 3


def test_kiosk_audit_verify_names_the_first_broken_link(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """GIVEN a database where one row is edited, one deleted and one inserted WHEN `kiosk audit
    verify --db URL` THEN exit 1, the first broken link (seq 2, edited) is named; before the
    tampering exit 0."""
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    sessions = session_factory(engine)
    record(sessions, "A", 6)
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--db", url, "audit", "verify"]) == 0
    assert "every chain intact" in capsys.readouterr().out
    with sessions.begin() as session:
        edit(session)
        remove(session)
        unlinked(session)
    assert main(["audit", "verify", "--db", url]) == 1
    out = capsys.readouterr().out
    assert "first broken link 首个断点: A seq 2" in out and "edited" in out
    assert "and 2 more problem(s)" in out
