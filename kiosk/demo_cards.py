"""Cards for the demo reader: a resident's own card, an expired one, a stranger's, an unreadable one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from card_reader.base import CardType, Identity, Sex
from kiosk.demo_data import make_id_number
from kiosk.residents import ResidentRecord


def identity_of(resident: ResidentRecord, today: date) -> Identity:
    """The ID card a registered resident would carry (valid for 20 years from a recent renewal)."""
    issued = date(max(resident.birth_date.year + 16, today.year - 5), resident.birth_date.month, 1)
    until = None if resident.age_on(today) >= 46 else date(issued.year + 20, issued.month, 1)
    return Identity(
        card_type=CardType.RESIDENT,
        id_number=resident.id_number,
        name=resident.name,
        sex=Sex(resident.sex),
        nation=resident.nation,
        birth_date=resident.birth_date,
        address=resident.address,
        issuer="铜川市公安局王益分局",
        valid_from=issued,
        valid_until=until,
    )


def expired_card(resident: ResidentRecord, today: date) -> Identity:
    """The same resident's card, but its validity ended last year."""
    card = identity_of(resident, today)
    return replace(
        card, valid_from=date(today.year - 21, 1, 1), valid_until=date(today.year - 1, 1, 1)
    )


def stranger_card(today: date) -> Identity:
    """A valid card of someone not in this community's register."""
    birth = date(1985, 6, 15)
    return Identity(
        card_type=CardType.RESIDENT,
        id_number=make_id_number("610103", birth, 321, "male"),
        name="陈路人",
        sex=Sex.MALE,
        nation="汉",
        birth_date=birth,
        address="陕西省西安市碑林区南大街1号",
        issuer="西安市公安局碑林分局",
        valid_from=date(today.year - 3, 1, 1),
        valid_until=date(today.year + 17, 1, 1),
    )


@dataclass(frozen=True)
class DemoCard:
    """A button on the demo panel: a label and what placing it does."""

    label: str
    place: Callable[[], None]
