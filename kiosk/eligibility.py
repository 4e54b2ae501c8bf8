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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from card_reader.base import CardType
from kiosk.residents import ResidentRecord
from kiosk.tags import TAGS
from kiosk.tags import label as tag_label

# (line or None, message) -> None; collects problems instead of raising on the first one.
Report = Callable[[int | None, str], None]

CARD_LABELS: dict[str, str] = {
    CardType.RESIDENT.value: "居民身份证",
    CardType.HK_MO_TW_PERMIT.value: "港澳台居民居住证",
    CardType.FOREIGN_PERMANENT.value: "外国人永久居留身份证",
    CardType.SOCIAL_SECURITY.value: "社会保障卡",
}

SEX_LABELS = {"male": "男性", "female": "女性"}

LEAF_KEYS = ("age", "sex", "tags", "hukou_local", "residence", "card_type")
COMBINATOR_KEYS = ("all", "any", "not")
TEXT_KEYS = ("reason", "who")
RULE_KEYS = LEAF_KEYS + COMBINATOR_KEYS


@dataclass(frozen=True)
class Eligibility:
    """The verdict for one resident and one item: eligible, or the plain-words reason why not."""

    eligible: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.eligible

    @property
    def ok(self) -> bool:
        """Alias of `eligible` (the menu screen asks `verdict.ok`)."""
        return self.eligible


@dataclass(frozen=True)
class Facts:
    """What a rule looks at: the resident, the issuing date and the card presented."""

    resident: ResidentRecord
    today: date
    card_type: str = CardType.RESIDENT.value


class Rule(Protocol):
    """A node of the rule tree."""

    reason_text: str | None
    who_text: str | None

    def holds(self, facts: Facts) -> bool:
        """True when the resident meets the rule."""
        ...

    def unmet(self, facts: Facts) -> str:
        """Plain words why the rule is not met (called only when it does not hold)."""
        ...

    def who(self) -> str:
        """The group of people the rule describes, e.g. 年满60周岁的居民."""
        ...

    def tags(self) -> frozenset[str]:
        """Every resident tag the rule names."""
        ...


def _or_join(words: Sequence[str]) -> str:
    """A、B或C."""
    if len(words) <= 1:
        return "".join(words)
    return "、".join(words[:-1]) + "或" + words[-1]


def _and_join(words: Sequence[str]) -> str:
    """A、B和C."""
    if len(words) <= 1:
        return "".join(words)
    return "、".join(words[:-1]) + "和" + words[-1]


class _Texts:
    """Shared handling of `reason:` / `who:` overrides."""

    reason_text: str | None
    who_text: str | None

    def verdict(self, facts: Facts) -> Eligibility:
        """The rule's outcome with its reason."""
        if self.holds(facts):  # type: ignore[attr-defined]
            return Eligibility(True, "")
        return Eligibility(False, self.reason_text or self.unmet(facts))  # type: ignore[attr-defined]

    def who(self) -> str:
        """The group described, the override first."""
        return self.who_text or self._who()

    def _who(self) -> str:  # pragma: no cover - every subclass defines it
        return ""


@dataclass(frozen=True)
class Always(_Texts):
    """No condition: everyone in the register."""

    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """Always true."""
        return True

    def unmet(self, facts: Facts) -> str:
        """Never called for a rule that always holds."""
        return ""

    def _who(self) -> str:
        return "本社区居民"

    def tags(self) -> frozenset[str]:
        """No tags."""
        return frozenset()


@dataclass(frozen=True)
class AgeRule(_Texts):
    """Full years of age on the issuing date within [low, high] (either may be open)."""

    low: int | None
    high: int | None
    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """Compare the age on the issuing date."""
        age = facts.resident.age_on(facts.today)
        return (self.low is None or age >= self.low) and (self.high is None or age <= self.high)

    def unmet(self, facts: Facts) -> str:
        """需年满80周岁 / 仅限16至60周岁的居民 / 仅限17周岁及以下的居民."""
        if self.high is None:
            return f"需年满{self.low}周岁"
        return f"仅限{self._who()}"

    def _who(self) -> str:
        if self.high is None:
            return f"年满{self.low}周岁的居民"
        if self.low is None:
            return f"{self.high}周岁及以下的居民"
        return f"{self.low}至{self.high}周岁的居民"

    def tags(self) -> frozenset[str]:
        """No tags."""
        return frozenset()


@dataclass(frozen=True)
class SexRule(_Texts):
    """Male or female as registered."""

    sex: str
    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """Compare the registered sex."""
        return facts.resident.sex == self.sex

    def unmet(self, facts: Facts) -> str:
        """仅限女性居民."""
        return f"仅限{self._who()}"

    def _who(self) -> str:
        return f"{SEX_LABELS[self.sex]}居民"

    def tags(self) -> frozenset[str]:
        """No tags."""
        return frozenset()


@dataclass(frozen=True)
class TagRule(_Texts):
    """The resident holds any / all / none of some tags."""

    mode: str  # any | all | none
    names: tuple[str, ...]
    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """Set logic on the resident's tags."""
        held = facts.resident.tags
        if self.mode == "any":
            return any(t in held for t in self.names)
        if self.mode == "all":
            return all(t in held for t in self.names)
        return not any(t in held for t in self.names)

    def unmet(self, facts: Facts) -> str:
        """仅限持证残疾人 / 需同时为A和B / 此项不适用于中共党员."""
        held = facts.resident.tags
        if self.mode == "any":
            return f"仅限{self._who()}"
        if self.mode == "all":
            missing = [tag_label(t) for t in self.names if t not in held]
            if len(missing) == 1:
                return f"仅限{missing[0]}"
            return f"需同时为{_and_join(missing)}"
        present = [tag_label(t) for t in self.names if t in held]
        return f"此项不适用于{_or_join(present)}"

    def _who(self) -> str:
        labels = [tag_label(t) for t in self.names]
        if self.mode == "any":
            return _or_join(labels)
        if self.mode == "all":
            return f"同时为{_and_join(labels)}的居民"
        return f"{_or_join(labels)}以外的居民"

    def tags(self) -> frozenset[str]:
        """The tags named."""
        return frozenset(self.names)


@dataclass(frozen=True)
class HukouRule(_Texts):
    """Hukou registered in this community (or, with local=False, elsewhere)."""

    local: bool
    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """Compare the hukou flag."""
        return facts.resident.hukou_local == self.local

    def unmet(self, facts: Facts) -> str:
        """仅限本社区户籍居民."""
        return f"仅限{self._who()}"

    def _who(self) -> str:
        return "本社区户籍居民" if self.local else "非本社区户籍居民"

    def tags(self) -> frozenset[str]:
        """No tags."""
        return frozenset()


def months_between(start: date, end: date) -> int:
    """Full months from start to end (negative when end is before start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


@dataclass(frozen=True)
class ResidenceRule(_Texts):
    """Registered in the community for at least so many full months (years are 12 months)."""

    months: int
    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """Full months since registered_since, on the issuing date."""
        return months_between(facts.resident.registered_since, facts.today) >= self.months

    def unmet(self, facts: Facts) -> str:
        """需在本社区居住满1年."""
        if self.months == 0:
            return "仅限在本社区登记居住的居民"
        return f"需在本社区居住满{self._span()}"

    def _span(self) -> str:
        if self.months % 12 == 0:
            return f"{self.months // 12}年"
        return f"{self.months}个月"

    def _who(self) -> str:
        if self.months == 0:
            return "在本社区登记居住的居民"
        return f"在本社区居住满{self._span()}的居民"

    def tags(self) -> frozenset[str]:
        """No tags."""
        return frozenset()


@dataclass(frozen=True)
class CardTypeRule(_Texts):
    """The card presented at the terminal is one of these kinds."""

    kinds: tuple[str, ...]
    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """Compare the card type."""
        return facts.card_type in self.kinds

    def unmet(self, facts: Facts) -> str:
        """需使用居民身份证办理."""
        return f"需使用{_or_join([CARD_LABELS[k] for k in self.kinds])}办理"

    def _who(self) -> str:
        return f"持{_or_join([CARD_LABELS[k] for k in self.kinds])}的居民"

    def tags(self) -> frozenset[str]:
        """No tags."""
        return frozenset()


@dataclass(frozen=True)
class AllRule(_Texts):
    """Every part must hold; the reason lists each part not met."""

    parts: tuple[Rule, ...]
    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """All parts hold."""
        return all(p.holds(facts) for p in self.parts)

    def unmet(self, facts: Facts) -> str:
        """需年满80周岁；仅限本社区户籍居民."""
        reasons: list[str] = []
        for part in self.parts:
            if not part.holds(facts):
                text = part.reason_text or part.unmet(facts)
                if text not in reasons:
                    reasons.append(text)
        return "；".join(reasons)

    def _who(self) -> str:
        return "同时符合“" + "”和“".join(p.who() for p in self.parts) + "”的居民"

    def tags(self) -> frozenset[str]:
        """Tags of every part."""
        return frozenset().union(*(p.tags() for p in self.parts))


@dataclass(frozen=True)
class AnyRule(_Texts):
    """At least one part must hold; the reason names the groups that qualify."""

    parts: tuple[Rule, ...]
    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """One part holds."""
        return any(p.holds(facts) for p in self.parts)

    def unmet(self, facts: Facts) -> str:
        """仅限年满60周岁的居民或持证残疾人."""
        return f"仅限{self._who()}"

    def _who(self) -> str:
        return _or_join([p.who() for p in self.parts])

    def tags(self) -> frozenset[str]:
        """Tags of every part."""
        return frozenset().union(*(p.tags() for p in self.parts))


@dataclass(frozen=True)
class NotRule(_Texts):
    """The part must not hold; the reason names the group excluded."""

    part: Rule
    reason_text: str | None = None
    who_text: str | None = None

    def holds(self, facts: Facts) -> bool:
        """The part does not hold."""
        return not self.part.holds(facts)

    def unmet(self, facts: Facts) -> str:
        """此项不适用于中共党员."""
        return f"此项不适用于{self.part.who()}"

    def _who(self) -> str:
        return f"{self.part.who()}以外的居民"

    def tags(self) -> frozenset[str]:
        """Tags of the part."""
        return self.part.tags()


def evaluate(rule: Rule, resident: ResidentRecord, today: date, card_type: str) -> Eligibility:
    """Apply a rule: eligible, or not with the reason in plain words."""
    facts = Facts(resident, today, str(card_type))
    if rule.holds(facts):
        return Eligibility(True, "")
    return Eligibility(False, rule.reason_text or rule.unmet(facts))


# ---------------------------------------------------------------- parsing


def _line(node: Any, key: Any = None) -> int | None:
    """The YAML line of a key in a mapping, or of the node itself."""
    if key is not None:
        key_lines = getattr(node, "key_lines", None)
        if key_lines and key in key_lines:
            return key_lines[key]
    return getattr(node, "line", None)


def _item_line(node: Any, index: int) -> int | None:
    lines = getattr(node, "lines", None)
    if lines and index < len(lines):
        return lines[index]
    return getattr(node, "line", None)


def parse_rule(raw: Any, report: Report, line: int | None = None) -> Rule:
    """Build a rule from YAML data; each problem goes to `report` with its line.

    An empty or missing rule means everyone qualifies. On problems the returned rule is still
    usable (the broken part is dropped) so that every problem of a catalogue is found at once.
    """
    if raw is None or (isinstance(raw, Mapping) and not raw):
        return Always()
    if not isinstance(raw, Mapping):
        report(line, f"a rule must be a mapping of {', '.join(RULE_KEYS)}, got {raw!r}")
        return Always()
    texts: dict[str, str | None] = {"reason_text": None, "who_text": None}
    parts: list[Rule] = []
    for key, value in raw.items():
        where = _line(raw, key)
        if key in TEXT_KEYS:
            if not isinstance(value, str) or not value.strip():
                report(where, f"rule '{key}' must be non-empty text")
            else:
                texts[f"{key}_text"] = value.strip()
        elif key in RULE_KEYS:
            part = _parse_key(key, value, report, where)
            if part is not None:
                parts.append(part)
        else:
            report(where, f"unknown rule '{key}' (known: {', '.join(RULE_KEYS + TEXT_KEYS)})")
    if not parts:
        if texts["reason_text"] or texts["who_text"]:
            report(_line(raw), "a rule with reason/who also needs a condition")
        return Always()
    if len(parts) == 1:
        return _with_texts(parts[0], texts)
    return AllRule(tuple(parts), **texts)


def _with_texts(rule: Rule, texts: Mapping[str, str | None]) -> Rule:
    given = {k: v for k, v in texts.items() if v}
    if not given:
        return rule
    return type(rule)(**{**rule.__dict__, **given})  # frozen dataclass copy


def _parse_key(key: str, value: Any, report: Report, where: int | None) -> Rule | None:
    if key == "age":
        return _parse_age(value, report, where)
    if key == "sex":
        if value not in SEX_LABELS:
            report(where, f"rule 'sex' must be male or female, got {value!r}")
            return None
        return SexRule(value)
    if key == "tags":
        return _parse_tags(value, report, where)
    if key == "hukou_local":
        if not isinstance(value, bool):
            report(where, f"rule 'hukou_local' must be true or false, got {value!r}")
            return None
        return HukouRule(value)
    if key == "residence":
        return _parse_residence(value, report, where)
    if key == "card_type":
        kinds = [value] if isinstance(value, str) else value
        if not isinstance(kinds, list) or not kinds:
            report(where, "rule 'card_type' must be a card type or a list of them")
            return None
        bad = [k for k in kinds if k not in CARD_LABELS]
        if bad:
            report(where, f"rule 'card_type': unknown {bad} (known: {', '.join(CARD_LABELS)})")
            return None
        return CardTypeRule(tuple(kinds))
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            report(where, f"rule '{key}' must be a non-empty list of rules")
            return None
        parts = tuple(parse_rule(v, report, _item_line(value, i)) for i, v in enumerate(value))
        return AllRule(parts) if key == "all" else AnyRule(parts)
    # not
    if not isinstance(value, Mapping) or not value:
        report(where, "rule 'not' must be one rule (a mapping)")
        return None
    return NotRule(parse_rule(value, report, where))


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _parse_age(value: Any, report: Report, where: int | None) -> Rule | None:
    if not isinstance(value, Mapping) or not value:
        report(where, "rule 'age' must be a mapping with min and/or max")
        return None
    unknown = [k for k in value if k not in ("min", "max")]
    if unknown:
        report(where, f"rule 'age': unknown key(s) {unknown} (known: min, max)")
        return None
    low, high = value.get("min"), value.get("max")
    for name, v in (("min", low), ("max", high)):
        if v is not None and not (_whole(v) and v <= 150):
            report(_line(value, name), f"rule 'age': {name} must be a whole number 0-150")
            return None
    if low is not None and high is not None and low > high:
        report(where, f"rule 'age': min {low} is above max {high}")
        return None
    if low is None and high is None:
        report(where, "rule 'age' needs min or max")
        return None
    return AgeRule(low, high)


def _parse_tags(value: Any, report: Report, where: int | None) -> Rule | None:
    if not isinstance(value, Mapping) or not value:
        report(where, "rule 'tags' must be a mapping with any, all and/or none")
        return None
    parts: list[Rule] = []
    for mode, names in value.items():
        at = _line(value, mode)
        if mode not in ("any", "all", "none"):
            report(at, f"rule 'tags': unknown key '{mode}' (known: any, all, none)")
            continue
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not names:
            report(at, f"rule 'tags.{mode}' must be a non-empty list of tags")
            continue
        unknown = [n for n in names if n not in TAGS]
        if unknown:
            report(at, f"rule 'tags.{mode}': unknown tag(s) {unknown} (see kiosk/tags.py)")
            continue
        parts.append(TagRule(mode, tuple(names)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllRule(tuple(parts))


def _parse_residence(value: Any, report: Report, where: int | None) -> Rule | None:
    if not isinstance(value, Mapping) or len(value) != 1:
        report(where, "rule 'residence' must be {min_years: N} or {min_months: N}")
        return None
    ((unit, amount),) = value.items()
    if unit not in ("min_years", "min_months"):
        report(where, f"rule 'residence': unknown key '{unit}' (known: min_years, min_months)")
        return None
    if not _whole(amount):
        report(where, f"rule 'residence': {unit} must be a whole number")
        return None
    return ResidenceRule(amount * 12 if unit == "min_years" else amount)
