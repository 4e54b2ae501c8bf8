"""The frozen catalogue model: categories, items, the banned list, locality profiles, Catalog."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from kiosk.catalog.inputs import Frozen, ItemInput
from kiosk.eligibility import Always, Eligibility, Rule, evaluate
from kiosk.errors import CatalogError
from kiosk.residents import ISSUE_PLACEHOLDERS, RESIDENT_PLACEHOLDERS, ResidentRecord

Kind = Literal["certificate", "form", "slip"]
LayoutName = Literal["certificate", "form", "slip"]
PaperName = Literal["a4", "slip"]

PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
TEMPLATE_FIELDS = ("title", "body", "purpose", "next_steps", "where_to_go")
KNOWN_PLACEHOLDERS = frozenset(RESIDENT_PLACEHOLDERS) | frozenset(ISSUE_PLACEHOLDERS)

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
        data.setdefault("staff_review", kind == "form")
        layout = data["layout"]
        if isinstance(layout, str) and layout in STAFF_BOXES:
            data.setdefault("staff_boxes", STAFF_BOXES[layout])
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


class BannedCertificate(Frozen):
    """A certificate a residents' committee must not issue, and who does handle the need."""

    tag: str
    name_zh: str = Field(min_length=1)
    keywords: tuple[str, ...] = Field(min_length=1)
    handled_by: str = Field(min_length=1)
    notice: str  # id of the slip item that tells the resident where to go


class Rename(Frozen):
    """A locality's own wording for an item."""

    name_zh: str | None = None
    name_en: str | None = None
    title: str | None = None


class Locality(Frozen):
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
    from_cache: bool = field(default=False, compare=False)  # rebuilt from a validated cache
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
