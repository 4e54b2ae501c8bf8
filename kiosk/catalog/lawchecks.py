"""The schema's legal checks: which kind of paper an item is, on what basis, what facts it may
state, and the banned list applied to everything a certificate could print."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.catalog.checks import Problems, check_input
from kiosk.catalog.law import (
    CERTIFIABLE,
    NOTICE_PLACEHOLDERS,
    OTHER_COMMUNITY_NOTICE,
    RESIDENCE_FACTS,
    VERIFIED_CLAIMS,
    BannedCertificate,
    LawException,
    allowed_tags,
    evaluations_in,
    scan,
)
from kiosk.catalog.model import KNOWN_PLACEHOLDERS, PLACEHOLDER_RE, CatalogItem, Locality
from kiosk.catalog.yaml_lines import LineList, LineMap, line_at, line_of
from kiosk.residents import ISSUE_PLACEHOLDERS

NEVER_PRINTED = {
    "birth_date": "every paper carries the masked ID number, whose hidden digits are exactly "
    "the birth date: printing both gives the full number",
    "id_number": "the full ID number is never printed",
}
SLIP_PARTICULARS = ("name", "id_number_masked")
# known placeholders _check_facts judges (unknown ones, the never-printed and the notice-only
# ones have their own problem)
STATED = KNOWN_PLACEHOLDERS - frozenset(NEVER_PRINTED) - frozenset(NOTICE_PLACEHOLDERS)


@dataclass(frozen=True)
class LawContext:
    """What the legal checks of one item need from the rest of the file."""

    banned: Mapping[str, BannedCertificate]
    legal_bases: Mapping[str, str]
    exceptions: tuple[LawException, ...]


def check_law(
    item: CatalogItem, raw: LineMap, report: Problems, subject: str, law: LawContext
) -> None:
    """Every legal check of one item (kinds, basis, facts, banned kinds, privacy)."""
    _check_certify(item, raw, report, subject, law)
    _check_privacy(item, raw, report, subject)
    if item.kind != "certificate":
        return
    _check_facts(item, raw, report, subject)
    _check_purposes(item, raw, report, subject, law)
    _check_banned(item, raw, report, subject, law)


def _check_certify(
    item: CatalogItem, raw: LineMap, report: Problems, subject: str, law: LawContext
) -> None:
    at = line_of(raw, "certify") or raw.line
    if item.kind == "certificate":
        if item.certify is None:
            report.add(raw.line, subject, "a certificate needs certify: record or review")
        if not item.legal_basis:
            report.add(raw.line, subject, "a certificate needs a legal_basis (出具依据)")
        if item.staff_review != (item.certify == "review"):
            report.add(
                line_of(raw, "staff_review") or at,
                subject,
                "staff_review follows certify on a certificate (review: true, record: false)",
            )
    elif item.certify is not None:
        report.add(at, subject, "certify is for certificates only (forms and slips are unsealed)")
    for basis in item.legal_basis:
        if basis not in law.legal_bases:
            known = ", ".join(law.legal_bases)
            report.add(
                line_of(raw, "legal_basis"), subject, f"unknown legal basis '{basis}' ({known})"
            )
    if item.review_facts and not item.needs_review:
        report.add(
            line_of(raw, "review_facts"), subject, "review_facts are for review certificates only"
        )
    seen: set[str] = set()  # a clash with an input is reported by the input's own check
    facts = raw.get("review_facts")
    for n, spec in enumerate(item.review_facts):
        where = facts.lines[n] if isinstance(facts, LineList) and n < len(facts.lines) else at
        check_input(spec, where, report, f"{subject}: review fact", seen)
        seen.add(spec.id)
    if item.min_residence_months is not None and item.kind != "certificate":
        report.add(
            line_of(raw, "min_residence_months"),
            subject,
            "min_residence_months is for certificates",
        )


def _template_lines(raw: LineMap, key: str, template: str, start: int) -> int | None:
    first = raw.literal_lines.get(key)
    return first + template.count("\n", 0, start) if first else line_of(raw, key)


def _check_privacy(item: CatalogItem, raw: LineMap, report: Problems, subject: str) -> None:
    """No template prints what the masked ID hides; a slip states the particulars once."""
    for key, template in item.templates().items():
        for match in PLACEHOLDER_RE.finditer(template):
            name = match.group(1)
            line = _template_lines(raw, key, template, match.start())
            if name in NEVER_PRINTED:
                report.add(
                    line, subject, f"{key}: {{{name}}} must not be printed: {NEVER_PRINTED[name]}"
                )
            elif item.kind == "slip" and name in SLIP_PARTICULARS:
                report.add(
                    line,
                    subject,
                    f"{key}: {{{name}}} is printed in the slip's particulars already: state it once",
                )
            elif name in NOTICE_PLACEHOLDERS and item.kind != "slip":
                report.add(line, subject, f"{key}: {{{name}}} belongs to notice slips only")


def _check_facts(item: CatalogItem, raw: LineMap, report: Problems, subject: str) -> None:
    """A certificate states only register facts and, under review, facts staff entered."""
    facts = {spec.id for spec in item.review_facts}
    allowed = CERTIFIABLE | frozenset(ISSUE_PLACEHOLDERS) | facts
    inputs = {spec.id for spec in item.inputs}
    used: set[str] = set()
    for key, template in item.templates().items():
        for match in PLACEHOLDER_RE.finditer(template):
            name = match.group(1)
            used.add(name)
            line = _template_lines(raw, key, template, match.start())
            if key == "purpose" and name in inputs:
                continue
            if key in ("next_steps", "where_to_go") and name in ISSUE_PLACEHOLDERS:
                continue
            if name in inputs:
                report.add(
                    line,
                    subject,
                    f"{key}: '{{{name}}}' is the resident's own answer: a certificate states "
                    "only what the committee's records hold (answers may only choose the purpose)",
                )
            elif name not in allowed and name in STATED:  # others are reported elsewhere
                report.add(
                    line,
                    subject,
                    f"{key}: '{{{name}}}' is not a fact a certificate may state "
                    f"(register facts: {', '.join(sorted(CERTIFIABLE))}; or a review fact)",
                )
    for key in ("title", "body", "purpose"):
        text = str(getattr(item, key) or "")
        for word in evaluations_in(text):
            report.add(
                line_of(raw, key), subject, f"{key}: '{word}' is a judgement no record proves"
            )
        claims = [w for w in VERIFIED_CLAIMS if w in text] if item.certify == "record" else []
        for word in claims:
            report.add(
                line_of(raw, key),
                subject,
                f"{key}: '{word}': nobody checks a record certificate; say it states the "
                "register (据本社区居民登记信息出具), or make it certify: review",
            )
    if used & RESIDENCE_FACTS and item.min_residence_months is None:
        report.add(raw.line, subject, "a certificate stating residence needs min_residence_months")


def _check_purposes(
    item: CatalogItem, raw: LineMap, report: Problems, subject: str, law: LawContext
) -> None:
    """A certificate's answers only choose its purpose, and each purpose has a basis."""
    raw_inputs = raw.get("inputs")
    for n, spec in enumerate(item.inputs):
        where = raw_inputs.lines[n] if isinstance(raw_inputs, LineList) else line_of(raw, "inputs")
        if spec.type != "choice":
            report.add(
                where,
                subject,
                f"input '{spec.id}': a certificate asks only for a purpose (a choice)",
            )
            continue
        if not spec.required or spec.empty_text:
            report.add(
                where,
                subject,
                f"input '{spec.id}': the purpose must be chosen (required, no empty_text): "
                "a certificate lists only purposes with a basis",
            )
        for choice in spec.choices:
            check_purpose_basis(choice.basis, choice.id, where, report, subject, law)


def check_purpose_basis(
    basis: str | None,
    choice_id: str,
    where: int | None,
    report: Problems,
    subject: str,
    law: LawContext,
) -> None:
    """One purpose choice names a known basis."""
    if basis is None:
        report.add(
            where,
            subject,
            f"purpose '{choice_id}' has no basis: list only purposes a rule asks this paper for",
        )
    elif basis not in law.legal_bases:
        report.add(where, subject, f"purpose '{choice_id}': unknown legal basis '{basis}'")


def certificate_texts(item: CatalogItem) -> list[tuple[str, str]]:
    """(where, text) of everything a certificate item could print or ask."""
    texts = [("name_zh", item.name_zh), ("title", item.title), ("body", item.body)]
    texts.append(("purpose", item.purpose or ""))
    for group, specs in (("inputs", item.inputs), ("review_facts", item.review_facts)):
        for spec in specs:
            texts.append((group, spec.label_zh))
            texts.extend((group, c.label_zh) for c in spec.choices)
    return texts


def _check_banned(
    item: CatalogItem, raw: LineMap, report: Problems, subject: str, law: LawContext
) -> None:
    allowed = allowed_tags(item.id, law.exceptions)
    for topic in item.topics:
        entry = law.banned.get(topic)
        if entry is not None and topic not in allowed:
            report.add(
                line_of(raw, "topics"),
                subject,
                f"banned certificate '{entry.name_zh}' (topic '{topic}'): a committee may not "
                f"issue it; use the notice slip '{entry.notice}' instead",
            )
    texts = certificate_texts(item)
    for hit in scan(texts, law.banned.values(), allowed):
        key = hit.where if hit.where in raw else "name_zh"
        line = _keyword_line(raw, key, hit.text, hit.keyword)
        report.add(
            line,
            subject,
            f"banned certificate '{hit.banned.name_zh}' (keyword '{hit.keyword}' in "
            f"'{hit.text.strip()[:40]}'): a committee may not issue it; use the notice slip "
            f"'{hit.notice}' instead",
        )


def _keyword_line(raw: LineMap, key: str, text: str, keyword: str) -> int | None:
    first = raw.literal_lines.get(key)
    if first:
        return first + text.count("\n", 0, max(text.find(keyword), 0))
    return line_of(raw, key)


def check_exceptions(
    exceptions: tuple[LawException, ...],
    value: object,
    report: Problems,
    items: Mapping[str, CatalogItem],
    law: LawContext,
) -> None:
    """An exception names a review certificate, banned kinds and a known basis."""
    for n, entry in enumerate(exceptions):
        line = value.lines[n] if isinstance(value, LineList) and n < len(value.lines) else None
        subject = f"exception '{entry.item}'"
        item = items.get(entry.item)
        if item is None:
            report.add(line, subject, f"unknown item '{entry.item}'")
        elif not item.needs_review:
            report.add(
                line,
                subject,
                "an exception to the banned list is for a review certificate only "
                "(staff issue it; the kiosk never seals it alone)",
            )
        for tag in entry.tags:
            if tag not in law.banned:
                report.add(line, subject, f"unknown banned certificate tag '{tag}'")
        if entry.basis not in law.legal_bases:
            report.add(line, subject, f"unknown legal basis '{entry.basis}'")


def check_locality_law(
    profile: Locality,
    raw: object,
    report: Problems,
    subject: str,
    items: Mapping[str, CatalogItem],
    law: LawContext,
) -> None:
    """A locality's extra purposes go on certificates with a purpose, each with a basis; its
    basis wordings replace known bases."""
    for item_id, choices in profile.purposes.items():
        where = line_at(raw, ("purposes", item_id))
        item = items.get(item_id)
        if item is None or item.kind != "certificate" or not item.inputs:
            report.add(where, subject, f"purposes: '{item_id}' is not a certificate with a purpose")
            continue
        known = {c.id for c in item.inputs[0].choices}
        for choice in choices:
            if choice.id in known:
                report.add(where, subject, f"purposes: '{item_id}' already has '{choice.id}'")
            check_purpose_basis(choice.basis, choice.id, where, report, subject, law)
    for basis in profile.legal_bases:
        if basis not in law.legal_bases:
            report.add(
                line_at(raw, ("legal_bases", basis)), subject, f"legal_bases: unknown '{basis}'"
            )


def is_snake(name: str) -> bool:
    """A basis id: snake_case."""
    return re.fullmatch(r"[a-z][a-z0-9_]*", name) is not None


def check_community_notice(items: tuple[CatalogItem, ...], report: Problems) -> None:
    """Certificates are for the committee's own residents: the 告知单 for everyone else must
    exist (a hidden slip taking {requested} and {own_committee})."""
    if not any(i.kind == "certificate" for i in items):
        return
    notice = next((i for i in items if i.id == OTHER_COMMUNITY_NOTICE), None)
    if notice is None or notice.kind != "slip":
        report.add(
            None,
            "",
            f"certificates need the slip '{OTHER_COMMUNITY_NOTICE}' (the 告知单 naming a "
            "resident's own committee)",
        )
