"""Register imports, CSV: rows of real-looking residents under a header of our names, Chinese
aliases or --map names (title rows above, columns shuffled, dropped, doubled), cells replaced by
what community systems and hands produce (dates of every form, full-width digits, 2999, unknown
tags, 131,073-character fields, NULs, stray quotes), written in every encoding the importer
reads (and some it must refuse), sometimes damaged byte by byte; run with odd options
(--encoding rot13, --header-row 0, a bad --map). Problems must never show a full ID number.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from card_reader.idnumber import make_id_number
from civic.idnumber import has_valid_check
from kiosk.fuzzing.core import BadResultError, Chooser, Generator, Parser, chance, pick, rewrite
from kiosk.fuzzing.mutate import havoc, text_value
from kiosk.imports import ALIASES, COLUMNS, ImportOptions, ImportResult, parse_map, run_import
from kiosk.imports.errors import ImportFileError

TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 9, 0)
CHINESE = {field: alias for alias, field in reversed(list(ALIASES.items()))}
PEOPLE = (
    ("610202195603011228", "王秀英", "女", "1956-03-01", "汉族", "最低生活保障对象;独居老人"),
    (
        make_id_number("610202", date(1990, 1, 1), 11),
        "李建国",
        "男",
        "1990-01-01",
        "回",
        "退役军人",
    ),
    (make_id_number("610203", date(2017, 9, 1), 22), "张小雨", "女", "2017年9月1日", "", ""),
    (
        make_id_number("610202", date(1948, 2, 29), 35),
        "赵德明",
        "男",
        "1948/2/29",
        "满族",
        "中共党员",
    ),
)
CELLS = (
    "2999-01-01", "2026-02-30", "20260301", "2026.3.1", "1956-3-1", "3/1/1956", "男性", "女性",
    "male", "F", "是", "否", "本地", "外地", "TRUE", "1", "低保|退役军人", "外星人", "　",
    "６１０２０２１９５６０３０１１２２８", "610202195603011228 ", "61020219560301122x",
    "610202195603011228", "6.10202195603011e+17", "x" * 131_073, '"', 'a"b', "a\nb", "\x00",
    "=1/0", "@SUM(A1)", "\r", "H\u0000001",
)  # fmt: skip
TITLE_ROWS: tuple[list[str], ...] = (
    ["红旗街社区居民花名册"],
    ["导出时间：2026-03-01 09:00"],
    [],
    ["", "", ""],
)
ENCODINGS = ("utf-8", "utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "latin-1")
GIVEN_ENCODINGS = (None, None, None, "utf-8", "gbk", "utf-16", "latin-1", "nosuch", "rot13",
                   "base64", "hex", "idna", "punycode", "utf-32", "")  # fmt: skip
MAPS = (
    None,
    "",
    "公民身份号码=id_number",
    "姓名=name,X=nosuch",
    "=",
    "a=b=c",
    "，",
    "号码=id_number",
)
_FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def person_row(c: Chooser, header: list[str]) -> list[str]:
    """One resident as the header's columns, some cells replaced."""
    number, name, sex, born, nation, tags = pick(c, PEOPLE)
    values = {
        "id_number": number, "name": name, "sex": sex, "birth_date": born, "nation": nation,
        "phone": "13800001234", "address": "红旗街社区3号楼2单元401室", "community": "红旗街社区",
        "grid": "第一网格", "building": "3", "unit": "2", "room": "401", "household_id": "H001",
        "hukou_local": "是", "registered_since": "2018-05-01", "tags": tags,
    }  # fmt: skip
    row = [values.get(field, "") for field in header]
    for _ in range(c.integer(0, 3)):
        if row:
            row[c.integer(0, len(row) - 1)] = text_value(c, CELLS)
    return row


def header_row(c: Chooser) -> tuple[list[str], list[str]]:
    """(our field of each column, the header as the file spells it)."""
    fields = list(COLUMNS)
    for _ in range(c.integer(0, 3)):
        how = c.integer(0, 3)
        i = c.integer(0, len(fields) - 1)
        if how == 0:
            del fields[i]
        elif how == 1:
            fields.insert(c.integer(0, len(fields)), fields[i])
        elif how == 2:
            j = c.integer(0, len(fields) - 1)
            fields[i], fields[j] = fields[j], fields[i]
        else:
            fields.insert(i, "unknown")
    style = c.integer(0, 2)
    names = [
        CHINESE.get(f, f) if style == 1 or (style == 2 and c.integer(0, 1)) else f for f in fields
    ]
    return fields, [text_value(c) if chance(c, 30) else n for n in names]


def table(c: Chooser) -> list[list[str]]:
    """Title rows, the header, and rows of residents."""
    fields, names = header_row(c)
    rows = [list(pick(c, TITLE_ROWS)) for _ in range(c.integer(0, 2) if chance(c, 3) else 0)]
    rows.append(names)
    rows += [person_row(c, fields) for _ in range(c.integer(1, 6))]
    return rows


def csv_bytes(c: Chooser, rows: list[list[str]]) -> bytes:
    """The table written as a community system might, in one of several encodings."""
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=pick(c, (",", ",", "\t", ";")),
        quoting=pick(c, (csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC)),
        lineterminator=pick(c, ("\r\n", "\n", "\r")),
    )
    writer.writerows(rows)
    text = out.getvalue()
    if chance(c, 6):  # an unbalanced quote, a stray NUL
        at = c.integer(0, len(text))
        text = text[:at] + pick(c, ('"', "\x00", '"\n"', "\ufeff")) + text[at:]
    raw = text.encode(pick(c, ENCODINGS), "replace")
    return havoc(c, raw, max_ops=3) if chance(c, 5) else raw


def options(c: Chooser) -> ImportOptions:
    """Import options as `kiosk residents import` may be given them."""
    mapping = pick(c, MAPS)
    try:
        parsed = parse_map(mapping)
    except ImportFileError:
        parsed = {}
    header = c.integer(-1, 8) if chance(c, 4) else None
    return ImportOptions(
        mapping=parsed,
        header_row=header,
        encoding=pick(c, GIVEN_ENCODINGS),
        partial=c.integer(0, 1) == 1,
        dry_run=True,
        batch=pick(c, (1000, 1, 2, 7)),
        today=TODAY,
    )


def check_result(result: ImportResult, problems: list[str]) -> ImportResult:
    """Counts that add up, and no problem that shows a full ID number (BadResultError)."""
    if min(result.valid, result.rejected, result.inserted, result.updated) < 0:
        raise BadResultError(f"negative counts {result}")
    if result.rejected != len(problems):
        raise BadResultError(f"{result.rejected} rejected, {len(problems)} problems reported")
    for text in problems:
        if any(has_valid_check(m.group().upper()) for m in _FULL_ID.finditer(text)):
            raise BadResultError(f"a problem shows a full ID number: {text[:120]!r}")
    return result


@dataclass(frozen=True)
class CsvCase:
    """A CSV file's bytes and how it is imported."""

    data: bytes
    options: ImportOptions


def csv_case(c: Chooser) -> CsvCase:
    """A register file and its options."""
    return CsvCase(csv_bytes(c, table(c)), options(c))


def import_parser(name: str, what: str, path: Path, generate: Generator) -> Parser:
    """A dry-run import of the case's bytes written to `path`."""

    def load(case: CsvCase) -> ImportResult:
        rewrite(path, case.data)
        problems: list[str] = []
        result = run_import(
            path, case.options, None, NOW, on_problem=lambda p: problems.append(str(p))
        )
        return check_result(result, problems)

    return Parser(name, what, generate, load)


def parsers(workdir: Path) -> list[Parser]:
    """The CSV import parser (XLSX: kiosk.fuzzing.workbooks)."""
    return [
        import_parser("csv_import", "register CSV (encodings, headers, cells, options) -> import",
                      workdir / "register.csv", csv_case),
    ]  # fmt: skip
