"""`kiosk catalog check` and `kiosk catalog list` through kiosk.cli.main."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import kiosk.cli
from kiosk.db.engine import make_engine
from kiosk.db.models import Base
from kiosk.db.repositories import ResidentData, ResidentRepository

from .conftest import CATALOG


@pytest.fixture(autouse=True)
def only_catalog_commands(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Parse with the catalog command group only (other groups are tested by their owners), and
    keep the configuration away from the user's data directory."""
    assert "kiosk.commands.catalog" in kiosk.cli.COMMAND_MODULES
    monkeypatch.setattr(kiosk.cli, "COMMAND_MODULES", ("kiosk.commands.catalog",))
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KIOSK_PATHS_CATALOG", str(CATALOG))


def test_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert kiosk.cli.main(["catalog", "check", str(CATALOG)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "10 categories" in out


def test_check_uses_the_configured_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert kiosk.cli.main(["catalog", "check"]) == 0
    assert str(CATALOG) in capsys.readouterr().out


def test_check_lists_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = CATALOG.read_text(encoding="utf-8")
    text = text.replace("  - id: senior_allowance\n", "  - id: senior_allowance\n    foo: 1\n", 1)
    text = text.replace("    name_zh: 居民在社区居住证明\n", "    name_zh: 居民死亡证明\n", 1)
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    assert kiosk.cli.main(["catalog", "check", str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 2
    assert "item 'senior_allowance': unknown key 'foo'" in lines[0]
    assert "item 'residence_certificate': banned certificate '死亡证明'" in lines[1]
    assert "2 problem(s)" in captured.err


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert kiosk.cli.main(["catalog", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 100
    assert len({r["category"] for r in rows}) == 10
    for key in ("id", "name_zh", "name_en", "category", "kind", "paper", "eligible", "reason"):
        assert key in rows[0]
    assert all(r["eligible"] for r in rows)


def test_list_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert kiosk.cli.main(["catalog", "list", "--locality", "yintai"]) == 0
    out = capsys.readouterr().out
    assert "养老  Elderly care" in out and "residence_certificate" in out
    assert "other_duty_certificate" not in out and "rural_family_planning_reward" not in out


def make_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        ResidentRepository(session).upsert(
            ResidentData(
                id_number="61020219400301122X",
                name="李桂兰",
                sex="female",
                birth_date=date(1940, 3, 1),
                nation="汉",
                phone=None,
                address="王益区红旗街社区5号楼1单元202室",
                community="红旗街社区",
                grid="第五网格",
                building="5",
                unit="1",
                room="202",
                household_id="H1",
                hukou_local=False,
                registered_since=date(2000, 1, 1),
                tags=("living_alone",),
            ),
            datetime(2026, 1, 1, 9, 0),
        )
        session.commit()
    engine.dispose()
    return url


def test_list_for_a_resident(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = make_db(tmp_path)
    argv = [
        "--db",
        url,
        "catalog",
        "list",
        "--json",
        "--id-number",
        "61020219400301122x",
        "--on",
        "2026-03-01",
    ]
    assert kiosk.cli.main(argv) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["residence_certificate"]["eligible"] is True
    assert rows["senior_allowance"]["eligible"] is False
    assert rows["senior_allowance"]["reason"] == "仅限本社区户籍居民"
    assert rows["solitary_elderly_visit"]["eligible"] is True
    assert rows["military_service_registration"]["reason"] == "仅限男性居民；仅限17至22周岁的居民"


def test_list_for_an_unknown_resident(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = make_db(tmp_path)
    assert (
        kiosk.cli.main(["--db", url, "catalog", "list", "--id-number", "610202199001011234"]) == 1
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "未找到居民 / resident not found: 610202********1234"


def test_list_with_a_broken_catalogue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("items: [\n", encoding="utf-8")
    assert kiosk.cli.main(["catalog", "list", "--catalog", str(path)]) == 1
    assert "YAML syntax error" in capsys.readouterr().err
