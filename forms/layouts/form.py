"""A4 application form (申请表): a ruled table of the resident's particulars and answers, the
declaration text, and blank boxes for signatures and staff remarks.

Content flows onto as many pages as it needs. Every page repeats the header (issuer, serial,
title, the current table section) and carries "第n页 共m页" in its footer; a table row taller
than a page is split line by line, a signature box is never split. Layout runs first, so the
page count is known before anything is drawn. A form whose text fits one sheet stays on one:
the signature boxes shrink (down to MIN_BOX_H) before they spill, and when they must move to a
new sheet the declaration moves with them, so no sheet carries only empty boxes.

A pending review application (doc.pending) is marked 待审核 · 未盖章无效 under the header.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from forms import draw
from forms.document import PENDING_MARK, PENDING_NOTE, Document, Field
from forms.fonts import FontSet
from forms.layouts.form_flow import (
    BODY_TOP,
    BOX_H,
    BOX_STEP,
    CONTENT_W,
    MARGIN_X,
    MIN_BOX_H,
    PAGE_H,
    PAGE_W,
    QR_SIDE,
    SIZE,
    Flow,
    Page,
    lead_block,
)
from forms.qr import draw_qr, qr_matrix


def _paginate(doc: Document, font: str) -> list[Page]:
    """The pages, on as few sheets as the text needs: boxes shrink before they spill onto a
    sheet of their own; when they must move, the declaration moves with them."""
    if not doc.staff_boxes:
        return _layout(doc, font)
    sheets = len(_layout(doc, font, boxes=False))
    steps = int((BOX_H - MIN_BOX_H) // BOX_STEP)
    heights = [BOX_H - i * BOX_STEP for i in range(steps + 1)]
    if heights[-1] > MIN_BOX_H:
        heights.append(MIN_BOX_H)
    for height in heights:
        pages = _layout(doc, font, box_h=height)
        if len(pages) == sheets:
            return pages
    for height in heights:
        pages = _layout(doc, font, box_h=height, tail_break=True)
        if pages[-1].content:
            return pages
    return _layout(doc, font, tail_break=True)


def _layout(
    doc: Document,
    font: str,
    *,
    box_h: float = BOX_H,
    boxes: bool = True,
    tail_break: bool = False,
) -> list[Page]:
    """One layout pass; `tail_break` starts the declaration (and the boxes after it) on a new
    sheet."""
    flow = Flow(font)
    sections: list[tuple[str, tuple[Field, ...]]] = []
    if doc.particulars:
        sections.append(("一、申请人基本信息", doc.particulars))
    if doc.answers:
        sections.append((f"{'二' if doc.particulars else '一'}、申请事项", doc.answers))
    for n, (title, items) in enumerate(sections):
        flow.section_bar(title)
        flow.rows(items, pairs=n == 0 and bool(doc.particulars))  # the particulars pair up
        flow.gap(5 * mm)
    flow.section = None
    if tail_break and flow.y < BODY_TOP:
        flow.new_page()
    blocks = [("申请人声明", doc.body)]
    if doc.next_steps:
        blocks.append(("办理流程", doc.next_steps))
    if doc.where_to_go:
        blocks.append(("办理地点", doc.where_to_go))
    if doc.pending or doc.legal_basis:  # what the application rests on; forms give the
        notes = draw.notes_of(doc)  # committee's number in the footer
        blocks.append(("说明", "\n".join([*notes, PENDING_NOTE] if doc.pending else notes)))
    for n, (heading, text) in enumerate(blocks):
        if n:
            flow.gap(1.5 * mm)
        lead_block(flow, heading, text)
    flow.gap(4 * mm)
    if boxes:
        for label in doc.staff_boxes:
            flow.box(label, box_h)
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
    if doc.pending:  # between the title and the rule, on every page
        draw.boxed_mark(
            c, PAGE_W / 2, BODY_TOP + 2.5 * mm, PENDING_MARK, font, 11, inverse=True, align="centre"
        )
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
    left = f"终端 {doc.terminal_id}"
    if doc.contact_phone:
        left += f"　社区电话 {doc.contact_phone}"
    draw.text(c, MARGIN_X, 10 * mm, left, font, 8.5)
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
    pages = _paginate(doc, font)
    canvas, buffer = draw.new_canvas(doc, fonts, A4, font)
    for number, page in enumerate(pages, start=1):
        canvas.setFont(font, SIZE)
        _header(canvas, doc, font, number)
        for op in page.ops:
            op(canvas)
        _footer(canvas, doc, font, number, len(pages))
        canvas.showPage()
    return draw.finish(canvas, buffer, doc)
