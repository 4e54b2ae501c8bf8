"""The eligibility rule language: YAML data in, frozen rule objects out, plain-words reasons.

No eval: a rule is a mapping with one or more of these keys (several keys mean all of them):

    age: {min: 80, max: 120}          full years on the issuing date
    sex: female                       male | female
    tags: {any: [...], all: [...], none: [...]}   resident tags (kiosk.tags.TAGS)
    hukou_local: true                 hukou in this community (false: not in it)
    residence: {min_years: 1} | {min_months: 6}   registered in the community that long
    card_type: resident               or a list (card_reader.base.CardType values)
    all: [rule, ...]   any: [rule, ...]   not: rule

Any rule may also carry `reason:` (the words shown when it is not met) and `who:` (the group it
describes, used when the rule sits inside `any` or `not`).

Every rule turns back into that language with `to_data()`; `parse_rule(rule.to_data())` gives an
equal rule (the catalogue cache stores rules that way, and re-checks them when read).
"""

from kiosk.eligibility.parse import (
    COMBINATOR_KEYS,
    LEAF_KEYS,
    RULE_KEYS,
    TEXT_KEYS,
    LocatedList,
    LocatedMap,
    Report,
    parse_rule,
)
from kiosk.eligibility.rules import (
    CARD_LABELS,
    SEX_LABELS,
    AgeRule,
    AllRule,
    Always,
    AnyRule,
    CardTypeRule,
    Eligibility,
    Facts,
    HukouRule,
    NotRule,
    ResidenceRule,
    Rule,
    SexRule,
    TagRule,
    evaluate,
    months_between,
)

__all__ = [
    "CARD_LABELS",
    "COMBINATOR_KEYS",
    "LEAF_KEYS",
    "RULE_KEYS",
    "SEX_LABELS",
    "TEXT_KEYS",
    "AgeRule",
    "AllRule",
    "Always",
    "AnyRule",
    "CardTypeRule",
    "Eligibility",
    "Facts",
    "HukouRule",
    "LocatedList",
    "LocatedMap",
    "NotRule",
    "Report",
    "ResidenceRule",
    "Rule",
    "SexRule",
    "TagRule",
    "evaluate",
    "months_between",
    "parse_rule",
]
