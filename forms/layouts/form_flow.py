"""The A4 form's flow: blocks placed top-down onto pages, a page opened (with its section bar
again) when one is full; the geometry every form page shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from forms import draw
from forms.document import Field
from forms.linebreak import break_lines

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
MIN_BOX_H = 15 * mm  # the label above, the signature line below, nothing between
BOX_STEP = 2 * mm
BOX_GAP = 3 * mm
QR_SIDE = 24 * mm

Op = draw.Op


@dataclass
class Page:
    """The drawing operations of one sheet, and whether any is more than a box."""

    ops: list[Op] = field(default_factory=list)
    content: bool = False  # anything but signature boxes on it


class Flow:
    """Places blocks top-down, opening a new page (with the section header again) when full."""

    def __init__(self, font: str) -> None:
        self.font = font
        self.pages: list[Page] = [Page()]
        self.y = BODY_TOP
        self.section: str | None = None

    @property
    def ops(self) -> list[Op]:
        """The current page's drawing operations."""
        return self.pages[-1].ops

    def room(self) -> float:
        """Height left on the current page."""
        return self.y - BODY_BOTTOM

    def new_page(self) -> None:
        """Open a page, with the current section's bar again (marked 续)."""
        self.pages.append(Page())
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
        self.pages[-1].content = True
        self.y -= SECTION_H

    def section_bar(self, title: str) -> None:
        """A grey section heading; never alone at the foot of a page."""
        if self.room() < SECTION_H + LEADING + 2 * PAD:
            self.section = None
            self.new_page()
        self.section = title
        self._section_bar(title)

    def row(self, label: str, value: str) -> None:
        """One labelled row; a value taller than the page room continues on the next."""
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
        self.pages[-1].content = True
        self.y -= height

    def pair(self, left: Field, right: Field) -> None:
        """Two short particulars side by side on one ruled line."""
        height = SIZE + 2 * PAD
        if self.room() < height:
            self.new_page()
        y, font, half = self.y, self.font, CONTENT_W / 2

        def op(c: Canvas) -> None:
            c.saveState()
            c.setLineWidth(0.6)
            baseline = y - PAD - SIZE * 0.88
            c.setFont(font, SIZE)
            for n, f in enumerate((left, right)):
                x = MARGIN_X + n * half
                c.setFillGray(0.95)
                c.rect(x, y - height, LABEL_W, height, stroke=0, fill=1)
                c.setFillGray(0)
                c.rect(x, y - height, LABEL_W, height, stroke=1, fill=0)
                c.rect(x + LABEL_W, y - height, half - LABEL_W, height, stroke=1, fill=0)
                c.drawString(x + PAD, baseline, f.label)
                c.drawString(x + LABEL_W + PAD, baseline, f.value or "—")
            c.restoreState()

        self.ops.append(op)
        self.pages[-1].content = True
        self.y -= height

    def rows(self, fields: tuple[Field, ...], *, pairs: bool) -> None:
        """One row per field; with `pairs`, consecutive short ones share a row."""
        pending: Field | None = None
        for f in fields:
            if pairs and self._short(f):
                if pending is None:
                    pending = f
                    continue
                self.pair(pending, f)
                pending = None
                continue
            if pending is not None:
                self.row(pending.label, pending.value)
                pending = None
            self.row(f.label, f.value)
        if pending is not None:
            self.row(pending.label, pending.value)

    def _short(self, f: Field) -> bool:
        value_w = CONTENT_W / 2 - LABEL_W - 2 * PAD
        return (
            stringWidth(f.value or "—", self.font, SIZE) <= value_w
            and stringWidth(f.label, self.font, SIZE) <= LABEL_W - 2 * PAD
        )

    def gap(self, height: float) -> None:
        """Blank space."""
        self.y -= height

    def paragraph(
        self,
        lines: list[str],
        *,
        heading: str | None = None,
        lead: str | None = None,
        first_indent: float = 2 * SIZE,
    ) -> None:
        """Lines of one paragraph, the first indented; `heading` on a line of its own above,
        or `lead` in bold at the start of the first line (the indent leaves room for it)."""
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
            indent = first_indent if i == 0 else 0.0
            bold = lead if i == 0 else None

            def op(
                c: Canvas,
                y: float = y,
                s: str = line,
                last: bool = last,
                indent: float = indent,
                bold: str | None = bold,
            ) -> None:
                if bold:
                    draw.text(c, MARGIN_X, y, bold, font, SIZE, bold=True)
                draw.line(
                    c, MARGIN_X + indent, y, s, CONTENT_W - indent, font, SIZE, justify=not last
                )

            self.ops.append(op)
            self.pages[-1].content = True
            self.y -= LEADING

    def box(self, label: str, height: float = BOX_H) -> None:
        """A signature box of `height`, never split across pages."""
        if self.room() < height:
            self.section = None
            self.new_page()
        y, font = self.y, self.font

        def op(c: Canvas) -> None:
            c.saveState()
            c.setLineWidth(0.8)
            c.rect(MARGIN_X, y - height, CONTENT_W, height, stroke=1, fill=0)
            draw.text(c, MARGIN_X + PAD, y - PAD - SIZE * 0.9, f"{label}：", font, SIZE, bold=True)
            draw.text(
                c,
                MARGIN_X + CONTENT_W - PAD,
                y - height + PAD + 1,
                "签字（盖章）：　　　　　　　　　　年　　月　　日",
                font,
                11,
                align="right",
            )
            c.restoreState()

        self.ops.append(op)
        self.y -= height + BOX_GAP


def lead_block(flow: Flow, heading: str, text: str) -> None:
    """`heading：` in bold at the start of the text's first line, later paragraphs indented."""
    lead = f"{heading}："
    width = stringWidth(lead, flow.font, SIZE)
    for i, paragraph in enumerate(p.strip() for p in text.split("\n") if p.strip()):
        indent = width if i == 0 else 2 * SIZE
        lines = break_lines(paragraph, flow.font, SIZE, CONTENT_W, first_indent=indent)
        flow.paragraph(lines, lead=lead if i == 0 else None, first_indent=indent)
