"""A4 application form (申请表): a ruled table of the resident's particulars and answers, the
declaration text, and blank boxes for signatures and staff remarks.

Content flows onto as many pages as it needs. Every page repeats the header (issuer, serial,
title, the current table section) and carries "第n页 共m页" in its footer; a table row taller
than a page is split line by line, a signature box is never split. Layout runs first, so the
page count is known before anything is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from forms import draw
from forms.document import Document, Field
from forms.fonts import FontSet
from forms.linebreak import break_lines, wrap_text
from forms.qr import draw_qr, qr_matrix

PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
BODY_TOP = PAGE_H - 44 * mm  # below the header
BODY_BOTTOM = 22 * mm  # above the footer
SIZE = 12.0
LEADING = SIZE * 1.5
PAD = 2.2 * mm
LABEL_W = 44 * mm  # nine 12 pt characters: most question labels on one line
SECTION_H = 8 * mm
BOX_H = 30 * mm
QR_SIDE = 24 * mm

Op = draw.Op


@dataclass
class _Page:
    ops: list[Op] = field(default_factory=list)


class _Flow:
    """Places blocks top-down, opening a new page (with the section header again) when full."""

    def __init__(self, font: str) -> None:
        self.font = font
        self.pages: list[_Page] = [_Page()]
        self.y = BODY_TOP
        self.section: str | None = None

    @property
    def ops(self) -> list[Op]:
        return self.pages[-1].ops

    def room(self) -> float:
        return self.y - BODY_BOTTOM

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = BODY_TOP
        if self.section:
            self._section_bar(f"{self.section}（续）")

    def _section_bar(self, title: str) -> None:
        y, font = self.y, self.font

        def op(c: Canvas) -> None:
            c.saveState()
            c.setFillGray(0.88)
            c.setLineWidth(0.8)
            c.rect(MARGIN_X, y - SECTION_H, CONTENT_W, SECTION_H, stroke=1, fill=1)
            c.setFillGray(0)
            draw.text(c, MARGIN_X + PAD, y - SECTION_H + 2.6 * mm, title, font, SIZE, bold=True)
            c.restoreState()

        self.ops.append(op)
        self.y -= SECTION_H

    def section_bar(self, title: str) -> None:
        if self.room() < SECTION_H + LEADING + 2 * PAD:
            self.section = None
            self.new_page()
        self.section = title
        self._section_bar(title)

    def row(self, label: str, value: str) -> None:
        lines = break_lines(value or "—", self.font, SIZE, CONTENT_W - LABEL_W - 2 * PAD)
        label_lines = break_lines(label, self.font, SIZE, LABEL_W - 2 * PAD)
        first = True
        while lines:
            fit = int((self.room() - 2 * PAD + (LEADING - SIZE)) // LEADING)
            needed = max(len(lines), len(label_lines) if first else 1)
            if fit < min(needed, 2) or (fit < needed and needed * LEADING < BODY_TOP - BODY_BOTTOM):
                self.new_page()
                continue
            take = lines[:fit]
            lines = lines[fit:]
            shown = label_lines if first else [f"{label}（续）"]
            self._row_part(shown, take)  # every label line: a long label grows the row
            first = False

    def _row_part(self, label_lines: list[str], lines: list[str]) -> None:
        n = max(len(label_lines), len(lines))
        height = n * LEADING - (LEADING - SIZE) + 2 * PAD
        y, font = self.y, self.font

        def op(c: Canvas) -> None:
            c.saveState()
            c.setLineWidth(0.6)
            c.setFillGray(0.95)
            c.rect(MARGIN_X, y - height, LABEL_W, height, stroke=0, fill=1)
            c.setFillGray(0)
            c.rect(MARGIN_X, y - height, LABEL_W, height, stroke=1, fill=0)
            c.rect(MARGIN_X + LABEL_W, y - height, CONTENT_W - LABEL_W, height, stroke=1, fill=0)
            baseline = y - PAD - SIZE * 0.88
            c.setFont(font, SIZE)
            for line in label_lines:
                c.drawString(MARGIN_X + PAD, baseline, line)
                baseline -= LEADING
            baseline = y - PAD - SIZE * 0.88
            for line in lines:
                c.drawString(MARGIN_X + LABEL_W + PAD, baseline, line)
                baseline -= LEADING
            c.restoreState()

        self.ops.append(op)
        self.y -= height

    def gap(self, height: float) -> None:
        self.y -= height

    def paragraph(self, lines: list[str], *, heading: str | None = None) -> None:
        font = self.font
        if heading:
            if self.room() < 2 * LEADING + SIZE:
                self.new_page()
            y = self.y - SIZE

            def title(c: Canvas, y: float = y, s: str = heading) -> None:
                draw.text(c, MARGIN_X, y, s, font, SIZE, bold=True)

            self.ops.append(title)
            self.y -= LEADING
        for i, line in enumerate(lines):
            if self.room() < SIZE + 1:
                self.new_page()
            y = self.y - SIZE
            last = i == len(lines) - 1
            indent = 2 * SIZE if i == 0 else 0.0

            def op(
                c: Canvas, y: float = y, s: str = line, last: bool = last, indent: float = indent
            ) -> None:
                draw.line(
                    c, MARGIN_X + indent, y, s, CONTENT_W - indent, font, SIZE, justify=not last
                )

            self.ops.append(op)
            self.y -= LEADING

    def box(self, label: str) -> None:
        if self.room() < BOX_H:
            self.section = None
            self.new_page()
        y, font = self.y, self.font

        def op(c: Canvas) -> None:
            c.saveState()
            c.setLineWidth(0.8)
            c.rect(MARGIN_X, y - BOX_H, CONTENT_W, BOX_H, stroke=1, fill=0)
            draw.text(c, MARGIN_X + PAD, y - PAD - SIZE * 0.9, f"{label}：", font, SIZE, bold=True)
            draw.text(
                c,
                MARGIN_X + CONTENT_W - PAD,
                y - BOX_H + PAD + 1,
                "签字（盖章）：　　　　　　　　　　年　　月　　日",
                font,
                11,
                align="right",
            )
            c.restoreState()

        self.ops.append(op)
        self.y -= BOX_H + 3 * mm


def _layout(doc: Document, font: str) -> list[_Page]:
    flow = _Flow(font)
    sections: list[tuple[str, tuple[Field, ...]]] = []
    if doc.particulars:
        sections.append(("一、申请人基本信息", doc.particulars))
    if doc.answers:
        sections.append((f"{'二' if doc.particulars else '一'}、申请事项", doc.answers))
    for title, items in sections:
        flow.section_bar(title)
        for item in items:
            flow.row(item.label, item.value)
        flow.gap(5 * mm)
    flow.section = None
    paragraphs = wrap_text(doc.body, font, SIZE, CONTENT_W, first_indent=2 * SIZE)
    extra = []
    if doc.next_steps:
        extra.append(("办理流程", doc.next_steps))
    if doc.where_to_go:
        extra.append(("办理地点", doc.where_to_go))
    for i, lines in enumerate(paragraphs):
        flow.paragraph(lines, heading="申请人声明" if i == 0 else None)
    for heading, text in extra:
        flow.gap(2 * mm)
        for i, lines in enumerate(wrap_text(text, font, SIZE, CONTENT_W, first_indent=2 * SIZE)):
            flow.paragraph(lines, heading=heading if i == 0 else None)
    flow.gap(5 * mm)
    for label in doc.staff_boxes:
        flow.box(label)
    return flow.pages


def _header(c: Canvas, doc: Document, font: str, page: int) -> None:
    top = PAGE_H - 14 * mm
    draw.text(c, MARGIN_X, top, doc.issuer_name, font, 10.5)
    draw.text(c, PAGE_W - MARGIN_X, top, f"编号：{doc.serial}", font, 10.5, align="right")
    label = draw.reprint_label(doc)
    x = MARGIN_X
    if label:
        x += draw.boxed_mark(c, x, top - 11 * mm, label, font, 12) + 3 * mm
    if doc.copy_mark:
        draw.text(c, x, top - 8.5 * mm, doc.copy_mark, font, 10.5)
    title = doc.title if page == 1 else f"{doc.title}（续）"
    size = 20.0
    limit = CONTENT_W - 2 * (QR_SIDE + 4 * mm)
    while size > 13 and stringWidth(title, font, size) > limit:
        size -= 0.5
    draw.text(c, PAGE_W / 2, PAGE_H - 30 * mm, title, font, size, align="centre", bold=True)
    if page == 1 and doc.qr_payload:
        matrix = qr_matrix(doc.qr_payload)
        draw_qr(c, matrix, PAGE_W - MARGIN_X - QR_SIDE, PAGE_H - 42 * mm, QR_SIDE / len(matrix))
    c.saveState()
    c.setLineWidth(1.2)
    c.line(
        MARGIN_X,
        BODY_TOP + 1.5 * mm,
        PAGE_W - MARGIN_X - (QR_SIDE + 3 * mm if page == 1 and doc.qr_payload else 0),
        BODY_TOP + 1.5 * mm,
    )
    c.restoreState()


def _footer(c: Canvas, doc: Document, font: str, page: int, pages: int) -> None:
    c.saveState()
    c.setLineWidth(0.5)
    c.line(MARGIN_X, 16 * mm, PAGE_W - MARGIN_X, 16 * mm)
    c.restoreState()
    draw.text(c, PAGE_W / 2, 10 * mm, f"第{page}页 共{pages}页", font, 10.5, align="centre")
    draw.text(c, MARGIN_X, 10 * mm, f"终端 {doc.terminal_id}", font, 8.5)
    if doc.key_fingerprint:
        draw.text(
            c,
            PAGE_W - MARGIN_X,
            10 * mm,
            f"密钥指纹 {doc.key_fingerprint}",
            font,
            8.5,
            align="right",
        )


def render_form(doc: Document, fonts: FontSet) -> bytes:
    """As many A4 pages as the content needs, each with header and page n of m."""
    font = fonts.song
    pages = _layout(doc, font)
    canvas, buffer = draw.new_canvas(doc, fonts, A4, font)
    for number, page in enumerate(pages, start=1):
        canvas.setFont(font, SIZE)
        _header(canvas, doc, font, number)
        for op in page.ops:
            op(canvas)
        _footer(canvas, doc, font, number, len(pages))
        canvas.showPage()
    return draw.finish(canvas, buffer, doc)
