"""The resident's session as a state machine: card -> resident -> item -> document -> printer.

A QObject with a signal per step and no widgets: the UI renders its states, tests drive it directly.
Privacy: everything about the resident is dropped when the session ends (card removed, timeout,
completion) — only the issuance records stay, in the database.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from card_reader.base import CardReaderError, Identity
from kiosk.devices import PrinterMonitor
from kiosk.errors import KioskError, ResidentNotFoundError, resident_message
from kiosk.issuing import IssuedDocument, Issuer, printer_role
from kiosk.residents import ResidentRecord
from printer.base import PrinterError, PrinterState, PrinterStatus, PrintJob

log = logging.getLogger(__name__)


class Step(enum.StrEnum):
    """Every state a resident can see."""

    WAITING = "waiting"  # 请将身份证放在读卡区
    READING = "reading"
    MENU = "menu"  # categories and items
    ITEM = "item"  # one item: what you get, questions, print button
    PRINTING = "printing"
    DONE = "done"
    ERROR = "error"  # a message and a way back


@dataclass(frozen=True)
class Availability:
    """Whether an item can be started now, and in plain words why not."""

    ok: bool
    reason: str = ""
    printer_problem: bool = False


Lookup = Callable[[str], ResidentRecord | None]


class KioskSession(QObject):
    """The flow of one resident at a time; emits a signal for everything the screen shows."""

    step_changed = Signal(str)
    resident_changed = Signal(object)  # ResidentRecord | None
    item_changed = Signal(object)  # CatalogItem | None
    notice = Signal(str, str)  # (zh, en): what the resident is told now
    issued = Signal(object)  # IssuedDocument, once recorded (before printing)
    print_progress = Signal(str)  # job state
    finished = Signal(object)  # IssuedDocument, printed
    printers_changed = Signal()
    session_ended = Signal(str)  # reason: card_removed | timeout | done | cancel
    timeout_warning = Signal(int)  # seconds left before the idle session ends

    _work_issued = Signal(object, object)  # IssuedDocument, preview image | None
    _work_done = Signal(object)
    _work_failed = Signal(object, object)  # exception, IssuedDocument | None
    _printer_status = Signal(str, object)

    def __init__(
        self,
        *,
        lookup: Lookup,
        issuer: Issuer,
        catalog: Any,
        printers: Mapping[str, Any],
        monitor: PrinterMonitor | None = None,
        idle_timeout: float = 90.0,
        result_timeout: float = 20.0,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self.lookup = lookup
        self.issuer = issuer
        self.catalog = catalog
        self.printers = dict(printers)
        self.monitor = monitor
        self.clock = clock
        self.idle_timeout_ms = int(idle_timeout * 1000)
        self.result_timeout_ms = int(result_timeout * 1000)
        self.step = Step.WAITING
        self.identity: Identity | None = None
        self.resident: ResidentRecord | None = None
        self.item: Any = None
        self.last_issued: IssuedDocument | None = None
        self.last_preview: Any = None  # a small picture of the first page, for the screen
        self.message: tuple[str, str] = ("", "")
        self._end_after_print = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        # a slow reader gets a warning (and a voice) before the session ends under her
        self.warn_before_ms = min(15_000, self.idle_timeout_ms // 3)
        self._warn_timer = QTimer(self)
        self._warn_timer.setSingleShot(True)
        self._warn_timer.timeout.connect(self._on_warn)
        self._warned_over: tuple[str, str] | None = None
        self._work_issued.connect(self._on_issued)
        self._work_done.connect(self._on_done)
        self._work_failed.connect(self._on_failed)
        self._printer_status.connect(lambda *_: self.printers_changed.emit())

    # --- from the card reader ------------------------------------------------------------
    @Slot(object)
    def card_read(self, identity: Identity) -> None:
        """A card was read and checked: find the resident and open the menu."""
        if self.step in (Step.PRINTING, Step.MENU, Step.ITEM):
            log.info("card read during %s ignored", self.step)
            return
        self._wipe()
        self.identity = identity
        self._go(Step.READING)
        try:
            resident = self.lookup(identity.id_number)
        except KioskError as exc:
            log.error("resident lookup failed for %s: %s", identity.masked_id, exc.detail)
            self._error(exc.resident_message)
            return
        except Exception as exc:  # the database driver's own errors
            log.exception("resident lookup failed for %s", identity.masked_id)
            self._error(resident_message(exc))
            return
        if resident is None:
            log.info("no resident record for %s", identity.masked_id)
            self._error(ResidentNotFoundError().resident_message)
            return
        self.resident = resident
        self.resident_changed.emit(resident)
        log.info("session start for %s", resident.masked_id)
        self._tell(
            "请选择要办理的事项。点上面的类别，可以看到更多事项",
            "Please choose a service. Tap a category above to see more.",
        )
        self._go(Step.MENU)

    @Slot(object)
    def read_failed(self, error: CardReaderError) -> None:
        """The reader refused the card (expired, unreadable, ...): say why."""
        if self.step in (Step.PRINTING, Step.MENU, Step.ITEM):
            return
        self._wipe()
        self._error(error.resident_message)

    @Slot()
    def card_removed(self) -> None:
        """The card left the reader: the session ends (after a running print job)."""
        if self.step == Step.PRINTING:
            self._end_after_print = True
            return
        if self.step == Step.ERROR and self.resident is None:
            self.end("card_removed")
            return
        if self.step != Step.WAITING:
            self.end("card_removed")

    # --- from the screen -----------------------------------------------------------------
    def availability(self, item: Any) -> Availability:
        """Can the current resident start this item now? Eligibility first, then the printer."""
        if self.resident is None:
            return Availability(False, "请先放置身份证")
        card_type = self.identity.card_type.value if self.identity else "resident"
        verdict = item.check_eligibility(self.resident, self.clock().date(), card_type)
        if not verdict.eligible:
            return Availability(False, verdict.reason)
        status = self.printer_status(item)
        if not status.can_print:
            return Availability(False, status.resident_message[0], printer_problem=True)
        return Availability(True)

    def printer_status(self, item: Any) -> PrinterStatus:
        """The last known status of the printer an item needs."""
        if self.monitor is None:
            return PrinterStatus(PrinterState.READY)
        return self.monitor.status(printer_role(item))

    def choose_item(self, item_id: str) -> bool:
        """Open an item if it is available; otherwise tell the resident why and stay."""
        self.touch()
        if self.step not in (Step.MENU, Step.ITEM):
            return False
        item = self.catalog.item(item_id)
        verdict = self.availability(item)
        if not verdict.ok:
            self._tell(f"暂不能办理：{verdict.reason}", f"Not available: {verdict.reason}")
            return False
        self.item = item
        self.item_changed.emit(item)
        self._tell(
            "看清楚后，请按蓝色的“打印”按钮", "When you are ready, press the blue Print button."
        )
        self._go(Step.ITEM)
        return True

    def submit(self, inputs: Mapping[str, str] | None = None, copies: int = 1) -> bool:
        """Issue and print the open item on a worker thread; False (with a notice) if inputs are wrong."""
        self.touch()
        if self.step != Step.ITEM or self.item is None or self.resident is None:
            return False
        try:
            clean = self.item.validate_inputs(inputs or {})
            self.issuer.check(self.resident, self.item, self._card_type())
        except KioskError as exc:
            self._tell(*exc.resident_message)
            return False
        status = self.printer_status(self.item)
        if not status.can_print:
            self._tell(*status.resident_message)
            return False
        self._end_after_print = False
        self._go(Step.PRINTING)
        self._tell("正在打印，请稍候", "Printing, please wait")
        resident, item, card_type = self.resident, self.item, self._card_type()
        worker = threading.Thread(
            target=self._work,
            args=(resident, item, clean, copies, card_type),
            name="issue",
            daemon=True,
        )
        worker.start()
        return True

    def back(self) -> None:
        """One step back: item -> menu -> end of session; error -> start."""
        self.touch()
        if self.step == Step.ITEM:
            self.item = None
            self.item_changed.emit(None)
            self._tell("请选择要办理的事项", "Please choose a service.")
            self._go(Step.MENU)
        elif self.step in (Step.MENU, Step.DONE):
            self.end("done" if self.step == Step.DONE else "cancel")
        elif self.step == Step.ERROR:
            if self.resident is not None:
                self._go(Step.MENU)
            else:
                self.end("cancel")

    def touch(self) -> None:
        """The resident did something: restart the idle countdown (and take back a warning)."""
        if self._warned_over is not None:
            self._tell(*self._warned_over)
            self._warned_over = None
        if self.step in (Step.MENU, Step.ITEM, Step.ERROR):
            self._timer.start(self.idle_timeout_ms)
            self._warn_timer.start(self.idle_timeout_ms - self.warn_before_ms)
        elif self.step == Step.DONE:
            self._timer.start(self.result_timeout_ms)
            self._warn_timer.stop()

    def end(self, reason: str) -> None:
        """Finish the session: wipe the resident's data and wait for the next card."""
        if self.resident is not None:
            log.info("session end (%s) for %s", reason, self.resident.masked_id)
        self._timer.stop()
        self._warn_timer.stop()
        self._warned_over = None
        self._wipe()
        self.message = ("", "")
        self._go(Step.WAITING)
        self.session_ended.emit(reason)

    def on_printer_status(self, role: str, status: PrinterStatus) -> None:
        """PrinterMonitor listener (any thread): refresh what the menu shows."""
        self._printer_status.emit(role, status)

    # --- worker --------------------------------------------------------------------------
    def _work(
        self,
        resident: ResidentRecord,
        item: Any,
        inputs: dict[str, str],
        copies: int,
        card_type: str,
    ) -> None:
        issued: IssuedDocument | None = None
        try:
            issued = self.issuer.issue(resident, item, inputs, copies=copies, card_type=card_type)
            self._work_issued.emit(issued, _preview(issued.pdf))
            printer = self.printers[printer_role(item)]
            self.issuer.print(issued, printer, on_progress=self._progress)
            self._work_done.emit(issued)
        except Exception as exc:
            if not isinstance(exc, KioskError | PrinterError):
                log.exception("issuing %s failed", item.id)
            self._work_failed.emit(exc, issued)

    def _progress(self, job: PrintJob) -> None:
        self.print_progress.emit(job.state.value)

    @Slot(object, object)
    def _on_issued(self, issued: IssuedDocument, preview: Any) -> None:
        self.last_issued = issued
        self.last_preview = preview
        self.issued.emit(issued)

    @Slot(object)
    def _on_done(self, issued: IssuedDocument) -> None:
        self.last_issued = issued
        self.finished.emit(issued)
        if self._end_after_print:
            self.end("card_removed")
            return
        zh = "打印完成，请取走您的材料和身份证"
        if self.item is not None and getattr(self.item, "staff_review", False):
            zh = "打印完成，请取走材料，交给窗口工作人员审核"
        self._tell(zh, "Done. Please take your papers and your ID card.")
        self._go(Step.DONE)
        self.item = None
        self.item_changed.emit(None)

    @Slot(object, object)
    def _on_failed(self, exc: Exception, issued: IssuedDocument | None) -> None:
        zh, en = resident_message(exc)
        if issued is not None:
            self.last_issued = issued
            zh = f"{zh}。您的证明已保存（编号 {issued.serial}），工作人员可为您补打"
            en = f"{en} Your document is saved (serial {issued.serial}); staff can reprint it."
        if self._end_after_print:
            # the card is gone but the resident may still be here: say what happened (serial
            # only, no personal data on screen) and drop everything else now
            self._wipe()
        self._error((zh, en))

    # --- helpers -------------------------------------------------------------------------
    def _card_type(self) -> str:
        return self.identity.card_type.value if self.identity else "resident"

    def _error(self, message: tuple[str, str]) -> None:
        self._tell(*message)
        self._go(Step.ERROR)

    def _tell(self, zh: str, en: str) -> None:
        self.message = (zh, en)
        self.notice.emit(zh, en)

    def _go(self, step: Step) -> None:
        self.step = step
        self.step_changed.emit(step.value)
        self.touch()
        if step in (Step.WAITING, Step.READING, Step.PRINTING):
            self._timer.stop()
            self._warn_timer.stop()

    def _wipe(self) -> None:
        had = self.resident is not None
        self.identity = None
        self.resident = None
        self.item = None
        self.last_issued = None
        self.last_preview = None
        if had:
            self.resident_changed.emit(None)
            self.item_changed.emit(None)

    def _on_warn(self) -> None:
        seconds = round(self.warn_before_ms / 1000)
        self._warned_over = self.message
        self.message = (
            f"您还需要时间吗？{seconds}秒后将自动退出，请点一下屏幕继续",
            f"Still there? The session ends in {seconds} seconds; touch the screen to continue.",
        )
        self.notice.emit(*self.message)
        self.timeout_warning.emit(seconds)

    def _on_timeout(self) -> None:
        self._tell("操作超时，已退出", "Timed out; the session has ended.")
        self.end("timeout")


def _preview(pdf: bytes) -> Any:
    """The first page as a small image, rendered on the worker thread before printing starts
    (pdfium is not thread-safe: the slip printer rasterises on this same thread afterwards)."""
    try:
        from forms.preview import render_preview

        return render_preview(pdf, dpi=60)
    except Exception:  # a preview is a nicety: never stop printing for it
        log.exception("preview failed")
        return None
