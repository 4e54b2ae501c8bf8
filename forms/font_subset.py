"""Lean copies of the document faces: only the characters documents print.

A whole face costs a process 33-34 MB once reportlab has parsed it (the .ttc is read whole and
27,000-45,000 glyphs are indexed); a copy holding GB 2312 (the 6,763 common hanzi and its
symbols), ASCII, Latin-1, the punctuation and full-width forms, and the characters of the
catalogue and of the layouts' own text costs 6-8 MB and parses in a quarter of the time.
A document with any other character (a rare one in a name) is set in the whole face instead:
`FontSet.covering` decides per document, so no glyph is ever missing from a page.

Built with fontTools (the reference subsetter; the same code that makes web fonts) in a process
of its own, because fontTools holds the whole source face in memory while it works:
`python -m forms.font_subset SOURCE DEST [TEXT_FILE ...]`, or `build_subsets()` from a command.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = 2  # bump when the character set or the subsetting options change
MANIFEST = "subsets.json"
LAYOUTS = Path(__file__).parent / "layouts"  # their own text (标题, 补打, 经办人签字 ...)


def gb2312_characters() -> str:
    """Every character GB 2312 encodes: rows 0xA1-0xA9 symbols, 0xB0-0xF7 the 6,763 hanzi."""
    chars = []
    for high in (*range(0xA1, 0xAA), *range(0xB0, 0xF8)):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def base_characters() -> str:
    """What any document may print besides its own words: GB 2312, ASCII, Latin-1, general and
    CJK punctuation, full-width forms, circled numbers."""
    ranges = (
        (0x20, 0x7E),
        (0xA0, 0xFF),
        (0x2000, 0x206F),  # general punctuation
        (0x2460, 0x24FF),  # ① ...
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0xFF00, 0xFFEF),  # full-width forms
    )
    return gb2312_characters() + "".join(chr(c) for lo, hi in ranges for c in range(lo, hi + 1))


@functools.cache
def layout_text() -> str:
    """The characters of the layouts' source: every label they print themselves is in there
    (read once per process: the installed package does not change under it)."""
    return "".join(path.read_text(encoding="utf-8") for path in sorted(LAYOUTS.glob("*.py")))


@dataclass(frozen=True)
class SubsetPlan:
    """Which face to copy where, with which text's characters besides the base set; `key` says
    whether a copy is current without computing the character set."""

    source: Path
    dest: Path
    extra_text: str

    @property
    def key(self) -> str:
        """VERSION (the base set and options), the source file (path, size, mtime) and the
        catalogue's and layouts' text, hashed."""
        stat = self.source.stat()
        text = (self.extra_text + layout_text()).encode("utf-8")
        digest = hashlib.sha256(text).hexdigest()[:16]
        return f"v{VERSION}:{self.source}:{stat.st_size}:{stat.st_mtime_ns}:{digest}"

    def characters(self) -> frozenset[str]:
        """The base set, the layouts' text and the extra text, without control characters."""
        every = base_characters() + layout_text() + self.extra_text
        return frozenset(c for c in every if c >= " ")


def plan(source: Path, dest_dir: Path, extra_text: str = "") -> SubsetPlan:
    """The subset of `source` for documents, with the characters of `extra_text` too (the
    catalogue), to be written as dest_dir/<source stem>.ttf."""
    return SubsetPlan(Path(source), Path(dest_dir) / f"{Path(source).stem}.ttf", extra_text)


def current(plans: Sequence[SubsetPlan], dest_dir: Path) -> bool:
    """True when every planned copy exists and the manifest says it was built for this key."""
    try:
        built = json.loads((Path(dest_dir) / MANIFEST).read_text(encoding="utf-8"))
        return isinstance(built, dict) and all(
            p.dest.is_file() and built.get(p.dest.name) == p.key for p in plans
        )
    except (OSError, ValueError):
        return False


def build(subset: SubsetPlan) -> None:
    """Write the subset (face 0 of a collection; TrueType outlines, no hinting, no layout
    tables) atomically. Needs fontTools; run it in a process of its own (see the module)."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    # as stored, not recomputed: the copy must print exactly what the whole face prints
    font = TTFont(str(subset.source), fontNumber=0, recalcBBoxes=False, recalcTimestamp=False)
    options = ft_subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = True
    options.layout_features = []
    options.drop_tables += ["BDF", "EBDT", "EBLC", "EBSC", "FFTM"]  # bitmaps reportlab ignores
    options.ignore_missing_unicodes = True
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in subset.characters()))
    subsetter.subset(font)
    _rename(font)
    subset.dest.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=subset.dest.parent, prefix=".subset-", suffix=".ttf")
    os.close(fd)
    try:
        font.save(temp)
        os.chmod(temp, 0o644)
        os.replace(temp, subset.dest)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _rename(font: Any) -> None:
    """Give the copy a PostScript name of its own (<name>-Lean): reportlab keeps one font per
    PostScript name, so a copy named like its source would stand in for the whole face."""
    names = font["name"]
    postscript = names.getDebugName(6) or subset_name_fallback(font)
    lean = f"{postscript}-Lean"[:63]
    for record in names.names:
        if record.nameID == 6:
            record.string = lean
        elif record.nameID in (3, 4):
            record.string = f"{record.toUnicode()} Lean"
    if not any(r.nameID == 6 for r in names.names):
        names.setName(lean, 6, 3, 1, 0x409)


def subset_name_fallback(font: Any) -> str:
    """A PostScript-safe name for a face whose name table has none."""
    family = font["name"].getDebugName(1) or "Face"
    return "".join(c for c in family if c.isascii() and c.isalnum()) or "Face"


def build_subsets(sources: Iterable[Path], dest_dir: Path, extra_text: str = "") -> list[Path]:
    """Build every subset that is not current, then the manifest; the copies' paths."""
    plans = [plan(source, dest_dir, extra_text) for source in sources]
    if not current(plans, dest_dir):
        for subset in plans:
            build(subset)
        manifest = {p.dest.name: p.key for p in plans}
        path = Path(dest_dir) / MANIFEST
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temp, path)
    return [p.dest for p in plans]


def main(argv: Sequence[str]) -> int:
    """`python -m forms.font_subset DEST_DIR SOURCE... [--text FILE ...]`: exit 0 when built."""
    if len(argv) < 2:
        print("usage: python -m forms.font_subset DEST_DIR SOURCE... [--text FILE ...]")
        return 2
    dest, rest = Path(argv[0]), list(argv[1:])
    texts = rest[rest.index("--text") + 1 :] if "--text" in rest else []
    sources = rest[: rest.index("--text")] if "--text" in rest else rest
    try:
        extra = "".join(Path(t).read_text(encoding="utf-8") for t in texts)
        for built in build_subsets([Path(s) for s in sources], dest, extra):
            print(built)
    except Exception as exc:  # OSError, a bad text file, fontTools' TTLibError: one line
        print(
            f"字体子集生成失败 / font subset failed: {type(exc).__name__}: {exc}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
