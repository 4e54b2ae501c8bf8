"""YAML data -> rule objects, every problem reported with its line (no eval, no exceptions)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from kiosk.eligibility.rules import (
    CARD_LABELS,
    SEX_LABELS,
    AgeRule,
    AllRule,
    Always,
    AnyRule,
    CardTypeRule,
    HukouRule,
    NotRule,
    ResidenceRule,
    Rule,
    SexRule,
    TagRule,
)
from kiosk.tags import TAGS

# (line or None, message) -> None; collects problems instead of raising on the first one.
Report = Callable[[int | None, str], None]

LEAF_KEYS = ("age", "sex", "tags", "hukou_local", "residence", "card_type")
COMBINATOR_KEYS = ("all", "any", "not")
TEXT_KEYS = ("reason", "who")
RULE_KEYS = LEAF_KEYS + COMBINATOR_KEYS


class LocatedMap(dict[object, object]):
    """A YAML mapping that knows its line and its keys' lines (kiosk.catalog's loader builds
    these; the rule parser reads them to put each problem on its line)."""

    line: int
    key_lines: dict[object, int]


class LocatedList(list[object]):
    """A YAML sequence that knows its line and its entries' lines."""

    line: int
    lines: list[int]


def _line(node: object, key: object = None) -> int | None:
    """The YAML line of a key in a mapping, or of the node itself (None for plain data)."""
    if isinstance(node, LocatedMap):
        return node.key_lines.get(key, node.line) if key is not None else node.line
    if isinstance(node, LocatedList):
        return node.line
    return None


def _item_line(node: object, index: int) -> int | None:
    if isinstance(node, LocatedList):
        return node.lines[index] if index < len(node.lines) else node.line
    return None


def _shown(value: object) -> str:
    """A value as written in a problem, cut short (a broken file may hold anything)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def parse_rule(raw: object, report: Report, line: int | None = None) -> Rule:
    """Build a rule from YAML data; each problem goes to `report` with its line.

    An empty or missing rule means everyone qualifies. On problems the returned rule is still
    usable (the broken part is dropped) so that every problem of a catalogue is found at once.
    """
    if raw is None or (isinstance(raw, Mapping) and not raw):
        return Always()
    if not isinstance(raw, Mapping):
        report(line, f"a rule must be a mapping of {', '.join(RULE_KEYS)}, got {_shown(raw)}")
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
            part = _parse_key(str(key), value, report, where)
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
    return replace(rule, **given) if given else rule


def _parse_key(key: str, value: object, report: Report, where: int | None) -> Rule | None:
    if key == "age":
        return _parse_age(value, report, where)
    if key == "sex":
        if not isinstance(value, str) or value not in SEX_LABELS:
            report(where, f"rule 'sex' must be male or female, got {_shown(value)}")
            return None
        return SexRule(value)
    if key == "tags":
        return _parse_tags(value, report, where)
    if key == "hukou_local":
        if not isinstance(value, bool):
            report(where, f"rule 'hukou_local' must be true or false, got {_shown(value)}")
            return None
        return HukouRule(value)
    if key == "residence":
        return _parse_residence(value, report, where)
    if key == "card_type":
        return _parse_card_type(value, report, where)
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


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _parse_age(value: object, report: Report, where: int | None) -> Rule | None:
    if not isinstance(value, Mapping) or not value:
        report(where, "rule 'age' must be a mapping with min and/or max")
        return None
    unknown = [k for k in value if k not in ("min", "max")]
    if unknown:
        report(where, f"rule 'age': unknown key(s) {_shown(unknown)} (known: min, max)")
        return None
    bounds: dict[str, int | None] = {}
    for name in ("min", "max"):
        v = value.get(name)
        if v is not None and not (isinstance(v, int) and _whole(v) and v <= 150):
            report(_line(value, name), f"rule 'age': {name} must be a whole number 0-150")
            return None
        bounds[name] = v
    low, high = bounds["min"], bounds["max"]
    if low is not None and high is not None and low > high:
        report(where, f"rule 'age': min {low} is above max {high}")
        return None
    if low is None and high is None:
        report(where, "rule 'age' needs min or max")
        return None
    return AgeRule(low, high)


def _text_list(value: object) -> list[str] | None:
    """A list of texts (one text alone counts as a list of one); None for anything else."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return None
    return items


def _parse_card_type(value: object, report: Report, where: int | None) -> Rule | None:
    kinds = [value] if isinstance(value, str) else value
    if not isinstance(kinds, list) or not kinds:
        report(where, "rule 'card_type' must be a card type or a list of them")
        return None
    bad = [k for k in kinds if not isinstance(k, str) or k not in CARD_LABELS]
    if bad:
        report(where, f"rule 'card_type': unknown {_shown(bad)} (known: {', '.join(CARD_LABELS)})")
        return None
    return CardTypeRule(tuple(str(k) for k in kinds))


def _parse_tags(value: object, report: Report, where: int | None) -> Rule | None:
    if not isinstance(value, Mapping) or not value:
        report(where, "rule 'tags' must be a mapping with any, all and/or none")
        return None
    parts: list[Rule] = []
    for mode, raw_names in value.items():
        at = _line(value, mode)
        if mode not in ("any", "all", "none"):
            report(at, f"rule 'tags': unknown key '{mode}' (known: any, all, none)")
            continue
        names = _text_list(raw_names)
        if not names:
            if isinstance(raw_names, list) and raw_names:
                report(at, f"rule 'tags.{mode}': tags must be text, got {_shown(raw_names)}")
            else:
                report(at, f"rule 'tags.{mode}' must be a non-empty list of tags")
            continue
        unknown = [n for n in names if n not in TAGS]
        if unknown:
            report(at, f"rule 'tags.{mode}': unknown tag(s) {_shown(unknown)} (see kiosk/tags.py)")
            continue
        parts.append(TagRule(str(mode), tuple(names)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllRule(tuple(parts))


def _parse_residence(value: object, report: Report, where: int | None) -> Rule | None:
    if not isinstance(value, Mapping) or len(value) != 1:
        report(where, "rule 'residence' must be {min_years: N} or {min_months: N}")
        return None
    ((unit, amount),) = value.items()
    if unit not in ("min_years", "min_months"):
        report(where, f"rule 'residence': unknown key '{unit}' (known: min_years, min_months)")
        return None
    if not isinstance(amount, int) or not _whole(amount):
        report(where, f"rule 'residence': {unit} must be a whole number")
        return None
    return ResidenceRule(amount * 12 if unit == "min_years" else amount)
