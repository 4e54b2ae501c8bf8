"""The lockout rules as pure functions of counters and an injected time."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.staff.lockout import Counter, LockoutPolicy, Verdict, refusal, settle

NOW = datetime(2026, 3, 2, 9, 0)
POLICY = LockoutPolicy()


def test_five_wrong_pins_lock_the_account_for_five_minutes() -> None:
    """GIVEN a fresh account WHEN five wrong PINs THEN the first four say 4..1 left and the
    fifth locks it until now + 5 min; a right PIN during the lock is refused; after it, allowed."""
    account, terminal = Counter(), Counter()
    left = []
    for _ in range(4):
        attempt = settle(account, terminal, False, NOW, POLICY)
        assert attempt.account is not None
        account, terminal = attempt.account, attempt.terminal
        left.append(attempt.remaining)
    assert left == [4, 3, 2, 1]
    fifth = settle(account, terminal, False, NOW, POLICY)
    assert fifth.account_now_locked and fifth.locked_until == NOW + timedelta(minutes=5)
    assert fifth.account is not None
    during = settle(fifth.account, fifth.terminal, True, NOW + timedelta(minutes=4, seconds=59))
    assert during.verdict == Verdict.ACCOUNT_LOCKED
    after = settle(fifth.account, fifth.terminal, True, NOW + timedelta(minutes=5))
    assert after.verdict == Verdict.OK


def test_a_lock_that_ended_starts_a_fresh_count() -> None:
    """GIVEN an account whose lock ran out WHEN one wrong PIN THEN 4 left, not locked again."""
    expired = Counter(0, NOW - timedelta(seconds=1))
    attempt = settle(expired, Counter(), False, NOW)
    assert attempt.remaining == 4 and not attempt.account_now_locked


def test_ten_failures_across_accounts_lock_the_terminal() -> None:
    """GIVEN failures on several accounts (and unknown names) at one terminal WHEN the tenth
    THEN the terminal is locked for 5 minutes, refusing every account, even with a right PIN."""
    terminal = Counter()
    for n in range(10):
        account = Counter(n % 4) if n % 3 else None  # some names have no account
        attempt = settle(account, terminal, False, NOW)
        terminal = attempt.terminal
    assert attempt.terminal_now_locked and terminal.locked_until == NOW + timedelta(minutes=5)
    refused = refusal(Counter(), terminal, NOW + timedelta(minutes=1))
    assert refused is not None and refused.verdict == Verdict.TERMINAL_LOCKED


def test_a_success_resets_both_counters() -> None:
    """GIVEN 4 wrong PINs on the account and 9 at the terminal WHEN the right PIN THEN both 0."""
    attempt = settle(Counter(4), Counter(9), True, NOW)
    assert attempt.verdict == Verdict.OK
    assert attempt.account == Counter() and attempt.terminal == Counter()
