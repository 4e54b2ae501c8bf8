"""`kiosk residents import`: validated CSV, line numbers for bad rows, all-or-nothing unless --partial."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import generate_residents
from kiosk.residents_import import COLUMNS, write_csv

HEADER = ",".join(COLUMNS)
GOOD = "610202194303080008,张秀兰,女,1943-03-08,汉,13800001234,王益区红旗街1号,红旗街社区,红旗街社区第01网格,1,2,301,WY01,是,1990-10-11,living_alone;pensioner"
HK = "810000199001010019,陈大文,male,1990-01-01,,,王益区七一路2号,七一路社区,七一路社区第02网格,,,,WY02,no,2020-05-01,"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI makes its data dir private: keep it inside the test's folder."""
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))


def _count(db: str) -> int:
    engine = make_engine(db)
    with session_factory(engine)() as s:
        n = ResidentRepository(s).count()
    engine.dispose()
    return n


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "r.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_import_then_upsert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN a valid file WHEN imported twice THEN inserted, then updated, never duplicated."""
    db = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    path = _write(tmp_path, GOOD, HK)
    assert main(["--db", db, "residents", "import", str(path)]) == 0
    assert "inserted 2, updated 0, rejected 0" in capsys.readouterr().out
    assert main(["residents", "import", str(path), "--db", db]) == 0
    assert "inserted 0, updated 2, rejected 0" in capsys.readouterr().out
    assert _count(db) == 2
    engine = make_engine(db)
    with session_factory(engine)() as s:
        r = ResidentRepository(s).by_id_number("610202194303080008")
        permit = ResidentRepository(s).by_id_number("810000199001010019")
    engine.dispose()
    assert (
        r is not None
        and r.sex == "female"
        and r.tags == {"living_alone", "pensioner"}
        and r.hukou_local
    )
    assert permit is not None and permit.nation is None and not permit.hukou_local


def test_bad_rows_are_reported_with_line_numbers_and_nothing_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a bad check digit, date and sex WHEN imported THEN each line is named, nothing changes."""
    db = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    bad_check = GOOD.replace("610202194303080008", "610202194303080009")
    bad_date = HK.replace("1990-01-01", "1990-13-01")
    bad_sex = GOOD.replace("610202194303080008", "610202195001010025").replace(",女,", ",F,")
    path = _write(tmp_path, GOOD, bad_check, bad_date, bad_sex)
    assert main(["--db", db, "residents", "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "line 3: id_number 610202********0009" in out
    assert "line 4: birth_date" in out
    assert "line 5: sex" in out
    assert "inserted 0" in out
    assert "610202194303080009" not in out  # masked in reports too
    assert not (tmp_path / "k.sqlite3").exists() or _count(db) == 0


def test_partial_imports_valid_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN one bad row WHEN --partial THEN the good rows land and the bad one is listed."""
    db = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    path = _write(tmp_path, GOOD, GOOD.replace("610202194303080008", "61020219430308000X"))
    assert main(["--db", db, "residents", "import", str(path), "--partial"]) == 1
    assert "inserted 1, updated 0, rejected 1" in capsys.readouterr().out
    assert _count(db) == 1


def test_dry_run_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN the demo register as CSV WHEN --dry-run THEN all rows valid and the database untouched."""
    db = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    path = tmp_path / "demo.csv"
    write_csv(path, generate_residents())
    assert main(["--db", db, "residents", "import", str(path), "--dry-run"]) == 0
    assert "600 valid rows" in capsys.readouterr().out
    assert not (tmp_path / "k.sqlite3").exists()
