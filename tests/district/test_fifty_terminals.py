"""Fifty terminal processes issuing at once on one PostgreSQL: no serial twice, no issuance
lost or half-recorded, nobody stuck (no deadlock), every terminal's audit chain intact."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from kiosk.audit import verify_chains
from kiosk.benchmarks.fleet import FleetSpec, check_fleet, prepare_register, run_fleet
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.models import AuditEvent, Issuance

CODES = tuple(f"6102020{n:02d}" for n in range(1, 21))


def _audit_of_issuances(url: str) -> tuple[int, int]:
    """(issuances, issuances with an audit event naming them)."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            issued = session.scalar(select(func.count()).select_from(Issuance)) or 0
            named = select(func.count(func.distinct(AuditEvent.subject))).where(
                AuditEvent.subject.in_(select(Issuance.serial))
            )
            events = session.scalar(named) or 0
        reports = verify_chains(session_factory(engine))
    finally:
        engine.dispose()
    assert reports and all(r.first_break is None for r in reports), [
        r.first_break for r in reports if r.first_break
    ]
    return issued, events


def test_fifty_terminals_issue_the_real_path_at_once(pg_url: str, tmp_path: Path) -> None:
    """GIVEN 50 terminal processes over 20 community codes, started together
    WHEN each issues a document through Issuer.issue (serial, record, render, sign, audit)
    THEN 50 distinct serials, each recorded once with its audit event, no errors, none stuck,
    and every terminal's audit chain verifies."""
    prepare_register(pg_url)
    spec = FleetSpec(
        url=pg_url, data_dir=str(tmp_path), terminals=50, each=1, community_codes=CODES
    )
    result = run_fleet(spec)
    assert result.errors == [] and result.stuck == 0
    assert len(result.serials) == 50 and result.duplicates == 0
    check = check_fleet(pg_url, result)
    assert (check.recorded, check.missing, check.phantom) == (50, 0, 0)
    assert _audit_of_issuances(pg_url) == (50, 50)


def test_fifty_terminals_on_one_community_code_leave_no_gap(pg_url: str, tmp_path: Path) -> None:
    """GIVEN 50 terminals of ONE community code (one serial counter row: the hardest contention)
    WHEN each records 4 issuances at once THEN the 200 serials are exactly 00001..00200 (no
    duplicate, no gap: nothing rolled back), all recorded, none stuck."""
    prepare_register(pg_url)
    spec = FleetSpec(
        url=pg_url, data_dir=str(tmp_path), terminals=50, each=4, mode="record",
        community_codes=("610202001",),
    )  # fmt: skip
    result = run_fleet(spec)
    assert result.errors == [] and result.stuck == 0
    sequences = sorted(int(s.rsplit("-", 1)[1]) for s in result.serials)
    assert sequences == list(range(1, 201))
    check = check_fleet(pg_url, result)
    assert (check.recorded, check.missing, check.phantom) == (200, 0, 0)
    assert _audit_of_issuances(pg_url) == (200, 200)
