"""Lean copies of the document faces: the same paper, byte for byte, from a fifth of the memory;
a character the copies lack sets that document in the whole faces; stale copies are not used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from forms import font_subset
from forms.document import Field
from forms.fonts import SANS_PATH, SONG_PATH, FontSet, load_fonts
from forms.render import printed_text, render
from tests.forms import samples
from tests.forms.conftest import need_tools

pytestmark = pytest.mark.slow  # the copies take ~10 s of fontTools to build

CATALOGUE = Path(__file__).resolve().parents[2] / "catalog.yaml"
RARE_NAME = (
    "王堃喆"  # 堃 and 喆 are in GBK, not in GB 2312: common in names, absent from the copies
)


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both copies, built once for this module by the same entry point the kiosk starts."""
    where = tmp_path_factory.mktemp("copies")
    sources = (str(SONG_PATH), str(SANS_PATH))
    done = subprocess.run(
        [sys.executable, "-m", "forms.font_subset", str(where), *sources, "--text", str(CATALOGUE)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return where


@pytest.fixture(scope="module")
def lean(copies: Path) -> FontSet:
    """The copies, falling back on the whole faces."""
    return load_fonts(copies / "uming.ttf", copies / "wqy-zenhei.ttf", whole=load_fonts())


def test_the_copies_are_a_fraction_of_the_whole_faces(copies: Path) -> None:
    """GIVEN the copies THEN each is under a third of its source file, and the manifest says
    they are current for these faces, this catalogue and these layouts."""
    assert (copies / "uming.ttf").stat().st_size < SONG_PATH.stat().st_size / 3
    assert (copies / "wqy-zenhei.ttf").stat().st_size < SANS_PATH.stat().st_size / 3
    text = CATALOGUE.read_text(encoding="utf-8")
    plans = [font_subset.plan(source, copies, text) for source in (SONG_PATH, SANS_PATH)]
    assert font_subset.current(plans, copies)


def _pages(pdf: Path) -> list[bytes]:
    """Every page as 100 dpi greyscale pixels."""
    subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", str(pdf), str(pdf.with_suffix(""))], check=True
    )
    return [page.read_bytes() for page in sorted(pdf.parent.glob(f"{pdf.stem}-*.pgm"))]


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_every_layout_prints_the_same_page_in_the_copies(lean: FontSet, tmp_path: Path) -> None:
    """GIVEN a certificate, a multi-page form and both slips WHEN set in the copies and in the
    whole faces THEN the copies are what is embedded, and every page has the same text and the
    same pixels as with the whole faces."""
    need_tools()
    whole = load_fonts()
    documents = {
        "certificate": samples.certificate(),
        "form": samples.form(),
        "slip80": samples.slip("slip80"),
        "slip58": samples.slip("slip58"),
    }
    assert lean.covering(font_subset.layout_text()) is lean  # their own labels too
    for name, doc in documents.items():
        assert lean.covering(printed_text(doc)) is lean
        copy, original = tmp_path / f"{name}-lean.pdf", tmp_path / f"{name}-whole.pdf"
        copy.write_bytes(render(doc, lean))
        original.write_bytes(render(doc, whole))
        assert "-Lean" in _run("pdffonts", str(copy)) and "-Lean" not in _run(
            "pdffonts", str(original)
        )
        assert _run("pdftotext", str(copy), "-") == _run("pdftotext", str(original), "-"), name
        assert _pages(copy) == _pages(original), name


def test_the_catalogue_is_covered_by_the_copies(lean: FontSet) -> None:
    """GIVEN the copies THEN every character of every catalogue text can be set in them."""
    text = CATALOGUE.read_text(encoding="utf-8")
    assert lean.covering(text) is lean


def test_a_rare_character_in_a_name_is_printed_from_the_whole_face(
    lean: FontSet, tmp_path: Path
) -> None:
    """GIVEN a resident named 王堃喆 (堃, 喆 not in GB 2312) WHEN her certificate is rendered with
    the copies (already registered: reportlab keeps one font per PostScript name, so a copy named
    like its source would stand in for it) THEN the whole faces set it: the page's text holds
    her name, not a blank box."""
    need_tools()
    doc = samples.certificate(particulars=(Field("姓名", RARE_NAME), Field("性别", "女")))
    assert lean.covering(RARE_NAME) is not lean
    pdf = tmp_path / "rare.pdf"
    pdf.write_bytes(render(doc, lean))
    assert "-Lean" not in _run("pdffonts", str(pdf))
    assert RARE_NAME in _run("pdftotext", str(pdf), "-")


def test_copies_for_another_catalogue_or_version_are_not_current(copies: Path) -> None:
    """GIVEN current copies WHEN the catalogue's text changes, or the manifest is from another
    version THEN they are not current (the kiosk uses the whole faces and rebuilds)."""
    text = CATALOGUE.read_text(encoding="utf-8")
    changed = [font_subset.plan(s, copies, text + "新增服务") for s in (SONG_PATH, SANS_PATH)]
    assert not font_subset.current(changed, copies)
    same = [font_subset.plan(s, copies, text) for s in (SONG_PATH, SANS_PATH)]
    assert font_subset.current(same, copies)
    manifest = copies / font_subset.MANIFEST
    saved = manifest.read_text(encoding="utf-8")
    try:
        manifest.write_text(saved.replace(f"v{font_subset.VERSION}:", "v0:"), encoding="utf-8")
        assert not font_subset.current(same, copies)
        manifest.write_text("{not json", encoding="utf-8")
        assert not font_subset.current(same, copies)
    finally:
        manifest.write_text(saved, encoding="utf-8")


def test_a_broken_source_is_one_line_and_no_copy(tmp_path: Path) -> None:
    """GIVEN a "font" that is not one WHEN the build runs THEN exit 1 with one bilingual line,
    no traceback, and no copy or manifest left behind."""
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"\x00\x01\x00\x00" + b"junk" * 100)
    done = subprocess.run(
        [sys.executable, "-m", "forms.font_subset", str(tmp_path / "out"), str(bogus)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("字体子集生成失败 / font subset failed:")
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "out" / font_subset.MANIFEST).exists()
    assert not any((tmp_path / "out").glob("*.ttf"))
