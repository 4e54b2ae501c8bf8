"""Fakes for the session's unit tests: time moved by hand, and a backend with no database.

They are real implementations of the session's seams (Timer, Jobs, SessionBackend), only
without a clock, a worker thread or SQL, so the state machine is tested in microseconds.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from forms.document import Document
from kiosk.backend import IssueRequest, ProgressListener
from kiosk.catalog import CatalogItem
from kiosk.db.repositories import IssuanceRecord, IssuanceStatus
from kiosk.issuing import IssuedDocument
from kiosk.residents import ResidentRecord
from kiosk.timing import ManualClock as ManualClock  # the session's fake time, shared
from kiosk.timing import ManualTimer as ManualTimer
from kiosk.view import Draft, Preview
from printer.base import JobState, PrinterError, PrintJob


@dataclass
class FakeBackend:
    """Residents in a dict, documents that are not rendered, a printer that does what it is told.

    `gate` (an Event) makes lookup block until set, for tests of a slow database.
    """

    residents: dict[str, ResidentRecord] = field(default_factory=dict)
    lookup_error: Exception | None = None
    issue_error: Exception | None = None
    print_error: Exception | None = None
    gate: threading.Event | None = None
    issued: list[str] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    staff: dict[str, str] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    call_error: Exception | None = None
    ratings: list[tuple[str, str | None, int, tuple[str, ...]]] = field(default_factory=list)
    sessions: list[tuple[str, int]] = field(default_factory=list)

    def lookup(self, id_number: str) -> ResidentRecord | None:
        """The resident, after the gate opens."""
        self.lookups.append(id_number[-4:])
        if self.gate is not None:
            self.gate.wait(30)
        if self.lookup_error is not None:
            raise self.lookup_error
        return self.residents.get(id_number)

    def staff_for_card(self, id_number: str) -> str | None:
        """The staff member holding this card, from `staff` (number -> name)."""
        return self.staff.get(id_number)

    def issue(
        self,
        resident: ResidentRecord,
        item: CatalogItem,
        inputs: Mapping[str, str],
        *,
        copies: int,
        card_type: str,
    ) -> IssuedDocument:
        """A record with a serial and a document that names the item."""
        if self.issue_error is not None:
            raise self.issue_error
        serial = f"T-{len(self.issued) + 1:05d}"
        self.issued.append(serial)
        now = datetime(2026, 12, 1, 9, 0)
        record = IssuanceRecord(
            id=len(self.issued),
            serial=serial,
            item_id=item.id,
            resident_id=resident.id,
            terminal_id="T",
            inputs=dict(inputs),
            paper="a4",
            copies=copies,
            created_at=now,
            status=IssuanceStatus.ISSUED,
            content_hash=None,
            reprints=0,
            void_reason=None,
        )
        document = Document(
            layout=item.layout,
            paper="a4",
            title=item.title,
            body="",
            serial=serial,
            issuer_name="测试社区居民委员会",
            issue_date=now.date(),
            created_at=now,
            terminal_id="T",
            where_to_go=item.where_to_go,
        )
        return IssuedDocument(record, document, b"%PDF-fake")

    def print(self, issued: IssuedDocument, on_progress: ProgressListener) -> PrintJob:
        """Report sent, then done or the configured error."""
        job = PrintJob(printer_uri="fake://", title=issued.serial)
        job.advance(JobState.SENT)
        on_progress(job)
        if self.print_error is not None:
            raise self.print_error
        job.advance(JobState.DONE)
        on_progress(job)
        self.printed.append(issued.serial)
        return job

    def preview(self, pdf: bytes) -> Preview | None:
        """A one-pixel picture."""
        return Preview(1, 1, b"\xff\xff\xff")

    def draft(self, request: IssueRequest) -> Draft:
        """Her answers as printed, and a picture; nothing issued."""
        self.drafts.append(request.item.id)
        shown = request.item.display_inputs(request.inputs)
        answers = tuple((s.label_zh, shown.get(s.id, "")) for s in request.item.inputs)
        return Draft(Preview(1, 1, b"\xff\xff\xff"), answers, request.copies)

    def call_staff(self, screen: str) -> None:
        """Remember the call (or fail like a database that is away)."""
        if self.call_error is not None:
            raise self.call_error
        self.calls.append(screen)

    def rate(self, item_id: str, serial: str | None, level: int, reasons: tuple[str, ...]) -> None:
        """Remember the rating."""
        self.ratings.append((item_id, serial, level, reasons))

    def log_session(self, started: datetime, ended: datetime, reason: str, issued: int) -> None:
        """Remember how the session ended."""
        self.sessions.append((reason, issued))


def resident(id_number: str = "610202194303080024", **changes: object) -> ResidentRecord:
    """A registered resident (83 in 2026, living alone) for the fakes."""
    values: dict[str, object] = {
        "id": 1,
        "id_number": id_number,
        "name": "张秀兰",
        "sex": "female",
        "birth_date": date(1943, 3, 8),
        "nation": "汉",
        "phone": "13800000000",
        "address": "陕西省铜川市王益区红旗街道北关路阳光花园24号楼2单元103室",
        "community": "红旗街社区",
        "grid": "第一网格",
        "building": "24",
        "unit": "2",
        "room": "103",
        "household_id": "H001",
        "hukou_local": True,
        "registered_since": date(1990, 10, 11),
        "tags": frozenset({"living_alone"}),
    }
    values.update(changes)
    return ResidentRecord(**values)  # type: ignore[arg-type]


def printer_error(detail: str = "paper out") -> PrinterError:
    """What a printer raises when its paper runs out mid-job."""
    from printer.base import PrinterNotReadyError, PrinterState, PrinterStatus

    return PrinterNotReadyError(detail, PrinterStatus(PrinterState.PAPER_OUT, detail))
