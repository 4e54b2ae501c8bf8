"""Fuzzing the register imports (issue 14, part B 3), CSV and XLSX: real-looking registers
under every kind of header, cells as community systems and hands write them, every encoding
(and options such as --encoding rot13), workbooks with typed cells and damaged parts or zips.
An import either reports its rows (counts that add up, no full ID number in any problem) or
refuses the file with ImportFileError; nothing else. Then the defects the fuzzing found, each
pinned by a regression test."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.fuzzing.core import Parser, Simplest, assert_clean, check, run_long
from kiosk.fuzzing.registers import TODAY
from kiosk.fuzzing.registers import parsers as csv_parsers
from kiosk.fuzzing.workbooks import parsers as xlsx_parsers
from kiosk.fuzzing.workbooks import parts, xlsx_case, zipped
from kiosk.imports import (
    COLUMNS,
    ImportFileError,
    ImportOptions,
    ImportResult,
    Problem,
    run_import,
)

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::UserWarning")]
NOW = datetime(2026, 3, 1, 9, 0)
ROW = ["610202195603011228", "王秀英", "女", "1956-03-01", "汉族", "13800001234", "3号楼",
       "红旗街社区", "第一网格", "3", "2", "401", "H001", "是", "2018-05-01", ""]  # fmt: skip
# parser -> (hypothesis cases, seeded cases)
CASES = {"csv_import": (200, 2500), "xlsx_import": (60, 1000)}


@pytest.fixture(scope="module")
def parsers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Parser]:
    """Both import parsers, writing their files into a scratch folder."""
    folder = tmp_path_factory.mktemp("imports")
    return {p.name: p for p in csv_parsers(folder) + xlsx_parsers(folder)}


@pytest.mark.parametrize("name", CASES)
def test_hypothesis_files_import_or_are_refused(parsers: dict[str, Parser], name: str) -> None:
    """GIVEN hypothesis's register files WHEN imported (dry run) THEN rows or ImportFileError."""
    check(parsers[name], CASES[name][0])()


@pytest.mark.parametrize("name", CASES)
def test_a_seeded_sweep_imports_or_is_refused(parsers: dict[str, Parser], name: str) -> None:
    """GIVEN seeded register files THEN no escape, counts add up, no full ID in a problem."""
    assert_clean(run_long(parsers[name], CASES[name][1]))


@pytest.mark.parametrize("name", CASES)
def test_the_undamaged_file_imports_its_resident(parsers: dict[str, Parser], name: str) -> None:
    """GIVEN the simplest case (one resident, no damage) THEN one valid row."""
    parser = parsers[name]
    result: Any = parser.parse(parser.generate(Simplest()))
    assert (result.valid, result.rejected) == (1, 0)


def _import(path: Path, encoding: str | None = None) -> ImportResult:
    options = ImportOptions(encoding=encoding, dry_run=True, today=TODAY)
    return run_import(path, options, None, NOW)


def _csv(tmp_path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out).writerows([list(COLUMNS), *rows])
    path = tmp_path / "register.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("rot13", "utf-8"),  # was TypeError: a str -> str codec
        ("base64", "utf-8"),  # was binascii.Error
        ("hex", "utf-8"),  # was binascii.Error
        ("utf-16", "utf-16-le"),  # was UnicodeError: no BOM
        ("utf-32", "utf-8"),  # was UnicodeError
        ("punycode", "utf-8"),  # was UnicodeError
    ],
)
def test_an_encoding_that_cannot_read_the_file_refuses_it(
    tmp_path: Path, encoding: str, data: str
) -> None:
    """GIVEN --encoding naming a codec that is not a text encoding, or one the file is not in
    WHEN imported THEN ImportFileError (it used to escape as TypeError, binascii.Error,
    LookupError or UnicodeError)."""
    path = _csv(tmp_path, [ROW], data)
    with pytest.raises(ImportFileError):
        _import(path, encoding)


def _workbook(tmp_path: Path, damage: tuple[str, str, str] | None = None) -> Path:
    """The simplest case's workbook, with (member, old, new) replaced in one part."""
    members = parts(Simplest(), [list(COLUMNS), ROW])
    if damage is not None:
        member, old, new = damage
        assert old in members[member]
        members[member] = members[member].replace(old, new)
    path = tmp_path / "register.xlsx"
    path.write_bytes(zipped({k: v.encode("utf-8") for k, v in members.items()}))
    return path


STYLES, STRINGS, SHEET = "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"
DAMAGE = [
    (STYLES, '<fill><patternFill patternType="none"/></fill>', "<fill/>"),  # TypeError, load
    (STYLES, "<fonts", "<<fonts"),  # ParseError at load
    (STRINGS, "</sst>", ""),  # ParseError at load
    (SHEET, "</row>", "</rw>"),  # ParseError while the rows are read
    (SHEET, 't="s"><v>0', 't="d"><v>2026-02-30'),  # ValueError while the rows are read
    ("xl/workbook.xml", '<sheet name="居民花名册" sheetId="1" r:id="rId1"/>', ""),  # no sheet
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_workbook_is_refused_whole(tmp_path: Path, damage: tuple[str, str, str]) -> None:
    """GIVEN a workbook with one damaged part WHEN imported THEN ImportFileError (openpyxl's
    TypeError, ParseError and ValueError, some raised only while the rows are read, and the
    IndexError of a workbook without sheets used to escape)."""
    with pytest.raises(ImportFileError):
        _import(_workbook(tmp_path, damage))


def test_the_undamaged_workbook_imports(tmp_path: Path) -> None:
    """GIVEN the workbook the damage above starts from THEN it imports its one resident."""
    result = _import(_workbook(tmp_path))
    assert (result.valid, result.rejected) == (1, 0)


def test_a_full_id_number_in_another_column_is_masked_in_the_problem(tmp_path: Path) -> None:
    """GIVEN a row whose sex cell holds an ID number (columns shifted) WHEN imported THEN the
    problem (shown, logged and written to --report) shows it masked, never whole."""
    row = list(ROW)
    row[2] = "610202195603011228"
    problems: list[str] = []

    def shown(problem: Problem) -> None:
        problems.append(f"{problem} | {problem.message} | {problem.column}")

    run_import(_csv(tmp_path, [row]), ImportOptions(dry_run=True, today=TODAY), None, NOW,
               on_problem=shown)  # fmt: skip
    assert problems and "610202195603011228" not in problems[0]
    assert "610202********1228" in problems[0]


def test_xlsx_cases_are_workbooks() -> None:
    """GIVEN the simplest XLSX case THEN real zip bytes (the sweep is not of junk)."""
    assert xlsx_case(Simplest()).data.startswith(b"PK\x03\x04")
