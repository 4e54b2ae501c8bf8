"""Drawing helpers shared by the layouts: a deterministic canvas, wrapped text, marks."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from reportlab import rl_config
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from forms.document import Document
from forms.fonts import FontSet

CHINA_TZ = timezone(timedelta(hours=8))
PRODUCER = "community-kiosk forms"
#: Stroke width (fraction of the font size) that makes UMing/Zen Hei read as bold.
FAUX_BOLD = 0.035

Op = Callable[[Canvas], None]
_SAVE_LOCK = threading.Lock()


def pdf_date(created_at: datetime) -> str:
    """D:YYYYMMDDhhmmss+08'00' from the issuance time (naive times are China time)."""
    moment = created_at if created_at.tzinfo else created_at.replace(tzinfo=CHINA_TZ)
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hh, mm = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hh:02d}'{mm:02d}'"


def pdf_id(doc: Document) -> bytes:
    """Trailer /ID from the serial and issuance time: the same for every print of an issuance."""
    ident = hashlib.sha256(f"{doc.serial}|{doc.created_at.isoformat()}".encode()).hexdigest()[:32]
    return f"\n[<{ident}><{ident}>]\n".encode("ascii")


def new_canvas(
    doc: Document, fonts: FontSet, pagesize: tuple[float, float], font: str | None = None
) -> tuple[Canvas, io.BytesIO]:
    """A canvas whose output depends only on what is drawn and on `doc`.

    invariant=1 fixes reportlab's own timestamps; the creation date comes from doc.created_at;
    the initial font is an embedded one, so no unembedded Helvetica is ever referenced.
    """
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=pagesize,
        invariant=1,
        pageCompression=1,
        initialFontName=font or fonts.song,  # type: ignore[arg-type]  # stub says float; it is a font name
        initialFontSize=12,
    )
    stamp = pdf_date(doc.created_at)
    canvas.setDateFormatter(lambda *_args: stamp)
    canvas.setTitle(doc.title)
    canvas.setAuthor(doc.issuer_name)
    canvas.setSubject(doc.serial)
    canvas.setCreator(PRODUCER)
    canvas.setProducer(PRODUCER)
    canvas.setKeywords(doc.qr_payload or "")
    return canvas, buffer


def finish(canvas: Canvas, buffer: io.BytesIO, doc: Document) -> bytes:
    """Save the canvas with the fixed document ID and return the PDF bytes."""
    # reportlab derives /ID from an MD5 of the content; fix it from the issuance instead, so
    # a reprint differs from the original only where the 补打 mark is drawn.
    canvas._doc._ID = pdf_id(doc)  # type: ignore[attr-defined]  # private, absent from the stubs
    # Page streams are Flate-compressed binary; reportlab's default extra ASCII85 layer only
    # makes them 25% larger and costs ~3 ms in pure Python. The switch is global in reportlab,
    # so it is flipped only for the duration of this save.
    with _SAVE_LOCK:
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            canvas.save()
        finally:
            rl_config.useA85 = saved
    return buffer.getvalue()


def text(
    canvas: Canvas,
    x: float,
    y: float,
    s: str,
    font: str,
    size: float,
    *,
    align: str = "left",
    bold: bool = False,
    char_space: float = 0.0,
) -> None:
    """One line of text; `align` is left, centre or right of x; bold strokes the outline."""
    width = stringWidth(s, font, size) + char_space * max(len(s) - 1, 0)
    if align == "centre":
        x -= width / 2
    elif align == "right":
        x -= width
    canvas.setFont(font, size)
    if bold:
        canvas.setLineWidth(size * FAUX_BOLD)
    canvas.drawString(x, y, s, mode=2 if bold else 0, charSpace=char_space)


def line(
    canvas: Canvas,
    x: float,
    y: float,
    s: str,
    width: float,
    font: str,
    size: float,
    *,
    justify: bool,
) -> None:
    """One line of a paragraph; with `justify` it is spread to `width` by adding the same space
    after each character, as Chinese typesetting does. A line more than two characters short
    (before a long unbreakable run) stays ragged: spreading it would letter-space numbers."""
    space = 0.0
    if justify and len(s) > 1:
        slack = width - stringWidth(s, font, size)
        if 0 < slack < size * 2:
            space = slack / (len(s) - 1)
    canvas.setFont(font, size)
    canvas.drawString(x, y, s, charSpace=space)


def paragraph_lines(
    canvas: Canvas,
    lines: Sequence[str],
    x: float,
    y: float,
    width: float,
    font: str,
    size: float,
    leading: float,
    *,
    first_indent: float = 0.0,
    justify: bool = True,
) -> float:
    """Draw the lines of one paragraph from baseline y downwards; return the next baseline.
    All lines but the last are justified when `justify` is set."""
    for i, s in enumerate(lines):
        indent = first_indent if i == 0 else 0.0
        last = i == len(lines) - 1
        line(canvas, x + indent, y, s, width - indent, font, size, justify=justify and not last)
        y -= leading
    return y


def boxed_mark(
    canvas: Canvas,
    x: float,
    y: float,
    s: str,
    font: str,
    size: float,
    *,
    inverse: bool = False,
    align: str = "left",
) -> float:
    """A framed label (补打 n) with its box's lower-left at (x, y); returns the box width."""
    pad = size * 0.35
    width = stringWidth(s, font, size) + 2 * pad
    height = size * 1.45
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    canvas.saveState()
    canvas.setLineWidth(max(0.8, size * 0.08))
    if inverse:
        canvas.setFillColorRGB(0, 0, 0)
        canvas.rect(x, y, width, height, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setStrokeColorRGB(1, 1, 1)
    else:
        canvas.rect(x, y, width, height, stroke=1, fill=0)
    text(canvas, x + pad, y + size * 0.42, s, font, size, bold=True)
    canvas.restoreState()
    return width


def reprint_label(doc: Document) -> str | None:
    """补打 n for reprints, None for the original."""
    return f"补打 {doc.reprint}" if doc.reprint else None


def notes_of(doc: Document) -> list[str]:
    """The lines a receiving office checks: the basis, who handled it, the number to call."""
    notes = []
    if doc.legal_basis:
        notes.append(f"出具依据：{doc.legal_basis}")
    tail = []
    if doc.handled_by:
        tail.append(f"经办人：{doc.handled_by}")
    if doc.contact_phone:
        tail.append(f"核验电话：{doc.contact_phone}")
    if tail:
        notes.append("　".join(tail))
    return notes
