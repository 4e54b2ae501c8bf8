"""Printer suite fixtures: a real cupsd with a cups-pdf queue, ESC/POS emulators on ptys, slip PDFs.

cupsd: `printer.emulators.cupsd.PrivateCupsd`, our own `/usr/sbin/cupsd -f` with its own
configuration, spool and port in a temp dir (the system scheduler and other test sessions are never
touched), stopped by its pid at the end.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from printer.emulators.cupsd import CUPS_PDF_OUT, PDF_QUEUE, CupsdError, PrivateCupsd, wait_until
from printer.emulators.cupsd import CupsServer as Cups
from printer.emulators.escpos_emulator import EscposEmulator

__all__ = ["CUPS_PDF_OUT", "QUEUE", "Cups", "wait_until"]

QUEUE = PDF_QUEUE
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SLIP_SIZE = (576 / 203 * 72, 864 / 203 * 72)  # points: 576 x 864 dots at 203 dpi


@pytest.fixture(scope="session")
def private_cupsd() -> Iterator[PrivateCupsd]:
    """The PrivateCupsd for the session (started by `cupsd`)."""
    scheduler = PrivateCupsd()
    yield scheduler
    scheduler.stop()


@pytest.fixture(scope="session")
def cupsd(private_cupsd: PrivateCupsd) -> Cups:
    """A private `cupsd -f` (own config, spool and port under a temp dir; the system's CUPS is
    left alone and parallel test sessions do not meet), stopped by its pid at the end."""
    try:
        return private_cupsd.start()
    except CupsdError as exc:
        if "not installed" in str(exc):
            pytest.skip(f"CUPS (cups, cups-bsd, ipptool) is not installed: {exc}")
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def pdf_queue(cupsd: Cups, private_cupsd: PrivateCupsd) -> Cups:
    """The cups-pdf queue KIOSK_PDF on our cupsd."""
    try:
        return private_cupsd.add_pdf_queue(QUEUE)
    except CupsdError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def cups(pdf_queue: Cups) -> Iterator[Cups]:
    """KIOSK_PDF enabled and accepting before the test and again after it, whatever the test did."""
    for command in ("cupsenable", "cupsaccept"):
        pdf_queue.run(command, QUEUE)
    yield pdf_queue
    for command in ("cupsenable", "cupsaccept"):
        pdf_queue.run(command, QUEUE)


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
