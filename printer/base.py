"""The printer contract: status, jobs, the Printer protocol and the error tree."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from civic.errors import BilingualError


class PrinterState(enum.StrEnum):
    """What a printer can tell us about itself."""

    READY = "ready"
    PAPER_LOW = "paper_low"  # still prints
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"


RESIDENT_MESSAGES: dict[PrinterState, tuple[str, str]] = {
    PrinterState.READY: ("打印机正常", "Printer ready"),
    PrinterState.PAPER_LOW: ("打印纸即将用完", "Paper is running low"),
    PrinterState.PAPER_OUT: (
        "打印机缺纸，暂不能打印，请联系工作人员",
        "Out of paper. Please ask staff.",
    ),
    PrinterState.COVER_OPEN: (
        "打印机盖未关好，请联系工作人员",
        "Printer cover open. Please ask staff.",
    ),
    PrinterState.OFFLINE: (
        "打印机未连接，暂不能打印，请联系工作人员",
        "Printer offline. Please ask staff.",
    ),
    PrinterState.ERROR: ("打印机故障，请联系工作人员", "Printer fault. Please ask staff."),
}


@dataclass(frozen=True)
class PrinterStatus:
    """A printer's state with a message for staff and one for residents."""

    state: PrinterState
    staff_message: str = ""
    reasons: tuple[str, ...] = ()

    @property
    def can_print(self) -> bool:
        """Ready or paper low: a job may be sent."""
        return self.state in (PrinterState.READY, PrinterState.PAPER_LOW)

    @property
    def resident_message(self) -> tuple[str, str]:
        """(Chinese, English) text for the screen."""
        return RESIDENT_MESSAGES[self.state]


class JobState(enum.StrEnum):
    """queued -> sent -> done | failed."""

    QUEUED = "queued"
    SENT = "sent"
    DONE = "done"
    FAILED = "failed"


@dataclass
class PrintJob:
    """One submission to one printer; `reason` says why it failed."""

    printer_uri: str
    title: str
    copies: int = 1
    state: JobState = JobState.QUEUED
    job_id: str | None = None  # the device's own id (CUPS job id, file path, ...)
    reason: str = ""
    history: list[JobState] = field(default_factory=list)
    # The printer's status as last seen for this job: PAPER_LOW on a DONE job is a warning for staff.
    status: PrinterStatus | None = None

    def advance(self, state: JobState, reason: str = "") -> None:
        """Move the job on and remember the path it took."""
        self.state = state
        self.history.append(state)
        if reason:
            self.reason = reason


JobListener = Callable[[PrintJob], None]


class PrinterError(BilingualError):
    """Base of every printer failure; carries the status that caused it where known."""

    def __init__(
        self, detail: str, status: PrinterStatus | None = None, job: PrintJob | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status or PrinterStatus(PrinterState.ERROR, detail)
        self.job = job  # the failed job (state FAILED, with its reason), when there was one

    @property
    def resident_message(self) -> tuple[str, str]:
        """(Chinese, English) text for the screen."""
        return self.status.resident_message


class PrinterNotReadyError(PrinterError):
    """The printer cannot take a job now (paper out, cover open, offline, queue stopped)."""


class PrintFailedError(PrinterError):
    """A job was sent but did not complete."""


class Printer(Protocol):
    """What every printer driver offers."""

    uri: str

    def status(self) -> PrinterStatus:
        """Ask the device now; never raises, an unreachable device is OFFLINE."""

    def print(
        self,
        document: bytes,
        copies: int = 1,
        title: str = "kiosk",
        on_progress: JobListener | None = None,
    ) -> PrintJob:
        """Print PDF bytes and follow the job to done; failures raise PrinterError with the job's reason."""


def notify(
    job: PrintJob, state: JobState, on_progress: JobListener | None, reason: str = ""
) -> None:
    """Advance `job` and tell the listener; a failing listener is logged, never allowed to lose the job."""
    job.advance(state, reason)
    if on_progress is None:
        return
    try:
        on_progress(job)
    except Exception:
        logging.getLogger(__name__).exception("print job listener failed for %s", job.title)


def fail(
    job: PrintJob,
    error: type[PrinterError],
    detail: str,
    status: PrinterStatus,
    on_progress: JobListener | None,
) -> PrinterError:
    """Mark `job` FAILED with `detail` and build the exception to raise, carrying status and job."""
    job.status = status
    notify(job, JobState.FAILED, on_progress, detail)
    logging.getLogger(__name__).warning(
        "print job %r on %s failed: %s (%s)", job.title, job.printer_uri, detail, status.state
    )
    return error(detail, status, job)
