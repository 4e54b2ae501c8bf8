"""Printer suite fixtures: a real cupsd with a cups-pdf queue, ESC/POS emulators on ptys, slip PDFs.

cupsd: reused if one is already running, else started here (`/usr/sbin/cupsd -f`, the system
configuration) and stopped by its pid when the session ends.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from printer.emulators.escpos_emulator import EscposEmulator

CUPSD = "/usr/sbin/cupsd"
QUEUE = "KIOSK_PDF"
PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
CUPS_PDF_OUT = Path.home() / "PDF"  # cups-pdf writes ~/PDF/<title>*-job_<N>.pdf
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SLIP_SIZE = (576 / 203 * 72, 864 / 203 * 72)  # points: 576 x 864 dots at 203 dpi


def _run(*args: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)


def scheduler_running() -> bool:
    """True if `lpstat -r` reaches a scheduler."""
    return "scheduler is running" in _run("lpstat", "-r").stdout


def wait_until(predicate, timeout: float, interval: float = 0.05):
    """Poll `predicate` until it returns something truthy or `timeout` passes; return the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


@pytest.fixture(scope="session")
def cupsd() -> Iterator[subprocess.Popen[bytes] | None]:
    """A running scheduler: the one already there, or our own `cupsd -f` stopped by pid afterwards."""
    if not (Path(CUPSD).exists() and shutil.which("lp") and shutil.which("ipptool")):
        pytest.skip("CUPS (cups, cups-bsd, ipptool) is not installed")
    if scheduler_running():
        yield None
        return
    process = subprocess.Popen([CUPSD, "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_until(scheduler_running, 15, 0.1):
            pytest.fail("cupsd did not come up within 15 s")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="session")
def pdf_queue(cupsd: object) -> str:
    """The cups-pdf queue KIOSK_PDF (created if missing)."""
    done = _run("lpadmin", "-p", QUEUE, "-v", "cups-pdf:/", "-E", "-m", PPD)
    if done.returncode != 0:
        pytest.fail(f"lpadmin failed: {done.stderr}")
    return QUEUE


@pytest.fixture
def queue(pdf_queue: str) -> Iterator[str]:
    """KIOSK_PDF enabled and accepting before the test and again after it, whatever the test did."""
    for command in ("cupsenable", "cupsaccept"):
        _run(command, pdf_queue)
    yield pdf_queue
    for command in ("cupsenable", "cupsaccept"):
        _run(command, pdf_queue)


@pytest.fixture
def emulator() -> Iterator[EscposEmulator]:
    """An 80 mm ESC/POS printer emulator on a fresh pty."""
    with EscposEmulator(576) as emu:
        yield emu


@pytest.fixture
def emulator58() -> Iterator[EscposEmulator]:
    """A 58 mm ESC/POS printer emulator on a fresh pty."""
    with EscposEmulator(384) as emu:
        yield emu


def make_slip_pdf(width_pt: float = SLIP_SIZE[0], height_pt: float = SLIP_SIZE[1]) -> bytes:
    """A realistic queue slip: CJK text, rules, a QR-like block, white space between sections."""
    pdfmetrics.registerFont(TTFont("TestZenHei", FONT, subfontIndex=0))
    buf = io.BytesIO()
    c = canvas.Canvas(
        buf, pagesize=(width_pt, height_pt), initialFontName="TestZenHei", invariant=True
    )
    left = 3 * mm
    y = height_pt - 9 * mm
    c.setFont("TestZenHei", 14)
    c.drawCentredString(width_pt / 2, y, "红旗街社区服务站 办事回执")
    y -= 8 * mm
    c.setFont("TestZenHei", 9)
    for line in (
        "流水号：WY-20260115-000123",
        "事项：居住证明（补打第1次）",
        "办理时间：2026-01-15 09:41",
        "请携带身份证原件到二号窗口盖章。",
        "地址：王益区红旗街道党群服务中心一楼",
    ):
        c.drawString(left, y, line)
        y -= 5 * mm
    c.setLineWidth(0.7)
    c.line(left, y, width_pt - left, y)
    y -= 30 * mm
    rng = random.Random(6)
    cell, n = 1.1 * mm, 25
    x0 = (width_pt - n * cell) / 2
    for row in range(n):
        for col in range(n):
            finder = ((row < 7 or row >= n - 7) and col < 7) or (row < 7 and col >= n - 7)
            if finder or rng.random() < 0.5:
                c.rect(x0 + col * cell, y + (n - row) * cell - 8 * mm, cell, cell, stroke=0, fill=1)
    y -= 14 * mm
    c.drawCentredString(width_pt / 2, y, "扫码查验真伪 Scan to verify")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="session")
def slip_pdf() -> bytes:
    """An 80 mm slip PDF (about 576 x 864 dots)."""
    return make_slip_pdf()


@pytest.fixture(scope="session")
def slip58_pdf() -> bytes:
    """A 58 mm slip PDF."""
    return make_slip_pdf(384 / 203 * 72, 640 / 203 * 72)
