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
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlparse

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

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0  # seconds for a job to complete
COMMAND_TIMEOUT = 10.0  # seconds for one lp / ipptool / cancel call
_REQUEST_ID = re.compile(r"request id is (\S+)-(\d+)")

# IPP printer-state (RFC 8011 5.4.11) and job-state (5.3.7).
IDLE, PROCESSING, STOPPED = 3, 4, 5
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9
JOB_STATE_NAMES = {
    3: "pending", 4: "held", 5: "processing", 6: "stopped", 7: "canceled", 8: "aborted", 9: "completed",
}  # fmt: skip

# printer-state-reasons keywords (severity suffix removed) that stop printing.
BLOCKING_REASONS: dict[str, PrinterState] = {
    "cover-open": PrinterState.COVER_OPEN,
    "door-open": PrinterState.COVER_OPEN,
    "interlock-open": PrinterState.COVER_OPEN,
    "media-empty": PrinterState.PAPER_OUT,
    "media-needed": PrinterState.PAPER_OUT,
    "media-jam": PrinterState.ERROR,
    "toner-empty": PrinterState.ERROR,
    "marker-supply-empty": PrinterState.ERROR,
    "marker-waste-full": PrinterState.ERROR,
    "input-tray-missing": PrinterState.ERROR,
    "output-area-full": PrinterState.ERROR,
    "fuser-over-temp": PrinterState.ERROR,
    "offline": PrinterState.OFFLINE,
    "shutdown": PrinterState.OFFLINE,
    "connecting-to-device": PrinterState.OFFLINE,
    "timed-out": PrinterState.OFFLINE,
}
# Reasons that still print: the state stays READY (or PAPER_LOW), staff get a note.
LOW_PAPER_REASONS = ("media-low",)
NOTE_REASONS = {
    "toner-low": "toner low / 墨粉不足",
    "marker-supply-low": "supplies low / 耗材不足",
    "marker-waste-almost-full": "waste toner almost full / 废粉盒将满",
    "developer-low": "developer low / 显影剂不足",
    "opc-near-eol": "drum near end of life / 硒鼓将到寿命",
}
_PRECEDENCE = (
    PrinterState.COVER_OPEN,
    PrinterState.PAPER_OUT,
    PrinterState.ERROR,
    PrinterState.OFFLINE,
)
_IGNORED = {"none", "paused", "moving-to-paused", "hold-new-jobs"}


def reason_keyword(reason: str) -> tuple[str, str]:
    """'media-empty-error' -> ('media-empty', 'error'); the severity is '' when absent."""
    for severity in ("report", "warning", "error"):
        if reason.endswith("-" + severity):
            return reason[: -len(severity) - 1], severity
    return reason, ""


def map_printer_status(attrs: Mapping[str, Any]) -> PrinterStatus:
    """IPP printer attributes (printer-state, -state-reasons, -state-message, -is-accepting-jobs)
    -> PrinterStatus; pure, so every reason can be tested without a printer that has it."""
    state = int(attrs.get("printer-state", IDLE))
    reasons = _as_list(attrs.get("printer-state-reasons", "none"))
    message = str(attrs.get("printer-state-message", "") or "").strip()
    accepting = bool(attrs.get("printer-is-accepting-jobs", True))
    found: dict[PrinterState, list[str]] = {}
    notes: list[str] = []
    for reason in reasons:
        keyword, severity = reason_keyword(reason)
        if keyword in _IGNORED or keyword.startswith(("cups-", "com.apple.")):
            continue
        if keyword in BLOCKING_REASONS:
            found.setdefault(BLOCKING_REASONS[keyword], []).append(reason)
        elif keyword in LOW_PAPER_REASONS:
            found.setdefault(PrinterState.PAPER_LOW, []).append(reason)
        elif keyword in NOTE_REASONS:
            notes.append(NOTE_REASONS[keyword])
        elif severity == "error":
            found.setdefault(PrinterState.ERROR, []).append(reason)
        else:
            notes.append(reason)
    parts = [message] if message else []
    for blocking in _PRECEDENCE:
        if blocking in found:
            parts.append(", ".join(found[blocking]))
            return PrinterStatus(blocking, _join(parts + notes), tuple(reasons))
    if state == STOPPED:
        parts.insert(0, "queue stopped / 打印队列已停止")
        return PrinterStatus(PrinterState.OFFLINE, _join(parts + notes), tuple(reasons))
    if not accepting:
        parts.insert(0, "queue not accepting jobs / 打印队列拒绝作业")
        return PrinterStatus(PrinterState.OFFLINE, _join(parts + notes), tuple(reasons))
    if PrinterState.PAPER_LOW in found:
        parts.append("paper low / 纸张不足")
        return PrinterStatus(PrinterState.PAPER_LOW, _join(parts + notes), tuple(reasons))
    if not parts and not notes:
        parts.append("idle" if state == IDLE else "printing")
    return PrinterStatus(PrinterState.READY, _join(parts + notes), tuple(reasons))


class CupsPrinter:
    """A CUPS queue, driven by lp / cancel / ipptool."""

    def __init__(
        self,
        queue: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        server: str | None = None,
        uri: str | None = None,
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
        started = time.monotonic()
        deadline = started + self.timeout
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
        before = self.status()
        if not before.can_print:
            raise fail(
                job, PrinterNotReadyError, f"not ready: {before.staff_message}", before, on_progress
            )
        job_number = self._submit(job, document, copies, title, deadline, on_progress)
        job.job_id = f"{self.queue}-{job_number}"
        notify(job, JobState.SENT, on_progress)
        return self._follow(job, job_number, deadline, on_progress)

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
            done = _run(args, document, _remaining(deadline, COMMAND_TIMEOUT))
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
                f"{self._jobs_uri}{number}", "get-job-attributes.test", _remaining(deadline, 5.0)
            )
            if problem is None:
                state = int(attrs.get("job-state", JOB_PENDING))
                last = JOB_STATE_NAMES.get(state, str(state))
                if state == JOB_COMPLETED:
                    job.status = self.status()
                    if job.status.state is PrinterState.PAPER_LOW:
                        log.warning("queue %s: %s", self.queue, job.status.staff_message)
                    notify(job, JobState.DONE, on_progress)
                    return job
                if state in (JOB_CANCELED, JOB_ABORTED):
                    reasons = ", ".join(_as_list(attrs.get("job-state-reasons", "")))
                    said = str(attrs.get("job-printer-state-message", "") or "").strip()
                    now = self.status()
                    status = (
                        now
                        if not now.can_print
                        else _error(f"job {last}: {reasons} {said}".strip())
                    )
                    detail = f"job {job.job_id} {last} ({reasons}{'; ' + said if said else ''})"
                    raise fail(job, PrintFailedError, detail, status, on_progress)
                if state == JOB_STOPPED:
                    # A filter or backend failed; CUPS may retry much later, the resident cannot wait.
                    said = str(attrs.get("job-printer-state-message", "") or "").strip()
                    reasons = ", ".join(_as_list(attrs.get("job-state-reasons", "")))
                    self._cancel(number)
                    now = self.status()
                    status = now if not now.can_print else _error(said or reasons or "job stopped")
                    detail = f"job {job.job_id} stopped ({said or reasons}); cancelled"
                    raise fail(job, PrintFailedError, detail, status, on_progress)
                if state in (JOB_PENDING, JOB_HELD):
                    now = self.status()
                    if not now.can_print:
                        self._cancel(number)
                        detail = f"job {job.job_id} {last} and the printer cannot print: {now.staff_message}"
                        raise fail(job, PrintFailedError, detail, now, on_progress)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            time.sleep(min(delay, remaining))
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
    ) -> tuple[dict[str, Any], PrinterStatus | None]:
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
        attrs: dict[str, Any] = {}
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


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [v for v in str(value).split(",") if v]


def _join(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)


def _error(detail: str) -> PrinterStatus:
    return PrinterStatus(PrinterState.ERROR, detail, ("other-error",))


def _remaining(deadline: float, cap: float) -> float:
    return max(0.5, min(cap, deadline - time.monotonic()))


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
