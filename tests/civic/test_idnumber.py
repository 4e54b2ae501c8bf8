"""civic.idnumber: the one GB 11643 check and the one masking rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.idnumber import CHECK_CHARS, check_char, has_valid_check, mask_id_number

seventeen_digits = st.text(alphabet="0123456789", min_size=17, max_size=17)


def test_check_char_matches_the_standards_worked_example() -> None:
    """GIVEN GB 11643's example number WHEN its check is computed THEN it is X."""
    assert check_char("11010519491231002") == "X"
    assert has_valid_check("11010519491231002X")


@pytest.mark.parametrize(
    "first17",
    [
        "1101051949123100",
        "110105194912310021",
        "1101051949123100a",
        "１１０１０５１９４９１２３１００２",
    ],
)
def test_check_char_needs_17_ascii_digits(first17: str) -> None:
    with pytest.raises(ValueError):
        check_char(first17)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002x",  # lower-case x: callers upper-case first
        "110105194912310021",  # wrong check character
        "11010519491231002",  # 17 characters
        "11010519491231002X ",  # trailing space
        "１１０１０５１９４９１２３１００２X",  # full-width digits
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits: str.isdigit() is True for them
        "",
    ],
)
def test_has_valid_check_refuses_without_raising(number: str) -> None:
    assert has_valid_check(number) is False


@settings(max_examples=500, deadline=None)
@given(seventeen_digits, st.sampled_from(CHECK_CHARS))
def test_exactly_one_check_character_is_valid(first17: str, last: str) -> None:
    """GIVEN any 17 digits THEN the computed character passes and every other one fails."""
    assert has_valid_check(first17 + last) is (last == check_char(first17))


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        (" 11010519491231002x\n", "110105********002X"),  # stripped and upper-cased
        ("CAN310088010101", "CAN310*****0101"),
        ("H1234567", "H1****67"),
        ("H1234", "H1*34"),
        ("李建国", "***"),  # found by kiosk bench --fuzz: was "李建建国", the whole value shown
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(number: str | None, masked: str) -> None:
    assert mask_id_number(number) == masked


@settings(max_examples=300, deadline=None)
@given(seventeen_digits)
def test_a_masked_resident_number_hides_the_birth_date(first17: str) -> None:
    number = first17 + check_char(first17)
    masked = mask_id_number(number)
    assert len(masked) == 18
    assert masked[6:14] == "*" * 8
    assert masked[:6] + masked[14:] == number[:6] + number[14:]
