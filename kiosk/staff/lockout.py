"""Staff entry lockouts as pure functions of counters and the time (the caller injects `now`).

Two counters decide: the account's wrong PINs (5 lock that account for 5 minutes, on every
terminal: the counter lives in staff_accounts), and the terminal's failures across accounts
(10 lock this terminal's staff entry for 5 minutes: terminals.staff_failures). A success resets
both; a lock, once over, starts a fresh count. Attempts during a lock are refused before any PIN
is checked and are not counted again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Counter:
    """Failures since the last success, and the lock they caused (if any)."""

    failures: int = 0
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        """True while the lock lasts."""
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failures lock what, and for how long."""

    account_limit: int = 5
    terminal_limit: int = 10
    lock_for: timedelta = timedelta(minutes=5)


class Verdict(enum.StrEnum):
    """How one PIN attempt ends."""

    OK = "ok"
    WRONG_PIN = "wrong_pin"
    ACCOUNT_LOCKED = "account_locked"  # refused: the account was already locked
    TERMINAL_LOCKED = "terminal_locked"  # refused: this terminal's staff entry was locked


@dataclass(frozen=True)
class Attempt:
    """The outcome of an attempt and the counters to store afterwards."""

    verdict: Verdict
    account: Counter | None  # None: no such account (only the terminal counts the failure)
    terminal: Counter
    remaining: int = 0  # wrong PINs left before the account locks
    locked_until: datetime | None = None  # the lock that refused it, or the one it started
    account_now_locked: bool = False
    terminal_now_locked: bool = False


def refusal(account: Counter | None, terminal: Counter, now: datetime) -> Attempt | None:
    """An Attempt refused by a lock in force (terminal first), or None: the PIN may be checked."""
    if terminal.locked(now):
        return Attempt(
            Verdict.TERMINAL_LOCKED, account, terminal, locked_until=terminal.locked_until
        )
    if account is not None and account.locked(now):
        return Attempt(Verdict.ACCOUNT_LOCKED, account, terminal, locked_until=account.locked_until)
    return None


def _fail(counter: Counter, limit: int, now: datetime, policy: LockoutPolicy) -> Counter:
    failures = (0 if counter.locked_until is not None else counter.failures) + 1
    if failures >= limit:
        return Counter(0, now + policy.lock_for)
    return Counter(failures, None)


def settle(
    account: Counter | None,
    terminal: Counter,
    pin_ok: bool,
    now: datetime,
    policy: LockoutPolicy = LockoutPolicy(),
) -> Attempt:
    """The attempt's verdict and new counters, given whether the PIN matched.

    A lock in force wins over a right PIN (another terminal may have locked the account while
    this PIN was being checked). `account` None is a name with no enabled account."""
    refused = refusal(account, terminal, now)
    if refused is not None:
        return refused
    if pin_ok and account is not None:
        return Attempt(Verdict.OK, Counter(), Counter(), remaining=policy.account_limit)
    new_terminal = _fail(terminal, policy.terminal_limit, now, policy)
    new_account = _fail(account, policy.account_limit, now, policy) if account else None
    account_locked = new_account is not None and new_account.locked_until is not None
    terminal_locked = new_terminal.locked_until is not None
    remaining = 0
    if new_account is not None and not account_locked:
        remaining = policy.account_limit - new_account.failures
    until = None
    if account_locked and new_account is not None:
        until = new_account.locked_until
    elif terminal_locked:
        until = new_terminal.locked_until
    return Attempt(
        Verdict.WRONG_PIN,
        new_account,
        new_terminal,
        remaining=remaining,
        locked_until=until,
        account_now_locked=account_locked,
        terminal_now_locked=terminal_locked,
    )
