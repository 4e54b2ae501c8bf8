"""The checks past the schema: kinds and paper, the banned list (the law as data), inputs,
templates and their placeholders, text lengths, locality profiles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from kiosk.catalog.inputs import ItemInput, as_date, as_int
from kiosk.catalog.law import BannedCertificate
from kiosk.catalog.model import (
    KNOWN_PLACEHOLDERS,
    PLACEHOLDER_RE,
    CatalogItem,
    Locality,
)
from kiosk.catalog.yaml_lines import LineList, LineMap, line_at, line_of
from kiosk.errors import MissingInputError

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

# Rough limits that keep a filled template on its page (the renderer wraps, it does not shrink).
MAX_CHARS = {
    "name_zh": 30,
    "title": 24,
    "description": 200,
    "body_a4": 700,
    "body_slip": 260,
    "line": 200,  # purpose, next_steps, where_to_go
}


class Problems:
    """Collects problems as `file:line: subject: message`, listed by line."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.found: list[tuple[int, int, str]] = []

    def add(self, line: int | None, subject: str, message: str) -> None:
        """Record one problem (line None: the file as a whole)."""
        where = f"{self.filename}:{line}" if line else self.filename
        prefix = f"{subject}: " if subject else ""
        self.found.append((line or 0, len(self.found), f"{where}: {prefix}{message}"))

    def sorted(self) -> list[str]:
        """Every problem, by line, in the order found within a line."""
        return [text for _line, _n, text in sorted(self.found)]


def check_item(
    item: CatalogItem,
    raw: LineMap,
    report: Problems,
    subject: str,
    banned: Mapping[str, BannedCertificate],
) -> None:
    """Every check of one item that its schema cannot express, but the legal ones
    (kiosk.catalog.lawchecks)."""
    _check_kind(item, raw, report, subject)
    for topic in item.topics:
        if topic not in banned:
            names = ", ".join(banned)
            report.add(line_of(raw, "topics"), subject, f"unknown topic '{topic}' (known: {names})")
    input_ids: set[str] = {spec.id for spec in item.review_facts}
    raw_inputs = raw.get("inputs")
    for n, spec in enumerate(item.inputs):
        where: int | None
        if isinstance(raw_inputs, LineList) and n < len(raw_inputs.lines):
            where = raw_inputs.lines[n]
        else:
            where = line_of(raw, "inputs")
        check_input(spec, where, report, subject, input_ids)
        input_ids.add(spec.id)
    known = KNOWN_PLACEHOLDERS | input_ids
    for name, template in item.templates().items():
        check_template(template, name, raw, known, report, subject)
    _check_texts(item, raw, report, subject)


def _check_kind(item: CatalogItem, raw: LineMap, report: Problems, subject: str) -> None:
    """Kind, layout, paper and the certificate-only fields agree."""

    def at(key: str) -> int | None:
        return line_of(raw, key)

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


def _check_texts(item: CatalogItem, raw: LineMap, report: Problems, subject: str) -> None:
    """No placeholder in the description; every text short enough for its page."""
    if PLACEHOLDER_RE.search(item.description) or "{" in item.description:
        report.add(
            line_of(raw, "description"),
            subject,
            "description is shown before issuing: no placeholders",
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
        size = len(text.strip())
        if size > limit:
            report.add(
                line_of(raw, key), subject, f"{key} is {size} characters, at most {limit} fit"
            )
    if any(not box.strip() for box in item.staff_boxes):
        report.add(line_of(raw, "staff_boxes"), subject, "staff_boxes must not be empty text")


def check_not_banned(
    texts: Iterable[tuple[str, int | None]],
    topics: Iterable[str],
    topics_line: int | None,
    banned: Mapping[str, BannedCertificate],
    report: Problems,
    subject: str,
) -> None:
    """A certificate must not be one of the banned kinds: by topic tag, or by keyword in its
    name or title (each text comes with the line it is on)."""
    topic_set = set(topics)
    text_list = list(texts)
    for entry in banned.values():
        advice = f"a committee may not issue it; use the notice slip '{entry.notice}' instead"
        if entry.tag in topic_set:
            report.add(
                topics_line,
                subject,
                f"banned certificate '{entry.name_zh}' (topic '{entry.tag}'): {advice}",
            )
            continue
        for text, line in text_list:
            hit = next((k for k in entry.keywords if k in text), None)
            if hit:
                report.add(
                    line,
                    subject,
                    f"banned certificate '{entry.name_zh}' (keyword '{hit}' in '{text}'): {advice}",
                )
                break


def check_input(
    spec: ItemInput, line: int | None, report: Problems, subject: str, seen: set[str]
) -> None:
    """One input: its id, its choices, its bounds and default, its empty text."""
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
    bounds = _bounds_problem(spec)
    if bounds:
        report.add(line, subject, f"{name}: {bounds}")
    if spec.default is not None:
        try:
            spec.normalise(spec.default)
        except MissingInputError as exc:
            report.add(
                line, subject, f"{name}: default {spec.default!r} is not valid ({exc.detail})"
            )
    if spec.required and spec.empty_text:
        report.add(line, subject, f"{name}: empty_text is for optional inputs only")


def _bounds_problem(spec: ItemInput) -> str | None:
    """What is wrong with an input's min/max for its type, if anything."""
    if spec.type == "number":
        low, high = as_int(spec.min), as_int(spec.max)
        if low is None or high is None or low > high:
            return "a number needs whole-number min <= max"
    elif spec.type == "date":
        for bound in (spec.min, spec.max):
            if bound is not None and as_date(bound, date.today()) is None:
                return "date min/max must be YYYY-MM-DD or 'today'"
    elif spec.type == "text":
        if spec.min is not None or (spec.max is not None and (as_int(spec.max) or 0) < 1):
            return "text takes only max (a length)"
    elif spec.min is not None or spec.max is not None:
        return "min/max apply to number, date and text only"
    return None


def check_template(
    template: str,
    key: str,
    raw: LineMap,
    known: frozenset[str] | set[str],
    report: Problems,
    subject: str,
) -> None:
    """Every placeholder known and well formed, braces balanced; each at its own line."""
    first = raw.literal_lines.get(key)
    for match in PLACEHOLDER_RE.finditer(template):
        name = match.group(1)
        if name in known:
            continue
        line = first + template.count("\n", 0, match.start()) if first else line_of(raw, key)
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
        report.add(line_of(raw, key), subject, f"{key}: unbalanced brace")


def check_banned_notices(
    value: object,
    report: Problems,
    banned: tuple[BannedCertificate, ...],
    items: tuple[CatalogItem, ...],
) -> None:
    """Each banned certificate names an existing notice slip that carries its topic."""
    by_id = {i.id: i for i in items}
    for i, entry in enumerate(banned):
        line = value.lines[i] if isinstance(value, LineList) and i < len(value.lines) else None
        raw_entry = value[i] if isinstance(value, LineList) and i < len(value) else None
        line = line_of(raw_entry, "notice") or line
        subject = f"banned certificate '{entry.tag}'"
        notice = by_id.get(entry.notice)
        if notice is None:
            report.add(line, subject, f"notice item '{entry.notice}' does not exist (or is broken)")
        elif notice.kind != "slip":
            report.add(line, subject, f"notice item '{entry.notice}' must be a slip")
        elif entry.tag not in notice.topics:
            report.add(
                line, subject, f"notice item '{entry.notice}' must carry topic '{entry.tag}'"
            )


def check_locality(
    profile: Locality,
    raw: object,
    line: int | None,
    report: Problems,
    subject: str,
    items: Mapping[str, CatalogItem],
    banned: Mapping[str, BannedCertificate],
) -> None:
    """A locality names only known items, and renames no certificate into a banned one."""
    raw_map = raw if isinstance(raw, LineMap) else LineMap()
    named = (
        ("disable", profile.disable),
        ("enable", profile.enable),
        ("rename", tuple(profile.rename)),
    )
    for key, ids in named:
        listed = raw_map.get(key)
        for n, item_id in enumerate(ids):
            if isinstance(listed, LineList) and n < len(listed.lines):
                where: int | None = listed.lines[n]
            elif isinstance(listed, LineMap):
                where = listed.key_lines.get(item_id, listed.line)
            else:
                where = line
            if item_id not in items:
                report.add(where, subject, f"{key}: unknown item '{item_id}'")
    for item_id, rename in profile.rename.items():
        item = items.get(item_id)
        if item is not None and item.kind == "certificate":
            where = line_at(raw, ("rename", item_id))
            texts = [(t, where) for t in (rename.name_zh, rename.title) if t]
            check_not_banned(texts, (), where, banned, report, f"{subject}: item '{item_id}'")
