"""Hostile or mistyped YAML: every case is a CatalogError problem with a line, never another
exception, and never minutes of work (alias bombs are refused by counting, not by running)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.catalog import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, check_catalog, load_catalog
from kiosk.errors import CatalogError

from .conftest import CATALOG

Broken = Callable[[str, str], tuple[Path, int]]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def laughs(levels: int, width: int = 9, as_key: bool = True) -> str:
    """The "billion laughs" shape: each level lists the previous one `width` times."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    lines.append(f"? *l{levels}\n: x" if as_key else f"last: *l{levels}")
    return "\n".join(lines) + "\n"


def load_problems(path: Path) -> list[str]:
    """The problems load_catalog raises (it must raise CatalogError and nothing else)."""
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert caught.value.problems == check_catalog(path)
    return caught.value.problems


def test_billion_laughs_as_mapping_keys_is_refused_by_its_size(tmp_path: Path) -> None:
    """GIVEN anchors used as mapping keys, 9**10 values once expanded (the shape that took 66 s
    and 8 GB) THEN one problem names the expansion limit, on the line where it is passed."""
    problems = load_problems(write(tmp_path, laughs(10)))
    assert len(problems) == 1
    assert "YAML limit exceeded" in problems[0] and "(MAX_NODES)" in problems[0]
    assert problems[0].startswith("catalog.yaml:6: ")  # l5 is the first level past the limit


@pytest.mark.parametrize("as_key", [True, False])
def test_an_expansion_past_the_limit_is_refused(tmp_path: Path, as_key: bool) -> None:
    """9**6 = 531,441 values: small enough to expand in a second, still over MAX_NODES."""
    problems = load_problems(write(tmp_path, laughs(5, as_key=as_key)))
    assert any("(MAX_NODES)" in p for p in problems), problems


def test_merge_keys_cannot_double_their_way_past_the_limit(tmp_path: Path) -> None:
    lines = ["m0: &m0 {a: 1, b: 2}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: 1}}" for i in range(1, 40)]
    problems = load_problems(write(tmp_path, "\n".join(lines) + "\n"))
    assert any("(MAX_NODES)" in p for p in problems), problems


def test_too_many_aliases(tmp_path: Path) -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    problems = load_problems(write(tmp_path, text))
    assert problems == [
        f"catalog.yaml:1: YAML limit exceeded: more than {MAX_ALIASES} aliases (*name) (MAX_ALIASES)"
    ]


def test_a_few_aliases_are_fine(broken: Broken) -> None:
    """Anchors are legal YAML: an item may reuse another's choices."""
    path, _line = broken(
        "          - {id: ss_card, zh: 本人社保卡, en: Own social security card}\n",
        "          - &ss {id: ss_card, zh: 本人社保卡, en: Own social security card}\n",
    )
    assert check_catalog(path) == []


def test_nesting_depth(tmp_path: Path) -> None:
    depth = MAX_DEPTH + 10
    text = "version: " + "{a: " * depth + "1" + "}" * depth + "\n"
    problems = load_problems(write(tmp_path, text))
    assert problems == [
        f"catalog.yaml:1: YAML limit exceeded: nested more than {MAX_DEPTH} levels deep (MAX_DEPTH)"
    ]


def test_a_recursive_alias(tmp_path: Path) -> None:
    problems = load_problems(write(tmp_path, "version: &a {b: *a}\n"))
    assert problems == [
        "catalog.yaml:1: YAML limit exceeded: an alias refers to the node that contains it"
    ]


def test_file_size_limit(tmp_path: Path) -> None:
    """A file past MAX_FILE_BYTES is refused before it is parsed."""
    text = CATALOG.read_text(encoding="utf-8")
    padding = ("# " + "x" * 98 + "\n") * (MAX_FILE_BYTES // 100 + 1)
    path = write(tmp_path, text + padding)
    problems = load_problems(path)
    assert len(problems) == 1
    assert "larger than 2 MB (MAX_FILE_BYTES = 2097152)" in problems[0]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("version: 1\n", "version: !!int abc\n", "YAML value error: cannot read 'abc' as int"),
        ("version: 1\n", "version: 0b_\n", "YAML value error: cannot read '0b_' as int"),
        ("version: 1\n", "version: " + "9" * 5000 + "\n", "YAML value error: cannot read"),
        ("version: 1\n", "version: !!seq 1\n", "YAML value error: !!seq needs a list"),
        ("version: 1\n", "version: !!map 1\n", "YAML value error: !!map needs a mapping"),
        ("version: 1\n", "version: !!timestamp [1]\n", "YAML value error: !!timestamp needs"),
        (
            "    staff_review: false\n",
            "    staff_review: !!bool maybe\n",
            "YAML value error: cannot read 'maybe' as bool",
        ),
        (
            "    max_copies: 3\n",
            "    max_copies: !!python/object/apply:os.system [echo pwned]\n",
            "YAML value error: could not determine a constructor",
        ),
        (
            "    max_copies: 3\n",
            "    max_copies: !!python/name:os.system\n",
            "YAML value error: could not determine a constructor",
        ),
        (
            "    max_copies: 3\n",
            "    ? !!set {a, b}\n    : 3\n",
            "a key must be plain text, not a list or mapping",
        ),
        ("    max_copies: 3\n", "    ? [a, b]\n    : 3\n", "a key must be plain text"),
        ("version: 1\n", "version: 1\x07\n", "YAML syntax error: control characters"),
        (  # found by kiosk bench --fuzz: bytes passed as a category nobody declared
            "    category: elderly\n",
            "    category: !!binary AAAA\n",
            "!!binary: a catalogue holds text, not bytes",
        ),
    ],
)
def test_type_tags_are_problems_on_their_line(
    broken: Broken, old: str, new: str, expected: str
) -> None:
    """GIVEN a tag or value the YAML constructors cannot read THEN a CatalogError problem on
    that line (before: ValueError, KeyError or TypeError escaped from the loader)."""
    path, line = broken(old, new)
    problems = load_problems(path)
    assert any(p.startswith(f"catalog.yaml:{line}: ") and expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "        - hukou_local: true\n",
            "        - sex: [female]\n",
            "'sex' must be male or female",
        ),
        (
            "        - hukou_local: true\n",
            "        - sex: {a: 1}\n",
            "'sex' must be male or female",
        ),
        (
            "        - hukou_local: true\n",
            "        - card_type: [[resident]]\n",
            "rule 'card_type': unknown [['resident']]",
        ),
        (
            "        - hukou_local: true\n",
            "        - tags: {any: [[veteran]]}\n",
            "rule 'tags.any': tags must be text",
        ),
        (
            "        - age: {min: 80}\n",
            "        - age: {min: [80]}\n",
            "min must be a whole number",
        ),
        (
            "        - age: {min: 80}\n",
            "        - residence: {min_years: [1]}\n",
            "must be a whole number",
        ),
        ("        - age: {min: 80}\n", "        - age: {min: 80.5}\n", "min must be a whole"),
    ],
)
def test_unhashable_or_odd_rule_values(broken: Broken, old: str, new: str, expected: str) -> None:
    """A list or mapping where a rule wants text or a number is a problem, not a TypeError."""
    path, line = broken(old, new)
    problems = load_problems(path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"catalog.yaml:{line}: item 'senior_allowance': eligibility: ")
    assert expected in problems[0]


def test_a_list_as_layout_is_a_problem(broken: Broken) -> None:
    """The kind defaults look the layout up in a dict: a list there used to raise TypeError."""
    path, line = broken("    max_copies: 3\n", "    max_copies: 3\n    layout: [form]\n")
    problems = load_problems(path)
    assert any(p.startswith(f"catalog.yaml:{line + 1}: ") and "layout" in p for p in problems)


def test_an_empty_category_list_is_a_problem(tmp_path: Path) -> None:
    """GIVEN `categories: []` THEN a problem saying a category is needed (before: none, and
    every item pointed at a category that does not exist)."""
    text = CATALOG.read_text(encoding="utf-8")
    start = text.index("\ncategories:\n") + 1
    end = text.index("\n\n", start)
    path = write(tmp_path, text[:start] + "categories: []" + text[end:])
    problems = load_problems(path)
    assert any("'categories' must list at least one category" in p for p in problems), problems
