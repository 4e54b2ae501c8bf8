"""GB 11643 numbers and the checks every card passes (expired, invalid, inconsistent)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

import pytest

from card_reader.base import CardType, ExpiredCardError, InvalidIdNumberError, Sex
from card_reader.checks import check_identity
from card_reader.codes import nation_code, nation_from_code, nation_label, sex_from_code
from card_reader.emulators.samples import SAMPLES, sample
from card_reader.idnumber import make_id_number, parse_id_number
from civic.idnumber import check_char

TODAY = date(2026, 11, 25)


def test_check_char_matches_the_published_example() -> None:
    """GIVEN the standard's worked example WHEN computing its check THEN it is X."""
    assert check_char("11010519491231002") == "X"
    assert parse_id_number("11010519491231002X").sex is Sex.FEMALE


def test_parse_reads_birth_date_and_sex() -> None:
    info = parse_id_number(make_id_number("610202", date(1985, 3, 14), 433))
    assert info.birth_date == date(1985, 3, 14)
    assert info.sex is Sex.MALE
    assert info.region == "610202"


def fix_check(number: str) -> str:
    """Give 18-digit test numbers a correct check char so only the tested flaw remains."""
    if len(number) == 18 and number[:17].isdigit():
        return number[:17] + check_char(number[:17])
    return number


@pytest.mark.parametrize(
    "number",
    [
        "61020219850314432",  # 17 characters
        "6102021985031443X6",  # X inside
        "000202198503144326",  # unknown province
        "610202198502304324",  # 30 February
    ],
)
def test_malformed_numbers_are_refused(number: str) -> None:
    with pytest.raises(InvalidIdNumberError):
        parse_id_number(fix_check(number))


def test_wrong_check_digit_is_refused_and_logged_masked(caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a card whose number has a wrong check digit WHEN checked THEN refused, logged masked."""
    good = sample("resident")
    bad_digit = "0" if good.id_number[-1] != "0" else "1"
    card = replace(good, id_number=good.id_number[:17] + bad_digit)
    with caplog.at_level(logging.INFO, logger="card_reader"), pytest.raises(InvalidIdNumberError):
        check_identity(card, TODAY)
    assert card.id_number not in caplog.text
    assert card.masked_id in caplog.text
    assert InvalidIdNumberError.message_zh == "证件号码校验未通过，请联系工作人员"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_sample_card_passes(kind: str) -> None:
    card = sample(kind)
    assert check_identity(card, TODAY) is card


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_hk_macau_taiwan_permit_numbers_follow_gb11643(prefix: str) -> None:
    number = make_id_number(prefix, date(1990, 1, 2), 11)
    card = replace(sample("J"), id_number=number, birth_date=date(1990, 1, 2), sex=Sex.MALE)
    assert check_identity(card, TODAY) is card
    with pytest.raises(InvalidIdNumberError):
        check_identity(
            replace(card, id_number=number[:17] + ("1" if number[17] != "1" else "2")), TODAY
        )


def test_permit_with_a_resident_number_is_refused() -> None:
    card = replace(
        sample("J"),
        id_number=sample("resident").id_number,
        sex=Sex.FEMALE,
        birth_date=date(1985, 3, 14),
    )
    with pytest.raises(InvalidIdNumberError):
        check_identity(card, TODAY)


def test_expired_card_is_refused_with_its_message() -> None:
    """GIVEN a card valid until yesterday WHEN checked today THEN 证件已过有效期."""
    card = replace(sample("resident"), valid_until=date(2026, 11, 24))
    with pytest.raises(ExpiredCardError) as info:
        check_identity(card, TODAY)
    assert info.value.resident_message[0].startswith("证件已过有效期")
    assert check_identity(replace(card, valid_until=TODAY), TODAY)  # valid through its last day
    assert check_identity(replace(card, valid_until=None), TODAY)  # 长期


def test_birth_date_and_sex_must_match_the_number() -> None:
    card = sample("resident")
    with pytest.raises(InvalidIdNumberError, match="birth date"):
        check_identity(replace(card, birth_date=date(1985, 3, 15)), TODAY)
    with pytest.raises(InvalidIdNumberError, match="sex"):
        check_identity(replace(card, sex=Sex.MALE), TODAY)
    assert check_identity(replace(card, sex=Sex.UNKNOWN, birth_date=None), TODAY)


def test_short_numbers_only_pass_as_2017_foreign_permits() -> None:
    foreign = sample("I")
    assert check_identity(foreign, TODAY)
    with pytest.raises(InvalidIdNumberError):
        check_identity(replace(foreign, id_number="CAN31008801010"), TODAY)
    with pytest.raises(InvalidIdNumberError):
        check_identity(replace(sample("resident"), id_number="610202850314432"), TODAY)
    assert sample("Y").card_type is CardType.FOREIGN_PERMANENT


def test_identity_repr_and_redacted_copy_hide_what_identifies() -> None:
    """GIVEN a card's Identity WHEN repr'd or redacted for a log THEN no number, address, birth date."""
    card = sample("resident")
    text = repr(card)
    assert card.masked_id in text and card.name in text
    for secret in (card.id_number, card.address, "1985"):
        assert secret not in text
    safe = card.redacted()
    assert (safe.id_number, safe.address, safe.birth_date) == (card.masked_id, None, None)


def test_code_tables() -> None:
    assert nation_from_code("01") == "汉"
    assert nation_from_code("1") == "汉"
    assert nation_from_code("98") == "外国血统中国籍人士"
    assert nation_from_code("77") is None
    assert nation_code("汉族") == "01"
    assert nation_label("汉") == "汉族"
    assert nation_label("其他") == "其他"
    assert [sex_from_code(c) for c in "0129x"] == [
        Sex.UNKNOWN,
        Sex.MALE,
        Sex.FEMALE,
        Sex.UNKNOWN,
        Sex.UNKNOWN,
    ]
