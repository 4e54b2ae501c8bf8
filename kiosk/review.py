"""The review flow: staff decide the `review` certificates residents applied for at the kiosk.

A `review` item prints a numbered application marked 待审核 · 未盖章无效 (no seal, its QR says
pending) and is recorded `pending_review`. A staff member of the same community then either

* approves it: enters the facts the item asks of the records (`review_facts`, e.g. volunteer
  hours from the volunteer records), and the sealed certificate is rendered under the same
  serial, dated the day of approval, naming her as 经办人; the issuance becomes `issued` (then
  `printed` once it prints), audited `review_approved` with her as the actor; or
* rejects it with a reason the resident is told; the issuance becomes `rejected`, audited
  `review_rejected`.

Statuses: pending_review -> issued -> printed | print_failed; pending_review -> rejected.
Every call opens its own transaction and may render a PDF: call it from the worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.db.repositories import (
    AuditRepository,
    IssuanceRecord,
    IssuanceRepository,
    IssuanceStatus,
    ResidentRepository,
)
from kiosk.db.reviews import ReviewRepository, ReviewRow
from kiosk.documents import IssuedDocument, document_to_json
from kiosk.errors import KioskError, RecordError
from kiosk.papers import banned_hits, build_certificate

if TYPE_CHECKING:
    from forms.fonts import FontSet
    from forms.keys import SigningKey
    from kiosk.app import Core
    from kiosk.catalog import Catalog, CatalogItem, ItemInput
    from kiosk.config import Config
    from kiosk.residents import ResidentRecord

Clock = Callable[[], datetime]
MAX_REASON = 200
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
APPROVED, REJECTED = "review_approved", "review_rejected"


class Reviewer(Protocol):
    """Who decides: a signed-in staff member (kiosk.staff.accounts.StaffMember fits)."""

    @property
    def name(self) -> str:
        """The name printed as 经办人."""
        ...

    @property
    def actor(self) -> str:
        """The audit actor, staff:<name>."""
        ...


@dataclass(frozen=True)
class NamedReviewer:
    """A reviewer known by name only (tests, scripts): the seam where a PIN check goes."""

    name: str

    @property
    def actor(self) -> str:
        """staff:<name>."""
        return f"staff:{self.name}"


class ReviewError(KioskError):
    """A review decision that cannot be made; the message says why, for staff."""

    message_zh = "无法完成审核"
    message_en = "The review cannot be completed."


class ReviewRefusedError(ReviewError):
    """Approval would print a fact a committee must not certify (a banned kind)."""

    message_zh = "证明内容涉及不应由社区出具的证明事项，不能出具"
    message_en = "The certificate would state a fact a committee must not certify."


@dataclass(frozen=True)
class ReviewCase:
    """One application as a reviewer sees it (the resident's ID number masked)."""

    serial: str
    item_id: str
    title: str  # the certificate asked for
    status: str
    requested_at: datetime
    terminal_id: str
    resident_name: str
    resident_masked_id: str
    answers: tuple[tuple[str, str], ...]  # her answers, as printed
    facts: tuple[ItemInput, ...]  # what the reviewer enters from the records
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    note: str | None = None  # a refusal's reason


@dataclass(frozen=True)
class ReviewState:
    """Where a serial stands in the review flow, in words a resident or verifier reads."""

    serial: str
    status: str  # pending_review | approved | rejected
    zh: str
    en: str
    reason: str | None = None


def review_state(session: Session, serial: str, phone: str = "") -> ReviewState | None:
    """The review state of a serial, or None if it never went through review (the verify page
    and `kiosk verify` ask this of a paper whose payload says pending)."""
    row = ReviewRepository(session).row(serial)
    if row is None or (row.reviewed_by is None and row.status != IssuanceStatus.PENDING_REVIEW):
        return None
    if row.status == IssuanceStatus.PENDING_REVIEW:
        return ReviewState(
            serial, "pending_review", "待审核：尚未经工作人员审核盖章", "awaiting review"
        )
    if row.status == IssuanceStatus.REJECTED:
        call = f"（电话{phone}）" if phone else ""
        zh = f"未通过审核：{row.review_note}。如有疑问请到社区服务窗口咨询{call}"
        return ReviewState(serial, "rejected", zh, f"rejected: {row.review_note}", row.review_note)
    zh = f"已审核通过（{row.reviewed_by}），以同一编号的盖章证明为准"
    return ReviewState(serial, "approved", zh, "approved: the sealed certificate of this serial")


class ReviewService:
    """The review queue of this terminal's community: list, approve, reject."""

    def __init__(
        self,
        config: Config,
        sessions: sessionmaker[Session],
        *,
        catalog: Catalog,
        signing_key: SigningKey,
        fonts: FontSet,
        clock: Clock = datetime.now,
    ) -> None:
        self.config = config
        self.sessions = sessions
        self.catalog = catalog
        self.signing_key = signing_key
        self.fonts = fonts
        self.clock = clock

    @classmethod
    def for_core(cls, core: Core, *, clock: Clock = datetime.now) -> ReviewService:
        """The review service of a running kiosk or a CLI Core."""
        return cls(
            core.config,
            core.sessions,
            catalog=core.catalog,
            signing_key=core.signing_key,
            fonts=core.fonts,
            clock=clock,
        )

    @property
    def community_code(self) -> str:
        """The community whose applications this terminal's staff decide."""
        return self.config.terminal.community_code

    # --- looking ------------------------------------------------------------------------------
    def pending(self, limit: int = 100) -> list[ReviewCase]:
        """Applications awaiting a decision, oldest first."""
        try:
            with self.sessions() as session:
                rows = ReviewRepository(session).pending(self.community_code, limit)
                return [self._case(session, row) for row in rows]
        except SQLAlchemyError as exc:
            raise RecordError(type(exc).__name__) from exc

    def case(self, serial: str) -> ReviewCase:
        """One application (any status); ReviewError if it is not this community's review."""
        try:
            with self.sessions() as session:
                return self._case(session, self._row(session, serial.strip()))
        except SQLAlchemyError as exc:
            raise RecordError(type(exc).__name__) from exc

    def state(self, serial: str) -> ReviewState | None:
        """See review_state."""
        try:
            with self.sessions() as session:
                return review_state(session, serial.strip(), self.config.terminal.phone)
        except SQLAlchemyError as exc:
            raise RecordError(type(exc).__name__) from exc

    # --- deciding -----------------------------------------------------------------------------
    def approve(
        self, serial: str, reviewer: Reviewer, facts: Mapping[str, str] | None = None
    ) -> IssuedDocument:
        """Approve an application: the sealed certificate, same serial, ready to print on A4.

        `facts` answers the item's review_facts (MissingInputError names a missing one);
        ReviewRefusedError if they would print a banned kind (nothing is changed then)."""
        try:
            return self._approve(serial.strip(), reviewer, dict(facts or {}))
        except SQLAlchemyError as exc:
            raise RecordError(type(exc).__name__) from exc

    def reject(self, serial: str, reviewer: Reviewer, reason: str) -> ReviewCase:
        """Refuse an application with a reason the resident is told (at most 200 characters,
        no ID number); the issuance becomes rejected."""
        text = " ".join(reason.split())
        if not text or len(text) > MAX_REASON or FULL_ID.search(text):
            raise ReviewError(
                f"a reason of 1 to {MAX_REASON} characters without an ID number",
                zh=f"请填写不予出具的理由（1至{MAX_REASON}字，不含身份证号）",
            )
        try:
            with self.sessions.begin() as session:
                row = self._pending_row(session, serial.strip())
                now = self.clock().replace(microsecond=0)
                ReviewRepository(session).decide(
                    row.serial, IssuanceStatus.REJECTED, reviewer.name, now, text
                )
                self._audit(session, reviewer, REJECTED, row, {"reason": text})
                return self._case(session, ReviewRepository(session).row(row.serial) or row)
        except SQLAlchemyError as exc:
            raise RecordError(type(exc).__name__) from exc

    # --- the parts ----------------------------------------------------------------------------
    def _approve(self, serial: str, reviewer: Reviewer, raw: dict[str, str]) -> IssuedDocument:
        from forms.render import render
        from forms.verify import content_digest

        now = self.clock().replace(microsecond=0)
        with self.sessions.begin() as session:
            row = self._pending_row(session, serial)
            issuances = IssuanceRepository(session)
            record = issuances.by_serial(serial)
            resident = ResidentRepository(session).by_id(row.resident_id)
            if record is None or resident is None:
                raise ReviewError(f"{serial}: its record or resident is gone")
            item = self._item(row.item_id)
            facts = item.validate_review_facts(raw, now.date())
            self._refuse_banned(item, resident, record, facts, now)
            doc = build_certificate(
                self.catalog,
                self.config.terminal,
                record,
                resident,
                item,
                facts,
                staff_name=reviewer.name,
                approved_at=now,
                signing_key=self.signing_key,
                fonts=self.fonts,
            )
            pdf = render(doc, self.fonts)
            digest = content_digest(doc)
            issuances.set_content_hash(serial, digest)
            issuances.set_document(serial, document_to_json(doc))
            ReviewRepository(session).decide(
                serial, IssuanceStatus.ISSUED, reviewer.name, now, None
            )
            detail = {"item": item.id, **{f"fact.{k}": v for k, v in facts.items()}}
            self._audit(session, reviewer, APPROVED, row, detail)
        approved = replace(record, status=IssuanceStatus.ISSUED, content_hash=digest, paper="a4")
        return IssuedDocument(approved, doc, pdf)

    def _refuse_banned(
        self,
        item: CatalogItem,
        resident: ResidentRecord,
        record: IssuanceRecord,
        facts: Mapping[str, str],
        now: datetime,
    ) -> None:
        """ReviewRefusedError if the certificate would state a banned kind, or is for a
        resident the register no longer places in this community."""
        terminal = self.config.terminal
        if resident.community != terminal.community:
            raise ReviewRefusedError(
                f"{record.serial}: the resident is registered in {resident.community} now",
                zh=f"申请人现登记在{resident.community}，应由其所在社区出具",
            )
        hits = banned_hits(self.catalog, terminal, resident, item, record.inputs, now.date(), facts)
        if hits:
            names = "、".join(hit.banned.name_zh for hit in hits)
            raise ReviewRefusedError(
                f"{record.serial}: would state {names}", zh=f"证明内容涉及{names}，不能出具"
            )

    def _item(self, item_id: str) -> CatalogItem:
        try:
            item = self.catalog.item(item_id)
        except KeyError:
            raise ReviewError(
                f"item {item_id} is not in this catalogue", zh="该事项已不在服务目录中"
            ) from None
        if not item.needs_review:
            raise ReviewError(f"item {item_id} is not a review certificate here")
        return item

    def _row(self, session: Session, serial: str, *, lock: bool = False) -> ReviewRow:
        row = ReviewRepository(session).row(serial, lock=lock)
        if row is None or not serial.startswith(f"{self.community_code}-"):
            raise ReviewError(
                f"no review application {serial} of community {self.community_code}",
                zh="本社区没有这个编号的待审核申请",
            )
        return row

    def _pending_row(self, session: Session, serial: str) -> ReviewRow:
        row = self._row(session, serial, lock=True)
        if row.status != IssuanceStatus.PENDING_REVIEW:
            raise ReviewError(
                f"{serial} is {row.status}, not pending_review",
                zh=f"该申请已处理（{row.status}），不能重复审核",
            )
        return row

    def _case(self, session: Session, row: ReviewRow) -> ReviewCase:
        stored = IssuanceRepository(session).by_serial(row.serial)
        inputs = stored.inputs if stored is not None else {}
        try:
            item = self.catalog.item(row.item_id)
        except KeyError:
            return ReviewCase(
                row.serial, row.item_id, row.item_id, row.status, row.created_at, row.terminal_id,
                row.resident_name, row.resident_masked_id, (), (),
                row.reviewed_by, row.reviewed_at, row.review_note,
            )  # fmt: skip
        shown = item.display_inputs(inputs)
        answers = tuple((spec.label_zh, shown.get(spec.id, "")) for spec in item.inputs)
        return ReviewCase(
            serial=row.serial,
            item_id=row.item_id,
            title=item.name_zh,
            status=row.status,
            requested_at=row.created_at,
            terminal_id=row.terminal_id,
            resident_name=row.resident_name,
            resident_masked_id=row.resident_masked_id,
            answers=answers,
            facts=item.review_facts,
            reviewed_by=row.reviewed_by,
            reviewed_at=row.reviewed_at,
            note=row.review_note,
        )

    def _audit(
        self,
        session: Session,
        reviewer: Reviewer,
        kind: str,
        row: ReviewRow,
        detail: dict[str, str],
    ) -> None:
        AuditRepository(session).record(
            terminal_id=self.config.terminal.id,
            actor=reviewer.actor,
            kind=kind,
            subject=row.serial,
            now=self.clock(),
            detail=detail,
        )
