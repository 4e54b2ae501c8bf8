"""One district, one truth: two terminals on one PostgreSQL. A document voided at one is voided
for `kiosk verify` at the other; a staff account locked at one is locked at the other;
statistics and `kiosk terminals` count both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from kiosk.app import Core, build_core
from kiosk.benchmarks.fleet import INPUTS, ITEM
from kiosk.commands.verify import void_status
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import generate_residents
from kiosk.heartbeat import collect, district_health, write
from kiosk.staff.accounts import StaffAccounts
from kiosk.staff.desk import IssuanceDesk
from kiosk.staff.errors import AccountLockedError, WrongPinError
from kiosk.staff.pins import PinHasher
from kiosk.staff.reasons import VoidReason
from kiosk.staff.stats import stats
from tests.district.conftest import TerminalFactory

STAFF_ID = "610202198805060021"  # a staff member's card (valid check digit)
CHEAP = PinHasher(time_cost=1, memory_cost=1024)  # argon2id still, cheaper for the test


@pytest.fixture
def two(terminal: TerminalFactory) -> Iterator[tuple[Core, Core]]:
    """Terminals WY-A and WY-B of one district, with the demo register."""
    a = build_core(terminal("WY-A"), create_key=True, printers=False)
    b = build_core(terminal("WY-B"), create_key=True, printers=False)
    with a.sessions.begin() as session:
        for person in generate_residents(60):
            ResidentRepository(session).upsert(person, datetime(2026, 1, 2))
    yield a, b
    a.close()
    b.close()


def _issue(core: Core) -> str:
    item = core.catalog.item(ITEM)
    with core.sessions() as session:
        people = ResidentRepository(session).sample(60)
    resident = next(p for p in people if item.check_eligibility(p, date.today()).eligible)
    return core.issue(resident, item, INPUTS, copies=1, card_type="resident").serial


def _staff(core: Core) -> StaffAccounts:
    return StaffAccounts(core.sessions, core.config.terminal, hasher=CHEAP)


def test_a_void_at_one_terminal_holds_for_verify_at_the_other(two: tuple[Core, Core]) -> None:
    """GIVEN a document issued at WY-A WHEN staff void it at WY-B THEN `kiosk verify` with WY-A's
    configuration says voided, with the reason."""
    a, b = two
    serial = _issue(a)
    assert void_status(a.config, serial)[0] is False
    _staff(a).add("李敏", STAFF_ID, "739214", actor="admin")
    member = _staff(b).login("李敏", "739214")
    IssuanceDesk.for_core(b).void(member, serial, VoidReason.WRONG_DETAILS)
    voided, note = void_status(a.config, serial)
    assert voided is True and "信息有误" in note


def test_a_lockout_at_one_terminal_holds_at_the_other(two: tuple[Core, Core]) -> None:
    """GIVEN a staff account WHEN five wrong PINs are typed at WY-A THEN the right PIN at WY-B is
    refused: the account is locked district-wide."""
    a, b = two
    _staff(a).add("李敏", STAFF_ID, "739214", actor="admin")
    for _ in range(4):
        with pytest.raises(WrongPinError):
            _staff(a).login("李敏", "000111")
    with pytest.raises(AccountLockedError):
        _staff(a).login("李敏", "000111")
    with pytest.raises(AccountLockedError):
        _staff(b).login("李敏", "739214")


def test_statistics_and_terminals_cover_every_terminal(two: tuple[Core, Core]) -> None:
    """GIVEN two issuances at WY-A and one at WY-B, and a heartbeat from each THEN the district's
    statistics count three (two and one per terminal) and `kiosk terminals` lists both."""
    a, b = two
    for core in (a, a, b):
        _issue(core)
    today = date.today()
    assert stats(a.sessions, since=today, today=today).issued == 3
    assert stats(b.sessions, since=today, today=today, terminal_id="WY-A").issued == 2
    now = datetime.now()
    for core in (a, b):
        beat = collect(core, reader_state="ready", printer_status={}, last_session_at=None, now=now)
        write(core.sessions, beat, now)
    with b.sessions() as session:
        assert [t.id for t in district_health(session, now)] == ["WY-A", "WY-B"]
