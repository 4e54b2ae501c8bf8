"""The rule objects: one frozen dataclass per kind of condition, all on one base `Rule`.

Each rule says when it holds, why not in plain words (`unmet`), which group it describes
(`who`) and how it is written in the rule language (`to_data`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from card_reader.base import CardType
from kiosk.residents import ResidentRecord
from kiosk.tags import label as tag_label

CARD_LABELS: dict[str, str] = {
    CardType.RESIDENT.value: "居民身份证",
    CardType.HK_MO_TW_PERMIT.value: "港澳台居民居住证",
    CardType.FOREIGN_PERMANENT.value: "外国人永久居留身份证",
    CardType.SOCIAL_SECURITY.value: "社会保障卡",
}

SEX_LABELS = {"male": "男性", "female": "女性"}


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


@dataclass(frozen=True, kw_only=True)
class Rule(ABC):
    """A node of the rule tree, with the `reason:` / `who:` overrides every rule may carry."""

    reason_text: str | None = None
    who_text: str | None = None

    @abstractmethod
    def holds(self, facts: Facts) -> bool:
        """True when the resident meets the rule."""

    @abstractmethod
    def unmet(self, facts: Facts) -> str:
        """Plain words why the rule is not met (called only when it does not hold)."""

    @abstractmethod
    def _who(self) -> str:
        """The group described, in the rule's own words."""

    @abstractmethod
    def _condition(self) -> dict[str, object]:
        """The rule in the YAML rule language, without reason/who."""

    def who(self) -> str:
        """The group of people the rule describes, e.g. 年满60周岁的居民 (the override first)."""
        return self.who_text or self._who()

    def tags(self) -> frozenset[str]:
        """Every resident tag the rule names (none, unless the rule says otherwise)."""
        return frozenset()

    def verdict(self, facts: Facts) -> Eligibility:
        """The rule's outcome with its reason."""
        if self.holds(facts):
            return Eligibility(True, "")
        return Eligibility(False, self.reason_text or self.unmet(facts))

    def to_data(self) -> dict[str, object]:
        """The rule in the YAML rule language (plain dicts, lists, text, numbers)."""
        data = self._condition()
        if self.reason_text:
            data["reason"] = self.reason_text
        if self.who_text:
            data["who"] = self.who_text
        return data


@dataclass(frozen=True)
class Always(Rule):
    """No condition: everyone in the register."""

    def holds(self, facts: Facts) -> bool:
        """Always true."""
        return True

    def unmet(self, facts: Facts) -> str:
        """Never called for a rule that always holds."""
        return ""

    def _who(self) -> str:
        return "本社区居民"

    def _condition(self) -> dict[str, object]:
        return {}


@dataclass(frozen=True)
class AgeRule(Rule):
    """Full years of age on the issuing date within [low, high] (either may be open)."""

    low: int | None
    high: int | None

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

    def _condition(self) -> dict[str, object]:
        bounds = {"min": self.low, "max": self.high}
        return {"age": {k: v for k, v in bounds.items() if v is not None}}


@dataclass(frozen=True)
class SexRule(Rule):
    """Male or female as registered."""

    sex: str

    def holds(self, facts: Facts) -> bool:
        """Compare the registered sex."""
        return facts.resident.sex == self.sex

    def unmet(self, facts: Facts) -> str:
        """仅限女性居民."""
        return f"仅限{self._who()}"

    def _who(self) -> str:
        return f"{SEX_LABELS[self.sex]}居民"

    def _condition(self) -> dict[str, object]:
        return {"sex": self.sex}


@dataclass(frozen=True)
class TagRule(Rule):
    """The resident holds any / all / none of some tags."""

    mode: str  # any | all | none
    names: tuple[str, ...]

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

    def _condition(self) -> dict[str, object]:
        return {"tags": {self.mode: list(self.names)}}


@dataclass(frozen=True)
class HukouRule(Rule):
    """Hukou registered in this community (or, with local=False, elsewhere)."""

    local: bool

    def holds(self, facts: Facts) -> bool:
        """Compare the hukou flag."""
        return facts.resident.hukou_local == self.local

    def unmet(self, facts: Facts) -> str:
        """仅限本社区户籍居民."""
        return f"仅限{self._who()}"

    def _who(self) -> str:
        return "本社区户籍居民" if self.local else "非本社区户籍居民"

    def _condition(self) -> dict[str, object]:
        return {"hukou_local": self.local}


def months_between(start: date, end: date) -> int:
    """Full months from start to end (negative when end is before start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


@dataclass(frozen=True)
class ResidenceRule(Rule):
    """Registered in the community for at least so many full months (years are 12 months)."""

    months: int

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

    def _condition(self) -> dict[str, object]:
        return {"residence": {"min_months": self.months}}


@dataclass(frozen=True)
class CardTypeRule(Rule):
    """The card presented at the terminal is one of these kinds."""

    kinds: tuple[str, ...]

    def holds(self, facts: Facts) -> bool:
        """Compare the card type."""
        return facts.card_type in self.kinds

    def unmet(self, facts: Facts) -> str:
        """需使用居民身份证办理."""
        return f"需使用{_or_join([CARD_LABELS[k] for k in self.kinds])}办理"

    def _who(self) -> str:
        return f"持{_or_join([CARD_LABELS[k] for k in self.kinds])}的居民"

    def _condition(self) -> dict[str, object]:
        return {"card_type": list(self.kinds)}


@dataclass(frozen=True)
class _Combined(Rule):
    """Shared by `all` and `any`: a tuple of parts whose tags are the rule's tags."""

    key: ClassVar[str]
    parts: tuple[Rule, ...]

    def tags(self) -> frozenset[str]:
        """Tags of every part."""
        return frozenset().union(*(p.tags() for p in self.parts))

    def _condition(self) -> dict[str, object]:
        return {self.key: [p.to_data() for p in self.parts]}


@dataclass(frozen=True)
class AllRule(_Combined):
    """Every part must hold; the reason lists each part not met."""

    key: ClassVar[str] = "all"

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


@dataclass(frozen=True)
class AnyRule(_Combined):
    """At least one part must hold; the reason names the groups that qualify."""

    key: ClassVar[str] = "any"

    def holds(self, facts: Facts) -> bool:
        """One part holds."""
        return any(p.holds(facts) for p in self.parts)

    def unmet(self, facts: Facts) -> str:
        """仅限年满60周岁的居民或持证残疾人."""
        return f"仅限{self._who()}"

    def _who(self) -> str:
        return _or_join([p.who() for p in self.parts])


@dataclass(frozen=True)
class NotRule(Rule):
    """The part must not hold; the reason names the group excluded."""

    part: Rule

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

    def _condition(self) -> dict[str, object]:
        return {"not": self.part.to_data()}


def evaluate(rule: Rule, resident: ResidentRecord, today: date, card_type: str) -> Eligibility:
    """Apply a rule: eligible, or not with the reason in plain words."""
    return rule.verdict(Facts(resident, today, str(card_type)))
