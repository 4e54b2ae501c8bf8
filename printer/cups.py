"""CUPS queues: `cups://QUEUE?timeout=60` (optionally `&server=host:port`).

Driven through the CUPS command-line clients, not pycups: pycups has no wheel and needs
libcups2-dev to build, which the kiosk image does not carry, while `lp`, `cancel` and `ipptool`
come with cups-bsd / cups-ipp-utils. Jobs are submitted with `lp -d QUEUE -n COPIES -t TITLE -`
(the PDF on stdin) and followed with `ipptool` Get-Job-Attributes until they complete; printer
state comes from Get-Printer-Attributes (`ipptool -X`, a plist parsed with plistlib).
Every call has a deadline; a job that does not complete in time is cancelled and reported.
"""

from __future__ import annotations

import logging
import os
import plistlib
import re
import subprocess
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

from civic.crashpoints import crashpoint
from printer.base import (
    JobListener,
    JobState,
    PrinterError,
    PrinterNotReadyError,
    PrinterState,
    PrinterStatus,
    PrintFailedError,
    PrintJob,
    fail,
    notify,
)
from printer.cups_status import (
    JOB_ABORTED,
    JOB_CANCELED,
    JOB_COMPLETED,
    JOB_HELD,
    JOB_PENDING,
    JOB_PROCESSING,
    JOB_STATE_NAMES,
    JOB_STOPPED,
    STOPPED,
    IppAttributes,
    IppValue,
    as_list,
    ipp_int,
    ipp_text,
    map_printer_status,
)

__all__ = ["CupsPrinter", "map_printer_status"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0  # seconds for a job to complete
COMMAND_TIMEOUT = 10.0  # seconds for one lp / ipptool / cancel call
# What the printer relays while it holds our job that no wait will cure: staff must come.
NEEDS_STAFF = (PrinterState.PAPER_OUT, PrinterState.COVER_OPEN)
_REQUEST_ID = re.compile(r"request id is (\S+)-(\d+)")


class CupsPrinter:
    """A CUPS queue, driven by lp / cancel / ipptool.

    `clock` and `sleep` (default time.monotonic / time.sleep) pace the job deadline and the
    polling between Get-Job-Attributes calls; tests inject a virtual pair.
    """

    def __init__(
        self,
        queue: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        server: str | None = None,
        uri: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not queue or not re.fullmatch(r"[^\s/#@\\'\"]+", queue):
            raise PrinterError(f"{queue!r} is not a CUPS queue name")
        if not 0 < timeout <= 3600:
            raise PrinterError("timeout must be between 0 and 3600 seconds")
        self.queue = queue
        self.timeout = timeout
        self.server = server
        self.uri = uri or f"cups://{queue}"
        host = server or "localhost"
        self.printer_uri = f"ipp://{host}/printers/{queue}"
        self._jobs_uri = f"ipp://{host}/jobs/"
        self._clock = clock
        self._sleep = sleep

    @classmethod
    def from_uri(cls, uri: str) -> CupsPrinter:
        """Build from `cups://QUEUE?timeout=60&server=host:port`."""
        parts = urlparse(uri)
        if parts.scheme != "cups" or not parts.netloc or parts.path not in ("", "/"):
            raise PrinterError(f"{uri!r}: expected cups://QUEUE")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"timeout", "server"}
        if unknown:
            raise PrinterError(f"{uri!r}: unknown parameter(s) {', '.join(sorted(unknown))}")
        try:
            timeout = float(query.get("timeout", DEFAULT_TIMEOUT))
        except ValueError:
            raise PrinterError(f"{uri!r}: timeout must be a number of seconds") from None
        return cls(parts.netloc, timeout=timeout, server=query.get("server"), uri=uri)

    # -- public ---------------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """Get-Printer-Attributes now; cupsd unreachable is OFFLINE, a missing queue ERROR."""
        attrs, problem = self._ipp(self.printer_uri, "get-printer-attributes.test", COMMAND_TIMEOUT)
        if problem is not None:
            return problem
        return map_printer_status(attrs)

    def print(
        self,
        document: bytes,
        copies: int = 1,
        title: str = "kiosk",
        on_progress: JobListener | None = None,
    ) -> PrintJob:
        """Submit with lp and follow the job until it completes, fails or times out (then cancel)."""
        deadline = self._clock() + self.timeout
        job = PrintJob(self.uri, title, copies)
        notify(job, JobState.QUEUED, on_progress)
        if not document.startswith(b"%PDF-"):
            raise fail(
                job, PrintFailedError, "not a PDF document", _error("not a PDF"), on_progress
            )
        if copies < 1:
            raise fail(
                job,
                PrintFailedError,
                "copies must be at least 1",
                _error("bad request"),
                on_progress,
            )
        before, queue_open = self._before_job()
        if not queue_open:
            raise fail(
                job, PrinterNotReadyError, f"not ready: {before.staff_message}", before, on_progress
            )
        job_number = self._submit(job, document, copies, title, deadline, on_progress)
        job.job_id = f"{self.queue}-{job_number}"
        notify(job, JobState.SENT, on_progress)
        crashpoint("print_sent")  # cupsd has the job; its outcome is not known here yet
        return self._follow(job, job_number, deadline, on_progress)

    def _before_job(self) -> tuple[PrinterStatus, bool]:
        """The status now, and whether CUPS itself would take a job: reachable, the queue there,
        enabled and accepting. An idle queue's paper or cover reasons are what its printer said
        during the last job (CUPS asks a printer only while it holds a job), so they do not stop
        a job: staff's test page after loading paper is how they clear, and a printer still
        empty says so again at once (see _settle)."""
        attrs, problem = self._ipp(self.printer_uri, "get-printer-attributes.test", COMMAND_TIMEOUT)
        if problem is not None:
            return problem, False
        status = map_printer_status(attrs)
        stopped = ipp_int(attrs.get("printer-state"), 0) == STOPPED
        accepting = bool(attrs.get("printer-is-accepting-jobs", True))
        return status, status.can_print or (accepting and not stopped)

    # -- the job --------------------------------------------------------------------------------

    def _submit(
        self,
        job: PrintJob,
        document: bytes,
        copies: int,
        title: str,
        deadline: float,
        on_progress: JobListener | None,
    ) -> int:
        args = ["lp", *self._host_args(), "-d", self.queue, "-n", str(copies), "-t", title, "-"]
        try:
            done = _run(args, document, self._remaining(deadline, COMMAND_TIMEOUT))
        except (OSError, subprocess.TimeoutExpired) as exc:
            status = PrinterStatus(
                PrinterState.OFFLINE, f"lp did not run: {exc}", ("offline-report",)
            )
            raise fail(
                job, PrinterNotReadyError, status.staff_message, status, on_progress
            ) from None
        match = _REQUEST_ID.search(done.stdout)
        if done.returncode != 0 or match is None:
            said = (done.stderr or done.stdout).strip() or f"lp exit {done.returncode}"
            now = self.status()
            status = now if not now.can_print else _error(said)
            raise fail(
                job, PrinterNotReadyError, f"lp refused the job: {said}", status, on_progress
            )
        return int(match.group(2))

    def _follow(
        self, job: PrintJob, number: int, deadline: float, on_progress: JobListener | None
    ) -> PrintJob:
        delay = 0.05
        last = "unknown"
        while True:
            attrs, problem = self._ipp(
                f"{self._jobs_uri}{number}",
                "get-job-attributes.test",
                self._remaining(deadline, 5.0),
            )
            if problem is None:
                state = ipp_int(attrs.get("job-state"), JOB_PENDING)
                last = JOB_STATE_NAMES.get(state, str(state))
                if self._settle(job, number, state, attrs, on_progress):
                    return job
            remaining = deadline - self._clock()
            if remaining <= 0:
                break
            self._sleep(min(delay, remaining))
            delay = min(delay * 1.5, 0.5)
        self._cancel(number)
        now = self.status()
        status = (
            now if not now.can_print else _error(f"job not completed within {self.timeout:g} s")
        )
        detail = (
            f"job {job.job_id} not completed within {self.timeout:g} s (last {last}); cancelled"
        )
        raise fail(job, PrintFailedError, detail, status, on_progress)

    def _settle(
        self,
        job: PrintJob,
        number: int,
        state: int,
        attrs: IppAttributes,
        on_progress: JobListener | None,
    ) -> bool:
        """True when the job completed; PrintFailedError when it cannot; False to keep waiting."""
        last = JOB_STATE_NAMES.get(state, str(state))
        if state == JOB_COMPLETED:
            job.status = self.status()
            if job.status.state is PrinterState.PAPER_LOW:
                log.warning("queue %s: %s", self.queue, job.status.staff_message)
            notify(job, JobState.DONE, on_progress)
            return True
        said = ipp_text(attrs.get("job-printer-state-message"))
        reasons = ", ".join(as_list(attrs.get("job-state-reasons", "")))
        if state in (JOB_CANCELED, JOB_ABORTED):
            now = self.status()
            status = now if not now.can_print else _error(f"job {last}: {reasons} {said}".strip())
            detail = f"job {job.job_id} {last} ({reasons}{'; ' + said if said else ''})"
            raise fail(job, PrintFailedError, detail, status, on_progress)
        if state == JOB_STOPPED:
            # A filter or backend failed; CUPS may retry much later, the resident cannot wait.
            self._cancel(number)
            now = self.status()
            status = now if not now.can_print else _error(said or reasons or "job stopped")
            detail = f"job {job.job_id} stopped ({said or reasons}); cancelled"
            raise fail(job, PrintFailedError, detail, status, on_progress)
        if state in (JOB_PENDING, JOB_HELD):
            now = self.status()
            if not now.can_print:
                self._cancel(number)
                detail = (
                    f"job {job.job_id} {last} and the printer cannot print: {now.staff_message}"
                )
                raise fail(job, PrintFailedError, detail, now, on_progress)
        if state == JOB_PROCESSING:
            # the printer holds the job and says why it does not print (out of paper, cover
            # open): it waits for staff, and so would she until the deadline
            relayed = map_printer_status(
                {"printer-state-reasons": attrs.get("job-printer-state-reasons", "none")}
            )
            if relayed.state in NEEDS_STAFF:
                self._cancel(number)
                now = self.status()
                status = now if now.state in NEEDS_STAFF else relayed
                detail = f"job {job.job_id} held by the printer: {relayed.staff_message}; cancelled"
                raise fail(job, PrintFailedError, detail, status, on_progress)
        return False

    def _remaining(self, deadline: float, cap: float) -> float:
        """Seconds one command may take: what is left of the job's deadline, within [0.5, cap]."""
        return max(0.5, min(cap, deadline - self._clock()))

    def _cancel(self, number: int) -> None:
        """Cancel a job we gave up on, so it cannot print later as a surprise duplicate."""
        try:
            done = _run(
                ["cancel", *self._host_args(), f"{self.queue}-{number}"], b"", COMMAND_TIMEOUT
            )
            if done.returncode != 0:
                log.warning("cancel %s-%d failed: %s", self.queue, number, done.stderr.strip())
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("cancel %s-%d did not run: %s", self.queue, number, exc)

    # -- ipptool --------------------------------------------------------------------------------

    def _host_args(self) -> list[str]:
        return ["-h", self.server] if self.server else []

    def _ipp(
        self, uri: str, test: str, timeout: float
    ) -> tuple[dict[str, IppValue], PrinterStatus | None]:
        """Run one ipptool test with -X; (response attributes, None) or ({}, the failure as a status)."""
        ipp_timeout = max(1, int(timeout))
        try:
            done = subprocess.run(
                ["ipptool", "-X", "-T", str(ipp_timeout), uri, test],
                capture_output=True,
                timeout=timeout + 2,
                env=_c_locale(),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return {}, PrinterStatus(PrinterState.OFFLINE, f"ipptool: {exc}", ("offline-report",))
        stderr = done.stderr.decode("utf-8", "replace").strip()
        try:
            tests = plistlib.loads(done.stdout).get("Tests", []) if done.stdout.strip() else []
        except (plistlib.InvalidFileException, ValueError, TypeError):
            tests = []
        if not tests:
            return {}, PrinterStatus(
                PrinterState.OFFLINE,
                f"CUPS not reachable: {stderr or 'no answer'} / 打印服务无法连接",
                ("offline-report",),
            )
        result = tests[0]
        attrs: dict[str, IppValue] = {}
        for group in result.get("ResponseAttributes", []):
            attrs.update(group)
        # "Successful" also covers the test file's EXPECT checks (a raw queue lacks some of the
        # attributes get-printer-attributes.test expects): the IPP status code is what counts.
        code = str(result.get("StatusCode", "unknown"))
        if not code.startswith("successful-ok"):
            said = str(attrs.get("status-message", "") or stderr)
            if code == "client-error-not-found":
                return {}, PrinterStatus(
                    PrinterState.ERROR,
                    f"no such queue or job: {said} / 打印队列不存在",
                    ("not-found",),
                )
            return {}, PrinterStatus(PrinterState.ERROR, f"IPP {code}: {said}", ("other-error",))
        return attrs, None


def _error(detail: str) -> PrinterStatus:
    return PrinterStatus(PrinterState.ERROR, detail, ("other-error",))


def _c_locale() -> dict[str, str]:
    """The environment with a C locale: lp's "request id is" must not come back translated."""
    env = dict(os.environ)
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8")
    return env


def _run(args: list[str], data: bytes, timeout: float) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, input=data, capture_output=True, timeout=timeout, env=_c_locale(), check=False
    )
    return subprocess.CompletedProcess(
        args,
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )
