"""The file printer (the demo default), the URI registry and the test pages."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from printer.base import (
    JobState,
    PrinterError,
    PrinterNotReadyError,
    PrinterState,
    PrintFailedError,
)
from printer.cups import CupsPrinter
from printer.escpos import EscposPrinter
from printer.file import FilePrinter, safe_filename
from printer.registry import DRIVERS, open_printer
from printer.testpage import TITLE, kind_for_dots, render_test_page

PDF = b"%PDF-1.4\n%minimal\n"


# -- registry -----------------------------------------------------------------------------------


def test_registry_picks_the_driver_by_scheme(tmp_path: Path) -> None:
    """GIVEN the three URI forms WHEN opened THEN the matching driver with its parameters."""
    assert set(DRIVERS) == {"file", "cups", "escpos"}
    file_printer = open_printer(tmp_path.as_uri())
    assert isinstance(file_printer, FilePrinter) and file_printer.directory == tmp_path
    cups = open_printer("cups://KIOSK_A4?timeout=45")
    assert isinstance(cups, CupsPrinter) and cups.queue == "KIOSK_A4" and cups.timeout == 45
    escpos = open_printer("escpos:///dev/ttyUSB0?baud=115200&dots=384&timeout=2")
    assert isinstance(escpos, EscposPrinter)
    assert (escpos.port, escpos.baud, escpos.dots, escpos.timeout) == (
        "/dev/ttyUSB0",
        115200,
        384,
        2,
    )
    assert escpos.uri == "escpos:///dev/ttyUSB0?baud=115200&dots=384&timeout=2"


def test_escpos_defaults_are_80mm_at_19200_baud() -> None:
    """GIVEN an escpos URI without parameters WHEN opened THEN 576 dots, 19200 baud, 1 s."""
    printer = open_printer("escpos:///dev/ttyS0")
    assert (printer.dots, printer.baud, printer.timeout, printer.margins) == (576, 19200, 1.0, True)


@pytest.mark.parametrize(
    "uri", ["ipp://printer/q", "lpt:///dev/lp0", "", "/tmp/out", "file://host/dir"]
)
def test_unknown_or_malformed_uris_are_printer_errors(uri: str) -> None:
    """GIVEN a URI no driver takes WHEN opened THEN PrinterError (never a crash)."""
    with pytest.raises(PrinterError):
        open_printer(uri)


def test_opening_touches_no_device() -> None:
    """GIVEN a port that does not exist WHEN only opened THEN no error: I/O waits for status()/print()."""
    open_printer("escpos:///dev/does-not-exist")


# -- file printer -------------------------------------------------------------------------------


def test_file_printer_writes_the_pdf_and_never_overwrites(tmp_path: Path) -> None:
    """GIVEN a directory WHEN the same title prints twice THEN title.pdf and title-1.pdf, untouched bytes."""
    printer = open_printer((tmp_path / "out").as_uri())
    seen: list[JobState] = []
    first = printer.print(PDF, title="居住证明 0001", on_progress=lambda j: seen.append(j.state))
    second = printer.print(PDF + b"2", title="居住证明 0001")
    assert seen == [JobState.QUEUED, JobState.SENT, JobState.DONE]
    assert Path(first.job_id) == tmp_path / "out" / "居住证明 0001.pdf"
    assert Path(second.job_id) == tmp_path / "out" / "居住证明 0001-1.pdf"
    assert Path(first.job_id).read_bytes() == PDF
    assert Path(second.job_id).read_bytes() == PDF + b"2"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("a/b\\c:d", "a_b_c_d"),
        ("", "kiosk"),
        ("...", "kiosk"),
    ],
)
def test_titles_cannot_escape_the_directory(title: str, name: str) -> None:
    """GIVEN hostile titles WHEN made file names THEN no separators, never empty."""
    assert safe_filename(title) == name


def test_file_printer_status(tmp_path: Path) -> None:
    """GIVEN a writable dir / a missing dir under one / a regular file in its place WHEN status()
    THEN READY / READY (created on the first job) / ERROR, and printing there is not ready."""
    assert open_printer(tmp_path.as_uri()).status().state is PrinterState.READY
    assert open_printer((tmp_path / "new" / "dir").as_uri()).status().state is PrinterState.READY
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    printer = open_printer(blocker.as_uri())
    assert printer.status().state is PrinterState.ERROR
    assert open_printer((blocker / "below").as_uri()).status().state is PrinterState.ERROR
    with pytest.raises(PrinterNotReadyError) as caught:
        printer.print(PDF)
    assert caught.value.job.state is JobState.FAILED


def test_file_printer_refuses_what_is_not_a_pdf(tmp_path: Path) -> None:
    """GIVEN bytes that are not a PDF WHEN printed THEN PrintFailedError and no file."""
    with pytest.raises(PrintFailedError):
        open_printer(tmp_path.as_uri()).print(b"hello")
    assert list(tmp_path.iterdir()) == []


# -- test pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["a4", "slip80", "slip58"])
def test_test_pages_embed_only_the_cjk_font(kind: str, tmp_path: Path) -> None:
    """GIVEN each test page WHEN inspected THEN only WenQuanYi Zen Hei, embedded; title and time in it."""
    when = datetime(2026, 1, 15, 9, 41, 5)
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(render_test_page(kind, when, "file:///tmp/x"))
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all("WenQuanYiZenHei" in r and " yes yes " in r for r in rows), fonts
    assert "Helvetica" not in fonts
    text = subprocess.run(
        ["pdftotext", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "打印测试" in text and "2026-01-15 09:41:05" in text
    assert TITLE == "打印测试 Print test"


def test_slip_kind_follows_the_dot_width() -> None:
    """GIVEN 384 or 576 dots WHEN choosing a test slip THEN 58 or 80 mm."""
    assert kind_for_dots(384) == "slip58" and kind_for_dots(576) == "slip80"
