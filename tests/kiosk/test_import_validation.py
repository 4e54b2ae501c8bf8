"""The register import rejects rows that contradict their own ID number (digits 7-14 are the
birth date, digit 17 is odd for men), dates in the future, tags outside kiosk/tags.py and
full-width digits: each with its line, its column and the masked ID, never the full number."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from civic.idnumber import check_char
from kiosk.cli import main
from kiosk.residents_import import COLUMNS, parse_csv

TODAY = date(2026, 3, 1)
HEADER = ",".join(COLUMNS)
# 610202194303080008: born 1943-03-08, digit 17 '0' (even: female)
GOOD = (
    "610202194303080008,张秀兰,女,1943-03-08,汉,13800001234,王益区红旗街1号,红旗街社区,"
    "红旗街社区第01网格,1,2,301,WY01,是,1990-10-11,living_alone;pensioner"
)
MASKED = "610202********0008"
# 610202299901010019: valid check digit, born 2999-01-01, digit 17 '1' (odd: male)
FUTURE_ID = "610202299901010019"


def _parse(*rows: str) -> list[str]:
    return parse_csv("\n".join((HEADER, *rows)) + "\n", today=TODAY).rejected


def test_the_good_row_is_accepted() -> None:
    """GIVEN a row that agrees with its ID number THEN nothing is rejected."""
    assert _parse(GOOD) == []


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (GOOD.replace("1943-03-08", "1943-03-09"), "line 2: birth_date: contradicts the ID"),
        (GOOD.replace(",女,", ",男,"), "line 2: sex: male contradicts the ID number"),
        (GOOD.replace(",女,", ",male,"), "line 2: sex: male contradicts the ID number"),
        (GOOD.replace("pensioner", "astronaut"), "line 2: tags: unknown 'astronaut'"),
        (GOOD.replace("1990-10-11", "2030-01-01"), "line 2: registered_since: 2030-01-01 is in"),
        (GOOD.replace("1990-10-11", "1940-01-01"), "line 2: registered_since: 1940-01-01 is bef"),
    ],
)
def test_contradictions_are_rejected_with_line_column_and_masked_id(
    row: str, expected: str
) -> None:
    """GIVEN a row contradicting its ID number, the calendar or the tag vocabulary THEN it is
    rejected naming line, column and masked ID."""
    rejected = _parse(row)
    assert len(rejected) == 1
    assert rejected[0].startswith(expected), rejected
    assert rejected[0].endswith(f"(id_number {MASKED})")


def test_a_birth_date_in_the_future_is_rejected() -> None:
    """GIVEN an ID number and birth date of 2999-01-01 (consistent, valid check digit) THEN the
    row is rejected: nobody on the register is born yet. The date is not echoed (with the masked
    ID it would spell out the whole number)."""
    row = GOOD.replace("610202194303080008", FUTURE_ID).replace("1943-03-08", "2999-01-01")
    row = row.replace(",女,", ",男,")
    (problem,) = _parse(row)
    assert problem == "line 2: birth_date: in the future (id_number 610202********0019)"
    assert "2999" not in problem


def test_full_width_digits_are_a_row_error() -> None:
    """GIVEN an ID number typed in full-width digits THEN a clear row error, no exception."""
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "610202194303080008")
    (problem,) = _parse(GOOD.replace("610202194303080008", wide))
    assert problem.startswith("line 2: id_number ")
    assert "full-width" in problem and wide not in problem


def _resident(seq: int, sex: str, birth: str, tags: str = "living_alone") -> tuple[str, str]:
    """(full ID number, CSV row) for a resident born 1943-03-08 with sequence digits `seq`."""
    first17 = f"61020219430308{seq:03d}"
    number = first17 + check_char(first17)
    row = GOOD.replace("610202194303080008", number).replace(",女,", f",{sex},")
    return number, row.replace("1943-03-08", birth).replace("living_alone;pensioner", tags)


def test_every_bad_row_is_reported_not_only_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN three bad rows among good ones WHEN `kiosk residents import` THEN each line is
    named with its column, nothing is imported, and no full ID number is printed."""
    residents = [
        _resident(2, "女", "1943-03-08"),  # good (even digit 17: female)
        _resident(4, "女", "1943-03-09"),  # birth date off by a day
        _resident(6, "女", "1943-03-08", "living_alone;unknown_tag"),
        _resident(13, "女", "1943-03-08"),  # odd digit 17: a man
        _resident(15, "男", "1943-03-08"),  # good
    ]
    path = tmp_path / "r.csv"
    path.write_text("\n".join([HEADER, *(row for _, row in residents)]) + "\n", encoding="utf-8")
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    db = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    assert main(["--db", db, "residents", "import", str(path)]) == 1
    out = capsys.readouterr().out
    rejected = [line for line in out.splitlines() if line.startswith("rejected ")]
    assert [line.split(":")[:2] for line in rejected] == [
        ["rejected line 3", " birth_date"],
        ["rejected line 4", " tags"],
        ["rejected line 5", " sex"],
    ]
    assert "inserted 0" in out
    assert not any(number in out for number, _ in residents)
    assert not (tmp_path / "k.sqlite3").exists()
