"""`check_catalog` / `load_catalog` on the real file and on broken copies: each error kind names
the file, the YAML line and the item."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.catalog import check_catalog, load_catalog
from kiosk.errors import CatalogError

from .conftest import CATALOG

Broken = Callable[[str, str], tuple[Path, int]]

CATEGORIES_ZH = [
    "养老",
    "就业",
    "社保医保",
    "民政救助",
    "残疾人",
    "卫健",
    "居住证明",
    "住房",
    "退役军人",
    "教育党建",
]


def only_problem(path: Path) -> str:
    problems = check_catalog(path)
    assert len(problems) == 1, problems
    return problems[0]


def test_real_catalog_passes_check() -> None:
    """GIVEN the shipped catalog.yaml WHEN checked THEN there is no problem."""
    assert check_catalog(CATALOG) == []


def test_real_catalog_size_and_categories(base_catalog) -> None:
    """At least 100 items, exactly the ten categories in menu order, none empty."""
    assert len(base_catalog.items) >= 100
    assert [c.name_zh for c in base_catalog.categories] == CATEGORIES_ZH
    for category in base_catalog.categories:
        assert len(base_catalog.in_category(category.id)) >= 5, category.id


def test_load_time_is_measured_on_the_injected_clock() -> None:
    """The load is timed for the logs with the clock it is given (no wall-clock assertion here:
    how fast it is belongs to a benchmark, how often it runs is the cache's business)."""
    ticks = iter([100.0, 100.375])
    catalog = load_catalog(CATALOG, "wangyi", clock=lambda: next(ticks))
    assert catalog.load_seconds == 0.375
    assert next(ticks, None) is None  # read exactly twice: start and end


def test_unknown_key(broken: Broken) -> None:
    path, line = broken(
        "  - id: senior_allowance\n    name_zh:",
        "  - id: senior_allowance\n    foo: 1\n    name_zh:",
    )
    assert (
        only_problem(path) == f"catalog.yaml:{line + 1}: item 'senior_allowance': unknown key 'foo'"
    )


def test_unknown_key_in_an_input(broken: Broken) -> None:
    path, line = broken(
        "        label_zh: 津贴打到哪里\n", "        label_zh: 津贴打到哪里\n        colour: red\n"
    )
    problem = only_problem(path)
    assert problem.startswith(f"catalog.yaml:{line + 1}: item 'senior_allowance': ")
    assert "unknown key 'colour'" in problem


def test_duplicate_id(broken: Broken) -> None:
    path, line = broken("  - id: senior_preferential_card\n", "  - id: senior_allowance\n")
    problem = only_problem(path)
    assert problem.startswith(f"catalog.yaml:{line}: item 'senior_allowance': duplicate id")
    assert "first on line" in problem


def test_unknown_category(broken: Broken) -> None:
    path, line = broken(
        "    category: elderly\n    kind: form\n    description: 年满80周岁",
        "    category: elder\n    kind: form\n    description: 年满80周岁",
    )
    problem = only_problem(path)
    assert problem.startswith(
        f"catalog.yaml:{line}: item 'senior_allowance': unknown category 'elder'"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("        - age: {min: 80}\n", "        - age: {minimum: 80}\n", "rule 'age': unknown key"),
        (
            "        - age: {min: 80}\n",
            "        - age: {min: eighty}\n",
            "min must be a whole number",
        ),
        ("        - age: {min: 80}\n", "        - agee: {min: 80}\n", "unknown rule 'agee'"),
        (
            "        - age: {min: 80}\n",
            "        - tags: {any: [rich]}\n",
            "unknown tag(s) ['rich']",
        ),
        (
            "        - hukou_local: true\n",
            "        - hukou_local: maybe\n",
            "must be true or false",
        ),
        ("        - hukou_local: true\n", "        - sex: other\n", "'sex' must be male or female"),
        (
            "        - hukou_local: true\n",
            "        - card_type: passport\n",
            "unknown ['passport']",
        ),
        (
            "        - hukou_local: true\n",
            "        - residence: {years: 2}\n",
            "unknown key 'years'",
        ),
    ],
)
def test_bad_rule(broken: Broken, old: str, new: str, expected: str) -> None:
    path, line = broken(old, new)
    problem = only_problem(path)
    assert problem.startswith(f"catalog.yaml:{line}: item 'senior_allowance': eligibility: ")
    assert expected in problem


def test_unknown_placeholder_names_its_line(broken: Broken) -> None:
    """A placeholder inside a `|` block is reported on its own line."""
    path, line = broken("起在{community}登记居住，", "起在{communty}登记居住，")
    problem = only_problem(path)
    assert problem.startswith(f"catalog.yaml:{line}: item 'residence_certificate': body: ")
    assert "unknown placeholder '{communty}'" in problem


def test_placeholder_of_another_items_input_is_unknown(broken: Broken) -> None:
    path, line = broken("    title: 高龄津贴申请表\n", "    title: 高龄津贴申请表{course}\n")
    assert only_problem(path).startswith(
        f"catalog.yaml:{line}: item 'senior_allowance': title: unknown placeholder"
    )


def test_banned_certificate_by_keyword(broken: Broken) -> None:
    path, line = broken("    name_zh: 居民在社区居住证明\n", "    name_zh: 居民健在证明\n")
    problem = only_problem(path)
    assert problem.startswith(
        f"catalog.yaml:{line}: item 'residence_certificate': banned certificate '健在证明'"
    )
    assert "keyword '健在'" in problem
    assert "proof_of_life_notice" in problem


def test_banned_certificate_by_keyword_in_title(broken: Broken) -> None:
    path, line = broken("    title: 居住证明\n", "    title: 无犯罪记录及居住证明\n")
    problem = only_problem(path)
    assert problem.startswith(
        f"catalog.yaml:{line}: item 'residence_certificate': banned certificate"
    )


def test_banned_certificate_by_tag(broken: Broken) -> None:
    path, line = broken(
        "    name_en: Certificate of residence in the community\n",
        "    name_en: Certificate of residence in the community\n    topics: [marital_status]\n",
    )
    problem = only_problem(path)
    assert problem.startswith(
        f"catalog.yaml:{line + 1}: item 'residence_certificate': banned certificate '婚姻状况证明' (topic 'marital_status')"
    )


def test_banned_keyword_is_fine_on_a_form_or_slip(broken: Broken) -> None:
    """Only certificates are restricted: a disability form or a notice slip may say 残疾/健在."""
    path, _line = broken("    name_zh: 残疾人证新办申请\n", "    name_zh: 残疾状况评定申请\n")
    assert check_catalog(path) == []


def test_locality_rename_cannot_reintroduce_a_banned_certificate(broken: Broken) -> None:
    path, line = broken(
        "      elderly_meal_registration: {name_zh: 老年助餐登记（社区长者食堂）}\n",
        "      residence_certificate: {name_zh: 婚姻状况及居住证明}\n",
    )
    problem = only_problem(path)
    assert problem.startswith(
        f"catalog.yaml:{line}: locality 'wangyi': item 'residence_certificate': banned certificate"
    )


def test_banned_list_needs_its_notice_slip(broken: Broken) -> None:
    path, line = broken("    notice: dog_notice\n", "    notice: dog_slip\n")
    assert only_problem(path) == (
        f"catalog.yaml:{line}: banned certificate 'dog': notice item 'dog_slip' does not exist (or is broken)"
    )


def test_yaml_syntax_error_names_line_and_item(broken: Broken) -> None:
    path, line = broken("    title: 高龄津贴申请表\n", "    title: 高龄津贴申请表\n   bad: x\n")
    problem = only_problem(path)
    assert problem.startswith(
        f"catalog.yaml:{line + 1}: item 'senior_allowance': YAML syntax error"
    )


def test_duplicate_yaml_key(broken: Broken) -> None:
    path, line = broken(
        "    title: 高龄津贴申请表\n", "    title: 高龄津贴申请表\n    title: 高龄津贴\n"
    )
    assert (
        only_problem(path)
        == f"catalog.yaml:{line + 1}: item 'senior_allowance': duplicate key 'title'"
    )


def test_wrong_value_type(broken: Broken) -> None:
    path, line = broken("    max_copies: 3\n", "    max_copies: many\n")
    problem = only_problem(path)
    assert problem.startswith(f"catalog.yaml:{line}: item 'residence_certificate': max_copies:")


def test_certificate_needs_validity_and_purpose(broken: Broken) -> None:
    path, _line = broken(
        "    purpose: 本证明仅用于{purpose}\n    validity_days: 90\n    max_copies: 3\n",
        "    max_copies: 3\n",
    )
    problems = check_catalog(path)
    assert any("needs validity_days" in p and "'residence_certificate'" in p for p in problems)
    assert any("needs a purpose line" in p for p in problems)


def test_every_problem_is_listed(tmp_path: Path) -> None:
    """Two broken items, one category problem: all three are reported, sorted by line."""
    text = CATALOG.read_text(encoding="utf-8")
    text = text.replace(
        "    category: elderly\n    kind: form\n    description: 年满80周岁",
        "    category: nowhere\n    kind: form\n    description: 年满80周岁",
        1,
    )
    text = text.replace(
        "  - id: tenancy_certificate\n", "  - id: tenancy_certificate\n    colour: blue\n", 1
    )
    text = text.replace(
        "{id: housing, name_zh: 住房,", "{id: housing, name_zh: 住房, icon: house,", 1
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_catalog(path)
    assert len(problems) == 3, problems
    assert "category 'housing': unknown key 'icon'" in problems[0]
    assert "item 'senior_allowance': unknown category 'nowhere'" in problems[1]
    assert "item 'tenancy_certificate': unknown key 'colour'" in problems[2]
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert caught.value.problems == problems


def test_missing_file(tmp_path: Path) -> None:
    problems = check_catalog(tmp_path / "nope.yaml")
    assert len(problems) == 1 and "file not found" in problems[0]


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    assert "must be a mapping" in only_problem(path)
