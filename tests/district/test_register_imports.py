"""`kiosk residents import` on files as the community systems export them: XLSX with title rows
and Chinese headers, `--map`, `--header-row`, GBK/GB18030 and UTF-8 (BOM or not) CSV, a file
that cannot be decoded, the validation report, all or nothing, upsert, bounded memory."""

from __future__ import annotations

import io
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from civic.idnumber import check_char
from kiosk.cli import main
from kiosk.commands.residents import _TtyProgress
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.repositories import ResidentRepository
from kiosk.imports import COLUMNS, ImportOptions, import_rows, run_import, text_source

CN_HEADER = ["公民身份号码", "姓名", "性别", "出生日期", "民族", "联系电话", "现住址", "所属社区",
             "所属网格", "楼号", "单元", "房号", "户号", "是否本社区户籍", "居住起始日期",
             "人员类别", "备注"]  # fmt: skip
ZHANG = "610202194303080008"  # born 1943-03-08, female


def _number(seq: int, birth: str = "19430308") -> str:
    first17 = f"610202{birth}{seq:03d}"
    return first17 + check_char(first17)


def _cn_row(number: str, birth: date, sex: str = "女") -> list[object]:
    return [number, "张秀兰", sex, birth, "汉族", 13800001234, "王益区红旗街1号", "红旗街社区",
            "红旗街社区第01网格", 1, 2, 301, "WY01", "是", datetime(1990, 10, 11),
            "独居老人;pensioner", "无"]  # fmt: skip


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _residents(db: str) -> dict[str, object]:
    engine = make_engine(db)
    with session_factory(engine)() as s:
        repo = ResidentRepository(s)
        found = {n: repo.by_id_number(n) for n in (ZHANG, _number(2), _number(4))}
        total = repo.count()
    engine.dispose()
    return {"total": total, **{k: v for k, v in found.items() if v is not None}}


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite register in the test's folder; the CLI's data dir there too."""
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    return f"sqlite:///{tmp_path / 'k.sqlite3'}"


def test_xlsx_with_title_rows_and_chinese_headers(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN an XLSX export: two title rows, Chinese headers, dates as date cells, numbers as
    numbers, a 备注 column WHEN imported THEN the header is found, 备注 listed as unknown, and
    the residents land with their fields read right."""
    path = _xlsx(tmp_path / "r.xlsx", [
        ["红旗街社区居民花名册"], ["导出时间：2026-02-01", None, "操作员：李"], CN_HEADER,
        _cn_row(ZHANG, date(1943, 3, 8)), _cn_row(_number(2), date(1943, 3, 8)), [None] * 5,
    ])  # fmt: skip
    assert main(["--db", db, "residents", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "unknown columns, ignored: 备注" in out
    assert "inserted 2, updated 0, rejected 0" in out
    zhang = _residents(db)[ZHANG]
    assert zhang.nation == "汉" and zhang.phone == "13800001234" and zhang.building == "1"  # type: ignore[attr-defined]
    assert zhang.tags == {"living_alone", "pensioner"}  # type: ignore[attr-defined]
    assert zhang.registered_since == date(1990, 10, 11)  # type: ignore[attr-defined]


def test_header_row_and_map_for_headers_of_another_system(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a sheet whose headers we do not know (证件编号, 户主编号) under a title row WHEN
    imported without help THEN refused in one line; WHEN given --map and --header-row THEN
    imported."""
    header = ["证件编号", *CN_HEADER[1:12], "户主编号", *CN_HEADER[13:16]]
    row = _cn_row(ZHANG, date(1943, 3, 8))[:16]
    path = _xlsx(tmp_path / "other.xlsx", [["第二网格"], header, row])
    assert main(["--db", db, "residents", "import", str(path)]) == 1
    assert "找不到表头" in capsys.readouterr().err
    argv = ["--db", db, "residents", "import", str(path), "--header-row", "2"]
    assert main([*argv, "--map", "证件编号=id_number,户主编号=household_id"]) == 0
    assert "inserted 1" in capsys.readouterr().out


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_encodings_are_detected(
    encoding: str, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN the same CSV saved as GBK, GB18030, UTF-8 and UTF-8 with BOM (Chinese Excel's
    choices) WHEN imported without --encoding THEN the names read right."""
    text = (
        ",".join(CN_HEADER[:16])
        + "\n"
        + ",".join(str(c) for c in _cn_row(ZHANG, date(1943, 3, 8))[:16]).replace(
            "1990-10-11 00:00:00", "1990-10-11"
        )
        + "\n"
    )
    path = tmp_path / "r.csv"
    path.write_bytes(text.encode(encoding))
    assert main(["--db", db, "residents", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "inserted 1" in out
    detected = {"gbk": "gb18030", "gb18030": "gb18030", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}
    assert f"encoding: {detected[encoding]}" in out
    assert _residents(db)[ZHANG].name == "张秀兰"  # type: ignore[attr-defined]


def test_an_undecodable_file_is_one_line_and_nothing_is_imported(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a CSV whose third line holds bytes neither UTF-8 nor GB18030 WHEN imported (and
    again with --encoding utf-8) THEN one line on stderr names the encoding and the line, exit 1,
    no database is created."""
    good = (",".join(COLUMNS) + "\n").encode()
    path = tmp_path / "bad.csv"
    path.write_bytes(good + b"x\n\xff\xfe\x80,1\n")
    assert main(["--db", db, "residents", "import", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "neither UTF-8 nor GBK/GB18030" in err[0] and "line 3" in err[0]
    assert main(["--db", db, "residents", "import", str(path), "--encoding", "utf-8"]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "not valid utf-8" in line and "line 3" in line
    assert not (tmp_path / "k.sqlite3").exists()


def test_report_file_names_line_column_problem_and_masked_id(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN an XLSX with a wrong birth date, an ID stored as a number and a duplicate WHEN
    imported with --report THEN each is a row of the report (line, the file's column, field,
    problem, masked ID), no full ID anywhere, and nothing is imported."""
    wrong = _cn_row(_number(2), date(1943, 3, 9))
    as_number = _cn_row(int(_number(4)), date(1943, 3, 8))
    rows = [CN_HEADER, _cn_row(ZHANG, date(1943, 3, 8)), wrong, as_number,
            _cn_row(ZHANG, date(1943, 3, 8))]  # fmt: skip
    path = _xlsx(tmp_path / "r.xlsx", rows)
    report = tmp_path / "report.csv"
    assert main(["--db", db, "residents", "import", str(path), "--report", str(report)]) == 1
    out = capsys.readouterr().out
    assert "nothing imported: 3 rejected rows" in out
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "line,column,field,problem,id_number"
    assert lines[1].startswith("3,出生日期,birth_date,contradicts the ID number")
    assert lines[1].endswith(",610202********0024")
    assert lines[2].startswith("4,公民身份号码,id_number,stored as a number")
    assert lines[3] == "5,公民身份号码,id_number,duplicate of line 2,610202********0008"
    for number in (ZHANG, _number(2), _number(4)):
        assert number not in out and number not in report.read_text(encoding="utf-8-sig")
    assert not (tmp_path / "k.sqlite3").exists()


def test_all_or_nothing_even_after_batches_were_written(tmp_path: Path) -> None:
    """GIVEN 60 good rows then a bad one, written in batches of 10 WHEN imported THEN nothing is
    in the register; WHEN --partial THEN the 60; WHEN again THEN 60 updated, none inserted."""
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    engine = make_engine(url)
    from kiosk.db.migrate import upgrade

    upgrade(engine)
    sessions = session_factory(engine)
    good = [_csv_row(_number(2 * k)) for k in range(1, 61)]
    text = "\n".join([",".join(COLUMNS), *good, _csv_row(_number(2)[:-1] + "0")]) + "\n"

    def run(partial: bool) -> tuple[int, int, int]:
        options = ImportOptions(partial=partial, batch=10, today=date(2026, 3, 1))
        result = import_rows(text_source(text), options, sessions, datetime(2026, 3, 1))
        with sessions() as s:
            return result.inserted, result.updated, ResidentRepository(s).count()

    assert run(partial=False) == (0, 0, 0)
    assert run(partial=True) == (60, 0, 60)
    assert run(partial=True) == (0, 60, 60)
    engine.dispose()


def _csv_row(number: str) -> str:
    female = int(number[16]) % 2 == 0
    return (
        f"{number},张秀兰,{'女' if female else '男'},1943-03-08,汉,,王益区红旗街1号,红旗街社区,"
        "红旗街社区第01网格,,,,WY01,是,1990-10-11,"
    )


@pytest.mark.slow
def test_memory_stays_bounded_while_streaming(tmp_path: Path) -> None:
    """GIVEN 30,000 valid rows WHEN checked (dry run) THEN the peak of Python allocations stays
    under 12 MB: rows are not held (only one ID per row, for duplicates); holding them all would
    take several times that."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(COLUMNS) + "\n")
        for k in range(30_000):
            birth = date(1920 + k % 70, 1 + k % 12, 1 + k % 28).strftime("%Y%m%d")
            first17 = f"610202{birth}{k // 420:03d}"
            number = first17 + check_char(first17)
            fh.write(
                _csv_row(number).replace("1943-03-08", f"{birth[:4]}-{birth[4:6]}-{birth[6:]}")
                + "\n"
            )
    tracemalloc.start()
    try:
        result = run_import(path, ImportOptions(dry_run=True), None, datetime(2026, 3, 1))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (result.valid, result.rejected) == (30_000, 0)
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_progress_bar_draws_on_one_line() -> None:
    """GIVEN a terminal WHEN the import reports progress THEN one line is redrawn with the
    fraction and the rows read, and ended with a newline."""
    stream = io.StringIO()
    bar = _TtyProgress(stream)  # type: ignore[arg-type]
    bar(1000, 0.5)
    bar(2000, 1.0)
    bar.done()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n")
    assert "50%" in text and "100%" in text and "2,000 rows" in text
