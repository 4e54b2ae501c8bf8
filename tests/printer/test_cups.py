"""The CUPS driver against a real cupsd: a cups-pdf queue, a stopped queue, a job that never ends."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter

from printer.base import (
    JobState,
    PrinterError,
    PrinterNotReadyError,
    PrinterState,
    PrintFailedError,
    PrintJob,
)
from printer.cups import CupsPrinter, map_printer_status
from printer.registry import open_printer
from printer.testpage import render_test_page

from .conftest import CUPS_PDF_OUT, QUEUE, Cups, wait_until
from .virtual_time import VirtualClock

pytestmark = pytest.mark.cups

STUCK = "KIOSK_STUCK"
_titles = itertools.count(1)


def _title(stem: str) -> str:
    """A title no earlier run used, so the cups-pdf output file is unambiguous."""
    return f"{stem}-{os.getpid()}-{next(_titles)}"


def _not_completed(cups: Cups, queue: str) -> str:
    return cups.run("lpstat", "-W", "not-completed", "-o", queue).stdout.strip()


def _grey(pdf: Path, tmp_path: Path, name: str) -> Image.Image:
    out = tmp_path / name
    subprocess.run(
        ["pdftoppm", "-gray", "-png", "-r", "50", "-singlefile", pdf, out], check=True, timeout=30
    )
    return Image.open(f"{out}.png").convert("L")


def _ink(image: Image.Image) -> Image.Image:
    return image.point(lambda v: 255 if v < 160 else 0)


def _count(image: Image.Image) -> int:
    return sum(1 for v in image.get_flattened_data() if v)


@pytest.fixture
def stuck(cupsd: Cups) -> Iterator[Cups]:
    """A raw queue whose socket printer accepts the connection and never finishes the job."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    done = cupsd.run("lpadmin", "-p", STUCK, "-E", "-v", f"socket://127.0.0.1:{port}", "-m", "raw")
    assert done.returncode == 0, done.stderr
    try:
        yield Cups(cupsd.server, cupsd.root, STUCK)
    finally:
        cupsd.run("cancel", "-a", STUCK)
        cupsd.run("lpadmin", "-x", STUCK)
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


# -- status -----------------------------------------------------------------------------------


def test_enabled_queue_is_ready(cups: Cups) -> None:
    """GIVEN the enabled cups-pdf queue WHEN status() THEN READY."""
    status = open_printer(cups.uri()).status()
    assert status.state is PrinterState.READY and status.can_print


def test_stopped_queue_is_not_ready_with_the_reason_and_refuses_jobs(
    cups: Cups, slip_pdf: bytes
) -> None:
    """GIVEN `cupsdisable -r reason` WHEN status() / print() THEN not ready with the reason text,
    PrinterNotReadyError with a FAILED job, and nothing submitted; cupsenable makes it ready again."""
    printer = open_printer(cups.uri(timeout=10))
    assert cups.run("cupsdisable", "-r", "缺纸 out of paper (test)", QUEUE).returncode == 0
    status = printer.status()
    assert not status.can_print
    assert status.state is PrinterState.OFFLINE
    assert "缺纸 out of paper (test)" in status.staff_message and "paused" in status.reasons
    with pytest.raises(PrinterNotReadyError) as caught:
        printer.print(slip_pdf, title=_title("refused"))
    assert caught.value.job.state is JobState.FAILED
    assert caught.value.job.history == [JobState.QUEUED, JobState.FAILED]
    assert caught.value.job.job_id is None
    assert _not_completed(cups, QUEUE) == ""
    cups.run("cupsenable", QUEUE)
    assert printer.status().state is PrinterState.READY


def test_queue_rejecting_jobs_is_not_ready(cups: Cups) -> None:
    """GIVEN `cupsreject` WHEN status() THEN not ready (not accepting jobs)."""
    cups.run("cupsreject", "-r", "maintenance", QUEUE)
    status = open_printer(cups.uri()).status()
    assert not status.can_print and "not accepting" in status.staff_message


def test_unreachable_cupsd_is_offline(slip_pdf: bytes) -> None:
    """GIVEN a CUPS server nobody listens on WHEN status() / print() THEN OFFLINE /
    PrinterNotReadyError, the job failed before anything was submitted."""
    printer = open_printer("cups://KIOSK_PDF?server=127.0.0.1:9&timeout=5")
    assert printer.status().state is PrinterState.OFFLINE
    with pytest.raises(PrinterNotReadyError) as caught:
        printer.print(slip_pdf)
    assert caught.value.status.state is PrinterState.OFFLINE
    assert caught.value.job.history == [JobState.QUEUED, JobState.FAILED]


def test_missing_queue_is_an_error(cupsd: Cups) -> None:
    """GIVEN a queue that does not exist WHEN status() THEN ERROR naming it."""
    status = open_printer(cupsd.uri("NO_SUCH_QUEUE")).status()
    assert status.state is PrinterState.ERROR and "not-found" in status.reasons


# -- printing -------------------------------------------------------------------------------


def test_a4_page_prints_through_cups_pdf_and_looks_like_the_original(
    cups: Cups, tmp_path: Path
) -> None:
    """GIVEN a ready queue WHEN an A4 page prints THEN queued->sent->done with the CUPS job id, and
    the cups-pdf output rasterises like the original (Ghostscript drops the text layer)."""
    pdf = render_test_page("a4", datetime(2026, 1, 15, 9, 41), "cups://KIOSK_PDF")
    title = _title("kiosk-a4")
    seen: list[JobState] = []
    job = open_printer(cups.uri(timeout=30)).print(
        pdf, title=title, on_progress=lambda j: seen.append(j.state)
    )
    assert job.state is JobState.DONE and seen == [JobState.QUEUED, JobState.SENT, JobState.DONE]
    assert job.job_id and job.job_id.startswith(f"{QUEUE}-")
    number = job.job_id.rsplit("-", 1)[1]
    outputs = wait_until(lambda: sorted(CUPS_PDF_OUT.glob(f"{title}*-job_{number}.pdf")), 10)
    assert len(outputs) == 1, f"no cups-pdf output for job {number}"

    original = tmp_path / "original.pdf"
    original.write_bytes(pdf)
    printed = _grey(outputs[0], tmp_path, "printed")
    expected = _grey(original, tmp_path, "expected")
    outputs[0].unlink()
    assert printed.size == expected.size
    mean_difference = sum(ImageChops.difference(printed, expected).get_flattened_data()) / (
        255 * printed.width * printed.height
    )
    assert mean_difference < 0.01
    a, b = _ink(printed), _ink(expected)
    far = _count(ImageChops.subtract(a, b.filter(ImageFilter.MaxFilter(3)))) + _count(
        ImageChops.subtract(b, a.filter(ImageFilter.MaxFilter(3)))
    )
    assert far < 0.01 * _count(b)


OWNER_GET_JOB = """{
    NAME "Get-Job-Attributes as the job's owner (job-name is private to others)"
    OPERATION Get-Job-Attributes
    GROUP operation-attributes-tag
    ATTR charset attributes-charset utf-8
    ATTR naturalLanguage attributes-natural-language en
    ATTR uri job-uri $uri
    ATTR name requesting-user-name $user
}
"""


def test_chinese_title_and_copies_are_passed_to_lp(
    cups: Cups, slip_pdf: bytes, tmp_path: Path
) -> None:
    """GIVEN a Chinese title and 2 copies WHEN printed THEN CUPS records both."""
    job = open_printer(cups.uri(timeout=30)).print(slip_pdf, copies=2, title="居住证明 回执")
    number = job.job_id.rsplit("-", 1)[1]
    test = tmp_path / "owner-get-job.test"
    test.write_text(OWNER_GET_JOB)
    out = cups.job_attributes(number, str(test))
    assert "job-name (nameWithoutLanguage) = 居住证明 回执" in out
    assert "copies (integer) = 2" in out


def test_job_that_never_completes_times_out_and_is_cancelled(stuck: Cups, slip_pdf: bytes) -> None:
    """GIVEN a printer that takes the job and never finishes WHEN printing with timeout=1.5 THEN
    PrintFailedError exactly when 1.5 s have passed on the driver's clock (its polling sleeps,
    counted on a virtual clock), and the job is cancelled in CUPS (no surprise print later)."""
    clock = VirtualClock()
    printer = CupsPrinter(STUCK, timeout=1.5, server=stuck.server, clock=clock, sleep=clock.sleep)
    assert printer.status().can_print
    with pytest.raises(PrintFailedError) as caught:
        printer.print(slip_pdf, title=_title("stuck"))
    assert clock.now == pytest.approx(1.5)
    job: PrintJob = caught.value.job
    assert job.history == [JobState.QUEUED, JobState.SENT, JobState.FAILED]
    assert "not completed within 1.5 s" in job.reason and "cancelled" in job.reason
    number = job.job_id.rsplit("-", 1)[1]
    cancelled = wait_until(lambda: "job-state (enum) = canceled" in stuck.job_attributes(number), 5)
    assert cancelled, "the timed-out job was not cancelled"


def test_queue_stopped_while_the_job_waits_fails_fast(stuck: Cups, slip_pdf: bytes) -> None:
    """GIVEN a job just submitted WHEN the queue is stopped under it THEN PrintFailedError with the
    stopped status (not the 20 s timeout), and the job is cancelled."""

    def stop_queue(job: PrintJob) -> None:
        if job.state is JobState.SENT:
            stuck.run("cupsdisable", "-r", "jam (test)", STUCK)

    printer = open_printer(stuck.uri(timeout=20))
    with pytest.raises(PrintFailedError) as caught:
        printer.print(slip_pdf, title=_title("stopped"), on_progress=stop_queue)
    assert "not completed within" not in caught.value.job.reason
    assert caught.value.status.state is PrinterState.OFFLINE
    assert "paused" in caught.value.status.reasons
    assert wait_until(lambda: _not_completed(stuck, STUCK) == "", 5)


def test_filter_failure_fails_the_job_at_once(cups: Cups, slip_pdf: bytes) -> None:
    """GIVEN filters that cannot write their temp files WHEN printing THEN the job stops in CUPS and
    print() fails at once with CUPS's message (not after the timeout), job cancelled."""
    tmp = cups.root / "tmp"
    tmp.chmod(0o755)  # filters run as lp: they can no longer write here
    try:
        with pytest.raises(PrintFailedError) as caught:
            open_printer(cups.uri(timeout=30)).print(slip_pdf, title=_title("filter"))
    finally:
        tmp.chmod(0o1770)
    assert "Filter failed" in caught.value.job.reason
    assert caught.value.job.history == [JobState.QUEUED, JobState.SENT, JobState.FAILED]
    assert wait_until(lambda: _not_completed(cups, QUEUE) == "", 5)


def test_not_a_pdf_is_refused_before_lp(cups: Cups) -> None:
    """GIVEN bytes that are not a PDF WHEN print() THEN PrintFailedError and no job."""
    with pytest.raises(PrintFailedError):
        open_printer(cups.uri()).print(b"hello")


# -- the attribute mapping, for reasons cups-pdf never reports ------------------------------------


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        ("none", PrinterState.READY),
        (["media-empty-error"], PrinterState.PAPER_OUT),
        (["media-needed"], PrinterState.PAPER_OUT),
        (["media-low-report"], PrinterState.PAPER_LOW),
        (["media-jam-error"], PrinterState.ERROR),
        (["cover-open-error"], PrinterState.COVER_OPEN),
        (["door-open-report"], PrinterState.COVER_OPEN),
        (["offline-report"], PrinterState.OFFLINE),
        (["shutdown"], PrinterState.OFFLINE),
        (["connecting-to-device"], PrinterState.OFFLINE),
        (["toner-low-report"], PrinterState.READY),
        (["toner-empty-error"], PrinterState.ERROR),
        (["something-new-error"], PrinterState.ERROR),
        (["something-new-warning"], PrinterState.READY),
        (["cups-missing-filter-warning"], PrinterState.READY),
        (["media-low-report", "cover-open-error", "media-empty-error"], PrinterState.COVER_OPEN),
        (["media-empty-error", "offline-report"], PrinterState.PAPER_OUT),
    ],
)
def test_printer_state_reasons_map_to_states(reasons: object, expected: PrinterState) -> None:
    """GIVEN IPP printer-state-reasons WHEN mapped THEN the PrinterState the kiosk acts on."""
    status = map_printer_status({"printer-state": 3, "printer-state-reasons": reasons})
    assert status.state is expected


def test_toner_low_is_a_staff_note_not_a_stop() -> None:
    """GIVEN toner-low WHEN mapped THEN READY (residents unaffected) with a note for staff."""
    status = map_printer_status({"printer-state": 3, "printer-state-reasons": "toner-low-report"})
    assert status.can_print and "toner low" in status.staff_message


def test_stopped_state_and_rejecting_queue_are_not_ready() -> None:
    """GIVEN printer-state stopped, or not accepting jobs WHEN mapped THEN not ready, message kept."""
    stopped = map_printer_status(
        {"printer-state": 5, "printer-state-reasons": "paused", "printer-state-message": "加纸中"}
    )
    assert not stopped.can_print and "加纸中" in stopped.staff_message
    rejecting = map_printer_status({"printer-state": 3, "printer-is-accepting-jobs": False})
    assert not rejecting.can_print


@pytest.mark.parametrize(
    "uri", ["cups://", "cups://Q/extra", "cups://Q?timeout=x", "cups://Q?tmeout=5"]
)
def test_bad_cups_uris_are_refused(uri: str) -> None:
    """GIVEN a malformed cups URI WHEN opened THEN PrinterError."""
    with pytest.raises(PrinterError):
        CupsPrinter.from_uri(uri)
