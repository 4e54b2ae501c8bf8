"""Made-up card holders, one per card type, with numbers that pass GB 11643."""

from __future__ import annotations

from datetime import date

from card_reader.base import CardType, Identity, Sex
from card_reader.idnumber import make_id_number


def resident() -> Identity:
    """A resident ID card (type marker space)."""
    return Identity(
        card_type=CardType.RESIDENT,
        id_number=make_id_number("610202", date(1985, 3, 14), 432),
        name="王秀英",
        sex=Sex.FEMALE,
        nation="汉",
        birth_date=date(1985, 3, 14),
        address="陕西省铜川市王益区红旗街道幸福路12号3单元401室",
        issuer="铜川市公安局王益分局",
        valid_from=date(2019, 6, 1),
        valid_until=date(2039, 6, 1),
    )


def hk_mo_tw_permit() -> Identity:
    """A Hong Kong / Macau / Taiwan residence permit (marker J)."""
    return Identity(
        card_type=CardType.HK_MO_TW_PERMIT,
        id_number=make_id_number("810000", date(1990, 11, 2), 17),
        name="陈家明",
        sex=Sex.MALE,
        birth_date=date(1990, 11, 2),
        address="广东省深圳市福田区莲花街道景田北路8号",
        issuer="深圳市公安局",
        valid_from=date(2021, 1, 5),
        valid_until=date(2031, 1, 5),
        pass_number="H12345678",
        issue_count=1,
    )


def foreign_permanent_2017() -> Identity:
    """A 2017 foreign permanent resident ID card (marker I, 15-character permit number)."""
    return Identity(
        card_type=CardType.FOREIGN_PERMANENT,
        id_number="CAN310088010101",
        name="马克",
        english_name="MARTIN, MARC ANDRE",
        sex=Sex.MALE,
        birth_date=date(1988, 1, 1),
        nationality="CAN",
        issuer="1500",
        valid_from=date(2018, 4, 10),
        valid_until=date(2028, 4, 10),
    )


def foreign_permanent_2023() -> Identity:
    """A 2023 foreign permanent resident ID card (marker Y, 18-digit number)."""
    return Identity(
        card_type=CardType.FOREIGN_PERMANENT,
        id_number=make_id_number("931124", date(1979, 7, 21), 2),
        name="安娜",
        english_name="SCHMIDT-VANDERBILT, ANNA KATHARINA MARIE",
        sex=Sex.FEMALE,
        birth_date=date(1979, 7, 21),
        nationality="DEU",
        issuer="国家移民管理局",
        valid_from=date(2023, 12, 1),
        valid_until=date(2033, 12, 1),
        issue_count=0,
    )


def social_security() -> Identity:
    """A social security card holder (read over PC/SC)."""
    return Identity(
        card_type=CardType.SOCIAL_SECURITY,
        id_number=make_id_number("610202", date(1962, 9, 30), 251),
        name="李建国",
        sex=Sex.MALE,
        nation="回",
        birth_date=date(1962, 9, 30),
        valid_from=date(2020, 3, 1),
        valid_until=date(2030, 3, 1),
        card_number="A61020219",
    )


SAMPLES = {
    "resident": resident,
    "J": hk_mo_tw_permit,
    "I": foreign_permanent_2017,
    "Y": foreign_permanent_2023,
    "social_security": social_security,
}


def sample(kind: str) -> Identity:
    """The sample holder for "resident", "J", "I", "Y" or "social_security"."""
    return SAMPLES[kind]()
