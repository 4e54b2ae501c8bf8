"""PIN rules and the argon2id hash a PIN is kept as."""

from __future__ import annotations

import pytest

from kiosk.staff.errors import PinRuleError
from kiosk.staff.pins import PinHasher, check_pin

from .conftest import CHEAP, STAFF_ID


@pytest.mark.parametrize(
    "pin",
    ["12345", "1234567890123", "73914a", "７３９１４６", "²³⁴⁵⁶⁷", "111111", "123456", "987654",
     "890123", "198005", "060277"],
)  # fmt: skip
def test_a_pin_outside_the_rules_is_refused_without_echoing_it(pin: str) -> None:
    """GIVEN a short, long, non-ASCII, repeated, sequential PIN, or one taken from the ID number
    WHEN checked THEN PinRuleError, and the PIN is not in its message."""
    with pytest.raises(PinRuleError) as caught:
        check_pin(pin, id_number=STAFF_ID)
    zh, en = caught.value.resident_message
    assert pin not in f"{zh} {en} {caught.value.detail}"


@pytest.mark.parametrize("pin", ["739146", "204871", "963852741036"])
def test_a_pin_inside_the_rules_is_kept(pin: str) -> None:
    """GIVEN 6-12 ASCII digits that are not trivial WHEN checked THEN returned unchanged."""
    assert check_pin(pin, id_number=STAFF_ID) == pin


def test_the_hash_is_salted_argon2id_with_the_production_parameters() -> None:
    """GIVEN the production hasher WHEN one PIN is hashed twice THEN two different argon2id
    hashes (salted) with m=32 MiB, t=3, p=1; each verifies the PIN and refuses another."""
    hasher = PinHasher()
    first, second = hasher.hash("739146"), hasher.hash("739146")
    assert first != second
    assert first.startswith("$argon2id$v=19$m=32768,t=3,p=1$")
    assert "739146" not in first
    assert hasher.verify(first, "739146") and hasher.verify(second, "739146")
    assert not hasher.verify(first, "739147")


def test_a_hash_made_with_other_parameters_needs_rehashing() -> None:
    """GIVEN a hash made with cheaper parameters WHEN the production hasher looks at it THEN
    it asks for a rehash (and still verifies it); garbage never verifies."""
    cheap = CHEAP.hash("739146")
    assert PinHasher().needs_rehash(cheap) and PinHasher().verify(cheap, "739146")
    assert not CHEAP.needs_rehash(cheap)
    assert not PinHasher().verify("not a hash", "739146")
