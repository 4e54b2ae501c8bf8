"""The CJK TrueType fonts every document embeds, registered with reportlab on first use.

UMing (a Song face) sets certificates and forms; WenQuanYi Zen Hei (a sans) sets thermal slips,
whose thin strokes would break up at 203 dpi in a Song face.

Parsing a face (reportlab's TTFont reads the whole 16-21 MB .ttc and walks the cmap and the
metrics of ~27 000 glyphs in pure Python) costs 70-100 ms, so `load_fonts()` only checks that the
files exist: each face is parsed and registered the first time a layout asks for its name
(`FontSet.song` / `FontSet.sans`), or ahead of time by `FontSet.warm()` on a background thread.
Registration order never changes the PDF bytes: a document only depends on the faces it uses.

A terminal may also set documents in lean copies of the faces (forms.font_subset: GB 2312 and
the catalogue's characters, a fifth of the memory): `load_fonts(copy_song, copy_sans,
whole=load_fonts())` gives a FontSet whose `covering(text)` is itself when every character of
the text is in the copies, and the whole faces otherwise (a rare character in a name).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from forms.errors import FontMissingError

SONG_PATH = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
SANS_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
SONG_NAME = "KioskSong"
SANS_NAME = "KioskSans"
SONG_PACKAGE = "fonts-arphic-uming"
SANS_PACKAGE = "fonts-wqy-zenhei"

# One lock for every registration: reportlab's font registry is a plain module-level dict.
_lock = threading.Lock()
_loaded: dict[tuple[str, str], FontSet] = {}


@dataclass(frozen=True)
class FontFace:
    """One TrueType face: the name layouts draw with, its file, and the package that ships it."""

    name: str
    path: Path
    package: str

    def check_file(self) -> None:
        """FontMissingError, naming the Debian package, if the font file is not installed."""
        if not self.path.is_file():
            raise FontMissingError(
                f"font file {self.path} not found (apt-get install {self.package})",
                zh=f"打印字体缺失：{self.path}，请安装 {self.package} 或联系工作人员",
                en=f"Font {self.path} is missing: install {self.package} or ask staff.",
            )

    def register(self) -> None:
        """Parse the face and register it with reportlab (the caller holds the lock)."""
        from reportlab.pdfbase import pdfmetrics  # at first use: a kiosk starts without it
        from reportlab.pdfbase.ttfonts import TTFont

        if self.name in pdfmetrics.getRegisteredFontNames():
            return
        self.check_file()
        try:
            font = TTFont(self.name, str(self.path), subfontIndex=0)
        except Exception as exc:  # reportlab raises TTFError or OSError for broken files
            raise FontMissingError(
                f"font file {self.path} cannot be used: {exc}",
                zh=f"打印字体文件损坏：{self.path}，请联系工作人员",
                en=f"Font {self.path} cannot be read. Please ask staff.",
            ) from exc
        pdfmetrics.registerFont(font)


class FontSet:
    """The typed handle on the document faces the kiosk passes around.

    `song` and `sans` are the names given to `canvas.setFont` and `stringWidth`; reading one
    registers its face first (once, thread-safe), so a process that only prints slips never
    parses the Song face. `warm()` registers both ahead of time.
    """

    __slots__ = ("_coverage", "_ready", "_sans", "_song", "_whole")

    def __init__(self, song: FontFace, sans: FontFace, whole: FontSet | None = None) -> None:
        self._song = song
        self._sans = sans
        self._whole = whole  # None: these are the whole faces
        self._ready: frozenset[str] = frozenset()
        self._coverage: frozenset[int] | None = None

    def __repr__(self) -> str:
        lean = ", lean copies" if self._whole is not None else ""
        return f"FontSet(song={self._song.name!r}, sans={self._sans.name!r}{lean})"

    def covering(self, text: str) -> FontSet:
        """The set to draw `text` with: this one if both its faces have every character of it
        (always, for whole faces), else the whole faces it was copied from."""
        if self._whole is None:
            return self
        needed = {ord(c) for c in text if c >= " "}
        if needed <= self.coverage():
            return self
        return self._whole.covering(text)

    def coverage(self) -> frozenset[int]:
        """The code points both faces map to a glyph (registers both, once)."""
        if self._coverage is None:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            maps: list[frozenset[int]] = []
            for face in self.faces:
                font = pdfmetrics.getFont(self._use(face))
                maps.append(
                    frozenset(font.face.charToGlyph) if isinstance(font, TTFont) else frozenset()
                )
            self._coverage = maps[0] & maps[1]
        return self._coverage

    @property
    def song(self) -> str:
        """The Song face (certificates, forms), registered on first use."""
        return self._use(self._song)

    @property
    def sans(self) -> str:
        """The sans face (thermal slips), registered on first use."""
        return self._use(self._sans)

    @property
    def faces(self) -> tuple[FontFace, FontFace]:
        """(song, sans) as files and names, without registering anything."""
        return self._song, self._sans

    def registered(self) -> frozenset[str]:
        """Names of this set's faces already registered with reportlab."""
        return self._ready

    def warm(self) -> None:
        """Register both faces now (e.g. on a background thread after the first screen is up).

        Safe to call from any thread, any number of times. A face whose file cannot be parsed
        raises FontMissingError, after the other face has been registered all the same.
        """
        failure: FontMissingError | None = None
        for face in (self._song, self._sans):
            try:
                self._use(face)
            except FontMissingError as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def _use(self, face: FontFace) -> str:
        if face.name in self._ready:  # fast path: no lock once registered
            return face.name
        with _lock:
            if face.name not in self._ready:
                face.register()
                self._ready = self._ready | {face.name}
        return face.name


def load_fonts(
    song_path: Path = SONG_PATH, sans_path: Path = SANS_PATH, *, whole: FontSet | None = None
) -> FontSet:
    """The FontSet for these files (one per pair of paths per process); cheap: nothing is parsed.

    `whole`: these files are lean copies of those faces (named KioskSong-lean, KioskSans-lean);
    `covering(text)` falls back on `whole` for a character the copies lack.

    Raises FontMissingError, with a bilingual message naming the Debian package, if a file is
    missing; a file that exists but cannot be parsed raises it on first use (or in `warm()`).
    """
    key = (str(song_path), str(sans_path))
    with _lock:
        fonts = _loaded.get(key)
        if fonts is None:
            suffix = f"-{len(_loaded)}" if _loaded else ""
            if whole is not None:
                suffix = "-lean"
            song = FontFace(SONG_NAME + suffix, Path(song_path), SONG_PACKAGE)
            sans = FontFace(SANS_NAME + suffix, Path(sans_path), SANS_PACKAGE)
            song.check_file()
            sans.check_file()
            fonts = FontSet(song, sans, whole)
            _loaded[key] = fonts
        return fonts
