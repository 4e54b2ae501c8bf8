"""Staff accounts and entry on a real database, with time moved by hand."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Config
from kiosk.db.audit import AuditChainRepository
from kiosk.db.models import StaffAccount, Terminal
from kiosk.staff.accounts import Role, StaffAccounts
from kiosk.staff.errors import (
    AccountLockedError,
    DuplicateStaffError,
    StaffInputError,
    TerminalLockedError,
    UnknownStaffError,
    WrongPinError,
)

from .conftest import CHEAP, OTHER_ID, PIN, STAFF_ID, THIRD_ID, Clock


def kinds(db: sessionmaker[Session]) -> list[str]:
    with db() as session:
        return [e.kind for e in AuditChainRepository(session).events()]


def test_an_account_keeps_only_a_salted_hash_and_shows_the_id_masked(
    accounts: StaffAccounts,
    db: sessionmaker[Session],
    config: Config,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """GIVEN a new account WHEN it is listed THEN the ID number is masked and no hash is shown;
    the stored PIN is an argon2id hash; the PIN appears in no log line, and (SQLite) nowhere in
    the database file."""
    caplog.set_level(logging.DEBUG)
    record = accounts.add("王丽", STAFF_ID, PIN, role=Role.ADMIN, actor="cli:test")
    assert record.masked_id == "610202********0277" and record.role == "admin"
    assert [r.name for r in accounts.accounts()] == ["王丽"]
    assert STAFF_ID not in repr(accounts.accounts())
    with db() as session:
        stored = session.scalars(select(StaffAccount.pin_hash)).one()
    assert stored.startswith("$argon2id$") and PIN not in stored
    assert PIN not in caplog.text
    database = Path(config.database.url.removeprefix("sqlite:///"))
    if database.is_file():
        assert PIN.encode() not in database.read_bytes()
    assert kinds(db) == ["staff_added"]


def test_names_are_unique_and_cards_belong_to_one_enabled_account(accounts: StaffAccounts) -> None:
    """GIVEN an account WHEN another is added with its name, or with its card THEN
    DuplicateStaffError; a malformed ID number is StaffInputError."""
    accounts.add("王丽", STAFF_ID, PIN, actor="cli:test")
    with pytest.raises(DuplicateStaffError):
        accounts.add("王丽", OTHER_ID, PIN, actor="cli:test")
    with pytest.raises(DuplicateStaffError):
        accounts.add("李强", STAFF_ID, "204871", actor="cli:test")
    with pytest.raises(StaffInputError):
        accounts.add("李强", "610202198005060270", "204871", actor="cli:test")


def test_a_staff_card_signs_in_with_its_pin(
    accounts: StaffAccounts, db: sessionmaker[Session]
) -> None:
    """GIVEN an enabled account WHEN its card is placed THEN it is a staff card; with the PIN
    it signs in (audited staff_login_ok); a disabled account's card is a resident's again."""
    accounts.add("王丽", STAFF_ID, PIN, actor="cli:test")
    assert accounts.staff_for_card(STAFF_ID.lower()) is not None
    member = accounts.login_by_card(STAFF_ID, PIN)
    assert (member.name, member.actor, member.masked_id) == (
        "王丽",
        "staff:王丽",
        "610202********0277",
    )
    assert kinds(db)[-1] == "staff_login_ok"
    accounts.set_enabled("王丽", False, actor="cli:test")
    assert accounts.staff_for_card(STAFF_ID) is None
    with pytest.raises(UnknownStaffError):
        accounts.login_by_card(STAFF_ID, PIN)


def test_five_wrong_pins_lock_the_account_until_five_minutes_pass(
    accounts: StaffAccounts, db: sessionmaker[Session], clock: Clock
) -> None:
    """GIVEN an account WHEN five wrong PINs THEN 4..1 attempts left, then AccountLockedError;
    the right PIN is refused during the lock; 5 minutes later it signs in. Audited: five
    failures, one lock, one refusal, one success."""
    accounts.add("王丽", STAFF_ID, PIN, actor="cli:test")
    left = []
    for _ in range(4):
        with pytest.raises(WrongPinError) as wrong:
            accounts.login_by_card(STAFF_ID, "000001")
        left.append(wrong.value.remaining)
    assert left == [4, 3, 2, 1]
    with pytest.raises(AccountLockedError) as locked:
        accounts.login_by_card(STAFF_ID, "000001")
    assert locked.value.until == clock.now + timedelta(minutes=5)
    clock.advance(minutes=4, seconds=59)
    with pytest.raises(AccountLockedError):
        accounts.login_by_card(STAFF_ID, PIN)
    clock.advance(seconds=1)
    assert accounts.login_by_card(STAFF_ID, PIN).name == "王丽"
    assert kinds(db)[1:] == ["staff_login_failed"] * 5 + [
        "staff_login_locked",
        "staff_login_failed",
        "staff_login_ok",
    ]


def test_an_account_locked_at_one_terminal_is_locked_at_every_terminal(
    accounts: StaffAccounts, db: sessionmaker[Session], config: Config, clock: Clock
) -> None:
    """GIVEN two terminals on one database WHEN five wrong PINs at the first THEN the second
    refuses the right PIN too."""
    accounts.add("王丽", STAFF_ID, PIN, actor="cli:test")
    other = StaffAccounts(db, replace(config.terminal, id="WY-DEMO-02"), clock=clock, hasher=CHEAP)
    for _ in range(5):
        with pytest.raises((WrongPinError, AccountLockedError)):
            accounts.login("王丽", "000001")
    with pytest.raises(AccountLockedError):
        other.login_by_card(STAFF_ID, PIN)


def test_ten_failures_across_accounts_lock_this_terminals_staff_entry(
    accounts: StaffAccounts, db: sessionmaker[Session], config: Config, clock: Clock
) -> None:
    """GIVEN three accounts WHEN ten failures at this terminal spread over them and an unknown
    name THEN its staff entry is locked for 5 minutes for everyone (another terminal is not)
    and the lock is in the terminals row; after 5 minutes the right PIN signs in and resets."""
    for name, number, pin in (
        ("王丽", STAFF_ID, PIN),
        ("李强", OTHER_ID, "204871"),
        ("赵敏", THIRD_ID, "581730"),
    ):
        accounts.add(name, number, pin, actor="cli:test")
    names = ["王丽", "李强", "赵敏", "nobody"] * 3
    for name in names[:9]:
        with pytest.raises((WrongPinError, UnknownStaffError)):
            accounts.login(name, "000001")
    with pytest.raises(TerminalLockedError) as locked:
        accounts.login(names[9], "000001")
    assert accounts.entry_locked_until() == clock.now + timedelta(minutes=5)
    with db() as session:
        locks = [
            e for e in AuditChainRepository(session).events() if e.kind == "staff_login_locked"
        ]
    assert [(e.subject, e.detail["scope"]) for e in locks] == [(config.terminal.id, "terminal")]
    with pytest.raises(TerminalLockedError):
        accounts.login("赵敏", "581730")
    other = StaffAccounts(db, replace(config.terminal, id="WY-DEMO-02"), clock=clock, hasher=CHEAP)
    assert other.login("赵敏", "581730").name == "赵敏"
    clock.advance(minutes=5)
    assert accounts.login("赵敏", "581730").name == "赵敏"
    with db() as session:
        row = session.get(Terminal, config.terminal.id)
        assert row is not None and row.staff_failures == 0
    assert locked.value.until is not None


def test_a_success_resets_the_account_count(accounts: StaffAccounts) -> None:
    """GIVEN four wrong PINs WHEN the right one, then one more wrong THEN 4 attempts left again."""
    accounts.add("王丽", STAFF_ID, PIN, actor="cli:test")
    for _ in range(4):
        with pytest.raises(WrongPinError):
            accounts.login("王丽", "000001")
    accounts.login("王丽", PIN)
    with pytest.raises(WrongPinError) as wrong:
        accounts.login("王丽", "000001")
    assert wrong.value.remaining == 4


def test_reset_pin_replaces_the_pin_and_lifts_the_lock(accounts: StaffAccounts) -> None:
    """GIVEN a locked account WHEN its PIN is reset THEN the new PIN signs in at once and the
    old one no longer does."""
    accounts.add("王丽", STAFF_ID, PIN, actor="cli:test")
    for _ in range(5):
        with pytest.raises((WrongPinError, AccountLockedError)):
            accounts.login("王丽", "000001")
    accounts.reset_pin("王丽", "204871", actor="cli:test")
    assert accounts.login("王丽", "204871").name == "王丽"
    with pytest.raises(WrongPinError):
        accounts.login("王丽", PIN)
