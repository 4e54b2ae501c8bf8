"""Look and feel for elderly users: big type, high contrast, big touch targets."""

from __future__ import annotations

UI_FONT = "WenQuanYi Zen Hei"

RED = "#B3261E"
BLUE = "#0B57D0"
GREEN = "#146C2E"
INK = "#1B1B1F"
GREY = "#5F6368"
PAPER = "#FFFBF5"


def stylesheet(scale: float = 1.0) -> str:
    """The application stylesheet; `scale` enlarges every size (ui.font_scale)."""

    def px(value: float) -> str:
        return f"{round(value * scale)}px"

    return f"""
    QWidget {{ font-family: "{UI_FONT}"; font-size: {px(30)}; color: {INK}; background: {PAPER}; }}
    #header {{ background: {RED}; }}
    #header QLabel {{ color: white; background: {RED}; font-size: {px(30)}; }}
    #header QLabel#headerTitle {{ font-size: {px(34)}; font-weight: bold; }}
    #printerOk {{ color: white; }}
    #printerBad {{ color: #FFE08A; font-weight: bold; }}
    #footer {{ background: #F1ECE4; }}
    #footer QLabel {{ background: #F1ECE4; }}
    #notice {{ font-size: {px(34)}; font-weight: bold; color: {INK}; }}
    #noticeEn, .en {{ font-size: {px(22)}; color: {GREY}; }}
    #waitingScreen QLabel {{ qproperty-alignment: AlignCenter; }}
    QLabel#hero {{ font-size: {px(64)}; font-weight: bold; color: {INK}; }}
    QLabel#heroEn {{ font-size: {px(30)}; color: {GREY}; }}
    QLabel#title {{ font-size: {px(46)}; font-weight: bold; }}
    QLabel#subtitle {{ font-size: {px(26)}; color: {GREY}; }}
    QLabel#readerBad {{ font-size: {px(32)}; color: {RED}; font-weight: bold; }}
    QLabel#readerOk {{ font-size: {px(26)}; color: {GREEN}; }}
    QLabel#errorText {{ font-size: {px(44)}; font-weight: bold; color: {RED}; }}
    QLabel#doneText {{ font-size: {px(46)}; font-weight: bold; color: {GREEN}; }}
    QLabel#mark {{ font-size: {px(120)}; font-weight: bold; }}
    QLabel#errorTextMark {{ font-size: {px(120)}; font-weight: bold; color: {RED}; }}
    QLabel#doneTextMark {{ font-size: {px(120)}; font-weight: bold; color: {GREEN}; }}
    QLabel#serial {{ font-size: {px(30)}; }}
    QLabel#description {{ font-size: {px(30)}; line-height: 150%; }}
    QLabel#inputLabel {{ font-size: {px(32)}; font-weight: bold; }}
    QPushButton {{
        font-size: {px(32)}; min-height: {px(96)}; padding: {px(8)} {px(24)};
        border-radius: {px(14)}; border: {px(3)} solid {BLUE}; background: white; color: {BLUE};
    }}
    QPushButton:pressed {{ background: #D3E3FD; }}
    QPushButton#primary {{ background: {BLUE}; color: white; font-size: {px(40)}; font-weight: bold;
        min-height: {px(120)}; }}
    QPushButton#primary:disabled {{ background: #9AA0A6; border-color: #9AA0A6; }}
    QPushButton#quiet {{ border-color: {GREY}; color: {INK}; }}
    QPushButton#category {{ min-height: {px(72)}; font-size: {px(32)}; color: {INK};
        border-color: #C4C7C5; }}
    QPushButton#category:checked {{ background: {BLUE}; color: white; font-weight: bold; }}
    QPushButton#item {{ min-height: {px(110)}; border-color: #C4C7C5; }}
    QLabel#itemText {{ font-size: {px(32)}; color: {INK}; }}
    QPushButton#itemUnavailable {{ min-height: {px(110)}; background: #EEEEEE; border-color: #DADCE0; }}
    QLabel#itemUnavailableText {{ font-size: {px(28)}; color: {GREY}; background: #EEEEEE; }}
    QPushButton#choice {{ min-height: {px(88)}; color: {INK}; border-color: #C4C7C5; }}
    QPushButton#choice:checked {{ background: {BLUE}; color: white; border-color: {BLUE}; font-weight: bold; }}
    QPushButton#step {{ min-width: {px(96)}; font-size: {px(44)}; font-weight: bold; }}
    QLabel#stepValue {{ font-size: {px(44)}; font-weight: bold; min-width: {px(140)}; qproperty-alignment: AlignCenter; }}
    QLineEdit {{ font-size: {px(34)}; min-height: {px(80)}; border: {px(3)} solid #C4C7C5; border-radius: {px(10)}; }}
    QScrollArea {{ border: none; }}
    QScrollBar:vertical {{ width: {px(28)}; background: #EEE; }}
    QScrollBar::handle:vertical {{ background: #9AA0A6; border-radius: {px(8)}; min-height: {px(80)}; }}
    #demoPanel, #demoPanel QWidget {{ background: #263238; color: white; font-size: {px(20)}; }}
    #demoPanel QPushButton {{ min-height: {px(52)}; font-size: {px(20)}; color: white; background: #37474F;
        border: 1px solid #90A4AE; border-radius: {px(6)}; text-align: left; }}
    """
