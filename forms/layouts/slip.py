"""Thermal slip (回执) for 80 mm and 58 mm rolls: item, serial, particulars, next steps, where to
go, and the verification QR, in large sans type an elderly resident can read.

The page is exactly the printable width (576 or 384 dots at 203 dpi) and as tall as its content.
Everything is black on white with no greys; the QR's modules are whole printer dots so they
print sharp.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from civic.dates import cn_date
from forms import draw
from forms.document import PENDING_MARK, Document
from forms.fonts import FontSet
from forms.linebreak import break_lines, clusters, wrap_text
from forms.qr import QUIET_ZONE, draw_qr, qr_matrix

DOT = 72 / 203  # one printer dot in points


@dataclass(frozen=True)
class SlipPaper:
    """Type sizes and geometry for one roll width."""

    dots: int
    margin: float
    issuer: float
    title: float
    serial: float
    body: float
    small: float
    max_module_dots: int

    @property
    def width(self) -> float:
        """Page width in points (the printable width)."""
        return self.dots * DOT


PAPERS = {
    "slip80": SlipPaper(576, 2.5 * mm, 12, 21, 17, 15, 10, 6),
    "slip58": SlipPaper(384, 1.5 * mm, 11, 18, 14, 13, 9, 5),
}


class _Column:
    """Blocks stacked from the top; y grows downwards until the page height is known."""

    def __init__(self, paper: SlipPaper, font: str) -> None:
        self.paper = paper
        self.font = font
        self.width = paper.width - 2 * paper.margin
        self.ops: list[Callable[[Canvas, float], None]] = []  # each gets the page height
        self.y = 3 * mm

    def lines(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: str = "left",
        leading: float = 1.35,
        indent: float = 0.0,
    ) -> None:
        font, margin = self.font, self.paper.margin
        size = self.fitting(text, size, self.width - indent)
        for paragraph in wrap_text(text, font, size, self.width - indent):
            for s in paragraph:
                top = self.y + size
                x = self.paper.width / 2 if align == "centre" else margin + indent

                def op(c: Canvas, h: float, s: str = s, top: float = top, x: float = x) -> None:
                    draw.text(c, x, h - top, s, font, size, align=align, bold=bold)

                self.ops.append(op)
                self.y += size * leading

    def fitting(self, text: str, size: float, width: float) -> float:
        """`size`, or smaller when one unbreakable run of `text` (a masked ID number, a date,
        a phone number) would not fit `width` and so be split (never below 80% of the small
        type: a run wider than that is cut as the last resort)."""
        widest = max((stringWidth(c, self.font, size) for c in clusters(text)), default=0.0)
        if widest <= width:
            return size
        return max(self.paper.small * 0.8, size * width / widest * 0.999)

    def labelled(self, label: str, value: str, size: float) -> None:
        """label：value on one line if it fits, else the value on the following line(s), in
        smaller type only if one unbreakable run (an ID number) would otherwise be split."""
        joined = f"{label}：{value}"
        if stringWidth(joined, self.font, size) <= self.width:
            self.lines(joined, size)
            return
        self.lines(f"{label}：", size, bold=True)
        self.lines(value, size)

    def title(self, s: str, size: float) -> None:
        """Centred and bold; shrunk a little to stay on one line, else wrapped in even lines."""
        self.centred(s, size, bold=True, min_scale=0.82)

    def centred(self, s: str, size: float, *, bold: bool = False, min_scale: float = 0.82) -> None:
        """A centred line shrunk (down to min_scale) to stay whole, else wrapped in even lines
        (never one orphaned character on a line of its own)."""
        font = self.font
        fitted = size
        while fitted > size * min_scale and stringWidth(s, font, fitted) > self.width:
            fitted -= 0.5
        if stringWidth(s, font, fitted) <= self.width:
            self.lines(s, fitted, bold=bold, align="centre", leading=1.25)
            return
        n = len(break_lines(s, font, size, self.width))
        width = self.width
        while width > size * 2 and len(break_lines(s, font, size, width - size)) == n:
            width -= size
        for line in break_lines(s, font, size, width):
            self.lines(line, size, bold=bold, align="centre", leading=1.25)

    def heading(self, s: str, size: float) -> None:
        self.gap(1.5 * mm)
        self.lines(f"■ {s}", size, bold=True)

    def rule(self, dashed: bool = True) -> None:
        self.gap(1.5 * mm)
        y, margin, w = self.y, self.paper.margin, self.paper.width

        def op(c: Canvas, h: float) -> None:
            c.saveState()
            c.setLineWidth(2 * DOT)
            if dashed:
                c.setDash(6, 3)
            c.line(margin, h - y, w - margin, h - y)
            c.restoreState()

        self.ops.append(op)
        self.gap(2.5 * mm)

    def serial(self, serial: str, size: float) -> None:
        """The serial as large as fits on one line (down to 80% of the small type); split at
        hyphens only when even that cannot hold it."""
        font = self.font
        while size > self.paper.small * 0.8 and stringWidth(serial, font, size) > self.width:
            size -= 0.5
        if stringWidth(serial, font, size) <= self.width:
            self.lines(serial, size, bold=True, align="centre", leading=1.3)
            return
        cuts = [i + 1 for i, ch in enumerate(serial) if ch == "-"]
        if cuts:
            # two lines as even as possible, cut after a hyphen
            cut = min(
                cuts,
                key=lambda i: max(
                    stringWidth(serial[:i], font, size), stringWidth(serial[i:], font, size)
                ),
            )
            rows = [serial[:cut], serial[cut:]]
        else:
            rows = [serial]
        for row in rows:
            for s in break_lines(row, font, size, self.width):
                self.lines(s, size, bold=True, align="centre", leading=1.3)

    def mark(self, s: str, size: float) -> None:
        top = self.y
        font, centre = self.font, self.paper.width / 2

        def op(c: Canvas, h: float) -> None:
            draw.boxed_mark(
                c, centre, h - top - size * 1.45, s, font, size, inverse=True, align="centre"
            )

        self.ops.append(op)
        self.y += size * 1.45 + 2 * mm

    def qr(self, payload: str) -> None:
        matrix = qr_matrix(payload)
        n = len(matrix)
        module_dots = max(
            2, min(self.paper.max_module_dots, self.paper.dots // (n + 2 * QUIET_ZONE))
        )
        side_dots = n * module_dots
        x = (self.paper.dots - side_dots) // 2 * DOT
        top_dots = round(self.y / DOT) + QUIET_ZONE * module_dots // 2
        module = module_dots * DOT

        def op(c: Canvas, h: float) -> None:
            h_dots = round(h / DOT)
            draw_qr(c, matrix, x, (h_dots - top_dots - side_dots) * DOT, module)

        self.ops.append(op)
        self.y = (top_dots + side_dots) * DOT + 2 * mm

    def gap(self, height: float) -> None:
        self.y += height


def render_slip(doc: Document, fonts: FontSet) -> bytes:
    """One page, as wide as the roll's printable area and as tall as the content."""
    paper = PAPERS[doc.paper]
    font = fonts.sans
    col = _Column(paper, font)
    label = draw.reprint_label(doc)
    if label:
        col.mark(label, paper.title * 0.8)
    col.centred(doc.issuer_name, paper.issuer, min_scale=0.75)
    col.gap(1 * mm)
    col.title(doc.title, paper.title)
    if doc.pending:
        col.gap(1 * mm)
        col.mark(PENDING_MARK, paper.body)
    col.rule(dashed=False)
    col.lines("编号", paper.small, align="centre")
    col.serial(doc.serial, paper.serial)
    col.lines(f"{cn_date(doc.issue_date)} {doc.created_at:%H:%M}", paper.small, align="centre")
    col.rule()
    for f in doc.particulars:
        col.labelled(f.label, f.value, paper.body)
    if doc.body.strip():
        col.gap(1 * mm)
        col.lines(doc.body, paper.body)
    if doc.next_steps:
        col.heading("下一步", paper.body)
        col.lines(doc.next_steps, paper.body)
    if doc.where_to_go:
        col.heading("办理地点", paper.body)
        col.lines(doc.where_to_go, paper.body)
    if doc.qr_payload:
        col.rule()
        col.qr(doc.qr_payload)
        col.lines("扫码核验真伪", paper.small, align="centre")
    col.rule()
    footer = [f"社区电话 {doc.contact_phone}"] if doc.contact_phone else []
    footer.append(f"终端 {doc.terminal_id}")
    if doc.key_fingerprint:
        footer.append(f"密钥 {doc.key_fingerprint}")
    if doc.copy_mark:
        footer.append(doc.copy_mark)
    for s in footer:
        col.lines(s, paper.small, align="centre")
    col.gap(6 * mm)  # room for the tear bar
    height = round(col.y / DOT) * DOT
    canvas, buffer = draw.new_canvas(doc, fonts, (paper.width, height), font)
    for op in col.ops:
        op(canvas, height)
    canvas.showPage()
    return draw.finish(canvas, buffer, doc)
