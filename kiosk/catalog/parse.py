"""catalog.yaml -> parsed sections + every problem, each as `file:line: subject: message`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from kiosk.catalog.checks import (
    ID_RE,
    Problems,
    check_banned_notices,
    check_item,
    check_locality,
)
from kiosk.catalog.law import BannedCertificate, LawException
from kiosk.catalog.lawchecks import (
    LawContext,
    check_community_notice,
    check_exceptions,
    check_law,
    check_locality_law,
    is_snake,
)
from kiosk.catalog.model import CatalogItem, Category, Locality
from kiosk.catalog.source import read_source
from kiosk.catalog.yaml_lines import (
    LineList,
    LineMap,
    YamlLimitError,
    line_at,
    line_of,
    read_yaml,
)
from kiosk.eligibility import Always, Rule, parse_rule

TOP_KEYS = (
    "version",
    "legal_basis",
    "legal_bases",
    "banned_certificates",
    "exceptions",
    "categories",
    "frequent",
    "localities",
    "items",
)
ITEM_ID_RE = re.compile(r"^\s*-?\s*id:\s*['\"]?([A-Za-z0-9_]+)")


@dataclass
class Parsed:
    """Everything read from one file: the sections that parsed, and every problem found."""

    problems: list[str]
    legal_basis: str = ""
    categories: tuple[Category, ...] = ()
    items: tuple[CatalogItem, ...] = ()
    banned: tuple[BannedCertificate, ...] = ()
    localities: dict[str, Locality] = field(default_factory=dict)
    digest: str = ""
    legal_bases: dict[str, str] = field(default_factory=dict)
    exceptions: tuple[LawException, ...] = ()
    frequent: tuple[str, ...] = ()  # 常用: the services most residents come for, first


def parse_file(path: Path) -> Parsed:
    """Read and check one catalogue file (all localities)."""
    data = read_source(path)
    return Parsed([data]) if isinstance(data, str) else parse_bytes(data, path)


def parse_bytes(data: bytes, path: Path) -> Parsed:
    """Check catalogue text already read from `path` (named in the problems)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Parsed([f"{path}: cannot be read ({exc})"])
    report = Problems(path.name)
    try:
        raw, findings = read_yaml(text)
    except yaml.YAMLError as exc:
        _yaml_problem(exc, text, report)
        return Parsed(report.sorted())
    for line, message in findings:
        report.add(line, _subject_at(text, line), message)
    parsed = Parsed([], digest=hashlib.sha256(data).hexdigest())
    if not isinstance(raw, LineMap):
        report.add(1, "", "the catalogue must be a mapping with " + ", ".join(TOP_KEYS[1:]))
        parsed.problems = report.sorted()
        return parsed
    _parse_sections(raw, report, parsed)
    parsed.problems = report.sorted()
    return parsed


def _yaml_problem(exc: yaml.YAMLError, text: str, report: Problems) -> None:
    line: int | None = None
    problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or problem
    elif isinstance(exc, yaml.reader.ReaderError):
        # libyaml counts `position` in bytes, the pure-Python reader in characters: find the
        # character itself instead.
        char = exc.character
        code = ord(char) if isinstance(char, str) and len(char) == 1 else char
        if isinstance(code, int):
            problem = f"{exc.reason} (U+{code:04X})"
            found = text.find(chr(code))
            line = text.count("\n", 0, found) + 1 if found >= 0 else None
        else:
            problem = str(exc.reason)
    subject = _subject_at(text, line) if line else ""
    if isinstance(exc, YamlLimitError):
        report.add(line, subject, f"YAML limit exceeded: {problem}")
    elif isinstance(exc, yaml.constructor.ConstructorError):
        report.add(line, subject, f"YAML value error: {problem}")
    else:
        report.add(line, subject, f"YAML syntax error: {problem}")


def _parse_sections(raw: LineMap, report: Problems, parsed: Parsed) -> None:
    for key in raw:
        if key not in TOP_KEYS:
            report.add(line_of(raw, key), "", f"unknown key '{key}' (known: {', '.join(TOP_KEYS)})")
    for key in ("categories", "items", "banned_certificates", "legal_bases"):
        if key not in raw:
            report.add(1, "", f"missing key '{key}'")
    basis = raw.get("legal_basis", "")
    parsed.legal_basis = basis if isinstance(basis, str) else ""
    parsed.legal_bases = _parse_bases(raw, report)
    parsed.categories = _parse_categories(raw, report)
    parsed.banned = _parse_banned(raw, report)
    parsed.exceptions = _parse_exceptions(raw, report)
    parsed.items = _parse_items(raw, report, parsed)
    parsed.localities = _parse_localities(raw, report, parsed)
    parsed.frequent = _parse_frequent(raw, report, _declared_ids(raw))
    check_banned_notices(raw.get("banned_certificates"), report, parsed.banned, parsed.items)
    check_community_notice(parsed.items, report)
    check_exceptions(
        parsed.exceptions,
        raw.get("exceptions"),
        report,
        {i.id: i for i in parsed.items},
        _law(parsed),
    )


def _law(parsed: Parsed) -> LawContext:
    return LawContext(
        banned={b.tag: b for b in parsed.banned},
        legal_bases=parsed.legal_bases,
        exceptions=parsed.exceptions,
    )


def _declared_ids(raw: LineMap) -> set[str]:
    """Every id the file declares under items, valid item or not (its own problems are told
    where it stands; `frequent` should not repeat them)."""
    items = raw.get("items")
    if not isinstance(items, list):
        return set()
    ids = (entry.get("id") for entry in items if isinstance(entry, LineMap))
    return {value for value in ids if isinstance(value, str)}


def _parse_frequent(raw: LineMap, report: Problems, known: set[str]) -> tuple[str, ...]:
    """frequent: the ids of the 常用 services, in the order the menu shows them first."""
    value = raw.get("frequent")
    if value is None:
        return ()
    where = line_of(raw, "frequent")
    if not isinstance(value, list):
        report.add(where, "frequent", "'frequent' must be a list of item ids")
        return ()
    found: list[str] = []
    for entry in value:
        if not isinstance(entry, str) or entry not in known:
            report.add(where, "frequent", f"{entry!r} is not an item id")
        elif entry in found:
            report.add(where, "frequent", f"'{entry}' is listed twice")
        else:
            found.append(entry)
    return tuple(found)  # an invalid item is dropped from the menu with the rest of it


def _parse_bases(raw: LineMap, report: Problems) -> dict[str, str]:
    """legal_bases: id -> the statute or list as printed in 出具依据."""
    value = raw.get("legal_bases")
    if value is None:
        return {}
    if not isinstance(value, LineMap):
        report.add(line_of(raw, "legal_bases"), "", "'legal_bases' must be a mapping id: text")
        return {}
    bases: dict[str, str] = {}
    for key, text in value.items():
        where = line_of(value, key)
        if not isinstance(key, str) or not is_snake(key):
            report.add(where, "legal_bases", f"id {key!r} must be snake_case")
        elif not isinstance(text, str) or not text.strip():
            report.add(where, "legal_bases", f"'{key}' needs the text printed as 出具依据")
        else:
            bases[key] = text.strip()
    return bases


def _parse_exceptions(raw: LineMap, report: Problems) -> tuple[LawException, ...]:
    result: list[LawException] = []
    for i, line, entry in _entries(raw, "exceptions", report):
        subject = f"exception #{i + 1}"
        try:
            result.append(LawException.model_validate(entry))
        except ValidationError as exc:
            pydantic_problems(exc, entry, report, subject, line)
    return tuple(result)


def _item_before(text: str, line: int) -> str | None:
    """The id of the item whose block contains `line` (for syntax errors)."""
    lines = text.splitlines()
    for i in range(min(line, len(lines)) - 1, -1, -1):
        if lines[i].startswith("  - id:") or lines[i].startswith("- id:"):
            m = ITEM_ID_RE.match(lines[i])
            return m.group(1) if m else None
        if lines[i] and not lines[i][0].isspace() and not lines[i].startswith("-"):
            return None  # reached a top-level key
    return None


def _subject_at(text: str, line: int) -> str:
    item_id = _item_before(text, line)
    return f"item '{item_id}'" if item_id else ""


def pydantic_problems(
    exc: ValidationError, raw: object, report: Problems, subject: str, base_line: int | None
) -> None:
    """One problem per pydantic error, at the deepest YAML line its location reaches."""
    for err in exc.errors():
        loc = tuple(err["loc"])
        line = line_at(raw, loc) or base_line
        path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc)
        path = path.replace(".[", "[")
        if err["type"] == "extra_forbidden":
            parent = path.rsplit(".", 1)[0] + ": " if "." in path else ""
            message = f"{parent}unknown key '{loc[-1]}'"
        elif err["type"] == "missing":
            message = f"missing key '{path}'"
        else:
            message = f"{path}: {err['msg']}" if path else err["msg"]
        report.add(line, subject, message)


def _entries(raw: LineMap, key: str, report: Problems) -> list[tuple[int, int, object]]:
    """(index, line, entry) of a top-level list; a non-list is one problem and no entries."""
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, LineList):
        report.add(line_of(raw, key), "", f"'{key}' must be a list")
        return []
    return [(i, value.lines[i], entry) for i, entry in enumerate(value)]


def _text_id(entry: object, key: str = "id") -> str | None:
    value = entry.get(key) if isinstance(entry, Mapping) else None
    return value if isinstance(value, str) and value else None


def _parse_categories(raw: LineMap, report: Problems) -> tuple[Category, ...]:
    result: list[Category] = []
    seen: dict[str, int] = {}
    for i, line, entry in _entries(raw, "categories", report):
        cid = _text_id(entry)
        subject = f"category '{cid}'" if cid else f"category #{i + 1}"
        try:
            category = Category.model_validate(entry)
        except ValidationError as exc:
            pydantic_problems(exc, entry, report, subject, line)
            continue
        if not ID_RE.match(category.id):
            report.add(line_of(entry, "id"), subject, "id must be snake_case (a-z, 0-9, _)")
        if category.id in seen:
            report.add(line, subject, f"duplicate category id (first on line {seen[category.id]})")
            continue
        seen[category.id] = line
        result.append(category)
    if "categories" in raw and not raw.get("categories"):  # empty or null: no item has a home
        report.add(line_of(raw, "categories"), "", "'categories' must list at least one category")
    return tuple(result)


def _parse_banned(raw: LineMap, report: Problems) -> tuple[BannedCertificate, ...]:
    result: list[BannedCertificate] = []
    seen: set[str] = set()
    for i, line, entry in _entries(raw, "banned_certificates", report):
        tag = _text_id(entry, "tag")
        subject = f"banned certificate '{tag}'" if tag else f"banned certificate #{i + 1}"
        try:
            banned = BannedCertificate.model_validate(entry)
        except ValidationError as exc:
            pydantic_problems(exc, entry, report, subject, line)
            continue
        if banned.tag in seen:
            report.add(line, subject, "duplicate banned certificate tag")
            continue
        seen.add(banned.tag)
        result.append(banned)
    return tuple(result)


def _category_ids(raw: LineMap, parsed: Parsed) -> set[str]:
    """Ids of every category entry, even a broken one, so one bad category does not cascade."""
    ids = {c.id for c in parsed.categories}
    entries = raw.get("categories")
    if isinstance(entries, list):
        ids.update(cid for cid in map(_text_id, entries) if cid)
    return ids


def _parse_items(raw: LineMap, report: Problems, parsed: Parsed) -> tuple[CatalogItem, ...]:
    result: list[CatalogItem] = []
    seen: dict[str, int] = {}
    categories = _category_ids(raw, parsed)
    banned_tags = {b.tag: b for b in parsed.banned}
    law = _law(parsed)
    for i, line, entry in _entries(raw, "items", report):
        item_id = _text_id(entry)
        subject = f"item '{item_id}'" if item_id else f"item #{i + 1}"
        if not isinstance(entry, LineMap):
            report.add(line, subject, "an item must be a mapping")
            continue
        rule = _rule_of(entry, report, subject, line)
        if item_id is not None:
            if not ID_RE.match(item_id):
                report.add(line_of(entry, "id"), subject, "id must be snake_case (a-z, 0-9, _)")
            if item_id in seen:
                first = seen[item_id]
                report.add(line_of(entry, "id"), subject, f"duplicate id (first on line {first})")
            else:
                seen[item_id] = line
        category = entry.get("category")
        if isinstance(category, str) and categories and category not in categories:
            known = ", ".join(sorted(categories))
            where = line_of(entry, "category")
            report.add(where, subject, f"unknown category '{category}' (known: {known})")
        data = {k: v for k, v in entry.items() if k != "eligibility"}
        data["eligibility"] = rule
        try:
            item = CatalogItem.model_validate(data)
        except ValidationError as exc:
            pydantic_problems(exc, entry, report, subject, line)
            continue
        check_item(item, entry, report, subject, banned_tags)
        check_law(item, entry, report, subject, law)
        if seen.get(item.id) == line:
            result.append(item)
    return tuple(result)


def _rule_of(entry: LineMap, report: Problems, subject: str, line: int) -> Rule:
    """The item's eligibility rule (everyone when absent); its problems go to `report`."""

    def rule_problem(at: int | None, message: str) -> None:
        report.add(at or line, subject, f"eligibility: {message}")

    if "eligibility" not in entry:
        return Always()
    return parse_rule(entry["eligibility"], rule_problem, line_of(entry, "eligibility"))


def _parse_localities(raw: LineMap, report: Problems, parsed: Parsed) -> dict[str, Locality]:
    value = raw.get("localities")
    if value is None:
        return {}
    if not isinstance(value, LineMap):
        report.add(line_of(raw, "localities"), "", "'localities' must be a mapping of profiles")
        return {}
    items = {i.id: i for i in parsed.items}
    banned = {b.tag: b for b in parsed.banned}
    result: dict[str, Locality] = {}
    for name, entry in value.items():
        line = line_of(value, name)
        subject = f"locality '{name}'"
        try:
            profile = Locality.model_validate(entry)
        except ValidationError as exc:
            pydantic_problems(exc, entry, report, subject, line)
            continue
        check_locality(profile, entry, line, report, subject, items, banned)
        check_locality_law(profile, entry, report, subject, items, _law(parsed))
        result[str(name)] = profile
    return result
