"""The frozen catalogue model: categories, items, the banned list, locality profiles, Catalog.

Three kinds of paper: a `certificate` is `certify: record` (every fact from the committee's own
register: the kiosk seals it) or `certify: review` (facts a person must check: the kiosk prints a
numbered 待审核 application, staff approve or reject it); a `form` or a `slip` (application,
告知单, receipt) is never sealed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from kiosk.catalog.inputs import Choice, Frozen, ItemInput
from kiosk.catalog.law import NOTICE_PLACEHOLDERS, BannedCertificate, LawException
from kiosk.eligibility import AllRule, Always, Eligibility, ResidenceRule, Rule, evaluate
from kiosk.errors import CatalogError
from kiosk.residents import ISSUE_PLACEHOLDERS, RESIDENT_PLACEHOLDERS, ResidentRecord

Kind = Literal["certificate", "form", "slip"]
LayoutName = Literal["certificate", "form", "slip"]
PaperName = Literal["a4", "slip"]
Certify = Literal["record", "review"]

PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
TEMPLATE_FIELDS = ("title", "body", "purpose", "next_steps", "where_to_go")
KNOWN_PLACEHOLDERS = (
    frozenset(RESIDENT_PLACEHOLDERS)
    | frozenset(ISSUE_PLACEHOLDERS)
    | frozenset(NOTICE_PLACEHOLDERS)
)

# Default signature boxes per layout (certificates carry the seal instead).
STAFF_BOXES: dict[str, tuple[str, ...]] = {
    "certificate": (),
    "form": ("申请人签字", "社区意见", "经办人签字"),
    "slip": (),
}


class Category(Frozen):
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


class CatalogItem(Frozen):
    """One service at the terminal: what it is, who may have it, what to ask, what to print."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        arbitrary_types_allowed=True,
        defer_build=True,
    )

    id: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    category: str
    kind: Kind
    description: str = Field(min_length=1)
    eligibility: Rule = Field(default_factory=Always, exclude=True)
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
    hidden: bool = False  # not in the menu: printed only in place of another item
    certify: Certify | None = None  # certificates only: record | review
    legal_basis: tuple[str, ...] = ()  # ids in the catalogue's legal_bases (certificates)
    review_facts: tuple[ItemInput, ...] = ()  # what the approving staff enters from the records
    min_residence_months: int | None = Field(default=None, ge=1, le=240)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: object) -> object:
        """Layout, paper, review and boxes follow from the kind unless given."""
        if not isinstance(data, Mapping):
            return data
        kind = data.get("kind")
        if kind not in ("certificate", "form", "slip"):
            return data
        data = dict(data)
        data.setdefault("layout", kind)
        data.setdefault("paper", "slip" if kind == "slip" else "a4")
        data.setdefault("staff_review", kind == "form" or data.get("certify") == "review")
        layout = data["layout"]
        if isinstance(layout, str) and layout in STAFF_BOXES:
            data.setdefault("staff_boxes", STAFF_BOXES[layout])
        return data

    def check_eligibility(
        self, resident: ResidentRecord, today: date, card_type: str = "resident"
    ) -> Eligibility:
        """May this resident have this item on `today`? With the reason in plain words if not.

        A certificate stating residence also needs its minimum residence in the register; a
        hidden item (a 告知单 printed in place of another) is never asked for directly."""
        if self.hidden:
            return Eligibility(False, "此项只在办理其他事项时出具")
        rule = self.eligibility
        if self.min_residence_months:
            minimum = ResidenceRule(self.min_residence_months)
            rule = minimum if isinstance(rule, Always) else AllRule((rule, minimum))
        return evaluate(rule, resident, today, card_type)

    @property
    def sealed_at_kiosk(self) -> bool:
        """True for a `record` certificate: the kiosk seals it from the register alone."""
        return self.kind == "certificate" and self.certify == "record"

    @property
    def needs_review(self) -> bool:
        """True for a `review` certificate: staff approve it before it is sealed."""
        return self.kind == "certificate" and self.certify == "review"

    def review_fact(self, fact_id: str) -> ItemInput:
        """The review fact with this id (KeyError if none)."""
        for spec in self.review_facts:
            if spec.id == fact_id:
                return spec
        raise KeyError(fact_id)

    def validate_review_facts(
        self, raw: Mapping[str, str | None], today: date | None = None
    ) -> dict[str, str]:
        """The approving staff member's answers, checked like a resident's inputs."""
        return {spec.id: spec.normalise(raw.get(spec.id), today) for spec in self.review_facts}

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
        for spec in self.review_facts:
            if spec.id in values:
                shown[spec.id] = spec.display(values[spec.id]) or str(values[spec.id])
        missing: list[str] = []

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in shown:
                return str(shown[name])
            missing.append(name)
            return match.group(0)

        def sub(template: str) -> str:
            return PLACEHOLDER_RE.sub(one, template).strip()

        filled = FilledText(
            title=sub(self.title),
            body=sub(self.body),
            purpose=None if self.purpose is None else sub(self.purpose),
            next_steps=sub(self.next_steps),
            where_to_go=sub(self.where_to_go),
            answers=tuple((spec.label_zh, shown[spec.id] or "未选择") for spec in self.inputs),
        )
        if missing:
            names = ", ".join(sorted(set(missing)))
            raise CatalogError([f"item '{self.id}': no value for placeholder(s) {names}"])
        return filled

    def templates(self) -> dict[str, str]:
        """Every non-empty template text by field name (title, body, purpose, ...)."""
        texts = {name: getattr(self, name) for name in TEMPLATE_FIELDS}
        return {name: text for name, text in texts.items() if isinstance(text, str) and text}

    def placeholders(self) -> frozenset[str]:
        """Every placeholder name the templates use."""
        names: set[str] = set()
        for text in self.templates().values():
            names.update(PLACEHOLDER_RE.findall(text))
        return frozenset(names)


class Rename(Frozen):
    """A locality's own wording for an item."""

    name_zh: str | None = None
    name_en: str | None = None
    title: str | None = None


class Locality(Frozen):
    """A locality profile: items switched off or on, items renamed, and the local law: whether
    the committee authorised self-service sealing at all, the minimum residence, extra purposes
    with their basis, and the local wording of a basis."""

    name_zh: str = Field(min_length=1)
    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    rename: dict[str, Rename] = Field(default_factory=dict)
    self_service_seal: bool = True  # false: every certificate is a `review` certificate
    min_residence_months: int | None = Field(default=None, ge=1, le=240)
    purposes: dict[str, tuple[Choice, ...]] = Field(default_factory=dict)  # item -> extra choices
    legal_bases: dict[str, str] = Field(default_factory=dict)  # basis id -> local wording


@dataclass(frozen=True)
class Catalog:
    """The loaded catalogue for one locality: categories in menu order, enabled items in order."""

    categories: tuple[Category, ...]
    items: tuple[CatalogItem, ...]  # in the menu, in order (hidden items are in `hidden`)
    banned: tuple[BannedCertificate, ...]
    legal_basis: str
    locality: str | None
    source: Path
    digest: str  # sha256 of the file, for the audit trail
    load_seconds: float = 0.0
    from_cache: bool = field(default=False, compare=False)  # rebuilt from a validated cache
    _by_id: Mapping[str, CatalogItem] = field(default_factory=dict, repr=False, compare=False)
    legal_bases: Mapping[str, str] = field(default_factory=dict)
    exceptions: tuple[LawException, ...] = ()
    hidden: tuple[CatalogItem, ...] = ()  # enabled, printed only in place of another item
    frequent: tuple[str, ...] = ()  # 常用: ids of the menu's most asked-for items, shown first

    def item(self, item_id: str) -> CatalogItem:
        """The enabled item with this id, hidden ones too (KeyError if unknown or disabled)."""
        return self._by_id[item_id]

    @property
    def every_item(self) -> tuple[CatalogItem, ...]:
        """The menu's items and the hidden ones."""
        return self.items + self.hidden

    def basis_of(self, item: CatalogItem) -> str:
        """The 出具依据 printed on `item`'s papers (its legal_basis ids, in this locality's words)."""
        from kiosk.catalog.law import basis_text

        return basis_text(item.legal_basis, self.legal_bases)

    def banned_notice(self, tag: str) -> CatalogItem:
        """The 告知单 of a banned kind."""
        entry = next(b for b in self.banned if b.tag == tag)
        return self.item(entry.notice)

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
