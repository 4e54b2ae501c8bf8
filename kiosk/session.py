"""The resident's session as a state machine: card -> resident -> item -> document -> printer.

A QObject with no widgets. It emits one frozen SessionView per change (`view_changed`); the window
renders the view and sends intents back (choose_item, submit, back, end, touch). Slow work (the
resident lookup, issuing, rendering, printing) goes to the injected Jobs worker, so the UI thread
never waits; timers and the clock are injected too, so the machine is testable without seconds.

Privacy: everything about the resident is dropped when the session ends (card removed, timeout,
completion) — only the issuance records stay, in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from card_reader.base import CardReaderError, Identity, ReaderState
from civic.errors import BilingualError
from kiosk.backend import IssueRequest, Outcome, SessionBackend, issue_and_print
from kiosk.devices import printer_role
from kiosk.errors import KioskError, ResidentNotFoundError, resident_message
from kiosk.jobs import Jobs
from kiosk.messages import ITEM_MESSAGE, MENU_MESSAGE, PRINTING_MESSAGE, TIMEOUT_MESSAGE
from kiosk.timing import TimerFactory
from kiosk.view import (
    Availability,
    IssuedSummary,
    Message,
    Preview,
    ResidentSummary,
    SessionView,
    Step,
)
from printer.base import JobState, PrinterStatus

if TYPE_CHECKING:
    from kiosk.catalog import Catalog, CatalogItem
    from kiosk.residents import ResidentRecord

log = logging.getLogger(__name__)

__all__ = ["KioskSession", "SessionBackend", "Step"]


# the steps a resident works in: idle time counts only here
ACTIVE_STEPS = (Step.MENU, Step.ITEM, Step.ERROR)


class KioskSession(QObject):
    """The flow of one resident at a time."""

    view_changed = Signal(object)  # SessionView
    session_ended = Signal(str)  # reason: card_removed | timeout | done | cancel

    def __init__(
        self,
        *,
        backend: SessionBackend,
        jobs: Jobs,
        timers: TimerFactory,
        idle_timeout: float = 90.0,
        result_timeout: float = 20.0,
        warn_seconds: int = 15,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self._backend = backend
        self._jobs = jobs
        self._clock = clock
        self.idle_timeout = idle_timeout
        self.result_timeout = result_timeout
        # a slow reader gets a warning (and a countdown) before the session ends under her
        self.warn_seconds = max(1, min(warn_seconds, int(idle_timeout // 3)))
        self._view = SessionView()
        self._catalog: Catalog | None = None
        self._resident: ResidentRecord | None = None
        self._card_type = "resident"
        self._end_after_print = False
        self._generation = 0  # bumped at every wipe: late answers for an ended session are dropped
        self._warn = timers(self._on_warn)
        self._tick = timers(self._on_tick)
        self._result = timers(lambda: self.end("done"))

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
        """The kiosk cannot serve (preparation failed, database lost): say so at attract."""
        self._set(replace(self._view, out_of_service=message))

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
        if self.step in (Step.PRINTING, Step.MENU, Step.ITEM):
            log.info("card read during %s ignored", self.step)
            return
        self._wipe()
        self._card_type = identity.card_type.value
        masked = identity.masked_id
        generation = self._generation
        self._go(Step.READING, Message())
        self._jobs.submit(
            lambda: self._backend.lookup(identity.id_number),
            lambda found: self._on_resident(generation, masked, found),
            lambda exc: self._on_lookup_failed(generation, masked, exc),
        )

    def read_failed(self, error: CardReaderError) -> None:
        """The reader refused the card (expired, unreadable, ...): say why."""
        if self.step in (Step.PRINTING, Step.MENU, Step.ITEM):
            return
        self._wipe()
        self._error(Message(*error.resident_message))

    def card_removed(self) -> None:
        """The card left the reader: the session ends (after a running print job)."""
        if self.step == Step.PRINTING:
            self._end_after_print = True
        elif self.step != Step.WAITING:
            self.end("card_removed")

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
            self._tell(Message(f"暂不能办理：{verdict.reason}", f"Not available: {verdict.reason}"))
            return False
        self._set(replace(self._view, item=item))
        self._go(Step.ITEM, ITEM_MESSAGE)
        return True

    def submit(self, inputs: Mapping[str, str] | None = None, copies: int = 1) -> bool:
        """Issue and print the open item on the worker; False (with a notice) if it cannot."""
        self.touch()
        item, resident = self._view.item, self._resident
        if self.step != Step.ITEM or item is None or resident is None:
            return False
        try:
            clean = item.validate_inputs(inputs or {}, self._clock().date())
        except KioskError as exc:
            self._tell(Message(*exc.resident_message))
            return False
        verdict = self.availability(item)
        if not verdict.ok:
            self._tell(Message(f"暂不能办理：{verdict.reason}", f"Not available: {verdict.reason}"))
            return False
        self._end_after_print = False
        generation, card_type = self._generation, self._card_type
        self._set(replace(self._view, job=JobState.QUEUED))
        self._go(Step.PRINTING, PRINTING_MESSAGE)
        request = IssueRequest(resident, item, clean, copies, card_type)

        def issued(summary: IssuedSummary, preview: Preview | None) -> None:
            self._jobs.post(lambda: self._on_issued(generation, summary, preview))

        def progress(state: JobState) -> None:
            self._jobs.post(lambda: self._on_progress(generation, state))

        self._jobs.submit(
            lambda: issue_and_print(self._backend, request, issued, progress),
            lambda outcome: self._on_outcome(generation, outcome),
            lambda exc: self._on_outcome(generation, Outcome(None, exc)),
        )
        return True

    def back(self) -> None:
        """One step back: item -> menu -> end of session; error -> menu or start."""
        self.touch()
        if self.step == Step.ITEM:
            self._set(replace(self._view, item=None))
            self._go(Step.MENU, Message("请选择要办理的事项", "Please choose a service."))
        elif self.step in (Step.MENU, Step.DONE):
            self.end("done" if self.step == Step.DONE else "cancel")
        elif self.step == Step.ERROR:
            if self._resident is not None:
                self._go(Step.MENU, MENU_MESSAGE)
            else:
                self.end("cancel")

    def touch(self) -> None:
        """The resident did something: restart the idle countdown (and take back a warning)."""
        self._tick.stop()
        if self._view.countdown is not None:
            self._set(replace(self._view, countdown=None))
        if self.step in ACTIVE_STEPS:
            self._result.stop()
            self._warn.start(self.idle_timeout - self.warn_seconds)
        elif self.step == Step.DONE:
            self._warn.stop()
            self._result.start(self.result_timeout)
        else:
            self._warn.stop()
            self._result.stop()

    def end(self, reason: str, message: Message | None = None) -> None:
        """Finish the session: wipe the resident's data and wait for the next card."""
        if self._resident is not None:
            log.info("session end (%s) for %s", reason, self._resident.masked_id)
        self._wipe()
        self._go(Step.WAITING, message or Message())
        self.session_ended.emit(reason)

    # --- worker side ---------------------------------------------------------------------
    # --- results, on the UI thread -------------------------------------------------------
    def _on_resident(self, generation: int, masked: str, found: ResidentRecord | None) -> None:
        if generation != self._generation or self.step != Step.READING:
            return  # the card left while we looked
        if found is None:
            log.info("no resident record for %s", masked)
            self._error(Message(*ResidentNotFoundError().resident_message))
            return
        if self._catalog is None:
            self._error(Message(*KioskError().resident_message))
            return
        self._resident = found
        log.info("session start for %s", found.masked_id)
        self._set(
            replace(
                self._view, resident=ResidentSummary.of(found), availability=self._availability()
            )
        )
        self._go(Step.MENU, MENU_MESSAGE)

    def _on_lookup_failed(self, generation: int, masked: str, exc: Exception) -> None:
        if generation != self._generation or self.step != Step.READING:
            return
        if isinstance(exc, BilingualError):
            log.error("resident lookup failed for %s: %s", masked, exc.detail)
        else:
            log.error("resident lookup failed for %s", masked, exc_info=exc)
        self._error(Message(*resident_message(exc)))

    def _on_issued(self, generation: int, issued: IssuedSummary, preview: Preview | None) -> None:
        if generation == self._generation:
            self._set(replace(self._view, issued=issued, preview=preview))

    def _on_progress(self, generation: int, state: JobState) -> None:
        if generation == self._generation and self.step == Step.PRINTING:
            self._set(replace(self._view, job=state))

    def _on_outcome(self, generation: int, outcome: Outcome) -> None:
        if generation != self._generation:
            return
        if outcome.issued is not None:
            self._set(replace(self._view, issued=outcome.issued))
        if outcome.error is None:
            self._on_printed()
        else:
            self._on_failed(outcome.error, outcome.issued)

    def _on_printed(self) -> None:
        if self._end_after_print:
            self.end("card_removed")
            return
        issued = self._view.issued
        zh = "打印完成，请取走您的材料和身份证"
        if issued is not None and issued.staff_review:
            zh = "打印完成，请取走材料，交给窗口工作人员审核"
        self._set(replace(self._view, item=None, job=JobState.DONE))
        self._go(Step.DONE, Message(zh, "Done. Please take your papers and your ID card."))

    def _on_failed(self, exc: BaseException, issued: IssuedSummary | None) -> None:
        if not isinstance(exc, BilingualError):
            log.error("issuing failed", exc_info=exc)
        zh, en = resident_message(exc)
        if issued is not None:
            zh = f"{zh}。您的证明已保存（编号 {issued.serial}），工作人员可为您补打"
            en = f"{en} Your document is saved (serial {issued.serial}); staff can reprint it."
        if self._end_after_print:
            # the card is gone but the resident may still be here: say what happened (serial
            # only, no personal data on screen) and drop everything else now
            self._wipe()
        self._set(replace(self._view, job=JobState.FAILED))
        self._error(Message(zh, en))

    # --- timers --------------------------------------------------------------------------
    def _on_warn(self) -> None:
        if self.step in ACTIVE_STEPS:
            self._set(replace(self._view, countdown=self.warn_seconds))
            self._tick.start(1.0)

    def _on_tick(self) -> None:
        left = (self._view.countdown or 1) - 1
        if left <= 0:
            log.info("session timed out at %s", self.step)
            self.end("timeout", TIMEOUT_MESSAGE)
            return
        self._set(replace(self._view, countdown=left))
        self._tick.start(1.0)

    # --- helpers -------------------------------------------------------------------------
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

    def _wipe(self) -> None:
        self._generation += 1
        self._resident = None
        self._card_type = "resident"
        self._end_after_print = False
        self._set(
            replace(
                self._view,
                resident=None,
                availability=MappingProxyType({}),
                item=None,
                issued=None,
                preview=None,
                job=None,
                countdown=None,
            )
        )
