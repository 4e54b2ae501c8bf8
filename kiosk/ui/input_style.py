"""Stylesheet rules for the input widgets (kiosk.ui.inputs, datepicker, keypad).

Appended after `style.stylesheet(scale)`: text grows with `scale`, while touch targets stay at
least 96 px high and grow only as the text needs, so a date picker still fits an item page.
Borders are dark enough for 3:1 against white (WCAG 1.4.11); a chosen button is filled blue
and carries a ✓, so the choice is not shown by colour alone.
"""

from __future__ import annotations

from kiosk.ui.style import BLUE, GREY, INK, RED

TARGET = 96  # px: the smallest button, border to border, at every scale
PAD, BORDER = 6, 3  # px: a button's vertical padding and border (inside TARGET)
CELL_PAD = 8  # px: a picker cell's side padding, unscaled so ten days fit a row at 1.6
LINE = 1.35  # a button's text line as a multiple of its font size
DISABLED_BG, DISABLED_INK = "#ECECEC", "#70757A"


def input_stylesheet(scale: float = 1.0) -> str:
    """The rules for every object name the input widgets use."""

    def px(value: float) -> str:
        return f"{round(value * scale)}px"

    def tall(font: float) -> str:
        """min-height of a button's contents: 96 px overall, or the text's line if taller."""
        return f"{max(TARGET - 2 * (PAD + BORDER), round(font * scale * LINE))}px"

    cell = f"padding: {PAD}px {CELL_PAD}px; border: {BORDER}px solid {GREY}; border-radius: 14px;"
    button = f"padding: {PAD}px {px(16)}; border: {BORDER}px solid {GREY}; border-radius: 14px;"
    return f"""
    QLabel#inputLabel {{ font-size: {px(32)}; font-weight: bold; color: {INK}; }}
    QLabel#inputMissing {{ font-size: {px(30)}; font-weight: bold; color: {RED}; }}
    QLabel#inputHint {{ font-size: {px(28)}; color: {GREY}; }}
    QLabel#inputError {{ font-size: {px(30)}; font-weight: bold; color: {RED}; }}
    QPushButton#choice, QPushButton#choiceSkip {{ font-size: {px(32)}; min-height: {tall(32)};
        {button} background: white; color: {INK}; }}
    QPushButton#choiceSkip {{ border-style: dashed; min-width: {px(140)}; }}
    QPushButton#choice:checked, QPushButton#choiceSkip:checked {{ background: {BLUE};
        color: white; border: {BORDER}px solid {INK}; font-weight: bold; }}
    QLabel#dateValue, QLabel#dateEmpty, QLabel#numberValue, QLabel#numberEmpty {{
        min-height: {TARGET - 2 * BORDER}px; padding: 0 {px(20)}; border: {BORDER}px solid {GREY};
        border-radius: 14px; background: white; }}
    QLabel#dateValue {{ font-size: {px(40)}; font-weight: bold; color: {INK}; }}
    QLabel#dateEmpty {{ font-size: {px(34)}; color: {GREY}; }}
    QPushButton#dateOpen {{ font-size: {px(34)}; font-weight: bold; min-height: {tall(34)};
        min-width: {px(200)}; {button} border-color: {BLUE}; background: white; color: {BLUE}; }}
    QLabel#pickerPrompt {{ font-size: {px(32)}; font-weight: bold; color: {INK}; }}
    QLabel#pickerPath {{ font-size: {px(30)}; color: {INK}; }}
    QPushButton#pickerCell, QPushButton#pickerCurrent {{ font-size: {px(34)};
        min-height: {tall(34)}; {cell} background: white; color: {INK}; }}
    QPushButton#pickerCurrent {{ border: {2 * BORDER}px solid {BLUE}; font-weight: bold;
        padding: {PAD - BORDER}px {CELL_PAD - BORDER}px; }}
    QPushButton#pickerCell:disabled, QPushButton#pickerCurrent:disabled {{
        background: {DISABLED_BG}; color: {DISABLED_INK}; border-color: {DISABLED_BG}; }}
    QPushButton#pickerQuick {{ font-size: {px(32)}; font-weight: bold; min-height: {tall(32)};
        min-width: {px(120)}; {button} border-color: {BLUE}; background: {BLUE}; color: white; }}
    QPushButton#pickerNav {{ font-size: {px(32)}; min-height: {tall(32)}; {button}
        min-width: {px(120)}; border-color: {BLUE}; background: white; color: {BLUE}; }}
    QPushButton#pickerCell:pressed, QPushButton#pickerCurrent:pressed,
    QPushButton#pickerNav:pressed, QPushButton#keypadKey:pressed,
    QPushButton#keypadAction:pressed, QPushButton#dateOpen:pressed {{ background: #D3E3FD; }}
    QLabel#numberValue {{ font-size: {px(56)}; font-weight: bold; color: {INK}; }}
    QLabel#numberEmpty {{ font-size: {px(32)}; color: {GREY}; }}
    QPushButton#keypadKey {{ font-size: {px(44)}; font-weight: bold; min-height: {tall(44)};
        {button} background: white; color: {INK}; }}
    QPushButton#keypadAction {{ font-size: {px(32)}; font-weight: bold; min-height: {tall(44)};
        {button} border-color: {BLUE}; background: white; color: {BLUE}; }}
    QLineEdit#textInput {{ font-size: {px(34)}; min-height: {tall(34)}; padding: 0 {px(12)};
        border: {BORDER}px solid {GREY}; border-radius: 10px; background: white; }}
    """
