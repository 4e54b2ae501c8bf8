"""What a document says, as plain values: the input of every layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Layout = Literal["certificate", "form", "slip"]
Paper = Literal["a4", "slip80", "slip58"]


@dataclass(frozen=True)
class Field:
    """One labelled value: a resident particular or an answer."""

    label: str
    value: str


@dataclass(frozen=True)
class Document:
    """Everything a layout prints. Text is final (placeholders already filled by the caller)."""

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
