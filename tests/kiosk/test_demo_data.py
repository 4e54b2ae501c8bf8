"""The demo register: ≥500 plausible Wangyi residents, valid numbers, every tag, deterministic."""

from __future__ import annotations

from collections import Counter

from card_reader.idnumber import parse_id_number
from kiosk.demo_data import REFERENCE_DAY, generate_residents
from kiosk.tags import TAGS


def test_demo_register_is_large_valid_and_deterministic() -> None:
    """GIVEN the fixed seed WHEN generated twice THEN the same ≥500 residents with valid numbers."""
    people = generate_residents()
    assert len(people) >= 500
    assert people == generate_residents()
    assert len({p.id_number for p in people}) == len(people)
    for p in people:
        parse_id_number(p.id_number)  # check digit, region, birth date
        assert p.id_number[6:14] == p.birth_date.strftime("%Y%m%d")
        assert (int(p.id_number[16]) % 2 == 1) == (p.sex == "male")
    local = [p for p in people if p.hukou_local]
    assert all(p.id_number.startswith("610202") for p in local)
    ages = [REFERENCE_DAY.year - p.birth_date.year for p in people]
    assert min(ages) <= 5 and max(ages) >= 95
    assert len({p.community for p in people}) == 20


def test_every_tag_is_held_by_several_residents() -> None:
    """Every tag a rule may use has at least three holders, so every rule can be tried in the demo."""
    counts = Counter(t for p in generate_residents() for t in p.tags)
    assert {t for t in TAGS if counts[t] < 3} == set()
    assert set(counts) <= set(TAGS)
