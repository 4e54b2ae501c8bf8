"""A4 certificate (证明): title, particulars table, body, purpose and validity lines, what a
receiving office checks (出具依据, 经办人, 核验电话), issuer and date under a red seal, QR for
offline verification, and a footer naming serial, terminal and key.

Only a final certificate is sealed (forms.seal.stamp_document refuses anything else); a pending
one is drawn without the seal and marked 待审核 · 未盖章无效 where the seal would be.

The middle block (table, body, purpose, validity) must fit between the title and the issuer
block: its type is shrunk step by step down to MIN_BODY_SIZE, then LayoutOverflowError is raised,
so text never runs off the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from civic.dates import cn_date
from forms import draw
from forms.document import PENDING_MARK, Document, Field
from forms.errors import LayoutOverflowError
from forms.fonts import FontSet
from forms.linebreak import CLOSING, break_lines, wrap_text
from forms.qr import qr_matrix
from forms.seal import stamp_document

PAGE_W, PAGE_H = A4
MARGIN_X = 25 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
TITLE_BASELINE = PAGE_H - 42 * mm
FLOW_TOP = PAGE_H - 56 * mm
FLOW_MIN_BASELINE = 72 * mm  # the issuer block and seal sit below this
MAX_BODY_SIZE = 15.0
MIN_BODY_SIZE = 11.0
SIZE_STEP = 0.5
SEAL_RADIUS = 21 * mm  # 42 mm, the size of a community committee's seal
QR_SIDE = 30 * mm
FOOTER_RULE = 20 * mm
NOTE_GAP = 4 * mm
NOTE_LEADING = 1.5


@dataclass
class _Cell:
    x: float
    width: float
    lines: list[str]
    label: bool


def _table_rows(
    particulars: tuple[Field, ...], font: str, size: float
) -> tuple[list[tuple[float, list[_Cell]]], float]:
    """Rows of (height, cells); short particulars share a row two by two."""
    pad = size * 0.45
    label_w = max(stringWidth(f.label, font, size) for f in particulars) + 2 * pad
    label_w = max(label_w, 22 * mm)
    half = CONTENT_W / 2
    leading = size * 1.4
    groups: list[list[Field]] = []
    pending: Field | None = None
    for f in particulars:
        short = stringWidth(f.value, font, size) <= half - label_w - 2 * pad
        if short and pending is None:
            pending = f
            continue
        if short and pending is not None:
            groups.append([pending, f])
            pending = None
            continue
        if pending is not None:
            groups.append([pending])
            pending = None
        groups.append([f])
    if pending is not None:
        groups.append([pending])
    rows = []
    total = 0.0
    for group in groups:
        cells: list[_Cell] = []
        x = MARGIN_X
        slot = CONTENT_W / len(group)
        for f in group:
            value_w = slot - label_w
            cells.append(_Cell(x, label_w, [f.label], True))
            lines = break_lines(f.value or "—", font, size, value_w - 2 * pad)
            cells.append(_Cell(x + label_w, value_w, lines, False))
            x += slot
        height = max(len(c.lines) for c in cells) * leading + 2 * pad - (leading - size) * 0.6
        rows.append((height, cells))
        total += height
    return rows, total


def _closing_line(prefix: str, text: str) -> str:
    text = text.strip()
    return prefix + text + ("" if text and text[-1] in CLOSING else "。")


@dataclass
class _Flow:
    size: float
    table: list[tuple[float, list[_Cell]]]
    table_size: float
    table_height: float
    paragraphs: list[list[str]]
    leading: float
    height: float
    notes: list[str]
    note_size: float


def _layout_flow(doc: Document, font: str, size: float) -> _Flow:
    table_size = max(10.5, size - 1.5)
    table, table_h = _table_rows(doc.particulars, font, table_size) if doc.particulars else ([], 0)
    leading = size * 1.75
    texts = [doc.body]
    if doc.purpose:
        texts.append(_closing_line("", doc.purpose))
    if doc.validity_days:
        texts.append(f"本证明自出具之日起{doc.validity_days}日内有效。")
    paragraphs = [
        lines for t in texts for lines in wrap_text(t, font, size, CONTENT_W, first_indent=2 * size)
    ]
    n_lines = sum(len(p) for p in paragraphs)
    gap = 7 * mm if table else 0.0
    height = table_h + gap + size + max(n_lines - 1, 0) * leading
    note_size = max(10.0, min(12.0, size - 2.5))
    notes = [
        line
        for note in draw.notes_of(doc)
        for paragraph in wrap_text(note, font, note_size, CONTENT_W)
        for line in paragraph
    ]
    if notes:
        height += NOTE_GAP + len(notes) * note_size * NOTE_LEADING
    return _Flow(size, table, table_size, table_h, paragraphs, leading, height, notes, note_size)


def _fit_flow(doc: Document, font: str) -> _Flow:
    """The largest body size (in SIZE_STEP steps) whose flow fits; bisection keeps this to a
    few layout passes."""
    available = FLOW_TOP - FLOW_MIN_BASELINE
    steps = round((MAX_BODY_SIZE - MIN_BODY_SIZE) / SIZE_STEP)
    sizes = [MAX_BODY_SIZE - i * SIZE_STEP for i in range(steps + 1)]  # largest first
    best = _layout_flow(doc, font, sizes[0])
    if best.height <= available:
        return best
    smallest = _layout_flow(doc, font, sizes[-1])
    if smallest.height > available:
        chars = len(doc.body) + sum(len(f.value) for f in doc.particulars)
        raise LayoutOverflowError(
            f"certificate text ({chars} characters) does not fit at {MIN_BODY_SIZE} pt",
            zh="证明内容过长，无法在一页内排版，请联系工作人员",
            en="The certificate text is too long for one page. Please ask staff.",
        )
    too_big, fits = 0, len(sizes) - 1  # sizes[too_big] overflows, sizes[fits] fits
    best = smallest
    while fits - too_big > 1:
        mid = (too_big + fits) // 2
        flow = _layout_flow(doc, font, sizes[mid])
        if flow.height <= available:
            fits, best = mid, flow
        else:
            too_big = mid
    return best


def _draw_table(canvas: Canvas, flow: _Flow, font: str, top: float) -> float:
    size = flow.table_size
    pad = size * 0.45
    leading = size * 1.4
    y = top
    canvas.saveState()
    canvas.setLineWidth(0.7)
    for height, cells in flow.table:
        for cell in cells:
            if cell.label:
                canvas.setFillGray(0.93)
                canvas.rect(cell.x, y - height, cell.width, height, stroke=0, fill=1)
                canvas.setFillGray(0)
            canvas.rect(cell.x, y - height, cell.width, height, stroke=1, fill=0)
            baseline = y - pad - size * 0.88
            canvas.setFont(font, size)
            for line in cell.lines:
                if cell.label:
                    draw.text(
                        canvas, cell.x + cell.width / 2, baseline, line, font, size, align="centre"
                    )
                else:
                    canvas.drawString(cell.x + pad, baseline, line)
                baseline -= leading
        y -= height
    canvas.restoreState()
    return y


def _draw_header(canvas: Canvas, doc: Document, font: str) -> None:
    y = PAGE_H - 18 * mm
    draw.text(canvas, PAGE_W - MARGIN_X, y, f"编号：{doc.serial}", font, 10.5, align="right")
    x = MARGIN_X
    label = draw.reprint_label(doc)
    if label:
        x += draw.boxed_mark(canvas, x, y - 4.5, label, font, 13) + 3 * mm
    if doc.pending:
        x += draw.boxed_mark(canvas, x, y - 4.5, PENDING_MARK, font, 13, inverse=True) + 3 * mm
    if doc.copy_mark:
        draw.text(canvas, x, y, doc.copy_mark, font, 10.5)
    title_size = 24.0
    spacing = title_size * 0.5 if len(doc.title) <= 8 else 0.0
    while title_size > 16 and (
        stringWidth(doc.title, font, title_size) + spacing * (len(doc.title) - 1) > CONTENT_W
    ):
        title_size -= 1
        spacing = 0.0
    lines = break_lines(doc.title, font, title_size, CONTENT_W)
    y = TITLE_BASELINE + (len(lines) - 1) * title_size * 0.6
    for line in lines:
        draw.text(
            canvas,
            PAGE_W / 2,
            y,
            line,
            font,
            title_size,
            align="centre",
            bold=True,
            char_space=spacing,
        )
        y -= title_size * 1.25


def _draw_footer(canvas: Canvas, doc: Document, font: str) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, FOOTER_RULE, PAGE_W - MARGIN_X, FOOTER_RULE)
    canvas.restoreState()
    parts = [f"编号 {doc.serial}", f"终端 {doc.terminal_id}"]
    if doc.key_fingerprint:
        parts.append(f"密钥指纹 {doc.key_fingerprint}")
    draw.text(canvas, PAGE_W / 2, FOOTER_RULE - 5 * mm, "　".join(parts), font, 9, align="centre")
    if doc.pending:
        note = "本件为待审核申请，未盖章，不作证明使用"
    elif doc.qr_payload:
        note = "扫描二维码可离线核验本证明的真实性"
    else:
        note = "本证明由社区自助服务终端出具"
    if doc.copy_mark:
        note += f"　{doc.copy_mark}"
    draw.text(canvas, PAGE_W / 2, FOOTER_RULE - 10 * mm, note, font, 9, align="centre")


def _draw_qr(canvas: Canvas, doc: Document, font: str) -> None:
    if not doc.qr_payload:
        return
    matrix = qr_matrix(doc.qr_payload)
    module = QR_SIDE / len(matrix)
    y = FOOTER_RULE + 10 * mm
    from forms.qr import draw_qr

    draw_qr(canvas, matrix, MARGIN_X, y, module)
    draw.text(canvas, MARGIN_X + QR_SIDE / 2, y - 5 * mm, "扫码核验", font, 9, align="centre")


def render_certificate(doc: Document, fonts: FontSet) -> bytes:
    """One A4 page; LayoutOverflowError if the text cannot fit even at the smallest size."""
    font = fonts.song
    flow = _fit_flow(doc, font)
    canvas, buffer = draw.new_canvas(doc, fonts, A4, font)
    _draw_header(canvas, doc, font)
    y = FLOW_TOP
    if flow.table:
        y = _draw_table(canvas, flow, font, y) - 7 * mm
    baseline = y - flow.size
    for lines in flow.paragraphs:
        baseline = draw.paragraph_lines(
            canvas,
            lines,
            MARGIN_X,
            baseline,
            CONTENT_W,
            font,
            flow.size,
            flow.leading,
            first_indent=2 * flow.size,
        )
    last_baseline = baseline + flow.leading
    if flow.notes:
        baseline = last_baseline - NOTE_GAP - flow.note_size
        for line in flow.notes:
            draw.text(canvas, MARGIN_X, baseline, line, font, flow.note_size)
            baseline -= flow.note_size * NOTE_LEADING
        last_baseline = baseline + flow.note_size * NOTE_LEADING
    # issuer and date right-aligned below the text, the seal stamped across both
    issuer_size = 15.0
    right = PAGE_W - MARGIN_X - 6 * mm
    issuer_w = stringWidth(doc.issuer_name, font, issuer_size)
    while issuer_w > CONTENT_W * 0.6 and issuer_size > 11:
        issuer_size -= 0.5
        issuer_w = stringWidth(doc.issuer_name, font, issuer_size)
    name_y = max(last_baseline - 22 * mm, FOOTER_RULE + 30 * mm)
    date_y = name_y - 9 * mm
    centre_x = right - issuer_w / 2
    draw.text(canvas, right, name_y, doc.issuer_name, font, issuer_size, align="right")
    draw.text(canvas, centre_x, date_y, cn_date(doc.issue_date), font, issuer_size, align="centre")
    _draw_qr(canvas, doc, font)
    _draw_footer(canvas, doc, font)
    seal_x = min(centre_x, PAGE_W - MARGIN_X - SEAL_RADIUS)
    seal_y = (name_y + date_y) / 2 + 3 * mm
    if doc.sealed:
        stamp_document(canvas, doc, seal_x, seal_y, SEAL_RADIUS, font)
    else:
        draw.boxed_mark(canvas, seal_x, seal_y - 4 * mm, PENDING_MARK, font, 14, align="centre")
    canvas.showPage()
    return draw.finish(canvas, buffer, doc)
