"""`kiosk residents import FILE.csv|FILE.xlsx`: load the community register as the community
systems export it; `kiosk residents demo-csv FILE.csv`: the demo residents in our layout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from kiosk.imports import ImportOptions, ImportResult, Problem

SHOWN_PROBLEMS = 100  # on the terminal; every one goes to --report


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `residents import` and `residents demo-csv`."""
    p = sub.add_parser("residents", help="the resident register: import a CSV or XLSX file")
    rsub = p.add_subparsers(dest="residents_command", metavar="ACTION", required=True)
    imp = rsub.add_parser(
        "import",
        help="upsert residents by ID number from CSV (UTF-8, GBK/GB18030) or XLSX (see README)",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--map",
        metavar="SOURCE=field,...",
        help="map the file's headers to ours, e.g. '公民身份号码=id_number,姓名=name'",
    )
    imp.add_argument(
        "--header-row", type=_positive, metavar="N", help="the header is row N (default: found)"
    )
    imp.add_argument("--encoding", metavar="E", help="CSV encoding (default: detected)")
    imp.add_argument("--dry-run", action="store_true", help="check every row, change nothing")
    imp.add_argument(
        "--partial", action="store_true", help="import the valid rows even if some are rejected"
    )
    imp.add_argument(
        "--report", type=Path, metavar="FILE", help="write every problem to a CSV file"
    )
    imp.set_defaults(handler=_import)
    demo = rsub.add_parser("demo-csv", help="write the demo residents as an import file")
    demo.add_argument("file", type=Path)
    demo.set_defaults(handler=_demo_csv)


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) >= 1):
        raise argparse.ArgumentTypeError(f"a row number from 1, not {text!r}")
    return int(text)


def _import(args: argparse.Namespace) -> int:
    from kiosk.imports import ImportOptions, parse_map

    options = ImportOptions(
        mapping=parse_map(args.map),
        header_row=args.header_row,
        encoding=args.encoding,
        partial=args.partial,
        dry_run=args.dry_run,
    )
    with _ProblemSink(args.report) as sink:
        result = _run(args, options, sink)
    if result is None:
        return 1
    _summary(result, options, sink.shown)
    return 0 if not result.rejected else 1


def _run(
    args: argparse.Namespace, options: ImportOptions, sink: _ProblemSink
) -> ImportResult | None:
    """The import, on the configured database unless a dry run; None if the database failed."""
    from datetime import datetime

    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.commands.db import one_line
    from kiosk.imports import run_import

    now = datetime.now().replace(microsecond=0)
    database = _Database(args)
    progress = _TtyProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        return run_import(
            args.file, options, database.session, now, on_problem=sink, progress=progress
        )
    except SQLAlchemyError as exc:
        print(
            "导入失败，数据未改变 / import failed, nothing changed: "
            f"{type(exc).__name__}: {one_line(exc)}"
        )
        return None
    finally:
        if progress is not None:
            progress.done()
        database.close()


class _Database:
    """The configured database, opened (and migrated) only when the import first writes."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.engine: Engine | None = None

    def session(self) -> Session:
        """A new session on the register's database."""
        from kiosk.db.engine import session_factory

        if self.engine is None:
            self.engine = _open_database(self.args)
        return session_factory(self.engine)()

    def close(self) -> None:
        """Release the database if it was opened."""
        if self.engine is not None:
            self.engine.dispose()


def _open_database(args: argparse.Namespace) -> Engine:
    """The configured database, migrated to head if it is not (ConfigError if unreachable)."""
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.cli import config_from_args
    from kiosk.commands.db import one_line
    from kiosk.db.engine import make_engine
    from kiosk.db.migrate import upgrade_if_needed
    from kiosk.errors import ConfigError

    config = config_from_args(args)
    engine = make_engine(config.database.url)
    try:
        upgrade_if_needed(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ConfigError(
            "database.url", f"cannot open the database ({type(exc).__name__}: {one_line(exc)})"
        ) from exc
    return engine


def _summary(result: ImportResult, options: ImportOptions, shown: int) -> None:
    if result.rejected > shown:
        print(f"... and {result.rejected - shown} more rejected rows (all of them: --report FILE)")
    if result.kind == "csv" and result.encoding:
        print(f"encoding: {result.encoding}")
    if result.header is not None and result.header.unknown:
        print(f"未识别的列（已忽略）/ unknown columns, ignored: {', '.join(result.header.unknown)}")
    if options.dry_run:
        print(f"dry run: {result.valid} valid rows, rejected {result.rejected}; nothing changed")
        return
    if result.rejected and not options.partial:
        print(
            f"未导入 / nothing imported: {result.rejected} rejected rows "
            "(fix them, or use --partial)"
        )
    print(f"inserted {result.inserted}, updated {result.updated}, rejected {result.rejected}")


class _ProblemSink:
    """Every problem: the first SHOWN_PROBLEMS on stdout, all of them in the --report CSV."""

    def __init__(self, report: Path | None) -> None:
        self.path = report
        self.shown = 0
        self._file: TextIO | None = None

    def __enter__(self) -> _ProblemSink:
        if self.path is not None:
            from kiosk.imports import ImportFileError

            try:  # UTF-8 with a BOM: Chinese Excel opens it right
                self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            except OSError as exc:
                raise ImportFileError(
                    f"cannot write the report {self.path}: {exc.strerror or exc}",
                    zh="无法写入报告文件",
                ) from exc
            self._write(["line", "column", "field", "problem", "id_number"])
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()

    def __call__(self, problem: Problem) -> None:
        """Show and record one problem."""
        if self.shown < SHOWN_PROBLEMS:
            print(f"rejected {problem}")
            self.shown += 1
        line = [str(problem.line), problem.column, problem.field, problem.message]
        self._write([*line, problem.masked_id])

    def _write(self, cells: list[str]) -> None:
        if self._file is not None:
            import csv

            csv.writer(self._file).writerow(cells)


class _TtyProgress:
    """A one-line progress bar on a terminal: rows read and how far through the file."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, rows: int, fraction: float | None) -> None:
        if fraction is None:
            self.stream.write(f"\r导入中 / importing: {rows:,} rows")
        else:
            bar = "#" * int(fraction * 30)
            self.stream.write(f"\r导入中 / importing [{bar:<30}] {fraction:4.0%} {rows:,} rows")
        self.stream.flush()

    def done(self) -> None:
        """End the progress line."""
        self.stream.write("\n")
        self.stream.flush()


def _demo_csv(args: argparse.Namespace) -> int:
    from kiosk.demo_data import generate_residents
    from kiosk.residents_import import write_csv

    people = generate_residents()
    try:
        write_csv(args.file, people)
    except OSError as exc:
        print(f"无法写入文件 / cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(people)} residents to {args.file}")
    return 0
