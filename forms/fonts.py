"""The CJK TrueType fonts every document embeds, registered with reportlab once per process.

UMing (a Song face) sets certificates and forms; WenQuanYi Zen Hei (a sans) sets thermal slips,
whose thin strokes would break up at 203 dpi in a Song face.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from forms.errors import FontMissingError

SONG_PATH = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
SANS_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
SONG_NAME = "KioskSong"
SANS_NAME = "KioskSans"

_lock = threading.Lock()
_loaded: dict[tuple[str, str], FontSet] = {}


@dataclass(frozen=True)
class FontSet:
    """Names of the registered fonts, as given to `canvas.setFont` and `stringWidth`."""

    song: str = SONG_NAME
    sans: str = SANS_NAME


def _register(name: str, path: Path, package: str) -> None:
    if name in pdfmetrics.getRegisteredFontNames():
        return
    if not path.is_file():
        raise FontMissingError(
            f"font file {path} not found (apt-get install {package})",
            zh=f"打印字体缺失：{path}，请安装 {package} 或联系工作人员",
            en=f"Font {path} is missing: install {package} or ask staff.",
        )
    try:
        font = TTFont(name, str(path), subfontIndex=0)
    except Exception as exc:  # reportlab raises TTFError or OSError for broken files
        raise FontMissingError(
            f"font file {path} cannot be used: {exc}",
            zh=f"打印字体文件损坏：{path}，请联系工作人员",
            en=f"Font {path} cannot be read. Please ask staff.",
        ) from exc
    pdfmetrics.registerFont(font)


def load_fonts(song_path: Path = SONG_PATH, sans_path: Path = SANS_PATH) -> FontSet:
    """Register the song and sans fonts (once per process) and return their names.

    Raises FontMissingError, with a bilingual message naming the Debian package, if a file is
    missing or unreadable.
    """
    key = (str(song_path), str(sans_path))
    with _lock:
        fonts = _loaded.get(key)
        if fonts is None:
            suffix = "" if not _loaded else f"-{len(_loaded)}"
            fonts = FontSet(song=SONG_NAME + suffix, sans=SANS_NAME + suffix)
            _register(fonts.song, song_path, "fonts-arphic-uming")
            _register(fonts.sans, sans_path, "fonts-wqy-zenhei")
            _loaded[key] = fonts
        return fonts
