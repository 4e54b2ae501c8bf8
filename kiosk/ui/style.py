"""Look and feel for elderly users: big type, high contrast, big touch targets.

Sizes are in pixels at text scale 1.0 (the 大字 toggle gives 1.3 and 1.6): nothing is smaller
than 26 px; borders of controls have at least 3:1 contrast against the paper (WCAG 1.4.11).
"""

from __future__ import annotations

UI_FONT = "WenQuanYi Zen Hei"

RED = "#B3261E"
BLUE = "#0B57D0"
GREEN = "#146C2E"
INK = "#1B1B1F"
GREY = "#4A4A4F"  # secondary text: 8.9:1 on PAPER
EDGE = "#6B6B70"  # control borders: 5.0:1 on PAPER
PAPER = "#FFFBF5"
SHADE = "#ECE7DF"  # unavailable items, footer
MIN_PX = 26


def stylesheet(scale: float = 1.0) -> str:
    """The application stylesheet at a text scale (1.0, 1.3, 1.6), input widgets included."""
    from kiosk.ui.input_style import input_stylesheet

    return _base(scale) + input_stylesheet(scale)


def _base(scale: float) -> str:
    """The whole stylesheet at one text scale. Long because it is one Qt style sheet, read
    as a sheet; split up, a rule's neighbours would be out of sight."""

    def px(value: float) -> str:  # type sizes (and borders): grow with the text
        return f"{round(max(value, MIN_PX if value >= 20 else value) * scale)}px"

    def chrome(value: float) -> str:  # header and footer: at most 1.3x, the page gets the room
        return f"{round(max(value, MIN_PX if value >= 20 else value) * min(scale, 1.3))}px"

    def box(value: float) -> str:  # heights of controls: a little taller, so pages still fit
        return f"{round(value * (1 + (scale - 1) * 0.35))}px"

    return f"""
    QWidget {{ font-family: "{UI_FONT}"; font-size: {px(32)}; color: {INK}; background: {PAPER}; }}
    #header, #header QWidget {{ background: {RED}; }}
    #header QLabel {{ color: white; font-size: {chrome(30)}; }}
    #header QLabel#headerTitle {{ font-size: {chrome(34)}; font-weight: bold; }}
    #header QPushButton {{ color: white; background: {RED}; border: {chrome(3)} solid white;
        min-height: {box(64)}; font-size: {chrome(28)}; padding: 0 {chrome(16)}; }}
    #header QPushButton:pressed {{ background: #8C1D18; }}
    #printerOk {{ color: white; }}
    #printerBad {{ color: #FFE08A; font-weight: bold; }}
    #footer, #footer QWidget {{ background: {SHADE}; }}
    #footer QPushButton {{ min-height: {box(80)}; font-size: {chrome(28)}; color: {INK};
        border-color: {EDGE}; background: white; }}
    #footer QPushButton#callStaff {{ background: {RED}; color: white; border-color: {RED};
        font-weight: bold; }}
    #footer QPushButton#callStaff:disabled {{ background: {GREEN}; border-color: {GREEN}; }}
    #notice {{ font-size: {chrome(34)}; font-weight: bold; color: {INK}; }}
    #noticeOther, .other {{ font-size: {chrome(26)}; color: {GREY}; }}
    #waitingScreen QLabel {{ qproperty-alignment: AlignCenter; }}
    QLabel#hero {{ font-size: {px(64)}; font-weight: bold; color: {INK}; }}
    QLabel#heroOther {{ font-size: {px(32)}; color: {GREY}; }}
    QLabel#title {{ font-size: {px(46)}; font-weight: bold; }}
    QLabel#subtitle {{ font-size: {px(28)}; color: {GREY}; }}
    QLabel#readerBad {{ font-size: {px(34)}; color: {RED}; font-weight: bold; }}
    QLabel#readerOk {{ font-size: {px(28)}; color: {GREEN}; }}
    QLabel#errorText {{ font-size: {px(44)}; font-weight: bold; color: {RED}; }}
    QLabel#doneText {{ font-size: {px(46)}; font-weight: bold; color: {GREEN}; }}
    QLabel#mark {{ font-size: {px(96)}; font-weight: bold; }}
    QLabel#errorTextMark {{ font-size: {px(120)}; font-weight: bold; color: {RED}; }}
    QLabel#doneTextMark {{ font-size: {px(120)}; font-weight: bold; color: {GREEN}; }}
    QLabel#serial {{ font-size: {px(34)}; font-weight: bold; }}
    QLabel#description {{ font-size: {px(32)}; }}
    QLabel#answer {{ font-size: {px(34)}; }}
    QLabel#answerLabel {{ font-size: {px(30)}; color: {GREY}; }}
    QLabel#inputLabel {{ font-size: {px(34)}; font-weight: bold; }}
    QLabel#missingNote {{ font-size: {px(28)}; color: {RED}; font-weight: bold; }}
    QLabel#pageLabel {{ font-size: {px(30)}; color: {GREY}; qproperty-alignment: AlignCenter; }}
    QPushButton {{
        font-size: {px(32)}; min-height: {box(96)}; padding: {px(8)} {px(24)};
        border-radius: {px(14)}; border: {px(3)} solid {BLUE}; background: white; color: {BLUE};
    }}
    QPushButton:pressed {{ background: #D3E3FD; }}
    QPushButton:disabled {{ color: {GREY}; border-color: {EDGE}; background: {SHADE}; }}
    QPushButton#primary {{ background: {BLUE}; color: white; font-size: {px(40)};
        font-weight: bold; min-height: {box(120)}; }}
    QPushButton#primary:disabled {{ background: {EDGE}; border-color: {EDGE}; }}
    QPushButton#quiet {{ border-color: {EDGE}; color: {INK}; }}
    QPushButton#pager {{ min-height: {box(120)}; min-width: {box(220)}; border-color: {EDGE};
        color: {INK}; }}
    QPushButton#category {{ min-height: {box(72)}; font-size: {px(32)}; color: {INK};
        border-color: {EDGE}; }}
    QPushButton#category:checked {{ background: {BLUE}; color: white; font-weight: bold;
        border-color: {BLUE}; }}
    QPushButton#item {{ min-height: {box(120)}; border-color: {EDGE}; }}
    QLabel#itemText {{ font-size: {px(34)}; color: {INK}; background: transparent; }}
    QPushButton#itemUnavailable {{ min-height: {box(120)}; background: {SHADE}; border-color: {EDGE};
        border-style: dashed; }}
    QLabel#itemUnavailableText {{ font-size: {px(30)}; color: {GREY}; background: transparent; }}
    QPushButton#choice, QPushButton#pickerCell, QPushButton#keypadKey, QPushButton#rating {{
        min-height: {box(96)}; color: {INK}; border-color: {EDGE}; }}
    QPushButton#choice:checked, QPushButton#pickerCell:checked, QPushButton#rating:checked {{
        background: {BLUE}; color: white; border-color: {BLUE}; font-weight: bold; }}
    QPushButton#step {{ min-width: {box(96)}; font-size: {px(44)}; font-weight: bold; }}
    QLabel#stepValue {{ font-size: {px(44)}; font-weight: bold; min-width: {box(140)};
        qproperty-alignment: AlignCenter; }}
    QLineEdit {{ font-size: {px(34)}; min-height: {box(80)}; border: {px(3)} solid {EDGE};
        border-radius: {px(10)}; }}
    #overlay {{ background: rgba(27, 27, 31, 242); }}
    #overlay QLabel {{ background: transparent; color: white; qproperty-alignment: AlignCenter; }}
    #overlay QLabel#countdown {{ font-size: {px(160)}; font-weight: bold; }}
    #overlay QLabel#overlayText {{ font-size: {px(52)}; font-weight: bold; }}
    #overlay QLabel#overlayOther {{ font-size: {px(32)}; }}
    #overlay QPushButton {{ min-height: {box(160)}; min-width: {box(560)}; font-size: {px(48)};
        font-weight: bold; }}
    #overlay QPushButton#primary {{ border-color: white; }}
    QLabel#staffBanner {{ background: {GREEN}; color: white; font-size: {chrome(34)};
        font-weight: bold; padding: {chrome(8)} {chrome(24)}; }}
    QProgressBar {{ min-height: {box(32)}; border: {px(3)} solid {EDGE}; border-radius: {px(8)};
        background: white; }}
    QProgressBar::chunk {{ background: {BLUE}; }}
    #demoPanel, #demoPanel QWidget {{ background: #263238; color: white; font-size: 20px; }}
    #demoPanel QPushButton {{ min-height: 52px; font-size: 20px; color: white;
        background: #37474F; border: 1px solid #90A4AE; border-radius: 6px; text-align: left; }}
    """
