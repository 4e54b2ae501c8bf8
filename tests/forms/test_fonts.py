"""Fonts are parsed on first use (or by warm()), never at start, and never change the PDF bytes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from forms.errors import FontMissingError
from forms.fonts import SANS_PATH, load_fonts
from tests.fresh_process import probe_json

# Run in a fresh interpreter: reportlab's font registry is process-wide.
PROBE = """
import hashlib, json, sys
from reportlab.pdfbase.pdfmetrics import getRegisteredFontNames
from forms.fonts import load_fonts
from forms.render import render
from tests.forms import samples

def registered():
    return sorted(n for n in getRegisteredFontNames() if n.startswith("Kiosk"))

fonts = load_fonts()
if sys.argv[1] == "warm":
    fonts.warm()
seen = {"after load_fonts": registered()}
digests = {}
for name, doc in (
    ("slip80", samples.slip("slip80")),
    ("certificate", samples.certificate()),
    ("form", samples.form()),
    ("slip58", samples.slip("slip58")),
):
    digests[name] = hashlib.sha256(render(doc, fonts)).hexdigest()
    seen[f"after {name}"] = registered()
print(json.dumps({"seen": seen, "digests": digests}))
"""


def _probe(mode: str) -> dict[str, dict[str, object]]:
    result = probe_json(PROBE, mode)
    assert isinstance(result, dict)
    return result


def test_load_fonts_parses_nothing_and_each_layout_registers_only_its_face() -> None:
    """GIVEN a fresh process WHEN load_fonts() runs THEN no face is registered yet; a slip then
    registers only the sans face, a certificate the Song face as well."""
    seen = _probe("lazy")["seen"]
    assert seen["after load_fonts"] == []
    assert seen["after slip80"] == ["KioskSans"]
    assert seen["after certificate"] == ["KioskSans", "KioskSong"]


def test_lazy_and_warmed_fonts_render_byte_identical_pdfs() -> None:
    """GIVEN the same Documents WHEN rendered with faces registered on first use (slip first) and
    with both warmed before anything THEN every PDF is byte-identical."""
    lazy, warm = _probe("lazy"), _probe("warm")
    assert warm["seen"]["after load_fonts"] == ["KioskSans", "KioskSong"]
    assert lazy["digests"] == warm["digests"]


def test_warm_from_many_threads_while_rendering_is_safe() -> None:
    """GIVEN one FontSet WHEN eight threads warm it and read both names at once THEN no error,
    every thread sees the same names, and both faces end up registered."""
    fonts = load_fonts()
    names: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def use() -> None:
        try:
            start.wait(timeout=30)
            fonts.warm()
            names.append((fonts.song, fonts.sans))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(names) == {(fonts.song, fonts.sans)}
    assert fonts.registered() == {fonts.song, fonts.sans}


def test_a_font_file_that_cannot_be_parsed_fails_on_first_use(tmp_path: Path) -> None:
    """GIVEN a song font file that exists but is garbage WHEN load_fonts() THEN no error yet
    (nothing is parsed); WHEN the face is first used or warmed THEN FontMissingError, bilingual,
    and the working sans face of the same set still registers."""
    broken = tmp_path / "broken.ttc"
    broken.write_bytes(b"not a font" * 100)
    fonts = load_fonts(song_path=broken, sans_path=SANS_PATH)
    with pytest.raises(FontMissingError) as caught:
        _ = fonts.song
    zh, en = caught.value.resident_message
    assert zh.startswith("打印字体文件损坏") and "cannot be read" in en
    with pytest.raises(FontMissingError):
        fonts.warm()
    assert fonts.registered() == {fonts.faces[1].name}  # warm() still registered the sans face
