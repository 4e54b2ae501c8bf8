"""How a visit ends: done, 好差评 rating, 请取走您的身份证, time running out, 确定退出吗？.

A mixin of KioskSession (kiosk.session.machine), kept apart because ending well is its own job:
the card may still lie on the reader, she may want more time, she may walk away mid-print.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from kiosk import messages
from kiosk.view import SessionView, Step
from printer.base import JobState

if TYPE_CHECKING:
    from collections.abc import Callable

    from kiosk.backend import IssueRequest, SessionBackend
    from kiosk.jobs import Jobs
    from kiosk.residents import ResidentRecord
    from kiosk.timing import Timer
    from kiosk.view import Message

log = logging.getLogger(__name__)

TIMED_OUT_SECONDS = 5.0
REMIND_SECONDS = 10.0
RATING_SECONDS = 30.0


class Ending:
    """The end of a visit; see KioskSession for the state it shares."""

    # shared with KioskSession (set in its __init__)
    _backend: SessionBackend
    _jobs: Jobs
    _clock: Callable[[], datetime]
    _view: SessionView
    _resident: ResidentRecord | None
    _card_type: str
    _card_present: bool
    _started: datetime | None
    _issued_count: int
    _end_after_print: bool
    _generation: int
    _pending: IssueRequest | None
    _warn: Timer
    _tick: Timer
    _result: Timer
    _remind: Timer
    warn_seconds: int
    result_timeout: float
    default_locale: str

    def _set(self, view: SessionView) -> None: ...
    def _go(self, step: Step, message: Message) -> None: ...
    def _tell(self, message: Message) -> None: ...
    def touch(self) -> None: ...

    def _emit_ended(self, reason: str) -> None: ...

    # --- from the reader -----------------------------------------------------------------
    def card_removed(self) -> None:
        """The card left the reader. Mid-print: the print finishes first. On the done screen:
        she goes on to the rating. Taking the card away is her way out everywhere else."""
        self._card_present = False
        step = self._view.step
        if step == Step.PRINTING:
            self._end_after_print = True
        elif step == Step.DONE:
            self._wipe_resident()
        elif step in (Step.CARD_LEFT, Step.ERROR) and self._resident is None:
            self._to_attract()
        elif step in (Step.RATING, Step.TIMED_OUT):
            pass  # no personal data left on these; they end on their own
        elif step != Step.WAITING:
            self.end("card_removed")

    # --- the end of a good print ---------------------------------------------------------
    def _on_printed(self) -> None:
        issued = self._view.issued
        done = messages.DONE_REVIEW if issued is not None and issued.staff_review else messages.DONE
        self._set(replace(self._view, item=None, job=JobState.DONE, draft=None))
        if self._end_after_print:
            self._wipe_resident()  # her paper is in the tray; her particulars are gone
        self._go(Step.DONE, done)

    def finish(self) -> None:
        """完成 on the done screen (or its time ran out): on to the rating."""
        if self._view.step == Step.DONE:
            self._wipe_resident()
            self._go(Step.RATING, messages.RATING)

    # --- 好差评 ------------------------------------------------------------------------------
    def rate(self, level: int) -> None:
        """One of the five levels; the two lowest ask why before it is stored."""
        self.touch()
        if self._view.step != Step.RATING:
            return
        if level <= 2 and self._view.rating_level is None:
            self._set(replace(self._view, rating_level=level))
            self._tell(messages.RATING_REASONS)
            return
        self._store_rating(level, ())

    def rate_reasons(self, reasons: tuple[str, ...]) -> None:
        """Why she was not satisfied (after a low level)."""
        level = self._view.rating_level
        if self._view.step == Step.RATING and level is not None:
            self._store_rating(level, reasons)

    def skip_rating(self) -> None:
        """跳过: no rating."""
        if self._view.step == Step.RATING:
            self.end("done")

    def _store_rating(self, level: int, reasons: tuple[str, ...]) -> None:
        issued = self._view.issued
        item_id = self._rated_item
        serial = issued.serial if issued is not None else None
        if item_id:
            self._jobs.submit(
                lambda: self._backend.rate(item_id, serial, level, reasons),
                lambda _none: None,
                lambda exc: log.error("rating not stored: %s", type(exc).__name__),
            )
        self.end("done", messages.THANKS)

    @property
    def _rated_item(self) -> str:
        request = self._pending
        return request.item.id if request is not None else ""

    # --- 确定退出吗？ -----------------------------------------------------------------------
    def request_exit(self) -> None:
        """退出: ask first (an accidental touch must not throw her out)."""
        self.touch()
        if self._view.step in (Step.MENU, Step.ITEM, Step.CONFIRM, Step.ERROR):
            self._set(replace(self._view, asking_exit=True))
            self._tell(messages.EXIT_ASK)

    def answer_exit(self, leave: bool) -> None:
        """是，退出 / 不，继续办理."""
        self.touch()
        if not self._view.asking_exit:
            return
        self._set(replace(self._view, asking_exit=False))
        if leave:
            self.end("cancel")
        else:
            self._tell(messages.MENU if self._view.step == Step.MENU else messages.ITEM)

    # --- time she controls ---------------------------------------------------------------
    def more_time(self) -> None:
        """我还需要时间: the countdown goes away and the idle time starts again."""
        self.touch()

    def _on_warn(self) -> None:
        if self._view.step in (Step.MENU, Step.ITEM, Step.CONFIRM, Step.ERROR):
            self._set(replace(self._view, countdown=self.warn_seconds))
            self._tick.start(1.0)

    def _on_tick(self) -> None:
        left = (self._view.countdown or 1) - 1
        if left <= 0:
            log.info("session timed out at %s", self._view.step)
            self.end("timeout")
            return
        self._set(replace(self._view, countdown=left))
        self._tick.start(1.0)

    def _result_seconds(self) -> float:
        step = self._view.step
        if step == Step.TIMED_OUT:
            return TIMED_OUT_SECONDS
        return RATING_SECONDS if step == Step.RATING else self.result_timeout

    def _on_result_timeout(self) -> None:
        step = self._view.step
        if step == Step.DONE:
            self.finish()
        elif step == Step.RATING:
            self.end("done")
        elif step == Step.TIMED_OUT:
            self._after_visit()

    # --- 请取走您的身份证 ------------------------------------------------------------------
    def _on_remind(self) -> None:
        if self._view.step == Step.CARD_LEFT:
            self._set(replace(self._view, reminders=self._view.reminders + 1))
            self._remind.start(REMIND_SECONDS)

    # --- ending --------------------------------------------------------------------------
    def end(self, reason: str, message: Message | None = None) -> None:
        """Finish the visit: wipe her data; then 已超时 (timeout), 请取走您的身份证 (card still
        on the reader) or the attract screen."""
        if self._resident is not None:
            log.info("session end (%s) for %s", reason, self._resident.masked_id)
        self._log_session(reason)
        self._wipe()
        self._emit_ended(reason)
        if reason == "timeout":
            self._go(Step.TIMED_OUT, messages.TIMED_OUT)
        else:
            self._after_visit(message)

    def _after_visit(self, message: Message | None = None) -> None:
        if self._card_present:
            self._set(replace(self._view, reminders=0))
            self._go(Step.CARD_LEFT, messages.CARD_LEFT)
            self._remind.start(REMIND_SECONDS)
        else:
            self._to_attract(message)

    def _to_attract(self, message: Message | None = None) -> None:
        self._remind.stop()
        self._set(
            replace(
                self._view,
                locale=self.default_locale,
                text_scale=1.0,
                staff_called=False,
                reminders=0,
            )
        )
        self._go(Step.WAITING, message or messages.WAITING)

    def _log_session(self, reason: str) -> None:
        started, issued = self._started, self._issued_count
        if started is None:
            return
        ended = self._clock()
        self._jobs.submit(
            lambda: self._backend.log_session(started, ended, reason, issued),
            lambda _none: None,
            lambda exc: log.warning("session not logged: %s", type(exc).__name__),
        )

    def _wipe_resident(self) -> None:
        """Her particulars go; what the done and rating screens need (serial, item) stays."""
        self._resident = None
        self._set(
            replace(self._view, resident=None, availability=MappingProxyType({}), preview=None)
        )

    def _wipe(self) -> None:
        self._generation += 1
        self._resident = None
        self._pending = None
        self._started = None
        self._issued_count = 0
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
                draft=None,
                missing=(),
                asking_exit=False,
                rating_level=None,
            )
        )
