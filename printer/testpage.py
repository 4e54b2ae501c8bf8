"""Test pages for `kiosk printer test`: an A4 page and an 80/58 mm slip, each with a timestamp.

Drawn with reportlab directly (the printer library does not depend on the documents library),
in the embedded WenQuanYi Zen Hei face so no unembedded Helvetica appears in the PDF.
"""

from __future__ import annotations

import functools
import io
from datetime import datetime
from typing import Literal

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT_NAME = "WQYZenHei"
TITLE = "打印测试 Print test"

PageKind = Literal["a4", "slip80", "slip58"]
SLIP_WIDTHS_MM = {"slip80": 80.0, "slip58": 58.0}


@functools.cache
def register_font() -> str:
    """Register the embedded CJK face once per process (on first use, not at import) and return its name."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, FONT_PATH, subfontIndex=0))
    return FONT_NAME


def kind_for_dots(dots: int) -> PageKind:
    """The slip kind that fits a thermal printer of `dots` width (384 dots = 58 mm, else 80 mm)."""
    return "slip58" if dots <= 384 else "slip80"


def render_test_page(
    kind: PageKind = "a4", when: datetime | None = None, printer_uri: str = ""
) -> bytes:
    """PDF bytes of a test page of `kind`, stamped with `when` (default now) and the printer URI."""
    when = when or datetime.now()
    if kind == "a4":
        return _a4(when, printer_uri)
    if kind in SLIP_WIDTHS_MM:
        return _slip(SLIP_WIDTHS_MM[kind], when, printer_uri)
    raise ValueError(f"unknown test page kind {kind!r}")


def _canvas(buf: io.BytesIO, size: tuple[float, float]) -> canvas.Canvas:
    font = register_font()
    c = canvas.Canvas(
        buf,
        pagesize=size,
        initialFontName=font,  # type: ignore[arg-type]  # stub says float; it is a font name
        initialFontSize=10,
        invariant=True,
    )
    c.setTitle(TITLE)
    c.setAuthor("community-kiosk")
    return c


def _qr(c: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    # Modules drawn as rectangles: reportlab's QR widget would set its default Helvetica.
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    c.saveState()
    c.setFillGray(0)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                c.rect(x + col * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)
    c.restoreState()


def _a4(when: datetime, uri: str) -> bytes:
    buf = io.BytesIO()
    width, height = A4
    c = _canvas(buf, A4)
    font = register_font()
    c.setFont(font, 26)
    c.drawCentredString(width / 2, height - 40 * mm, TITLE)
    c.setFont(font, 12)
    lines = [
        f"时间 Time: {when:%Y-%m-%d %H:%M:%S}",
        f"打印机 Printer: {uri or '-'}",
        "社区自助服务终端 Community service kiosk",
        "如能清楚看到本页文字、方框与二维码，说明打印机工作正常。",
        "If the text, the boxes and the QR code are sharp, the printer works.",
    ]
    y = height - 60 * mm
    for line in lines:
        c.drawString(25 * mm, y, line)
        y -= 9 * mm
    c.setLineWidth(0.5)
    for i in range(5):
        c.rect(25 * mm + i * 32 * mm, y - 30 * mm, 28 * mm, 28 * mm, fill=i % 2)
    _qr(c, f"PRINT-TEST {when:%Y%m%d%H%M%S}", width - 65 * mm, 30 * mm, 40 * mm)
    c.setFont(font, 9)
    c.drawString(25 * mm, 20 * mm, "一二三四五六七八九十 ABCDEFGHIJ 0123456789")
    c.showPage()
    c.save()
    return buf.getvalue()


def _slip(width_mm: float, when: datetime, uri: str) -> bytes:
    buf = io.BytesIO()
    width, height = width_mm * mm, 120 * mm
    c = _canvas(buf, (width, height))
    font = register_font()
    margin = 4 * mm
    y = height - 10 * mm
    c.setFont(font, 15)
    c.drawCentredString(width / 2, y, TITLE)
    y -= 8 * mm
    c.setFont(font, 9)
    lines = [
        f"时间 {when:%Y-%m-%d %H:%M:%S}",
        f"打印机 {uri or '-'}"[:40],
        "社区自助服务终端",
        "请核对：文字清晰、无断线。",
        "Text sharp, no missing dots.",
    ]
    for line in lines:
        c.drawString(margin, y, line)
        y -= 5.5 * mm
    c.setLineWidth(0.8)
    c.line(margin, y, width - margin, y)
    y -= 4 * mm
    qr = min(30 * mm, width - 2 * margin)
    _qr(c, f"PRINT-TEST {when:%Y%m%d%H%M%S}", (width - qr) / 2, y - qr, qr)
    y -= qr + 6 * mm
    c.drawCentredString(width / 2, y, "— 测试结束 End of test —")
    c.showPage()
    c.save()
    return buf.getvalue()
