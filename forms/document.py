"""What a document says, as plain values: the input of every layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Layout = Literal["certificate", "form", "slip"]
Paper = Literal["a4", "slip80", "slip58"]
#: final: the paper as issued (a certificate is sealed); pending: a review application that
#: staff have not approved yet, never sealed, marked PENDING_MARK, its QR payload says so.
DocumentStatus = Literal["final", "pending"]
STATUSES: tuple[DocumentStatus, ...] = ("final", "pending")

PENDING_MARK = "待审核 · 未盖章无效"
PENDING_NOTE = "本申请单未盖章，不作证明使用；经社区工作人员核实后出具的盖章证明编号不变。"


@dataclass(frozen=True)
class Field:
    """One labelled value: a resident particular or an answer."""

    label: str
    value: str


@dataclass(frozen=True)
class Document:
    """Everything a layout prints. Text is final (placeholders already filled by the caller).

    Fields added after the first release keep defaults that mean "as before", so the content
    digest of documents issued earlier does not change (forms.verify leaves defaults out).
    """

    layout: Layout
    paper: Paper
    title: str
    body: str  # paragraphs separated by blank lines
    serial: str
    issuer_name: str  # e.g. 王益区红旗街社区居民委员会
    issue_date: date
    created_at: datetime  # fixed: same issuance -> same bytes
    terminal_id: str
    particulars: tuple[Field, ...] = ()
    answers: tuple[Field, ...] = ()
    purpose: str | None = None  # certificate: the whole purpose sentence, 本证明仅用于…
    validity_days: int | None = None
    next_steps: str | None = None
    where_to_go: str | None = None
    qr_payload: str | None = None  # signed text (forms.verify); None: no QR
    key_fingerprint: str | None = None
    reprint: int = 0  # 0 = original; n prints 补打 n
    copy_mark: str | None = None  # e.g. 第1份 共2份
    staff_boxes: tuple[str, ...] = field(default=("申请人签字", "社区意见", "经办人签字"))
    status: DocumentStatus = "final"
    legal_basis: str | None = None  # 出具依据: the statute or local list the paper rests on
    contact_phone: str | None = None  # the issuing committee's number, for checking the paper
    handled_by: str | None = None  # 经办人: the approving staff member, or the terminal

    @property
    def pending(self) -> bool:
        """True for a review application not yet approved (no seal, marked 待审核)."""
        return self.status == "pending"

    @property
    def sealed(self) -> bool:
        """True when the layout stamps the committee's seal: a final certificate only."""
        return self.layout == "certificate" and self.status == "final"
