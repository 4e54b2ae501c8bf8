"""catalog.yaml -> validated, frozen catalogue: categories, items, eligibility, inputs, templates.

Parsed once at start. Every problem in the file is collected (not just the first), each naming
the YAML line and the item, so that district staff can fix a broken edit in one pass:

    catalog.yaml:123: item 'senior_allowance': unknown key 'foo'

The law is data: `banned_certificates` lists the certificates a residents' committee must not
issue (民发〔2020〕20号); a certificate item matching one by keyword or topic tag is an error.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kiosk.eligibility import Always, Eligibility, Rule, evaluate, parse_rule
from kiosk.errors import CatalogError, MissingInputError
from kiosk.residents import ISSUE_PLACEHOLDERS, RESIDENT_PLACEHOLDERS, ResidentRecord, cn_date

__all__ = [
    "BannedCertificate",
    "Catalog",
    "CatalogItem",
    "Category",
    "Choice",
    "Eligibility",
    "FilledText",
    "ItemInput",
    "Locality",
    "check_catalog",
    "load_catalog",
    "reload_catalog",
]

Kind = Literal["certificate", "form", "slip"]
LayoutName = Literal["certificate", "form", "slip"]
PaperName = Literal["a4", "slip"]
InputType = Literal["choice", "date", "number", "yesno", "text"]

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
TEMPLATE_FIELDS = ("title", "body", "purpose", "next_steps", "where_to_go")
KNOWN_PLACEHOLDERS = frozenset(RESIDENT_PLACEHOLDERS) | frozenset(ISSUE_PLACEHOLDERS)

# Default signature boxes per layout (certificates carry the seal instead).
STAFF_BOXES: dict[str, tuple[str, ...]] = {
    "certificate": (),
    "form": ("申请人签字", "社区意见", "经办人签字"),
    "slip": (),
}

# Rough limits that keep a filled template on its page (the renderer wraps, it does not shrink).
MAX_CHARS = {
    "name_zh": 30,
    "title": 24,
    "description": 200,
    "body_a4": 700,
    "body_slip": 260,
    "line": 200,  # purpose, next_steps, where_to_go
}

YES_WORDS = {"yes", "y", "true", "1", "是", "有"}
NO_WORDS = {"no", "n", "false", "0", "否", "无"}


# ---------------------------------------------------------------- YAML with line numbers


class LineMap(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int
    key_lines: dict[Any, int]
    literal_lines: dict[Any, int]  # key -> first content line of a `|` block scalar


class LineList(list):  # type: ignore[type-arg]
    """A YAML sequence that remembers its own line and the line of each entry (1-based)."""

    line: int
    lines: list[int]


_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader building LineMap/LineList; dates stay text; duplicate keys are recorded."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.literal_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if isinstance(key, list | dict):
            key = str(key)
        if key in result:
            loader.duplicates.append((line, f"duplicate key '{key}'"))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        if isinstance(value_node, yaml.ScalarNode) and value_node.style == "|":
            result.literal_lines[key] = value_node.start_mark.line + 2
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


def _line_of(node: Any, key: Any = None) -> int | None:
    if key is not None and isinstance(node, LineMap) and key in node.key_lines:
        return node.key_lines[key]
    return getattr(node, "line", None)


def _line_at(node: Any, loc: Iterable[Any]) -> int | None:
    """The deepest line known along a path of keys/indexes (a pydantic error location)."""
    line = getattr(node, "line", None)
    for step in loc:
        if isinstance(node, LineMap) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.lines[step]
            node = node[step]
        else:
            break
    return line


# ---------------------------------------------------------------- the frozen model


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Choice(_Frozen):
    """One answer of a choice input: a stable id and its labels."""

    id: str
    label_zh: str = Field(alias="zh", min_length=1)
    label_en: str = Field(alias="en", min_length=1)

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("choice id must be text (quote yes/no/on/off)")
        return str(value) if isinstance(value, int) else value

    @property
    def value(self) -> str:
        """The value stored and passed back (same as id)."""
        return self.id


class ItemInput(_Frozen):
    """A question the resident answers at the terminal (touch-friendly types first)."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, coerce_numbers_to_str=True
    )

    id: str
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    type: InputType
    choices: tuple[Choice, ...] = ()
    required: bool = False
    default: str | None = None
    min: int | str | None = None  # number: value; text: -; date: ISO date or "today"
    max: int | str | None = None  # number: value; text: length; date: ISO date or "today"
    empty_text: str = ""  # printed when an optional input is left empty
    hint: str = ""  # one plain sentence shown under the question

    @field_validator("default", mode="before")
    @classmethod
    def _default_text(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value

    def choice(self, value: str) -> Choice | None:
        """The choice with this id (or Chinese label), if any."""
        for c in self.choices:
            if value in (c.id, c.label_zh):
                return c
        return None

    def display(self, value: str | None) -> str:
        """The printable Chinese text of a stored value (choice label, 是/否, 2026年1月2日)."""
        text = "" if value is None else str(value).strip()
        if not text:
            return self.empty_text
        if self.type == "choice":
            found = self.choice(text)
            return found.label_zh if found else text
        if self.type == "yesno":
            low = text.lower()
            return "是" if low in YES_WORDS else "否" if low in NO_WORDS else text
        if self.type == "date":
            try:
                return cn_date(date.fromisoformat(text))
            except ValueError:
                return text
        return text

    def normalise(self, raw: str | None, today: date | None = None) -> str:
        """Validate one answer; '' when optional and empty. Raises MissingInputError."""
        text = "" if raw is None else str(raw).strip()
        if not text and self.default is not None:
            text = str(self.default)
        if not text:
            if self.required:
                raise self._error("请填写", "Please fill in", "required")
            return ""
        if self.type == "choice":
            found = self.choice(text)
            if found is None:
                raise self._error("请重新选择", "Please choose again", f"not a choice: {text!r}")
            return found.id
        if self.type == "yesno":
            low = text.lower()
            if low in YES_WORDS:
                return "yes"
            if low in NO_WORDS:
                return "no"
            raise self._error("请选择是或否", "Please answer yes or no", f"not yes/no: {text!r}")
        if self.type == "number":
            try:
                number = int(text)
            except ValueError:
                raise self._error(
                    "请填写整数", "Please enter a whole number", f"not a number: {text!r}"
                ) from None
            low, high = _as_int(self.min), _as_int(self.max)
            if (low is not None and number < low) or (high is not None and number > high):
                raise self._error(
                    f"请填写{low}到{high}之间的数", "The number is out of range", f"{number}"
                )
            return str(number)
        if self.type == "date":
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise self._error(
                    "日期有误", "The date is not valid", f"not a date: {text!r}"
                ) from None
            today = today or date.today()
            low, high = _as_date(self.min, today), _as_date(self.max, today)
            if (low and day < low) or (high and day > high):
                raise self._error("日期超出范围", "The date is out of range", day.isoformat())
            return day.isoformat()
        limit = _as_int(self.max) or 60
        if len(text) > limit:
            raise self._error(f"最多{limit}个字", f"At most {limit} characters", "too long")
        return text

    def _error(self, zh: str, en: str, detail: str) -> MissingInputError:
        exc = MissingInputError(
            f"{self.id}: {detail}",
            zh=f"{zh}：{self.label_zh}",
            en=f"{en}: {self.label_en}",
        )
        exc.field = self.id  # type: ignore[attr-defined]
        return exc


def _as_int(value: int | str | None) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_date(value: int | str | None, today: date) -> date | None:
    if value is None:
        return None
    if value == "today":
        return today
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


class Category(_Frozen):
    """One of the ten menu categories."""

    id: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    label: str = Field(min_length=1, max_length=2)  # one or two characters for the big button
    description: str = ""


@dataclass(frozen=True)
class FilledText:
    """An item's texts with every placeholder filled, ready for forms.document.Document."""

    title: str
    body: str
    purpose: str | None
    next_steps: str
    where_to_go: str
    answers: tuple[tuple[str, str], ...]


class CatalogItem(_Frozen):
    """One service at the terminal: what it is, who may have it, what to ask, what to print."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, arbitrary_types_allowed=True
    )

    id: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    category: str
    kind: Kind
    description: str = Field(min_length=1)
    eligibility: Any = Field(default_factory=Always, exclude=True)
    inputs: tuple[ItemInput, ...] = ()
    layout: LayoutName
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    purpose: str | None = None
    next_steps: str = Field(min_length=1)
    where_to_go: str = Field(min_length=1)
    paper: PaperName
    max_copies: int = Field(default=1, ge=1, le=5)
    validity_days: int | None = Field(default=None, ge=1, le=366)
    staff_review: bool
    staff_boxes: tuple[str, ...]
    topics: tuple[str, ...] = ()  # matched against banned_certificates tags
    enabled: bool = True

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """Layout, paper, review and boxes follow from the kind unless given."""
        if not isinstance(data, Mapping):
            return data
        kind = data.get("kind")
        if kind not in ("certificate", "form", "slip"):
            return data
        data = dict(data)
        data.setdefault("layout", kind)
        data.setdefault("paper", "slip" if kind == "slip" else "a4")
        data.setdefault("staff_review", kind == "form")
        if data["layout"] in STAFF_BOXES:
            data.setdefault("staff_boxes", STAFF_BOXES[data["layout"]])
        return data

    def check_eligibility(
        self, resident: ResidentRecord, today: date, card_type: str = "resident"
    ) -> Eligibility:
        """May this resident have this item on `today`? With the reason in plain words if not."""
        return evaluate(self.eligibility, resident, today, card_type)

    def input(self, input_id: str) -> ItemInput:
        """The input with this id (KeyError if none)."""
        for spec in self.inputs:
            if spec.id == input_id:
                return spec
        raise KeyError(input_id)

    def validate_inputs(
        self, raw: Mapping[str, str | None], today: date | None = None
    ) -> dict[str, str]:
        """Every input id -> its normalised value ('' for optional ones left empty).

        Defaults are applied; unknown keys are ignored. Raises MissingInputError (bilingual,
        naming the field; `exc.field` is the input id) for a missing or invalid answer.
        """
        return {spec.id: spec.normalise(raw.get(spec.id), today) for spec in self.inputs}

    def display_inputs(self, values: Mapping[str, str]) -> dict[str, str]:
        """Input values as printed: choice labels, 是/否, Chinese dates, empty_text for blanks."""
        return {spec.id: spec.display(values.get(spec.id)) for spec in self.inputs}

    def fill(self, values: Mapping[str, str]) -> FilledText:
        """Fill the templates from resident_values() + issue placeholders + validated inputs.

        Input values may be ids or labels (they are printed as their Chinese label). A missing
        resident or issue value raises CatalogError (load-time checks make it impossible).
        """
        shown = dict(values)
        shown.update(self.display_inputs(values))
        missing: list[str] = []

        def sub(template: str | None) -> str | None:
            if template is None:
                return None

            def one(match: re.Match[str]) -> str:
                name = match.group(1)
                if name in shown:
                    return str(shown[name])
                missing.append(name)
                return match.group(0)

            return PLACEHOLDER_RE.sub(one, template).strip()

        filled = FilledText(
            title=sub(self.title) or "",
            body=sub(self.body) or "",
            purpose=sub(self.purpose),
            next_steps=sub(self.next_steps) or "",
            where_to_go=sub(self.where_to_go) or "",
            answers=tuple((spec.label_zh, shown[spec.id] or "未选择") for spec in self.inputs),
        )
        if missing:
            names = ", ".join(sorted(set(missing)))
            raise CatalogError([f"item '{self.id}': no value for placeholder(s) {names}"])
        return filled

    def placeholders(self) -> frozenset[str]:
        """Every placeholder name the templates use."""
        names: set[str] = set()
        for name in TEMPLATE_FIELDS:
            text = getattr(self, name)
            if text:
                names.update(PLACEHOLDER_RE.findall(text))
        return frozenset(names)


class BannedCertificate(_Frozen):
    """A certificate a residents' committee must not issue, and who does handle the need."""

    tag: str
    name_zh: str = Field(min_length=1)
    keywords: tuple[str, ...] = Field(min_length=1)
    handled_by: str = Field(min_length=1)
    notice: str  # id of the slip item that tells the resident where to go


class Rename(_Frozen):
    """A locality's own wording for an item."""

    name_zh: str | None = None
    name_en: str | None = None
    title: str | None = None


class Locality(_Frozen):
    """A locality profile: items switched off or on, items renamed."""

    name_zh: str = Field(min_length=1)
    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    rename: dict[str, Rename] = Field(default_factory=dict)


@dataclass(frozen=True)
class Catalog:
    """The loaded catalogue for one locality: categories in menu order, enabled items in order."""

    categories: tuple[Category, ...]
    items: tuple[CatalogItem, ...]
    banned: tuple[BannedCertificate, ...]
    legal_basis: str
    locality: str | None
    source: Path
    digest: str  # sha256 of the file, for the audit trail
    load_seconds: float = 0.0
    _by_id: Mapping[str, CatalogItem] = field(default_factory=dict, repr=False, compare=False)

    def item(self, item_id: str) -> CatalogItem:
        """The enabled item with this id (KeyError if unknown or disabled here)."""
        return self._by_id[item_id]

    def in_category(self, category_id: str) -> tuple[CatalogItem, ...]:
        """Enabled items of one category, in catalogue order."""
        return tuple(i for i in self.items if i.category == category_id)

    def category(self, category_id: str) -> Category:
        """The category with this id (KeyError if unknown)."""
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id


# ---------------------------------------------------------------- loading and checking


TOP_KEYS = ("version", "legal_basis", "banned_certificates", "categories", "localities", "items")


class _Problems:
    """Collects problems as `file:line: subject: message`."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.found: list[tuple[int, int, str]] = []

    def add(self, line: int | None, subject: str, message: str) -> None:
        where = f"{self.filename}:{line}" if line else self.filename
        prefix = f"{subject}: " if subject else ""
        self.found.append((line or 0, len(self.found), f"{where}: {prefix}{message}"))

    def sorted(self) -> list[str]:
        return [text for _line, _n, text in sorted(self.found)]


@dataclass
class _Parsed:
    problems: list[str]
    legal_basis: str = ""
    categories: tuple[Category, ...] = ()
    items: tuple[CatalogItem, ...] = ()
    banned: tuple[BannedCertificate, ...] = ()
    localities: dict[str, Locality] = field(default_factory=dict)
    digest: str = ""


def _pydantic_problems(
    exc: ValidationError, raw: Any, report: _Problems, subject: str, base_line: int | None
) -> None:
    for err in exc.errors():
        loc = tuple(err["loc"])
        line = _line_at(raw, loc) or base_line
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


def _parse(path: Path) -> _Parsed:
    filename = path.name
    try:
        data_bytes = path.read_bytes()
        text = data_bytes.decode("utf-8")
    except FileNotFoundError:
        return _Parsed([f"{path}: file not found / 服务目录文件不存在"])
    except (OSError, UnicodeDecodeError) as exc:
        return _Parsed([f"{path}: cannot be read ({exc})"])
    report = _Problems(filename)
    loader = _Loader(text)
    try:
        raw = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        item_id = _item_before(text, line) if line else None
        subject = f"item '{item_id}'" if item_id else ""
        problem = getattr(exc, "problem", None) or str(exc)
        report.add(line, subject, f"YAML syntax error: {problem}")
        return _Parsed(report.sorted())
    finally:
        loader.dispose()
    for line, message in loader.duplicates:
        report.add(line, _subject_at(text, line), message)
    parsed = _Parsed([], digest=hashlib.sha256(data_bytes).hexdigest())
    if not isinstance(raw, LineMap):
        report.add(1, "", "the catalogue must be a mapping with " + ", ".join(TOP_KEYS[1:]))
        parsed.problems = report.sorted()
        return parsed
    for key in raw:
        if key not in TOP_KEYS:
            report.add(
                _line_of(raw, key), "", f"unknown key '{key}' (known: {', '.join(TOP_KEYS)})"
            )
    for key in ("categories", "items", "banned_certificates"):
        if key not in raw:
            report.add(1, "", f"missing key '{key}'")
    basis = raw.get("legal_basis", "")
    parsed.legal_basis = basis if isinstance(basis, str) else ""
    parsed.categories = _parse_categories(raw.get("categories"), raw, report)
    parsed.banned = _parse_banned(raw.get("banned_certificates"), raw, report)
    parsed.items = _parse_items(raw.get("items"), raw, report, parsed)
    parsed.localities = _parse_localities(raw.get("localities"), raw, report, parsed)
    _check_banned_notices(raw.get("banned_certificates"), report, parsed)
    parsed.problems = report.sorted()
    return parsed


ITEM_ID_RE = re.compile(r"^\s*-?\s*id:\s*['\"]?([A-Za-z0-9_]+)")


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


def _as_list(value: Any, raw: LineMap, key: str, report: _Problems) -> LineList:
    if value is None:
        return LineList()
    if not isinstance(value, LineList):
        report.add(_line_of(raw, key), "", f"'{key}' must be a list")
        return LineList()
    return value


def _parse_categories(value: Any, raw: LineMap, report: _Problems) -> tuple[Category, ...]:
    result: list[Category] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(_as_list(value, raw, "categories", report)):
        line = value.lines[i]
        cid = entry.get("id") if isinstance(entry, Mapping) else None
        subject = f"category '{cid}'" if cid else f"category #{i + 1}"
        try:
            category = Category.model_validate(entry)
        except ValidationError as exc:
            _pydantic_problems(exc, entry, report, subject, line)
            continue
        if not ID_RE.match(category.id):
            report.add(_line_of(entry, "id"), subject, "id must be snake_case (a-z, 0-9, _)")
        if category.id in seen:
            report.add(line, subject, f"duplicate category id (first on line {seen[category.id]})")
            continue
        seen[category.id] = line
        result.append(category)
    return tuple(result)


def _parse_banned(value: Any, raw: LineMap, report: _Problems) -> tuple[BannedCertificate, ...]:
    result: list[BannedCertificate] = []
    seen: set[str] = set()
    for i, entry in enumerate(_as_list(value, raw, "banned_certificates", report)):
        line = value.lines[i]
        tag = entry.get("tag") if isinstance(entry, Mapping) else None
        subject = f"banned certificate '{tag}'" if tag else f"banned certificate #{i + 1}"
        try:
            banned = BannedCertificate.model_validate(entry)
        except ValidationError as exc:
            _pydantic_problems(exc, entry, report, subject, line)
            continue
        if banned.tag in seen:
            report.add(line, subject, "duplicate banned certificate tag")
            continue
        seen.add(banned.tag)
        result.append(banned)
    return tuple(result)


def _parse_items(
    value: Any, raw: LineMap, report: _Problems, parsed: _Parsed
) -> tuple[CatalogItem, ...]:
    result: list[CatalogItem] = []
    seen: dict[str, int] = {}
    # ids of every category entry, even a broken one, so one bad category does not cascade
    categories = {c.id for c in parsed.categories}
    raw_categories = raw.get("categories")
    if isinstance(raw_categories, list):
        for entry in raw_categories:
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
                categories.add(entry["id"])
    banned_tags = {b.tag: b for b in parsed.banned}
    for i, entry in enumerate(_as_list(value, raw, "items", report)):
        line = value.lines[i]
        if not isinstance(entry, LineMap):
            report.add(line, f"item #{i + 1}", "an item must be a mapping")
            continue
        item_id = entry.get("id")
        subject = f"item '{item_id}'" if isinstance(item_id, str) and item_id else f"item #{i + 1}"

        def rule_problem(at: int | None, message: str, _s: str = subject, _l: int = line) -> None:
            report.add(at or _l, _s, f"eligibility: {message}")

        rule: Rule = Always()
        if "eligibility" in entry:
            rule = parse_rule(entry["eligibility"], rule_problem, _line_of(entry, "eligibility"))
        data = {k: v for k, v in entry.items() if k != "eligibility"}
        data["eligibility"] = rule
        if isinstance(item_id, str):
            if not ID_RE.match(item_id):
                report.add(_line_of(entry, "id"), subject, "id must be snake_case (a-z, 0-9, _)")
            if item_id in seen:
                report.add(
                    _line_of(entry, "id"), subject, f"duplicate id (first on line {seen[item_id]})"
                )
            else:
                seen[item_id] = line
        category = entry.get("category")
        if isinstance(category, str) and categories and category not in categories:
            report.add(
                _line_of(entry, "category"),
                subject,
                f"unknown category '{category}' (known: {', '.join(sorted(categories))})",
            )
        try:
            item = CatalogItem.model_validate(data)
        except ValidationError as exc:
            _pydantic_problems(exc, entry, report, subject, line)
            continue
        _check_item(item, entry, report, subject, banned_tags)
        if seen.get(item.id) == line:
            result.append(item)
    return tuple(result)


def _check_item(
    item: CatalogItem,
    raw: LineMap,
    report: _Problems,
    subject: str,
    banned: Mapping[str, BannedCertificate],
) -> None:
    def at(key: str) -> int | None:
        return _line_of(raw, key)

    # kind, layout, paper, certificate-only fields
    if item.kind == "certificate":
        if item.layout != "certificate":
            report.add(at("layout"), subject, "a certificate uses layout 'certificate'")
        if item.paper != "a4":
            report.add(at("paper"), subject, "a certificate is printed on a4")
        if item.validity_days is None:
            report.add(raw.line, subject, "a certificate needs validity_days")
        if not item.purpose:
            report.add(raw.line, subject, "a certificate needs a purpose line (本证明仅用于...)")
    else:
        if item.validity_days is not None:
            report.add(at("validity_days"), subject, "validity_days is for certificates only")
        if item.purpose is not None:
            report.add(at("purpose"), subject, "purpose is for certificates only")
    if item.kind == "slip" and item.layout != "slip":
        report.add(at("layout"), subject, "a slip uses layout 'slip'")
    if item.paper == "slip" and item.layout != "slip":
        report.add(at("paper"), subject, "slip paper takes the slip layout only")

    # the law: no banned certificate, by topic tag or by keyword in its name or title
    for topic in item.topics:
        if topic not in banned:
            report.add(
                at("topics"), subject, f"unknown topic '{topic}' (known: {', '.join(banned)})"
            )
    if item.kind == "certificate":
        texts = ((item.name_zh, at("name_zh")), (item.title, at("title")))
        _check_not_banned(texts, item.topics, at("topics"), banned, report, subject)

    # inputs
    input_ids: set[str] = set()
    raw_inputs = raw.get("inputs")
    for n, spec in enumerate(item.inputs):
        where = raw_inputs.lines[n] if isinstance(raw_inputs, LineList) else at("inputs")
        _check_input(spec, where, report, subject, input_ids)
        input_ids.add(spec.id)

    # placeholders and lengths
    known = KNOWN_PLACEHOLDERS | input_ids
    for name in TEMPLATE_FIELDS:
        template = getattr(item, name)
        if template:
            _check_template(template, name, raw, known, report, subject)
    if PLACEHOLDER_RE.search(item.description) or "{" in item.description:
        report.add(
            at("description"), subject, "description is shown before issuing: no placeholders"
        )
    limits = (
        ("name_zh", item.name_zh, MAX_CHARS["name_zh"]),
        ("title", item.title, MAX_CHARS["title"]),
        ("description", item.description, MAX_CHARS["description"]),
        ("body", item.body, MAX_CHARS["body_slip" if item.paper == "slip" else "body_a4"]),
        ("purpose", item.purpose or "", MAX_CHARS["line"]),
        ("next_steps", item.next_steps, MAX_CHARS["line"]),
        ("where_to_go", item.where_to_go, MAX_CHARS["line"]),
    )
    for key, text, limit in limits:
        if len(text.strip()) > limit:
            report.add(
                at(key), subject, f"{key} is {len(text.strip())} characters, at most {limit} fit"
            )
    if any(not box.strip() for box in item.staff_boxes):
        report.add(at("staff_boxes"), subject, "staff_boxes must not be empty text")


def _check_not_banned(
    texts: Iterable[tuple[str, int | None]],
    topics: Iterable[str],
    topics_line: int | None,
    banned: Mapping[str, BannedCertificate],
    report: _Problems,
    subject: str,
) -> None:
    """A certificate must not be one of the banned kinds: by topic tag, or by keyword in its
    name or title (each text comes with the line it is on)."""
    topics = set(topics)
    texts = list(texts)
    for entry in banned.values():
        advice = f"a committee may not issue it; use the notice slip '{entry.notice}' instead"
        if entry.tag in topics:
            report.add(
                topics_line,
                subject,
                f"banned certificate '{entry.name_zh}' (topic '{entry.tag}'): {advice}",
            )
            continue
        for text, line in texts:
            hit = next((k for k in entry.keywords if k in text), None)
            if hit:
                report.add(
                    line,
                    subject,
                    f"banned certificate '{entry.name_zh}' (keyword '{hit}' in '{text}'): {advice}",
                )
                break


def _check_input(
    spec: ItemInput, line: int | None, report: _Problems, subject: str, seen: set[str]
) -> None:
    name = f"input '{spec.id}'"
    if not ID_RE.match(spec.id):
        report.add(line, subject, f"{name}: id must be snake_case")
    if spec.id in seen:
        report.add(line, subject, f"{name}: duplicate input id")
    if spec.id in KNOWN_PLACEHOLDERS:
        report.add(
            line, subject, f"{name}: id clashes with the resident/issue placeholder '{spec.id}'"
        )
    if spec.type == "choice":
        if len(spec.choices) < 2:
            report.add(line, subject, f"{name}: a choice needs at least 2 choices")
        ids = [c.id for c in spec.choices]
        if len(set(ids)) != len(ids):
            report.add(line, subject, f"{name}: duplicate choice ids")
    elif spec.choices:
        report.add(line, subject, f"{name}: only choice inputs have choices")
    if spec.type == "number":
        low, high = _as_int(spec.min), _as_int(spec.max)
        if low is None or high is None or low > high:
            report.add(line, subject, f"{name}: a number needs whole-number min <= max")
    elif spec.type == "date":
        for bound in (spec.min, spec.max):
            if bound is not None and _as_date(bound, date.today()) is None:
                report.add(line, subject, f"{name}: date min/max must be YYYY-MM-DD or 'today'")
    elif spec.type == "text":
        if spec.min is not None or (spec.max is not None and (_as_int(spec.max) or 0) < 1):
            report.add(line, subject, f"{name}: text takes only max (a length)")
    elif spec.min is not None or spec.max is not None:
        report.add(line, subject, f"{name}: min/max apply to number, date and text only")
    if spec.default is not None:
        try:
            spec.normalise(spec.default)
        except MissingInputError as exc:
            report.add(
                line, subject, f"{name}: default {spec.default!r} is not valid ({exc.detail})"
            )
    if spec.required and spec.empty_text:
        report.add(line, subject, f"{name}: empty_text is for optional inputs only")


def _check_template(
    template: str,
    key: str,
    raw: LineMap,
    known: frozenset[str] | set[str],
    report: _Problems,
    subject: str,
) -> None:
    first = raw.literal_lines.get(key)
    for match in PLACEHOLDER_RE.finditer(template):
        name = match.group(1)
        if name in known:
            continue
        line = first + template.count("\n", 0, match.start()) if first else _line_of(raw, key)
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            report.add(line, subject, f"{key}: malformed placeholder '{{{name}}}'")
        else:
            report.add(
                line,
                subject,
                f"{key}: unknown placeholder '{{{name}}}' (not a resident field, issue field or input of this item)",
            )
    stripped = PLACEHOLDER_RE.sub("", template)
    if "{" in stripped or "}" in stripped:
        report.add(_line_of(raw, key), subject, f"{key}: unbalanced brace")


def _check_banned_notices(value: Any, report: _Problems, parsed: _Parsed) -> None:
    items = {i.id: i for i in parsed.items}
    for i, entry in enumerate(parsed.banned):
        line = value.lines[i] if isinstance(value, LineList) and i < len(value.lines) else None
        raw_entry = value[i] if isinstance(value, LineList) and i < len(value) else None
        line = _line_of(raw_entry, "notice") or line
        subject = f"banned certificate '{entry.tag}'"
        notice = items.get(entry.notice)
        if notice is None:
            report.add(line, subject, f"notice item '{entry.notice}' does not exist (or is broken)")
        elif notice.kind != "slip":
            report.add(line, subject, f"notice item '{entry.notice}' must be a slip")
        elif entry.tag not in notice.topics:
            report.add(
                line, subject, f"notice item '{entry.notice}' must carry topic '{entry.tag}'"
            )


def _parse_localities(
    value: Any, raw: LineMap, report: _Problems, parsed: _Parsed
) -> dict[str, Locality]:
    if value is None:
        return {}
    if not isinstance(value, LineMap):
        report.add(_line_of(raw, "localities"), "", "'localities' must be a mapping of profiles")
        return {}
    items = {i.id: i for i in parsed.items}
    banned = {b.tag: b for b in parsed.banned}
    result: dict[str, Locality] = {}
    for name, entry in value.items():
        line = _line_of(value, name)
        subject = f"locality '{name}'"
        try:
            profile = Locality.model_validate(entry)
        except ValidationError as exc:
            _pydantic_problems(exc, entry, report, subject, line)
            continue
        for key in ("disable", "enable", "rename"):
            ids = getattr(profile, key)
            listed = entry.get(key)
            for n, item_id in enumerate(ids):
                if isinstance(listed, LineList):
                    where = listed.lines[n]
                elif isinstance(listed, LineMap):
                    where = listed.key_lines.get(item_id, listed.line)
                else:
                    where = line
                if item_id not in items:
                    report.add(where, subject, f"{key}: unknown item '{item_id}'")
        for item_id, rename in profile.rename.items():
            item = items.get(item_id)
            if item is not None and item.kind == "certificate":
                where = _line_at(entry, ("rename", item_id))
                texts = [(t, where) for t in (rename.name_zh, rename.title) if t]
                _check_not_banned(texts, (), where, banned, report, f"{subject}: item '{item_id}'")
        result[str(name)] = profile
    return result


def _apply_locality(parsed: _Parsed, locality: str | None) -> tuple[CatalogItem, ...]:
    if locality is None:
        return tuple(i for i in parsed.items if i.enabled)
    profile = parsed.localities[locality]
    items: list[CatalogItem] = []
    for item in parsed.items:
        on = (item.enabled or item.id in profile.enable) and item.id not in profile.disable
        if not on:
            continue
        rename = profile.rename.get(item.id)
        if rename is not None:
            changes = {k: v for k, v in rename.model_dump().items() if v}
            item = item.model_copy(update=changes)
        items.append(item)
    return tuple(items)


def check_catalog(path: Path) -> list[str]:
    """Every problem in the catalogue file (all localities), or [] when it is fine."""
    return _parse(Path(path)).problems


def load_catalog(path: Path, locality: str | None = None) -> Catalog:
    """Load and validate the catalogue for a locality profile (None: the base catalogue).

    Raises CatalogError listing every problem (each with file, line and item), or naming an
    unknown locality.
    """
    started = time.perf_counter()
    path = Path(path)
    parsed = _parse(path)
    if parsed.problems:
        raise CatalogError(parsed.problems)
    if locality is not None and locality not in parsed.localities:
        known = ", ".join(parsed.localities) or "none"
        raise CatalogError([f"{path.name}: unknown locality '{locality}' (known: {known})"])
    items = _apply_locality(parsed, locality)
    return Catalog(
        categories=parsed.categories,
        items=items,
        banned=parsed.banned,
        legal_basis=parsed.legal_basis,
        locality=locality,
        source=path,
        digest=parsed.digest,
        load_seconds=time.perf_counter() - started,
        _by_id=MappingProxyType({i.id: i for i in items}),
    )


def reload_catalog(current: Catalog) -> tuple[Catalog, list[str]]:
    """Reload the same file and locality (staff mode): the new catalogue, or the old one and why."""
    try:
        return load_catalog(current.source, current.locality), []
    except CatalogError as exc:
        return current, list(exc.problems)
