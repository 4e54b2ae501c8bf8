"""Rows out of a file as the community systems export it, streamed: CSV in UTF-8 (with or
without BOM), UTF-16 (Excel's "Unicode text") or GBK/GB18030 (Chinese Excel), and XLSX through
openpyxl in read-only mode. Each row is (line, cells); nothing holds the whole file."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from kiosk.imports.errors import ImportFileError

if TYPE_CHECKING:
    from _csv import Reader

Cell = str | int | float | bool | object | None
Row = tuple[int, list[Cell]]
CHUNK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
AUTO_ENCODINGS = ("utf-8", "gb18030")  # GB18030 is the superset of GBK and GB2312
CSV_ERROR_LINE = "not readable as CSV"


@dataclass(frozen=True)
class Source:
    """An open file's rows, its format and encoding, and how far the reading has got."""

    rows: Iterator[Row]
    kind: str  # csv | xlsx
    encoding: str | None
    fraction: Callable[[], float | None]  # how much has been read (0..1), if known


def open_source(path: Path, encoding: str | None = None) -> Source:
    """The rows of a CSV or XLSX file (told apart by their first bytes, not the name).

    ImportFileError for a file that cannot be read or decoded: then nothing is imported."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ImportFileError(
            f"cannot read {path}: {exc.strerror or exc}", zh="无法读取文件"
        ) from exc
    if magic == ZIP_MAGIC:
        return _xlsx(path)
    if magic == OLE_MAGIC:
        raise ImportFileError(
            f"{path.name} is an old Excel .xls file: save it as .xlsx or CSV",
            zh="不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV",
        )
    chosen = check_encoding(path, encoding)
    return _csv(path, chosen)


def check_encoding(path: Path, given: str | None) -> str:
    """The encoding the whole file decodes with: `given`, else by BOM, else UTF-8, else GB18030.
    Refused in one line naming the encoding and where it breaks (nothing is read into memory)."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if given:
        try:
            name = codecs.lookup(given).name
            io.TextIOWrapper(io.BytesIO(), encoding=name)  # LookupError: base64, rot13 ...
        except LookupError:
            raise ImportFileError(f"unknown encoding {given!r}", zh="不认识的文件编码") from None
        if name == "utf-8" and head.startswith(codecs.BOM_UTF8):
            name = "utf-8-sig"
        candidates: tuple[str, ...] = (name,)
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = AUTO_ENCODINGS
    failures = []
    for name in candidates:
        failure = _decode_failure(path, name)
        if failure is None:
            return name
        failures.append(failure)
    if len(candidates) == 1:
        problem = failures[0]
    else:
        problem = f"neither UTF-8 nor GBK/GB18030 ({'; '.join(failures)}); give --encoding"
    raise ImportFileError(f"cannot decode {path.name}: {problem}", zh="文件编码无法识别，未导入")


def _decode_failure(path: Path, encoding: str) -> str | None:
    """None if the file decodes with `encoding`, else where and why it does not."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    base = 0
    newlines = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                offset = max(0, base - pending + exc.start)
                line = newlines + chunk[: max(0, offset - base)].count(b"\n") + 1
                bad = (chunk[offset - base : offset - base + 1] or b"?").hex()
                return f"byte 0x{bad} on line {line} (offset {offset}) is not valid {encoding}"
            except UnicodeError as exc:  # utf-16 without a BOM, punycode: no offset to name
                return f"not valid {encoding} ({exc})"
            if not chunk:
                return None
            base += len(chunk)
            newlines += chunk.count(b"\n")


def text_source(text: str) -> Source:
    """The rows of CSV text already in memory (tests, and callers holding a string)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return Source(_csv_rows(reader, None), "csv", "utf-8", lambda: None)


def _csv_rows(reader: Reader, closing: io.TextIOBase | None) -> Iterator[Row]:
    """(line, cells) from a csv.reader; an unreadable row ends the rows with CsvRowError."""
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL byte, ...
                raise CsvRowError(reader.line_num, str(exc)) from exc
            yield reader.line_num, list(cells)
    finally:
        if closing is not None:
            closing.close()


def _csv(path: Path, encoding: str) -> Source:
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    first = text.readline()
    text.seek(0)
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(text, delimiter=delimiter)
    return Source(
        _csv_rows(reader, text), "csv", encoding, _ByteCounter(raw, path.stat().st_size).fraction
    )


class CsvRowError(Exception):
    """A row the csv module cannot read: reported as a row problem, the rest is not read."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _xlsx(path: Path) -> Source:
    # no types-openpyxl in the environment: typed at this boundary (rows of cells) instead
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError; a damaged part: ParseError, TypeError ...
        raise _unreadable(path, exc) from exc
    try:
        sheet = workbook.worksheets[0]
        total = sheet.max_row if isinstance(sheet.max_row, int) else None
    except Exception as exc:  # no sheet, a dimension that is not a cell range
        workbook.close()
        raise _unreadable(path, exc) from exc
    counter = _RowCounter(total)

    def rows() -> Iterator[Row]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                counter.at = number
                yield number, list(values)
        except Exception as exc:  # read-only sheets are parsed as they are read: same errors
            raise _unreadable(path, exc) from exc
        finally:
            workbook.close()

    return Source(rows(), "xlsx", None, counter.fraction)


def _unreadable(path: Path, exc: Exception) -> ImportFileError:
    """The file is refused whole: openpyxl could not read it (nothing of it is imported)."""
    return ImportFileError(
        f"{path.name} is not a readable XLSX workbook ({type(exc).__name__})",
        zh="无法读取 Excel 文件",
    )


class _RowCounter:
    """Progress through a sheet by rows, when the sheet says how many it has."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.at = 0

    def fraction(self) -> float | None:
        """Rows read / rows in the sheet."""
        return min(1.0, self.at / self.total) if self.total else None


class _ByteCounter:
    """Progress through a file by bytes read (the buffer runs a little ahead: close enough)."""

    def __init__(self, raw: BinaryIO, size: int) -> None:
        self.raw = raw
        self.size = size

    def fraction(self) -> float | None:
        """Bytes read / file size."""
        if not self.size or self.raw.closed:
            return None
        return min(1.0, self.raw.tell() / self.size)
