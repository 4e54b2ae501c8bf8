"""The resident's session as a state machine: card -> resident -> item -> confirm -> print ->
done -> rating -> take your card.

A QObject with no widgets. It emits one frozen SessionView per change (`view_changed`); the window
renders the view and sends intents back. Slow work (lookup, the draft, issuing, printing, calls
and ratings) goes to the injected Jobs worker, so the UI thread never waits; timers and the clock
are injected too, so the machine is testable without seconds. The worker's answers are in
`kiosk.session.results`; the end of a visit (done, rating, card left behind, time out, exit) is
in `kiosk.session.ending`.

Privacy: everything about the resident is dropped when the session ends (card removed, timeout,
completion) — only the issuance records stay, in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from card_reader.base import CardReaderError, Identity, ReaderState
from kiosk import messages
from kiosk.backend import IssueRequest, Outcome, SessionBackend, issue_and_print
from kiosk.devices import printer_role
from kiosk.errors import KioskError
from kiosk.jobs import Jobs
from kiosk.session.results import Results
from kiosk.timing import TimerFactory
from kiosk.view import (
    TEXT_SCALES,
    Availability,
    IssuedSummary,
    Message,
    Preview,
    SessionView,
    Step,
)
from printer.base import JobState, PrinterStatus

if TYPE_CHECKING:
    from kiosk.catalog import Catalog, CatalogItem
    from kiosk.residents import ResidentRecord

log = logging.getLogger(__name__)

# the steps where she is in charge: idle time counts only here
ACTIVE_STEPS = (Step.MENU, Step.ITEM, Step.CONFIRM, Step.ERROR)
# a card placed while one of these shows belongs to the visit in progress: ignored
BUSY_STEPS = (Step.PRINTING, Step.MENU, Step.ITEM, Step.CONFIRM, Step.DONE, Step.RATING)


class KioskSession(Results, QObject):
    """The flow of one resident at a time."""

    view_changed = Signal(object)  # SessionView
    session_ended = Signal(str)  # reason: card_removed | timeout | done | cancel
    staff_card = Signal(str)  # a staff member's card at the attract screen: their name

    def __init__(
        self,
        *,
        backend: SessionBackend,
        jobs: Jobs,
        timers: TimerFactory,
        idle_timeout: float = 60.0,
        warn_seconds: int = 30,
        result_timeout: float = 20.0,
        locale: str = "zh_CN",
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        QObject.__init__(self)
        self._backend = backend
        self._jobs = jobs
        self._clock = clock
        self.idle_timeout = idle_timeout
        self.warn_seconds = warn_seconds
        self.result_timeout = result_timeout
        self.default_locale = locale
        self._view = SessionView(locale=locale)
        self._catalog: Catalog | None = None
        self._resident: ResidentRecord | None = None
        self._card_type = "resident"
        self._card_present = False
        self._started: datetime | None = None
        self._issued_count = 0
        self._end_after_print = False
        self._pending: IssueRequest | None = None
        self._generation = 0  # bumped at every wipe: late answers for an ended session are dropped
        self._warn = timers(self._on_warn)
        self._tick = timers(self._on_tick)
        self._result = timers(self._on_result_timeout)
        self._remind = timers(self._on_remind)

    # --- what the window reads -----------------------------------------------------------
    @property
    def view(self) -> SessionView:
        """The current view (the last one emitted)."""
        return self._view

    @property
    def step(self) -> Step:
        """The current step."""
        return self._view.step

    # --- from the composition root -------------------------------------------------------
    def ready(self, catalog: Catalog) -> None:
        """Start-up preparation finished (or the catalogue was reloaded): cards are served."""
        self._catalog = catalog
        self._set(replace(self._view, ready=True, out_of_service=None, catalog=catalog))
        if self._resident is not None:
            self._set(replace(self._view, availability=self._availability()))

    def out_of_service(self, message: Message) -> None:
        """The kiosk cannot serve (preparation failed, database lost): say so at attract, and
        to a resident in the middle of her visit."""
        self._set(replace(self._view, out_of_service=message))
        if self._resident is not None and self.step in (Step.MENU, Step.ITEM, Step.CONFIRM):
            self._tell(message)

    def printer_changed(self, role: str, status: PrinterStatus) -> None:
        """A printer's status changed (from the monitor, delivered on the UI thread)."""
        printers = self._view.printers
        printers = (
            replace(printers, slip=status) if role == "slip" else replace(printers, a4=status)
        )
        self._set(replace(self._view, printers=printers))
        if self._resident is not None:
            self._set(replace(self._view, availability=self._availability()))

    # --- from the card reader ------------------------------------------------------------
    def reader_changed(self, state: ReaderState) -> None:
        """The reader's state, shown at attract."""
        self._set(replace(self._view, reader=state))

    def card_read(self, identity: Identity) -> None:
        """A card was read and checked: find the resident (on the worker) and open the menu."""
        self._card_present = True
        if self.step in BUSY_STEPS:
            log.info("card read during %s ignored", self.step)
            return
        self._wipe()
        self._card_type = identity.card_type.value
        masked = identity.masked_id
        generation = self._generation
        self._go(Step.READING, messages.READING)
        number = identity.id_number

        def find() -> ResidentRecord | str | None:
            staff = self._backend.staff_for_card(number)  # a staff card opens maintenance
            return staff if staff is not None else self._backend.lookup(number)

        self._jobs.submit(
            find,
            lambda found: self._on_card(generation, masked, found),
            lambda exc: self._on_lookup_failed(generation, masked, exc),
        )

    def read_failed(self, error: CardReaderError) -> None:
        """The reader refused the card (expired, unreadable, ...): say why."""
        self._card_present = True  # a refused card still lies on the reader
        if self.step in BUSY_STEPS:
            return
        self._wipe()
        self._error(Message(*error.resident_message))

    # --- from the screen -----------------------------------------------------------------
    def availability(self, item: CatalogItem) -> Availability:
        """Can the current resident start this item now? Eligibility first, then the printer."""
        if self._resident is None:
            return Availability(False, "请先放置身份证")
        verdict = item.check_eligibility(self._resident, self._clock().date(), self._card_type)
        if not verdict.eligible:
            return Availability(False, verdict.reason)
        status = self._view.printers.of(printer_role(item))
        if not status.can_print:
            return Availability(False, status.resident_message[0], printer_problem=True)
        return Availability(True)

    def choose_item(self, item_id: str) -> bool:
        """Open an item if it is available; otherwise tell the resident why and stay."""
        self.touch()
        if self.step not in (Step.MENU, Step.ITEM) or self._catalog is None:
            return False
        item = self._catalog.item(item_id)
        verdict = self.availability(item)
        if not verdict.ok:
            self._tell(messages.unavailable(verdict.reason))
            return False
        self._set(replace(self._view, item=item, missing=(), draft=None))
        self._go(Step.ITEM, messages.ITEM)
        if _asks_nothing(item):  # nothing to answer or choose: straight to the page to confirm
            return self.submit({})
        return True

    def submit(self, inputs: Mapping[str, str | None] | None = None, copies: int = 1) -> bool:
        """Her answers are in: check them and show the draft to confirm (nothing is recorded).
        False, with the unanswered questions named and marked, if any is still missing."""
        self.touch()
        item, resident = self._view.item, self._resident
        if self.step != Step.ITEM or item is None or resident is None:
            return False
        given = dict(inputs or {})
        missing = tuple(s.id for s in item.inputs if s.required and not (given.get(s.id) or ""))
        if missing:
            first = item.input(missing[0])
            self._set(replace(self._view, missing=missing))
            self._tell(messages.missing(first.label_zh, first.label_en))
            return False
        try:
            answered = {key: value for key, value in given.items() if value is not None}
            clean = item.validate_inputs(answered, self._today())
        except KioskError as exc:
            self._tell(Message(*exc.resident_message))
            return False
        verdict = self.availability(item)
        if not verdict.ok:
            self._tell(messages.unavailable(verdict.reason))
            return False
        request = IssueRequest(resident, item, clean, copies, self._card_type)
        generation = self._generation
        self._pending = request
        self._set(replace(self._view, missing=(), draft=None))
        self._go(Step.CONFIRM, messages.DRAFTING)
        self._jobs.submit(
            lambda: self._backend.draft(request),
            lambda draft: self._on_draft(generation, draft),
            lambda exc: self._on_draft_failed(generation, exc),
        )
        return True

    def edit(self) -> None:
        """返回修改: back to her item with her answers as she left them (to the menu for an
        item that asks nothing)."""
        self.touch()
        if self.step != Step.CONFIRM:
            return
        item = self._view.item
        if item is not None and _asks_nothing(item):  # it had no screen of its own
            self._set(replace(self._view, draft=None, item=None))
            self._go(Step.MENU, messages.MENU)
        else:
            self._set(replace(self._view, draft=None))
            self._go(Step.ITEM, messages.ITEM)

    def confirm(self) -> bool:
        """确认打印: record, render, sign and print on the worker."""
        self.touch()
        request = self._pending
        if self.step != Step.CONFIRM or self._view.draft is None or request is None:
            return False
        self._end_after_print = False
        generation = self._generation

        def issued(summary: IssuedSummary, preview: Preview | None) -> None:
            self._jobs.post(lambda: self._on_issued(generation, summary, preview))

        def progress(state: JobState) -> None:
            self._jobs.post(lambda: self._on_progress(generation, state))

        self._set(replace(self._view, job=JobState.QUEUED))
        self._go(Step.PRINTING, messages.PRINTING)
        self._jobs.submit(
            lambda: issue_and_print(self._backend, request, issued, progress),
            lambda outcome: self._on_outcome(generation, outcome),
            lambda exc: self._on_outcome(generation, Outcome(None, exc)),
        )
        return True

    def back(self) -> None:
        """One step back: item -> menu; confirm -> item; error -> menu or start."""
        self.touch()
        if self.step == Step.ITEM:
            self._set(replace(self._view, item=None, missing=()))
            self._go(Step.MENU, messages.MENU)
        elif self.step == Step.CONFIRM:
            self.edit()
        elif self.step == Step.ERROR:
            if self._resident is not None:
                self._go(Step.MENU, messages.MENU)
            else:
                self.end("cancel")

    def set_locale(self, locale: str) -> None:
        """中文 / English for the rest of her visit (back to ui.locale when it ends)."""
        self.touch()
        self._set(replace(self._view, locale=locale))

    def next_text_scale(self) -> None:
        """大字: 1.0 -> 1.3 -> 1.6 -> 1.0, for the rest of her visit."""
        self.touch()
        scales = TEXT_SCALES
        current = self._view.text_scale
        nxt = scales[(scales.index(current) + 1) % len(scales)] if current in scales else scales[0]
        self._set(replace(self._view, text_scale=nxt))

    def call_staff(self) -> None:
        """呼叫工作人员: record the call (terminal, time, screen); her visit goes on."""
        self.touch()
        screen = self.step.value
        self._set(replace(self._view, staff_called=True))
        self._tell(messages.STAFF_CALLED)
        self._jobs.submit(
            lambda: self._backend.call_staff(screen),
            lambda _none: None,
            lambda exc: self._on_call_failed(exc),
        )

    def shutdown(self) -> None:
        """The kiosk is stopping: no timer of this session fires again."""
        for timer in (self._warn, self._tick, self._result, self._remind):
            timer.close()

    def touch(self) -> None:
        """She did something: restart the idle countdown (and take back a warning)."""
        self._tick.stop()
        if self._view.countdown is not None:
            self._set(replace(self._view, countdown=None))
        if self.step in ACTIVE_STEPS and (self.step != Step.ERROR or self._resident is not None):
            self._result.stop()
            self._warn.start(self.idle_timeout)
        elif self.step in (Step.DONE, Step.RATING, Step.TIMED_OUT):
            self._warn.stop()
            self._result.start(self._result_seconds())
        else:
            self._warn.stop()
            self._result.stop()

    # --- helpers -------------------------------------------------------------------------
    def _today(self) -> date:
        return self._clock().date()

    def _emit_ended(self, reason: str) -> None:
        self.session_ended.emit(reason)

    def _availability(self) -> Mapping[str, Availability]:
        if self._catalog is None:
            return MappingProxyType({})
        return MappingProxyType({i.id: self.availability(i) for i in self._catalog.items})

    def _error(self, message: Message) -> None:
        self._go(Step.ERROR, message)

    def _tell(self, message: Message) -> None:
        self._set(replace(self._view, message=message))

    def _go(self, step: Step, message: Message) -> None:
        self._set(replace(self._view, step=step, message=message, countdown=None))
        self.touch()

    def _set(self, view: SessionView) -> None:
        self._view = view
        self.view_changed.emit(view)


def _asks_nothing(item: CatalogItem) -> bool:
    """No question and one copy only: the item screen would have nothing for her to do."""
    return not item.inputs and item.max_copies == 1
