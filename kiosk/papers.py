"""What paper a request gets: the certificate asked for, its 待审核 application, or a 告知单.

Forms and slips are printed as asked. For a certificate, in this order:

1. Own residents only. A resident the register places in another community gets the 告知单
   naming her own committee (`other_community_notice`): a committee certifies its own people.
2. The banned list applied to what would be printed: the item's names, her answers as printed,
   the filled title, body and purpose (her name and address left out: they identify her, they
   certify nothing, and a street name must not refuse a lawful paper). A banned kind found
   refuses the item with that kind's 告知单, before anything is recorded.
3. A `review` certificate prints a numbered application marked 待审核 · 未盖章无效: no seal,
   its QR says pending; staff approve it later with the facts from their records (kiosk.review),
   and the sealed certificate carries the same serial.
4. A `record` certificate is sealed at once: every fact on it comes from the register.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from forms.document import Document, DocumentStatus, Field, Paper
from kiosk.catalog.law import OTHER_COMMUNITY_NOTICE, BannedHit, allowed_tags, basis_text, scan
from kiosk.config import TerminalConfig
from kiosk.db.repositories import IssuanceRecord, IssuanceStatus
from kiosk.documents import (
    IssuedDocument,
    build_document,
    issue_values,
    paper_for,
    particulars_for,
    signed,
)
from kiosk.residents import ResidentRecord

if TYPE_CHECKING:
    from forms.fonts import FontSet
    from forms.keys import SigningKey
    from kiosk.catalog import Catalog, CatalogItem
    from kiosk.config import Config

DRAFT_SERIAL = "（打印时生成）"  # shown where the serial goes on the confirm screen's draft
# statuses a print outcome never overwrites: a voided paper, a review not decided or refused
KEPT_STATUSES = frozenset(
    {IssuanceStatus.VOIDED, IssuanceStatus.PENDING_REVIEW, IssuanceStatus.REJECTED}
)
# statuses a reprint refuses, with what staff are told (zh, en)
NOT_REPRINTED = {
    IssuanceStatus.VOIDED: ("该证明已作废，不能补打", "This document was voided."),
    IssuanceStatus.REJECTED: ("该申请未通过审核，不能补打", "This application was rejected."),
}
PENDING_FACT = "（待核实）"  # a review fact on the application, before staff fill it in
# what identifies the resident, replaced before the banned scan
NEUTRAL = {"name": "某某", "address": "某处", "community": "某社区", "grid": "某网格"}
APPLICATION_BOXES = ("申请人签字", "工作人员核实意见")
APPLICATION_FIELDS = ("姓名", "性别", "公民身份号码", "联系电话", "住址")
APPLICATION_BODY = (
    "本人申请出具上述证明，所填信息真实。证明内容须由社区工作人员核对本社区记录后确认：核对属实的，"
    "出具加盖社区印章的证明，编号与本申请单相同；无记录或不属实的，不予出具，并告知理由。"
)


@dataclass(frozen=True)
class PaperPlan:
    """The paper one request gets: `item` printed with `status`, in place of `requested`."""

    requested: CatalogItem
    item: CatalogItem
    status: DocumentStatus = "final"
    extra: Mapping[str, str] = field(default_factory=dict)  # a notice's placeholders
    reason: str = ""  # why `item` stands in for `requested` (for the audit trail)
    hits: tuple[BannedHit, ...] = ()

    @property
    def substituted(self) -> bool:
        """True when a 告知单 is printed instead of the item asked for."""
        return self.item.id != self.requested.id

    @property
    def sealed(self) -> bool:
        """True when the paper will carry the committee's seal now."""
        return self.item.kind == "certificate" and self.status == "final"


def own_committee(community: str) -> str:
    """The residents' committee of a community, as a 告知单 names it."""
    return community if community.endswith("居民委员会") else f"{community}居民委员会"


def plan_paper(
    catalog: Catalog,
    terminal: TerminalConfig,
    resident: ResidentRecord,
    item: CatalogItem,
    inputs: Mapping[str, str],
    today: date,
) -> PaperPlan:
    """Which paper `resident` gets for `item` with these (validated) answers, at this terminal."""
    if item.kind != "certificate":
        return PaperPlan(item, item)
    requested = {"requested": item.name_zh}
    if resident.community != terminal.community:
        notice = catalog.item(OTHER_COMMUNITY_NOTICE)
        extra = requested | {"own_committee": own_committee(resident.community)}
        return PaperPlan(item, notice, extra=extra, reason=f"other community: {resident.community}")
    facts = {spec.id: PENDING_FACT for spec in item.review_facts}
    hits = banned_hits(catalog, terminal, resident, item, inputs, today, facts)
    if hits:
        first = hits[0]
        reason = f"banned: {first.banned.name_zh} ('{first.keyword}' in {first.where})"
        return PaperPlan(
            item, catalog.item(first.notice), extra=requested, reason=reason, hits=tuple(hits)
        )
    return PaperPlan(item, item, status="pending" if item.needs_review else "final")


def banned_hits(
    catalog: Catalog,
    terminal: TerminalConfig,
    resident: ResidentRecord,
    item: CatalogItem,
    inputs: Mapping[str, str],
    today: date,
    facts: Mapping[str, str],
) -> list[BannedHit]:
    """The banned kinds a certificate of `item` would state with these answers and facts."""
    values = issue_values(terminal, resident, item, inputs, today, facts) | NEUTRAL
    filled = item.fill(values)
    texts = [("name_zh", item.name_zh), ("title", filled.title), ("body", filled.body)]
    texts.append(("purpose", filled.purpose or ""))
    texts.extend(("inputs", value) for value in item.display_inputs(inputs).values())
    texts.extend(("review_facts", item.review_fact(k).display(v)) for k, v in facts.items())
    return scan(texts, catalog.banned, allowed_tags(item.id, catalog.exceptions))


def basis_for(catalog: Catalog, item: CatalogItem, inputs: Mapping[str, str]) -> str:
    """The 出具依据 printed on a certificate: its own bases, then its chosen purpose's."""
    ids = list(item.legal_basis)
    for spec in item.inputs:
        chosen = spec.choice(inputs.get(spec.id) or "")
        if chosen is not None and chosen.basis:
            ids.append(chosen.basis)
    return basis_text(ids, catalog.legal_bases)


def compose(
    catalog: Catalog,
    terminal: TerminalConfig,
    record: IssuanceRecord,
    resident: ResidentRecord,
    plan: PaperPlan,
    inputs: Mapping[str, str],
    paper_name: str,
    signing_key: SigningKey,
    *,
    sign: bool = True,
    fonts: FontSet | None = None,
) -> Document:
    """The Document of a plan on `paper_name` (a4, slip80, slip58): the 告知单, the 待审核
    application, or the certificate; signed unless `sign` is False (the draft she confirms),
    over its text as set in `fonts` (default: the whole faces)."""
    paper = paper_for(plan.item, paper_name, paper_name)
    if plan.substituted:
        return build_document(
            terminal,
            record,
            resident,
            plan.item,
            {},
            paper,
            signing_key,
            extra=plan.extra,
            sign=sign,
            fonts=fonts,
        )
    if plan.status == "pending":
        return build_application(
            catalog,
            terminal,
            record,
            resident,
            plan.item,
            inputs,
            signing_key,
            sign=sign,
            fonts=fonts,
        )
    return build_document(
        terminal,
        record,
        resident,
        plan.item,
        inputs,
        paper,
        signing_key,
        legal_basis=basis_for(catalog, plan.item, inputs),
        sign=sign,
        fonts=fonts,
    )


def paper_of(plan: PaperPlan, slip_paper: str, override: str | None = None) -> Paper:
    """The paper the plan prints on: the asked item's (or `override`), a 告知单's slip, the
    application's A4."""
    if plan.substituted:
        return paper_for(plan.item, slip_paper)
    return paper_for(plan.item, slip_paper, override)


def build_application(
    catalog: Catalog,
    terminal: TerminalConfig,
    record: IssuanceRecord,
    resident: ResidentRecord,
    item: CatalogItem,
    inputs: Mapping[str, str],
    signing_key: SigningKey,
    *,
    sign: bool = True,
    fonts: FontSet | None = None,
) -> Document:
    """The numbered A4 application for a `review` certificate: what is asked, the text it
    would certify with the facts staff must check shown as （待核实）, no seal, QR pending."""
    today = record.created_at.date()
    facts = {spec.id: PENDING_FACT for spec in item.review_facts}
    filled = item.fill(issue_values(terminal, resident, item, inputs, today, facts))
    answers = [Field("申请出具", f"《{filled.title}》"), *(Field(k, v) for k, v in filled.answers)]
    if filled.purpose:
        answers.append(Field("证明用途", filled.purpose))
    answers.append(Field("拟证明内容", " ".join(filled.body.split())))
    doc = Document(
        layout="form",
        paper="a4",
        title=f"{filled.title}出具申请单",
        body=APPLICATION_BODY,
        serial=record.serial,
        issuer_name=terminal.issuer,
        issue_date=today,
        created_at=record.created_at,
        terminal_id=terminal.id,
        particulars=tuple(
            f for f in particulars_for("form", resident, today) if f.label in APPLICATION_FIELDS
        ),
        answers=tuple(answers),
        next_steps=filled.next_steps,
        where_to_go=filled.where_to_go,
        staff_boxes=APPLICATION_BOXES,
        status="pending",
        legal_basis=basis_for(catalog, item, inputs) or None,
        contact_phone=terminal.phone or None,
    )
    return signed(doc, terminal, resident, signing_key, fonts) if sign else doc


def build_certificate(
    catalog: Catalog,
    terminal: TerminalConfig,
    record: IssuanceRecord,
    resident: ResidentRecord,
    item: CatalogItem,
    facts: Mapping[str, str],
    *,
    staff_name: str,
    approved_at: datetime,
    signing_key: SigningKey,
    fonts: FontSet | None = None,
) -> Document:
    """The sealed certificate of an approved review: the same serial, dated the day of the
    approval, stating the facts the staff member entered, naming her as 经办人."""
    return build_document(
        terminal,
        record,
        resident,
        item,
        record.inputs,
        "a4",
        signing_key,
        extra=facts,
        legal_basis=basis_for(catalog, item, record.inputs),
        handled_by=staff_name,
        issued_at=approved_at,
        fonts=fonts,
    )


def configured_catalog(config: Config) -> Catalog:
    """The catalogue a config names, for its locality (from the validated cache when it can)."""
    from kiosk.catalog import load_catalog

    path, locality = config.catalog_path, config.terminal.locality
    return load_catalog(path, locality, cache_dir=config.cache_dir)


def draft_record(
    terminal_id: str,
    plan: PaperPlan,
    resident: ResidentRecord,
    inputs: Mapping[str, str],
    paper: str,
    copies: int,
    now: datetime,
) -> IssuanceRecord:
    """The record a draft is laid out from: nothing allocated, nothing written."""
    return IssuanceRecord(
        id=0,
        serial=DRAFT_SERIAL,
        item_id=plan.item.id,
        resident_id=resident.id,
        terminal_id=terminal_id,
        inputs=dict(inputs),
        paper=paper,
        copies=copies,
        created_at=now,
        status=IssuanceStatus.ISSUED,
        content_hash=None,
        reprints=0,
        void_reason=None,
    )


def audit_kind(plan: PaperPlan) -> str:
    """The audit event of an issuance: issued, review_requested, or refused (a 告知单 instead)."""
    if plan.substituted:
        return "refused"
    return "review_requested" if plan.status == "pending" else "issued"


def audit_detail(plan: PaperPlan, copies: int) -> dict[str, str]:
    """What the audit event says beside the serial (never the resident's answers)."""
    detail = {"item": plan.item.id, "copies": str(copies)}
    if plan.substituted:
        detail |= {"requested": plan.requested.id, "reason": plan.reason}
    return detail


def issued_as_planned(record: IssuanceRecord, doc: Document, pdf: bytes) -> IssuedDocument:
    """The issuance to print: a 待审核 application prints once and waits in pending_review (the
    certificate prints later, the copies she asked for); anything else as recorded."""
    if doc.pending:
        waiting = replace(record, status=IssuanceStatus.PENDING_REVIEW, copies=1)
        return IssuedDocument(waiting, doc, pdf)
    return IssuedDocument(record, doc, pdf)
