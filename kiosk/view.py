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
    MENU = "menu"  # categories and items, in pages
    ITEM = "item"  # one item: what you get, its questions (in pages), Next
    CONFIRM = "confirm"  # the real first page from an unsigned draft, her answers: confirm or edit
    PRINTING = "printing"
    DONE = "done"  # take your paper, where to go next
    RATING = "rating"  # 好差评, skippable
    CARD_LEFT = "card_left"  # 请取走您的身份证, until the card is lifted
    TIMED_OUT = "timed_out"  # 已超时退出，信息已清除 (a few seconds)
    ERROR = "error"  # a message and a way back


LOCALES = ("zh_CN", "en_US")
TEXT_SCALES = (1.0, 1.3, 1.6)


@dataclass(frozen=True)
class Message:
    """What the resident is told now: Chinese first, English below."""

    zh: str = ""
    en: str = ""

    def text(self, locale: str) -> str:
        """The words in one locale (zh_CN or en_US)."""
        return self.en if locale == "en_US" else self.zh

    def other(self, locale: str) -> str:
        """The words in the other locale (shown smaller, below)."""
        return self.zh if locale == "en_US" else self.en

    def __bool__(self) -> bool:
        return bool(self.zh or self.en)


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
    pages: int = 1


@dataclass(frozen=True)
class Draft:
    """What she is asked to confirm: the first page of an unsigned draft, and her answers."""

    preview: Preview | None
    answers: tuple[tuple[str, str], ...]  # (question, answer as printed)
    copies: int
    pages: int = 1


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
    locale: str = "zh_CN"  # the language she chose (ui.locale until she changes it)
    text_scale: float = 1.0  # 大字: 1.0, 1.3 or 1.6
    draft: Draft | None = None  # on CONFIRM
    missing: tuple[str, ...] = ()  # ids of required questions still unanswered
    asking_exit: bool = False  # 确定退出吗？ over the screen
    staff_called: bool = False  # 已通知工作人员
    rating_level: int | None = None  # the low level she chose, asking why
    reminders: int = 0  # CARD_LEFT: how many times she has been reminded (a tone each time)
