"""Property: whatever an edit does to catalog.yaml, loading and checking it either succeed or
raise CatalogError with problems; no other exception ever escapes (ValueError, TypeError,
KeyError, RecursionError, MemoryError...)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.catalog import check_catalog, load_catalog
from kiosk.errors import CatalogError

from .small import small_catalogue_text

TEXT = small_catalogue_text()
LINES = TEXT.splitlines(keepends=True)
TAGS = (
    "!!int ", "!!bool ", "!!float ", "!!str ", "!!null ", "!!set ", "!!map ", "!!seq ",
    "!!binary ", "!!timestamp ", "!!omap ", "!!pairs ", "!!merge ", "!!value ", "!local ",
    "!!python/object/apply:os.system ", "!!python/name:os.system ", "&a ", "*a ", "? ", "<<: ",
)  # fmt: skip
VALUES = (
    "[x]", "{a: b}", "~", "yes", "1e400", ".nan", "-1", "2026-01-01", "[female]", "[[female]]",
    "{}", "[]", "!!set {a}", "0b_", "'", '"', "|", ">", "*a", "&a x", "9" * 30, "{min: [1]}",
    "[*a, *a]", "{<<: *a}", "\t", "\x07",
)  # fmt: skip


def _positions(line: str) -> list[int]:
    """Where a value starts on a line: after `: ` or `- `."""
    return [i + 2 for i in range(len(line)) if line.startswith((": ", "- "), i)]


@st.composite
def edited(draw: st.DrawFn) -> bytes:
    """The small real catalogue after one to three random edits (lines, bytes, tags, values)."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["del", "dup", "swap", "byte", "tag", "value", "indent"]))
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if kind == "del":
            del lines[i]
        elif kind == "dup":
            lines.insert(draw(st.integers(0, len(lines))), line)
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "byte":
            raw = bytearray(line.encode("utf-8", "surrogateescape"))
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
            lines[i] = raw.decode("utf-8", "surrogateescape")
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "   ", "      "])) + line.lstrip(" ")
        elif _positions(line):
            at = draw(st.sampled_from(_positions(line)))
            if kind == "tag":
                lines[i] = line[:at] + draw(st.sampled_from(TAGS)) + line[at:]
            else:
                lines[i] = line[:at] + draw(st.sampled_from(VALUES)) + "\n"
    return "".join(lines).encode("utf-8", "surrogateescape")


@pytest.fixture(scope="module")
def fuzz_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "catalog.yaml"


def test_the_small_catalogue_is_clean(tmp_path: Path) -> None:
    """The starting point passes, so the edits explore both outcomes."""
    path = tmp_path / "catalog.yaml"
    path.write_text(TEXT, encoding="utf-8")
    assert check_catalog(path) == []
    assert len(load_catalog(path, "yintai").items) >= 10


@settings(
    max_examples=2000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=edited())
def test_edits_give_problems_or_a_catalogue(fuzz_path: Path, text: bytes) -> None:
    fuzz_path.write_bytes(text)
    problems = check_catalog(fuzz_path)
    assert all(p.startswith(("catalog.yaml", str(fuzz_path))) for p in problems), problems
    for locality in (None, "yintai"):
        try:
            catalog = load_catalog(fuzz_path, locality)
        except CatalogError as exc:
            assert exc.problems, "a CatalogError lists its problems"
            assert locality is not None or exc.problems == problems
        else:
            assert locality is not None or problems == []
            assert all(isinstance(i.id, str) for i in catalog.items)
