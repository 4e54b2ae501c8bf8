"""Fuzzing catalog.yaml (issue 14, part B 3): a small real catalogue cut from the bundled file,
edited (lines, YAML tags, anchors, aliases, flow collections, rule values), bombed (alias bombs,
deep nesting, odd keys) and damaged byte by byte. Loading gives every locality's catalogue (whose
items then answer eligibility for three residents) or a CatalogError whose problems each name
the file; nothing else. Replaces tests/catalog/test_fuzz.py (same edits, and more)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.catalog import check_catalog, load_catalog
from kiosk.fuzzing.catalogue import catalogue_parser, small_catalogue
from kiosk.fuzzing.core import Parser, assert_clean, check, run_long

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def parser(tmp_path_factory: pytest.TempPathFactory) -> Parser:
    """The catalogue parser, writing catalog.yaml into a scratch folder."""
    return catalogue_parser(tmp_path_factory.mktemp("catalog"))


def test_the_small_catalogue_is_clean(tmp_path: Path) -> None:
    """GIVEN the cut-down catalogue the edits start from THEN it passes and loads everywhere,
    so the edits explore both outcomes."""
    path = tmp_path / "catalog.yaml"
    path.write_text(small_catalogue(), encoding="utf-8")
    assert check_catalog(path) == []
    for locality in (None, "wangyi", "yintai"):
        assert len(load_catalog(path, locality).items) >= 5


def test_hypothesis_edits_load_or_raise_catalog_error(parser: Parser) -> None:
    """GIVEN hypothesis's edited catalogues WHEN loaded THEN catalogues or CatalogError."""
    check(parser, 100)()


def test_a_seeded_sweep_loads_or_raises_catalog_error(parser: Parser) -> None:
    """GIVEN 1,500 seeded catalogues THEN no escape, no problem without the file's name."""
    assert_clean(run_long(parser, 1500))
