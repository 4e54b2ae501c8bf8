"""Fixtures for the catalogue tests: the real catalog.yaml, broken copies, synthetic residents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kiosk.catalog import Catalog, load_catalog
from kiosk.residents import ResidentRecord

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "catalog.yaml"
TODAY = date(2026, 3, 1)


def resident(**changes: object) -> ResidentRecord:
    """A synthetic resident: a 70-year-old local woman registered since 1990, no tags."""
    base = ResidentRecord(
        id=1,
        id_number="610202195603011228",
        name="王秀英",
        sex="female",
        birth_date=date(1956, 3, 1),
        nation="汉",
        phone="13800001234",
        address="王益区红旗街社区3号楼2单元401室",
        community="红旗街社区",
        grid="第三网格",
        building="3",
        unit="2",
        room="401",
        household_id="H610202000123",
        hukou_local=True,
        registered_since=date(1990, 5, 1),
        tags=frozenset(),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


ISSUE_VALUES = {
    "today": "2026年3月1日",
    "issuer": "铜川市王益区红旗街社区居民委员会",
    "issuer_address": "王益区红旗街道红旗街社区党群服务中心一楼大厅",
    "terminal_name": "王益区红旗街社区服务站 1号机",
}


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The real catalogue, wangyi profile."""
    return load_catalog(CATALOG, "wangyi")


@pytest.fixture(scope="session")
def base_catalog() -> Catalog:
    """The real catalogue without a locality profile."""
    return load_catalog(CATALOG)


@pytest.fixture
def broken(tmp_path: Path) -> Callable[[str, str], tuple[Path, int]]:
    """Copy catalog.yaml with one exact text replaced; returns (path, line of the replacement)."""

    def make(old: str, new: str) -> tuple[Path, int]:
        text = CATALOG.read_text(encoding="utf-8")
        assert text.count(old) >= 1, old
        index = text.index(old)
        line = text.count("\n", 0, index) + 1
        path = tmp_path / "catalog.yaml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path, line

    return make
