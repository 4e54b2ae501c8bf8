"""What the worker's answers do to the visit: the resident found (or not), the draft ready, the
paper recorded, printed or failed, the staff call lost.

A mixin of KioskSession (kiosk.session.machine). Every answer carries the session generation it
was asked for; an answer for a visit that has already ended is dropped.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from civic.errors import BilingualError
from kiosk import messages
from kiosk.errors import KioskError, ResidentNotFoundError, resident_message
from kiosk.session.ending import Ending
from kiosk.view import Message, ResidentSummary, Step
from printer.base import JobState

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from PySide6.QtCore import SignalInstance

    from kiosk.backend import Outcome
    from kiosk.catalog import Catalog
    from kiosk.residents import ResidentRecord
    from kiosk.view import Availability, Draft, IssuedSummary, Preview

log = logging.getLogger(__name__)


class Results(Ending):
    """The worker's answers, on the UI thread; see KioskSession for the state it shares."""

    _catalog: Catalog | None
    staff_card: SignalInstance

    def _error(self, message: Message) -> None: ...

    _availability: Callable[[], Mapping[str, Availability]]  # KioskSession's method

    def _on_card(self, generation: int, masked: str, found: ResidentRecord | str | None) -> None:
        if isinstance(found, str):
            if generation == self._generation and self._view.step == Step.READING:
                log.info("staff card %s at the attract screen", masked)
                self._go(Step.WAITING, messages.WAITING)
                self.staff_card.emit(found)
            return
        self._on_resident(generation, masked, found)

    def _on_resident(self, generation: int, masked: str, found: ResidentRecord | None) -> None:
        if generation != self._generation or self._view.step != Step.READING:
            return  # the card left while we looked
        if found is None:
            log.info("no resident record for %s", masked)
            self._error(Message(*ResidentNotFoundError().resident_message))
            return
        if self._catalog is None:
            self._error(Message(*KioskError().resident_message))
            return
        self._resident = found
        self._started = self._clock()
        log.info("session start for %s", found.masked_id)
        availability = self._availability()
        self._set(
            replace(self._view, resident=ResidentSummary.of(found), availability=availability)
        )
        self._go(Step.MENU, messages.MENU)

    def _on_lookup_failed(self, generation: int, masked: str, exc: Exception) -> None:
        if generation != self._generation or self._view.step != Step.READING:
            return
        if isinstance(exc, BilingualError):
            log.error("resident lookup failed for %s: %s", masked, exc.detail)
        else:
            log.error("resident lookup failed for %s", masked, exc_info=exc)
        self._error(Message(*resident_message(exc)))

    def _on_draft(self, generation: int, draft: Draft) -> None:
        if generation == self._generation and self._view.step == Step.CONFIRM:
            self._set(replace(self._view, draft=draft))
            self._tell(messages.CONFIRM)

    def _on_draft_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation or self._view.step != Step.CONFIRM:
            return
        if not isinstance(exc, BilingualError):
            log.error("draft failed", exc_info=exc)
        self._error(Message(*resident_message(exc)))

    def _on_issued(self, generation: int, issued: IssuedSummary, preview: Preview | None) -> None:
        if generation == self._generation:
            self._issued_count += 1
            self._set(replace(self._view, issued=issued, preview=preview))

    def _on_progress(self, generation: int, state: JobState) -> None:
        if generation == self._generation and self._view.step == Step.PRINTING:
            self._set(replace(self._view, job=state))

    def _on_outcome(self, generation: int, outcome: Outcome) -> None:
        if generation != self._generation:
            return
        if outcome.issued is not None:
            self._set(replace(self._view, issued=outcome.issued))
        if outcome.error is None:
            self._on_printed()
        else:
            self._on_failed(outcome.error)

    def _on_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, BilingualError):
            log.error("issuing failed", exc_info=exc)
        zh, en = resident_message(exc)
        if self._view.issued is not None:  # recorded: staff can reprint it (serial on screen)
            zh, en = (
                f"{zh}。{messages.SAVED_FOR_REPRINT.zh}",
                f"{en}. {messages.SAVED_FOR_REPRINT.en}",
            )
        if self._end_after_print:
            # the card is gone but she may still be here: say what happened (serial only, no
            # personal data on screen) and drop everything else now
            issued = self._view.issued
            self._wipe()
            self._set(replace(self._view, issued=issued))
        self._set(replace(self._view, job=JobState.FAILED))
        self._error(Message(zh, en))

    def _on_call_failed(self, exc: Exception) -> None:
        log.error("staff call not recorded: %s", type(exc).__name__)
        self._set(replace(self._view, staff_called=False))
        self._tell(messages.STAFF_CALL_FAILED)
