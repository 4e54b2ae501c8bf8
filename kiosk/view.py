"""What the screen shows, as one frozen value: the session emits a new SessionView per change and
the window renders it, reading nothing else (the Elm shape). Nothing here holds a full ID number."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from card_reader.base import ReaderState
from printer.base import JobState, PrinterState, PrinterStatus

if TYPE_CHECKING:
    from kiosk.catalog import Catalog, CatalogItem
    from kiosk.residents import ResidentRecord


class Step(enum.StrEnum):
    """Every state a resident can see."""

    WAITING = "waiting"  # 请将身份证放在读卡区 (also while the kiosk gets ready)
    READING = "reading"
    MENU = "menu"  # categories and items
    ITEM = "item"  # one item: what you get, questions, print button
    PRINTING = "printing"
    DONE = "done"
    ERROR = "error"  # a message and a way back


@dataclass(frozen=True)
class Message:
    """What the resident is told now: Chinese first, English below."""

    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class Availability:
    """Whether an item can be started now, and in plain words why not."""

    ok: bool
    reason: str = ""
    printer_problem: bool = False


@dataclass(frozen=True)
class ResidentSummary:
    """The resident as the screen may show her: name, masked number, community."""

    name: str
    masked_id: str
    community: str

    @classmethod
    def of(cls, resident: ResidentRecord) -> ResidentSummary:
        """Only what may be shown."""
        return cls(resident.name, resident.masked_id, resident.community)


@dataclass(frozen=True)
class Preview:
    """A small RGB picture of a document's first page (rendered on the worker)."""

    width: int
    height: int
    rgb: bytes = field(repr=False)


@dataclass(frozen=True)
class IssuedSummary:
    """A recorded document as the screen shows it."""

    serial: str
    title: str
    where_to_go: str
    staff_review: bool


NOT_POLLED = PrinterStatus(PrinterState.READY, "not polled yet")


@dataclass(frozen=True)
class PrinterStates:
    """The last known status of each printer role."""

    a4: PrinterStatus = NOT_POLLED
    slip: PrinterStatus = NOT_POLLED

    def of(self, role: str) -> PrinterStatus:
        """The status of "a4" or "slip"."""
        return self.slip if role == "slip" else self.a4


NO_AVAILABILITY: Mapping[str, Availability] = MappingProxyType({})


@dataclass(frozen=True)
class SessionView:
    """Everything the window shows at one moment."""

    step: Step = Step.WAITING
    ready: bool = False  # False while the kiosk is still getting ready after start-up
    out_of_service: Message | None = None  # why the kiosk cannot serve now (staff are needed)
    reader: ReaderState | None = None
    message: Message = Message()
    resident: ResidentSummary | None = None
    catalog: Catalog | None = None
    availability: Mapping[str, Availability] = field(default_factory=lambda: NO_AVAILABILITY)
    item: CatalogItem | None = None
    issued: IssuedSummary | None = None
    preview: Preview | None = None
    job: JobState | None = None
    printers: PrinterStates = PrinterStates()
    countdown: int | None = None  # seconds left before an idle session ends, once warned
