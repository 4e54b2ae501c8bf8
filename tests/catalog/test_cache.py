"""The validated-catalogue cache: same catalogue as a full load, and any bad cache falls back."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import stat
from datetime import date
from pathlib import Path

import pytest

from kiosk.catalog import CACHE_VERSION, Catalog, load_catalog
from kiosk.catalog.inputs import ItemInput
from kiosk.catalog.key import cache_file
from kiosk.catalog.law import BannedCertificate, LawException
from kiosk.catalog.model import CatalogItem, Category, Locality
from kiosk.demo_data import generate_residents
from kiosk.eligibility import rules
from kiosk.residents import ResidentRecord

from .conftest import CATALOG, TODAY

LOCALITIES = (None, "wangyi", "yintai")


@pytest.fixture(scope="module")
def people() -> list[ResidentRecord]:
    """Thirty demo residents (the demo register's first: varied age, sex, hukou and tags)."""
    return [
        ResidentRecord(id=n, **{**dataclasses.asdict(p), "tags": frozenset(p.tags)})
        for n, p in enumerate(generate_residents()[:30], 1)
    ]


def copy_catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_bytes(CATALOG.read_bytes())
    return path


def assert_same_catalogue(cached: Catalog, full: Catalog, people: list[ResidentRecord]) -> None:
    assert cached.from_cache and not full.from_cache
    assert (cached.locality, cached.digest, cached.source) == (
        full.locality,
        full.digest,
        full.source,
    )
    assert cached.legal_basis == full.legal_basis
    assert cached.categories == full.categories
    assert cached.banned == full.banned
    assert [i.id for i in cached.items] == [i.id for i in full.items]
    for mine, theirs in zip(cached.items, full.items, strict=True):
        assert (mine.name_zh, mine.name_en, mine.title) == (
            theirs.name_zh,
            theirs.name_en,
            theirs.title,
        )
        assert mine.inputs == theirs.inputs, mine.id
        assert mine.eligibility == theirs.eligibility, mine.id
        for person in people:
            for card in ("resident", "foreign_permanent"):
                assert mine.check_eligibility(person, TODAY, card) == theirs.check_eligibility(
                    person, TODAY, card
                ), (mine.id, person.id, card)
        assert mine == theirs, mine.id  # every field, the rule included
        assert cached.item(mine.id) == mine


@pytest.mark.parametrize("locality", LOCALITIES)
def test_cached_catalogue_equals_the_validated_one(
    tmp_path: Path, locality: str | None, people: list[ResidentRecord]
) -> None:
    """GIVEN a full load that wrote the cache WHEN loaded again THEN the cache is used and gives
    the same items, inputs and verdicts for demo residents."""
    full = load_catalog(CATALOG, locality, cache_dir=tmp_path)
    assert cache_file(tmp_path, locality).exists()
    cached = load_catalog(CATALOG, locality, cache_dir=tmp_path)
    assert_same_catalogue(cached, full, people)


def test_demo_residents_get_both_verdicts(people: list[ResidentRecord]) -> None:
    """The residents used above tell rules apart (else equal verdicts would prove nothing):
    most items are refused to some of them and granted to others."""
    catalog = load_catalog(CATALOG)
    split = [
        item.id
        for item in catalog.items
        if len({item.check_eligibility(p, TODAY).eligible for p in people}) == 2
    ]
    assert len(split) >= len(catalog.items) // 2, split


def test_no_cache_dir_means_no_cache(tmp_path: Path) -> None:
    assert not load_catalog(CATALOG, "wangyi").from_cache
    assert not load_catalog(CATALOG, "wangyi").from_cache
    assert list(tmp_path.iterdir()) == []


def test_cache_file_is_private_and_written_atomically(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_catalog(CATALOG, "wangyi", cache_dir=cache)
    path = cache_file(cache, "wangyi")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temp file left behind
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == CACHE_VERSION
    assert data["digest"] == hashlib.sha256(CATALOG.read_bytes()).hexdigest()
    assert data["locality"] == "wangyi"


def corrupt(path: Path, how: str) -> None:
    """Break a written cache file in one of the ways a disk or a person might."""
    if how == "garbage":
        path.write_bytes(b"\x00\xff not json")
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[:1000])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000)
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
        if how == "version":
            data["version"] = CACHE_VERSION + 1
        elif how == "digest":
            data["digest"] = "0" * 64
        elif how == "bad_field":
            data["items"][0]["max_copies"] = "DROP TABLE"
        elif how == "bad_rule":
            data["items"][0]["eligibility"] = {"sex": ["female"]}
        elif how == "not_a_list":
            data["items"] = {"a": 1}
        elif how == "extra_key":
            data["items"][0]["colour"] = "red"
        path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    "how",
    [
        "garbage",
        "truncated",
        "empty",
        "deep",
        "version",
        "digest",
        "bad_field",
        "bad_rule",
        "not_a_list",
        "extra_key",
    ],
)
def test_a_bad_cache_falls_back_and_is_rewritten(
    tmp_path: Path, how: str, people: list[ResidentRecord]
) -> None:
    """GIVEN a cache file that is corrupt, stale or of another version WHEN loading THEN the
    full load runs (same catalogue, no error) and a good cache replaces the bad one."""
    full = load_catalog(CATALOG, "wangyi", cache_dir=tmp_path)
    path = cache_file(tmp_path, "wangyi")
    corrupt(path, how)
    again = load_catalog(CATALOG, "wangyi", cache_dir=tmp_path)
    assert not again.from_cache
    assert again.items == full.items
    assert_same_catalogue(load_catalog(CATALOG, "wangyi", cache_dir=tmp_path), full, people)


def test_a_cache_of_another_locality_is_not_used(tmp_path: Path) -> None:
    load_catalog(CATALOG, "yintai", cache_dir=tmp_path)
    cache_file(tmp_path, "wangyi").write_bytes(cache_file(tmp_path, "yintai").read_bytes())
    wangyi = load_catalog(CATALOG, "wangyi", cache_dir=tmp_path)
    assert not wangyi.from_cache
    assert "rural_family_planning_reward" in wangyi


def test_an_edited_catalogue_is_not_served_from_the_cache(tmp_path: Path) -> None:
    path = copy_catalog(tmp_path)
    load_catalog(path, "wangyi", cache_dir=tmp_path / "cache")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name_zh: 高龄津贴申领", "name_zh: 高龄津贴领取", 1), "utf-8")
    edited = load_catalog(path, "wangyi", cache_dir=tmp_path / "cache")
    assert not edited.from_cache
    assert edited.item("senior_allowance").name_zh == "高龄津贴领取"
    assert load_catalog(path, "wangyi", cache_dir=tmp_path / "cache").from_cache


def test_a_broken_catalogue_is_never_cached(tmp_path: Path) -> None:
    from kiosk.errors import CatalogError

    path = copy_catalog(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("kind: form", "kind: forms", 1))
    for _ in range(2):
        with pytest.raises(CatalogError):
            load_catalog(path, "wangyi", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


class _Touch:
    """A pickle payload that creates a file when unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


def test_a_tampered_cache_never_runs_code(tmp_path: Path) -> None:
    """GIVEN a pickle payload (or a YAML object tag) in the cache file THEN nothing runs: the
    file is not JSON of a catalogue, so the full load happens."""
    load_catalog(CATALOG, "wangyi", cache_dir=tmp_path)
    path = cache_file(tmp_path, "wangyi")
    marker = tmp_path / "pwned"
    for payload in (
        pickle.dumps(_Touch(marker)),
        f"!!python/object/apply:pathlib.Path.touch [{str(marker)!r}]".encode(),
    ):
        path.write_bytes(payload)
        assert not load_catalog(CATALOG, "wangyi", cache_dir=tmp_path).from_cache
        assert not marker.exists()


def test_an_unwritable_cache_dir_is_not_an_error(tmp_path: Path) -> None:
    blocked = tmp_path / "not_a_dir"
    blocked.write_text("a file where the cache directory should be")
    catalog = load_catalog(CATALOG, "wangyi", cache_dir=blocked)
    assert not catalog.from_cache and "senior_allowance" in catalog


def test_odd_locality_names_get_safe_file_names(tmp_path: Path) -> None:
    assert cache_file(tmp_path, "../../etc/passwd").parent == tmp_path
    assert cache_file(tmp_path, None) != cache_file(tmp_path, "base")


def _model_fingerprint() -> str:
    """The shape of everything the cache stores: model schemas and rule dataclass fields."""
    models = (Category, BannedCertificate, LawException, ItemInput, CatalogItem, Locality)
    shape: list[object] = [m.model_json_schema(mode="serialization") for m in models]
    for cls in sorted(vars(rules).values(), key=str):
        if isinstance(cls, type) and issubclass(cls, rules.Rule):
            shape.append([cls.__name__, [(f.name, str(f.type)) for f in dataclasses.fields(cls)]])
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def test_cache_version_follows_the_model() -> None:
    """If this fails, the model changed: bump CACHE_VERSION in kiosk/catalog/cache.py and put the
    new pair here (old caches then fall back to a full load instead of giving stale objects)."""
    assert (CACHE_VERSION, _model_fingerprint()) == (3, "f7b44c1f3d1b1485")


def test_load_seconds_comes_from_the_injected_clock(tmp_path: Path) -> None:
    ticks = iter([10.0, 10.25, 20.0, 20.125])
    first = load_catalog(CATALOG, "wangyi", cache_dir=tmp_path, clock=lambda: next(ticks))
    second = load_catalog(CATALOG, "wangyi", cache_dir=tmp_path, clock=lambda: next(ticks))
    assert (first.load_seconds, second.load_seconds) == (0.25, 0.125)
    assert second.from_cache


def test_the_cache_holds_today_independent_data(
    tmp_path: Path, people: list[ResidentRecord]
) -> None:
    """Eligibility is decided at issue time: a cached catalogue still judges the date it is given."""
    load_catalog(CATALOG, cache_dir=tmp_path)
    cached = load_catalog(CATALOG, cache_dir=tmp_path)
    assert cached.from_cache
    item = cached.item("senior_allowance")
    person = dataclasses.replace(people[0], hukou_local=True, birth_date=date(1946, 6, 1))
    assert not item.check_eligibility(person, date(2026, 5, 31)).eligible
    assert item.check_eligibility(person, date(2026, 6, 1)).eligible
