"""The red circular seal (公章), drawn in vector form from the issuer's name.

A ring, the issuer name set along the upper arc with each character upright towards the rim, a
five-pointed star, and the seal's purpose (证明专用章) beneath it. The geometry depends only on
the name and size, so it is computed once and reused for every document.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from forms.document import Document
from forms.errors import FormsError

SEAL_RED = (0.86, 0.08, 0.10)
SEAL_LABEL = "证明专用章"
MAX_SPAN = 250.0  # degrees of arc the issuer name may take
GLYPH_SQUEEZE = 0.78  # seal characters are tall and narrow


@dataclass(frozen=True)
class SealGeometry:
    """Everything needed to draw one seal relative to its centre, in points."""

    radius: float
    ring_width: float
    arc_font_size: float
    arc_glyphs: tuple[tuple[str, float, float, float], ...]  # char, x, y, rotation (degrees)
    star: tuple[tuple[float, float], ...]
    label_font_size: float
    label_y: float
    label_space: float


class SealRefusedError(FormsError):
    """A seal was asked for on a paper that must not carry one (a form, a slip, a pending
    review application): a programming error, never something a resident can cause."""

    message_zh = "此文件不能加盖公章，请联系工作人员"
    message_en = "This paper must not be sealed. Please ask staff."


@lru_cache(maxsize=32)
def seal_geometry(issuer: str, radius: float, font_name: str) -> SealGeometry:
    """Lay out a seal of `radius` points for `issuer` (cached: names repeat on every document)."""
    ring = radius * 0.055
    chars = [ch for ch in issuer if not ch.isspace()] or ["章"]
    n = len(chars)
    font_size = radius * 0.25
    for _ in range(20):
        baseline_r = radius - ring - radius * 0.07 - font_size * 0.86
        step_deg = math.degrees(font_size * GLYPH_SQUEEZE * 1.12 / baseline_r)
        if step_deg * (n - 1) <= MAX_SPAN or font_size < radius * 0.12:
            break
        font_size *= 0.94
    span = min(MAX_SPAN, step_deg * (n - 1))
    glyphs = []
    for i, ch in enumerate(chars):
        angle = 90.0 + span / 2 - (span / (n - 1) * i if n > 1 else 0.0)
        a = math.radians(angle)
        glyphs.append((ch, baseline_r * math.cos(a), baseline_r * math.sin(a), angle - 90.0))
    outer = radius * 0.30
    inner = outer * 0.382
    star = []
    for k in range(10):
        a = math.radians(90 + k * 36)
        rr = outer if k % 2 == 0 else inner
        star.append((rr * math.cos(a), rr * math.sin(a) + radius * 0.02))
    label_size = radius * 0.19
    label_width = stringWidth(SEAL_LABEL, font_name, label_size)
    target = radius * 1.05
    space = max(0.0, (target - label_width) / max(len(SEAL_LABEL) - 1, 1))
    return SealGeometry(
        radius=radius,
        ring_width=ring,
        arc_font_size=font_size,
        arc_glyphs=tuple(glyphs),
        star=tuple(star),
        label_font_size=label_size,
        label_y=-radius * 0.60,
        label_space=space,
    )


def draw_seal(
    canvas: Canvas,
    cx: float,
    cy: float,
    radius: float,
    issuer: str,
    font_name: str,
    *,
    multiply: bool = True,
) -> None:
    """Stamp the seal centred on (cx, cy). With `multiply`, text under it stays legible, as
    ink under a real stamp does."""
    g = seal_geometry(issuer, round(radius, 2), font_name)
    canvas.saveState()
    if multiply:
        canvas.setBlendMode("Multiply")
    canvas.setFillColorRGB(*SEAL_RED)
    canvas.setStrokeColorRGB(*SEAL_RED)
    canvas.setLineWidth(g.ring_width)
    canvas.circle(cx, cy, g.radius - g.ring_width / 2, stroke=1, fill=0)
    canvas.setFont(font_name, g.arc_font_size)
    canvas.setLineWidth(g.arc_font_size * 0.035)
    for ch, x, y, rot in g.arc_glyphs:
        canvas.saveState()
        canvas.translate(cx + x, cy + y)
        canvas.rotate(rot)
        canvas.scale(GLYPH_SQUEEZE, 1.0)
        canvas.drawCentredString(0, 0, ch, mode=2)
        canvas.restoreState()
    path = canvas.beginPath()
    sx, sy = g.star[0]
    path.moveTo(cx + sx, cy + sy)
    for sx, sy in g.star[1:]:
        path.lineTo(cx + sx, cy + sy)
    path.close()
    canvas.drawPath(path, fill=1, stroke=0)
    canvas.setFont(font_name, g.label_font_size)
    canvas.setLineWidth(g.label_font_size * 0.03)
    width = stringWidth(SEAL_LABEL, font_name, g.label_font_size) + g.label_space * (
        len(SEAL_LABEL) - 1
    )
    canvas.drawString(cx - width / 2, cy + g.label_y, SEAL_LABEL, mode=2, charSpace=g.label_space)
    canvas.restoreState()


def stamp_document(
    canvas: Canvas, doc: Document, cx: float, cy: float, radius: float, font_name: str
) -> None:
    """Stamp the issuer's seal on `doc`: only a final certificate may carry it (SealRefusedError
    otherwise), so no layout can seal a form, a notice or a paper still awaiting review."""
    if not doc.sealed:
        raise SealRefusedError(f"{doc.serial}: a {doc.status} {doc.layout} is never sealed")
    draw_seal(canvas, cx, cy, radius, doc.issuer_name, font_name)
