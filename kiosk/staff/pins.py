"""Staff PINs: the rules a new PIN must meet, and the salted memory-hard hash it is kept as.

argon2id (argon2-cffi) with time_cost=3, memory_cost=32 MiB, parallelism=1: one verification
takes ~80 ms on the project's 2-core machine (measured with argon2.PasswordHasher.verify, median
of 5), long enough to make guessing a stolen hash slow, short enough for a PIN pad. The encoded
hash carries its salt and parameters, so they can be raised later (`needs_rehash`). A PIN is
never logged, printed or stored in plain text.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kiosk.staff.errors import PinRuleError

MIN_DIGITS = 6
MAX_DIGITS = 12


def check_pin(pin: str, *, id_number: str = "") -> str:
    """The PIN if it may be used; PinRuleError saying why not (never echoing the PIN).

    6-12 ASCII digits ('²³⁴⁵'.isdigit() is True, hence isascii); not one digit repeated, not a
    straight run (123456, 987654); not part of the holder's ID number, which is on the card."""
    if not (pin.isascii() and pin.isdigit() and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        raise PinRuleError(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} ASCII digits")
    if len(set(pin)) == 1:
        raise PinRuleError("the PIN repeats one digit", zh="密码不能是同一个数字重复")
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):
        raise PinRuleError("the PIN is a run of digits", zh="密码不能是连续的数字")
    if id_number and pin in id_number:
        raise PinRuleError("the PIN is part of the ID number", zh="密码不能取自身份证号码")
    return pin


@dataclass(frozen=True)
class PinHasher:
    """argon2id hashing and checking of PINs; the parameters are the production ones by default
    (tests may pass cheaper ones: a weaker hash, never a different algorithm)."""

    time_cost: int = 3
    memory_cost: int = 32 * 1024  # KiB
    parallelism: int = 1

    def _hasher(self) -> PasswordHasher:
        return PasswordHasher(
            time_cost=self.time_cost,
            memory_cost=self.memory_cost,
            parallelism=self.parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )

    def hash(self, pin: str) -> str:
        """The encoded argon2id hash ($argon2id$v=19$m=...,t=...,p=...$salt$hash)."""
        return self._hasher().hash(pin)

    def verify(self, encoded: str, pin: str) -> bool:
        """True if `pin` matches; False for a wrong PIN or an unusable stored hash."""
        try:
            return self._hasher().verify(encoded, pin)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, encoded: str) -> bool:
        """True when the stored hash was made with other parameters than these."""
        try:
            return self._hasher().check_needs_rehash(encoded)
        except InvalidHashError:
            return True
