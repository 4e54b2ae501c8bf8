"""The rule language: each rule kind, combinators, and the plain-words reasons residents see."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.eligibility import Always, evaluate, months_between, parse_rule, rules

from .conftest import TODAY, resident


def rule(raw: object):
    problems: list[str] = []
    built = parse_rule(raw, lambda line, message: problems.append(message))
    assert problems == []
    return built


def verdict(raw: object, card_type: str = "resident", today: date = TODAY, **changes: object):
    return evaluate(rule(raw), resident(**changes), today, card_type)


def test_empty_rule_is_everyone() -> None:
    assert isinstance(rule(None), Always)
    assert verdict({}).eligible


def test_age_min_on_the_issuing_date_birthday_edge() -> None:
    """GIVEN a resident born 1946-03-01 THEN she is 80 on 2026-03-01, not the day before."""
    born = date(1946, 3, 1)
    assert verdict({"age": {"min": 80}}, birth_date=born, today=date(2026, 3, 1)).eligible
    result = verdict({"age": {"min": 80}}, birth_date=born, today=date(2026, 2, 28))
    assert not result.eligible
    assert result.reason == "需年满80周岁"


def test_age_leap_day_birthday() -> None:
    """Born on 29 February: a year older on 1 March in a common year."""
    born = date(1948, 2, 29)
    assert not verdict({"age": {"min": 78}}, birth_date=born, today=date(2026, 2, 28)).eligible
    assert verdict({"age": {"min": 78}}, birth_date=born, today=date(2026, 3, 1)).eligible


def test_age_max_and_range() -> None:
    young = {"birth_date": date(2010, 3, 2)}  # 15 on 2026-03-01, 16 the next day
    assert verdict({"age": {"max": 15}}, **young).eligible
    assert verdict({"age": {"max": 14}}, **young).reason == "仅限14周岁及以下的居民"
    assert verdict({"age": {"min": 16, "max": 60}}, **young).reason == "仅限16至60周岁的居民"
    assert verdict({"age": {"min": 16, "max": 60}}, birth_date=date(2010, 3, 1)).eligible
    assert not verdict({"age": {"min": 16, "max": 60}}, birth_date=date(1965, 3, 1)).eligible


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    minimum=st.integers(min_value=0, max_value=110),
)
def test_age_min_matches_the_calendar(born: date, minimum: int) -> None:
    """Eligible exactly when the `minimum`th birthday is on or before the issuing date."""
    try:
        birthday = born.replace(year=born.year + minimum)
    except ValueError:  # 29 February in a common year: the birthday counts from 1 March
        birthday = date(born.year + minimum, 3, 1)
    result = verdict({"age": {"min": minimum}}, birth_date=born)
    assert result.eligible == (birthday <= TODAY)


def test_sex() -> None:
    assert verdict({"sex": "female"}).eligible
    result = verdict({"sex": "male"})
    assert not result.eligible
    assert result.reason == "仅限男性居民"


def test_tags_any_all_none() -> None:
    held = frozenset({"veteran", "party_member"})
    assert verdict({"tags": {"any": ["veteran", "disability"]}}, tags=held).eligible
    assert verdict({"tags": {"any": ["disability"]}}, tags=held).reason == "仅限持证残疾人"
    assert (
        verdict({"tags": {"any": ["low_income", "extreme_poverty"]}}, tags=held).reason
        == "仅限最低生活保障对象或特困供养人员"
    )
    assert verdict({"tags": {"all": ["veteran", "party_member"]}}, tags=held).eligible
    assert (
        verdict({"tags": {"all": ["veteran", "entitled_group"]}}, tags=held).reason
        == "仅限重点优抚对象"
    )
    assert (
        verdict({"tags": {"all": ["disability", "low_income"]}}, tags=held).reason
        == "需同时为持证残疾人和最低生活保障对象"
    )
    assert verdict({"tags": {"none": ["low_income"]}}, tags=held).eligible
    assert verdict({"tags": {"none": ["party_member"]}}, tags=held).reason == "此项不适用于中共党员"


def test_hukou() -> None:
    assert verdict({"hukou_local": True}).eligible
    assert verdict({"hukou_local": True}, hukou_local=False).reason == "仅限本社区户籍居民"
    assert verdict({"hukou_local": False}).reason == "仅限非本社区户籍居民"


def test_residence_duration() -> None:
    since = {"registered_since": date(2025, 3, 2)}
    assert verdict({"residence": {"min_years": 1}}, **since).reason == "需在本社区居住满1年"
    assert verdict({"residence": {"min_years": 1}}, registered_since=date(2025, 3, 1)).eligible
    assert verdict({"residence": {"min_months": 6}}, registered_since=date(2025, 9, 1)).eligible
    assert verdict({"residence": {"min_months": 6}}, registered_since=date(2025, 9, 2)).reason == (
        "需在本社区居住满6个月"
    )
    assert verdict({"residence": {"min_months": 0}}, registered_since=TODAY).eligible
    future = verdict({"residence": {"min_months": 0}}, registered_since=TODAY + timedelta(days=1))
    assert future.reason == "仅限在本社区登记居住的居民"


def test_months_between() -> None:
    assert months_between(date(2020, 1, 31), date(2020, 2, 29)) == 0
    assert months_between(date(2020, 1, 31), date(2020, 3, 31)) == 2
    assert months_between(date(2020, 5, 1), date(2020, 4, 1)) == -1


def test_card_type() -> None:
    assert verdict({"card_type": "resident"}).eligible
    result = verdict({"card_type": "resident"}, card_type="foreign_permanent")
    assert result.reason == "需使用居民身份证办理"
    assert verdict(
        {"card_type": ["resident", "hk_mo_tw_permit"]}, card_type="hk_mo_tw_permit"
    ).eligible


def test_all_lists_every_unmet_part() -> None:
    raw = {"all": [{"age": {"min": 80}}, {"hukou_local": True}]}
    assert verdict(raw, hukou_local=False).reason == "需年满80周岁；仅限本社区户籍居民"
    assert verdict(raw, birth_date=date(1940, 1, 1)).eligible


def test_several_keys_in_one_mapping_mean_all() -> None:
    raw = {"age": {"min": 80}, "hukou_local": True}
    assert verdict(raw, hukou_local=False).reason == "需年满80周岁；仅限本社区户籍居民"


def test_any_reads_naturally() -> None:
    raw = {"any": [{"age": {"min": 80}}, {"tags": {"any": ["disability"]}}]}
    assert verdict(raw).reason == "仅限年满80周岁的居民或持证残疾人"
    assert verdict(raw, tags=frozenset({"disability"})).eligible
    three = {"any": [{"age": {"min": 80}}, {"sex": "male"}, {"hukou_local": False}]}
    assert verdict(three).reason == "仅限年满80周岁的居民、男性居民或非本社区户籍居民"


def test_any_uses_who_overrides() -> None:
    raw = {
        "any": [
            {"age": {"max": 15}, "who": "未成年人"},
            {"all": [{"age": {"min": 90}}, {"sex": "male"}], "who": "90岁以上的男性老人"},
        ]
    }
    assert verdict(raw).reason == "仅限未成年人或90岁以上的男性老人"


def test_not_reads_naturally() -> None:
    raw = {"not": {"tags": {"any": ["party_member"]}}}
    assert verdict(raw).eligible
    assert verdict(raw, tags=frozenset({"party_member"})).reason == "此项不适用于中共党员"
    assert verdict({"not": {"hukou_local": True}}).reason == "此项不适用于本社区户籍居民"
    assert verdict({"not": {"age": {"min": 60}}}).reason == "此项不适用于年满60周岁的居民"


def test_reason_override() -> None:
    raw = {"tags": {"any": ["unemployed_registered"]}, "reason": "请先办理失业登记"}
    assert verdict(raw).reason == "请先办理失业登记"
    nested = {
        "all": [{"age": {"min": 18}}, {"hukou_local": False, "reason": "本社区户籍居民无需办理"}]
    }
    assert verdict(nested).reason == "本社区户籍居民无需办理"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("everyone", "a rule must be a mapping"),
        ({"age": 80}, "rule 'age' must be a mapping"),
        ({"age": {"min": 90, "max": 80}}, "is above max"),
        ({"all": []}, "non-empty list"),
        ({"not": [{"sex": "male"}]}, "rule 'not' must be one rule"),
        ({"tags": {"some": ["veteran"]}}, "unknown key 'some'"),
        ({"residence": {"min_years": -1}}, "whole number"),
        ({"reason": "x"}, "also needs a condition"),
    ],
)
def test_bad_rules_are_reported(raw: object, expected: str) -> None:
    problems: list[str] = []
    parse_rule(raw, lambda line, message: problems.append(message))
    assert any(expected in p for p in problems), problems


def test_real_catalogue_typical_rules(catalog) -> None:
    """The notes' typical conditions hold in the real catalogue."""
    old_local = resident(birth_date=date(1945, 1, 1))
    assert catalog.item("senior_allowance").check_eligibility(old_local, TODAY).eligible
    not_local = resident(birth_date=date(1945, 1, 1), hukou_local=False)
    assert catalog.item("senior_allowance").check_eligibility(not_local, TODAY).reason == (
        "仅限本社区户籍居民"
    )
    young = resident(birth_date=date(1970, 1, 1))
    assert (
        catalog.item("senior_allowance")
        .check_eligibility(young, TODAY)
        .reason.startswith("需年满80周岁")
    )
    sixty = resident(birth_date=date(1966, 3, 1))
    assert catalog.item("senior_preferential_card").check_eligibility(sixty, TODAY).eligible
    assert (
        not catalog.item("senior_preferential_card")
        .check_eligibility(sixty, TODAY - timedelta(days=1))
        .eligible
    )
    assert (
        catalog.item("military_service_registration")
        .check_eligibility(resident(sex="male", birth_date=date(2008, 1, 1)), TODAY)
        .eligible
    )
    member = resident(tags=frozenset({"party_member"}))
    assert catalog.item("party_transfer_in").check_eligibility(member, TODAY).eligible
    assert (
        catalog.item("party_transfer_in").check_eligibility(resident(), TODAY).reason
        == "仅限中共党员"
    )
    assert catalog.item("party_membership_application").check_eligibility(member, TODAY).reason == (
        "此项不适用于中共党员"
    )


def test_the_residence_certificate_needs_six_months_in_the_register(catalog) -> None:
    """GIVEN residents of any hukou or sex WHEN they ask for the residence certificate THEN the
    register's six months decide (an arrival of last week gets the reason, not the paper)."""
    item = catalog.item("residence_certificate")
    for changes in ({}, {"hukou_local": False}, {"sex": "male"}):
        verdict_ = item.check_eligibility(resident(**changes), TODAY)
        assert verdict_.eligible and verdict_.reason == ""
    just_arrived = item.check_eligibility(resident(registered_since=TODAY), TODAY)
    assert not just_arrived.eligible and just_arrived.reason == "需在本社区居住满6个月"
    six_months = resident(registered_since=date(TODAY.year - 1, TODAY.month + 6, TODAY.day))
    assert item.check_eligibility(six_months, TODAY).eligible


def test_every_real_rule_round_trips_through_the_rule_language(base_catalog) -> None:
    """`to_data()` writes a rule back in the YAML rule language; parsing that gives an equal
    rule (the cache relies on it) with the same plain words."""
    everyone = [resident(), resident(hukou_local=False, birth_date=date(2010, 1, 1), sex="male")]
    for item in base_catalog.items:
        again = rule(item.eligibility.to_data())
        assert again == item.eligibility, item.id
        assert again.who() == item.eligibility.who()
        for person in everyone:
            assert evaluate(again, person, TODAY, "resident") == item.check_eligibility(
                person, TODAY
            )


@pytest.mark.parametrize(
    "raw",
    [
        {"age": {"min": 16, "max": 60}, "reason": "仅限劳动年龄人口"},
        {"tags": {"any": ["veteran"], "none": ["party_member"]}, "who": "非党员退役军人"},
        {"not": {"residence": {"min_years": 2}}},
        {"any": [{"card_type": ["resident", "hk_mo_tw_permit"]}, {"sex": "male"}]},
        {"all": [{}]},
    ],
)
def test_rules_round_trip(raw: object) -> None:
    built = rule(raw)
    assert rule(built.to_data()) == built


def test_every_rule_shares_the_reason_and_who_overrides() -> None:
    """One base declares reason/who; no kind of rule declares them again."""
    kinds = [
        c
        for c in vars(rules).values()
        if isinstance(c, type) and issubclass(c, rules.Rule) and not inspect.isabstract(c)
    ]
    assert len(kinds) == 10
    for kind in kinds:
        assert [f.name for f in dataclasses.fields(kind)][:2] == ["reason_text", "who_text"]
        own = vars(kind).get("__annotations__", {})
        assert "reason_text" not in own and "who_text" not in own, kind
        texts = kind.__init__.__kwdefaults__
        assert texts == {"reason_text": None, "who_text": None}, kind
