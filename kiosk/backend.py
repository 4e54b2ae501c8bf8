"""What the session asks of the rest of the kiosk: the seam between the state machine and the
database, documents and printers (kiosk.app's Core behind it; fakes in the unit tests)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from kiosk.view import Draft, IssuedSummary, Preview
from printer.base import JobState, PrintJob

if TYPE_CHECKING:
    from kiosk.catalog import CatalogItem
    from kiosk.issuing import IssuedDocument
    from kiosk.residents import ResidentRecord

ProgressListener = Callable[[PrintJob], None]


class SessionBackend(Protocol):
    """What the session asks of the rest of the kiosk; every call runs on the worker thread."""

    def lookup(self, id_number: str) -> ResidentRecord | None:
        """The registered resident holding this number, or None; RecordError if unreachable."""
        ...

    def staff_for_card(self, id_number: str) -> str | None:
        """The name of the enabled staff member whose card this is, or None."""
        ...

    def issue(
        self,
        resident: ResidentRecord,
        item: CatalogItem,
        inputs: Mapping[str, str],
        *,
        copies: int,
        card_type: str,
    ) -> IssuedDocument:
        """Record, render and sign one document (nothing printed yet)."""
        ...

    def print(self, issued: IssuedDocument, on_progress: ProgressListener) -> PrintJob:
        """Print a recorded document on its item's printer and record the outcome."""
        ...

    def preview(self, pdf: bytes) -> Preview | None:
        """A small picture of the first page, or None."""
        ...

    def draft(self, request: IssueRequest) -> Draft:
        """The paper she would get, from an unsigned draft: nothing recorded, no serial used."""
        ...

    def call_staff(self, screen: str) -> None:
        """Record a call for staff from this terminal (RecordError if it cannot be recorded)."""
        ...

    def rate(self, item_id: str, serial: str | None, level: int, reasons: tuple[str, ...]) -> None:
        """Store a 好差评 rating (never with her identity)."""
        ...

    def log_session(self, started: datetime, ended: datetime, reason: str, issued: int) -> None:
        """Record how a session went, without the resident."""
        ...


@dataclass(frozen=True)
class IssueRequest:
    """One resident's confirmed request: what to issue, with her answers."""

    resident: ResidentRecord
    item: CatalogItem
    inputs: Mapping[str, str]
    copies: int
    card_type: str


@dataclass(frozen=True)
class Outcome:
    """How an issue-and-print job ended (returned, not raised, so the serial is never lost)."""

    issued: IssuedSummary | None
    error: BaseException | None = None


def issue_and_print(
    backend: SessionBackend,
    request: IssueRequest,
    on_issued: Callable[[IssuedSummary, Preview | None], None],
    on_progress: Callable[[JobState], None],
) -> Outcome:
    """On the worker: record and render, report the serial and picture, print, report how."""
    try:
        issued = backend.issue(
            request.resident,
            request.item,
            request.inputs,
            copies=request.copies,
            card_type=request.card_type,
        )
    except Exception as exc:
        return Outcome(None, exc)
    preview = backend.preview(issued.pdf)
    summary = IssuedSummary(
        serial=issued.serial,
        title=issued.document.title,
        where_to_go=issued.document.where_to_go or "",
        staff_review=request.item.staff_review or issued.pending_review,
        pages=page_count(issued.pdf),
    )
    on_issued(summary, preview)
    try:
        backend.print(issued, lambda job: on_progress(job.state))
    except Exception as exc:
        return Outcome(summary, exc)
    return Outcome(summary)


def page_count(pdf: bytes) -> int:
    """Pages of a PDF we rendered (reportlab writes one /Type /Page object per page)."""
    return max(1, len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)))
