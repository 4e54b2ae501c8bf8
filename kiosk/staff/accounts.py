"""Staff accounts and staff entry: add, list, disable, reset a PIN; log in by card or by name.

`StaffAccounts` is the service the staff screens and the CLI share. Each call opens its own
transaction and may take ~0.1 s (argon2): call it from the worker thread. Lockouts are kept in
the database (kiosk.staff.lockout decides), so an account locked at one terminal is locked at
every terminal; every attempt is audited (staff_login_ok / _failed / _locked).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from civic.idnumber import has_valid_check, mask_id_number
from kiosk.config import TerminalConfig
from kiosk.db.repositories import AuditRepository
from kiosk.db.staff import StaffRecord, StaffRepository, TerminalEntryRepository
from kiosk.staff.errors import (
    AccountLockedError,
    ConflictError,
    DuplicateStaffError,
    StaffInputError,
    TerminalLockedError,
    UnknownStaffError,
    WrongPinError,
)
from kiosk.staff.lockout import Attempt, Counter, LockoutPolicy, Verdict, refusal, settle
from kiosk.staff.pins import PinHasher, check_pin
from kiosk.staff.store import reading, transaction

if TYPE_CHECKING:
    from kiosk.app import Core

Clock = Callable[[], datetime]
MAX_NAME = 32  # audited as staff:<name> in a 64-character column


class Role(enum.StrEnum):
    """What an account may do (admin: also account and catalogue maintenance on screen)."""

    STAFF = "staff"
    ADMIN = "admin"


@dataclass(frozen=True)
class StaffMember:
    """A signed-in staff member: who acts (audited as `staff:<name>`)."""

    name: str
    role: Role
    masked_id: str

    @property
    def actor(self) -> str:
        """The audit actor of this member."""
        return f"staff:{self.name}"


def _member(record: StaffRecord) -> StaffMember:
    return StaffMember(record.name, Role(record.role), record.masked_id)


def check_name(name: str) -> str:
    """A staff name as stored: stripped, 1-64 printable characters."""
    clean = name.strip()
    if not clean or len(clean) > MAX_NAME or not clean.isprintable():
        raise StaffInputError(f"a staff name is 1 to {MAX_NAME} printable characters")
    return clean


class StaffAccounts:
    """Accounts, PINs and staff entry at one terminal (`terminal`), shared through the database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        terminal: TerminalConfig,
        *,
        clock: Clock = datetime.now,
        hasher: PinHasher | None = None,
        policy: LockoutPolicy | None = None,
    ) -> None:
        self.sessions = sessions
        self.terminal = terminal
        self.clock = clock
        self.hasher = hasher or PinHasher()
        self.policy = policy or LockoutPolicy()
        self._dummy_hash: str | None = None

    @classmethod
    def for_core(cls, core: Core, *, clock: Clock = datetime.now) -> StaffAccounts:
        """The staff service of a built kiosk, at its terminal (production PIN hashing)."""
        return cls(core.sessions, core.config.terminal, clock=clock)

    # --- administration (the CLI; audited with the administrator's actor) --------------------
    def add(
        self, name: str, id_number: str, pin: str, *, role: Role = Role.STAFF, actor: str
    ) -> StaffRecord:
        """Create an enabled account; DuplicateStaffError, StaffInputError, PinRuleError."""
        name = check_name(name)
        number = id_number.strip().upper()
        if not has_valid_check(number):
            raise StaffInputError(
                f"not a valid 18-character ID number: {mask_id_number(number)}",
                zh="身份证号码无效",
            )
        check_pin(pin, id_number=number)
        pin_hash = self.hasher.hash(pin)
        try:
            with transaction(self.sessions) as session:
                repo = StaffRepository(session)
                if repo.by_name(name) is not None:
                    raise DuplicateStaffError(f"an account named {name} exists")
                if repo.card_taken(number):
                    raise DuplicateStaffError(
                        f"an enabled account has the card {mask_id_number(number)}"
                    )
                record = repo.add(
                    name=name,
                    id_number=number,
                    role=Role(role),
                    pin_hash=pin_hash,
                    now=self.clock(),
                )
                self._audit(session, actor, "staff_added", name, {"role": record.role})
        except ConflictError as exc:  # the same name added at the same moment elsewhere
            raise DuplicateStaffError(f"an account named {name} exists") from exc
        return record

    def accounts(self) -> list[StaffRecord]:
        """Every account, by name (ID numbers masked, no hashes)."""
        with reading(self.sessions) as session:
            return StaffRepository(session).all()

    def set_enabled(self, name: str, enabled: bool, *, actor: str) -> StaffRecord:
        """Disable (or enable again) an account; UnknownStaffError if none has this name."""
        with transaction(self.sessions) as session:
            repo = StaffRepository(session)
            if repo.by_name(name, lock=True) is None:
                raise UnknownStaffError(f"no staff account named {name}")
            record = repo.update(name, self.clock(), enabled=enabled)
            kind = "staff_enabled" if enabled else "staff_disabled"
            self._audit(session, actor, kind, name, {})
            return record

    def reset_pin(self, name: str, pin: str, *, actor: str) -> StaffRecord:
        """Give an account a new PIN and lift its lock."""
        with reading(self.sessions) as session:
            number = StaffRepository(session).id_number(name)
        if number is None:
            raise UnknownStaffError(f"no staff account named {name}")
        check_pin(pin, id_number=number)
        pin_hash = self.hasher.hash(pin)
        with transaction(self.sessions) as session:
            record = StaffRepository(session).update(
                name, self.clock(), pin_hash=pin_hash, counter=Counter()
            )
            self._audit(session, actor, "staff_pin_reset", name, {})
            return record

    # --- entry ---------------------------------------------------------------------------------
    def staff_for_card(self, id_number: str) -> StaffMember | None:
        """The enabled staff member whose ID card this is, or None (then it is a resident's)."""
        with reading(self.sessions) as session:
            record = StaffRepository(session).by_card(id_number)
        return _member(record) if record else None

    def names(self) -> list[str]:
        """Names of the enabled accounts (for a name picker after the corner gesture)."""
        return [r.name for r in self.accounts() if r.enabled]

    def entry_locked_until(self) -> datetime | None:
        """When this terminal's staff entry unlocks, if it is locked now."""
        with reading(self.sessions) as session:
            counter = TerminalEntryRepository(session).counter(self.terminal.id)
        return counter.locked_until if counter.locked(self.clock()) else None

    def login_by_card(self, id_number: str, pin: str) -> StaffMember:
        """Sign in with a staff card and PIN. Raises UnknownStaffError (not a staff card),
        WrongPinError, AccountLockedError or TerminalLockedError."""
        with reading(self.sessions) as session:
            record = StaffRepository(session).by_card(id_number)
        if record is None:
            raise UnknownStaffError(f"card {mask_id_number(id_number)} is not a staff card")
        return self._attempt(record.name, pin, via="card")

    def login(self, name: str, pin: str, *, via: str = "pin_pad") -> StaffMember:
        """Sign in by name and PIN (the name picker, the CLI's --staff). A name without an enabled
        account is a failure at this terminal like a wrong PIN."""
        return self._attempt(name.strip(), pin, via=via)

    def logout(self, member: StaffMember, reason: str) -> None:
        """Audit the end of a staff session (idle, resident card, button)."""
        with transaction(self.sessions) as session:
            self._audit(session, member.actor, "staff_logout", member.name, {"reason": reason})

    def _attempt(self, name: str, pin: str, *, via: str) -> StaffMember:
        """Refuse at once while a lock lasts; else check the PIN (outside any transaction:
        argon2 is slow), then count the attempt under row locks on fresh counters (another
        terminal may have counted meanwhile) and audit it in the same transaction."""
        with reading(self.sessions) as session:
            staff = StaffRepository(session)
            record = staff.by_name(name)
            if record is not None and not record.enabled:
                record = None
            stored = staff.pin_hash(name) if record is not None else None
            terminal = TerminalEntryRepository(session).counter(self.terminal.id)
        refused = refusal(record.counter if record else None, terminal, self.clock())
        if refused is not None:
            with transaction(self.sessions) as session:
                self._audit_attempt(session, name, via, refused)
            return self._outcome(name, record, refused)
        pin_ok = self._verify(stored, pin)
        with transaction(self.sessions) as session:
            entry = TerminalEntryRepository(session)
            entry.ensure_terminal(
                self.terminal.id, self.terminal.name, self.terminal.community, self.clock()
            )
            terminal = entry.counter(self.terminal.id, lock=True)
            staff = StaffRepository(session)
            fresh = staff.by_name(name, lock=True) if record is not None else None
            if fresh is not None and not fresh.enabled:
                fresh = None
            attempt = settle(
                fresh.counter if fresh else None, terminal, pin_ok, self.clock(), self.policy
            )
            if attempt.verdict in (Verdict.OK, Verdict.WRONG_PIN):
                entry.save(self.terminal.id, attempt.terminal)
                if attempt.account is not None and fresh is not None:
                    rehash = self.hasher.hash(pin) if pin_ok and self._stale(stored) else None
                    staff.update(name, self.clock(), counter=attempt.account, pin_hash=rehash)
            self._audit_attempt(session, name, via, attempt)
        return self._outcome(name, fresh, attempt)

    def _outcome(self, name: str, fresh: StaffRecord | None, attempt: Attempt) -> StaffMember:
        until = attempt.locked_until
        if attempt.verdict == Verdict.OK and fresh is not None:
            return _member(fresh)
        if attempt.verdict == Verdict.TERMINAL_LOCKED and until is not None:
            raise TerminalLockedError(self.terminal.id, until)
        if attempt.verdict == Verdict.ACCOUNT_LOCKED and until is not None:
            raise AccountLockedError(name, until)
        if attempt.account_now_locked and until is not None:
            raise AccountLockedError(name, until)
        if attempt.terminal_now_locked and until is not None:
            raise TerminalLockedError(self.terminal.id, until)
        if fresh is None:
            raise UnknownStaffError(f"no enabled staff account named {name}")
        raise WrongPinError(f"wrong PIN for {name}", remaining=attempt.remaining)

    def _audit_attempt(self, session: Session, name: str, via: str, attempt: Attempt) -> None:
        detail = {"via": via, "result": attempt.verdict.value}
        if attempt.verdict == Verdict.OK:
            self._audit(session, f"staff:{name}", "staff_login_ok", name, detail)
            return
        if attempt.locked_until is not None:
            detail["until"] = attempt.locked_until.isoformat(timespec="seconds")
        if attempt.verdict == Verdict.WRONG_PIN:
            detail["failures"] = str(attempt.account.failures if attempt.account else 0)
            detail["remaining"] = str(attempt.remaining)
            detail["terminal_failures"] = str(attempt.terminal.failures)
        self._audit(session, "system", "staff_login_failed", name, detail)
        locks = (
            ("account", name, attempt.account if attempt.account_now_locked else None),
            (
                "terminal",
                self.terminal.id,
                attempt.terminal if attempt.terminal_now_locked else None,
            ),
        )
        for scope, subject, counter in locks:
            if counter is not None and counter.locked_until is not None:
                until = counter.locked_until.isoformat(timespec="seconds")
                lock = {"scope": scope, "until": until}
                self._audit(session, "system", "staff_login_locked", subject, lock)

    def _verify(self, stored: str | None, pin: str) -> bool:
        if stored is None:  # same work as for a real account: timing says nothing about names
            if self._dummy_hash is None:
                self._dummy_hash = self.hasher.hash("0" * 12)
            self.hasher.verify(self._dummy_hash, pin)
            return False
        return self.hasher.verify(stored, pin)

    def _stale(self, stored: str | None) -> bool:
        return stored is not None and self.hasher.needs_rehash(stored)

    # --- plumbing -------------------------------------------------------------------------
    def _audit(
        self, session: Session, actor: str, kind: str, subject: str, detail: dict[str, str]
    ) -> None:
        AuditRepository(session).record(
            terminal_id=self.terminal.id,
            actor=actor,
            kind=kind,
            subject=subject,
            now=self.clock(),
            detail=detail,
        )
