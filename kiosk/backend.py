"""What the session asks of the rest of the kiosk: the seam between the state machine and the
database, documents and printers (kiosk.app's Core behind it; fakes in the unit tests)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kiosk.view import IssuedSummary, Preview
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
    summary = IssuedSummary(
        serial=issued.serial,
        title=issued.document.title,
        where_to_go=issued.document.where_to_go or "",
        staff_review=request.item.staff_review,
    )
    on_issued(summary, backend.preview(issued.pdf))
    try:
        backend.print(issued, lambda job: on_progress(job.state))
    except Exception as exc:
        return Outcome(summary, exc)
    return Outcome(summary)
