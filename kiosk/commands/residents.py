"""`kiosk residents import FILE.csv`: load the community register."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `residents import` and `residents export-demo`."""
    p = sub.add_parser("residents", help="the resident register: import a CSV file")
    rsub = p.add_subparsers(dest="residents_command", metavar="ACTION", required=True)
    imp = rsub.add_parser(
        "import", help="upsert residents from a UTF-8 CSV file (see README for columns)"
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check every row, change nothing")
    imp.add_argument(
        "--partial", action="store_true", help="import the valid rows even if some are rejected"
    )
    imp.set_defaults(handler=_import)
    demo = rsub.add_parser("demo-csv", help="write the demo residents as an import file")
    demo.add_argument("file", type=Path)
    demo.set_defaults(handler=_demo_csv)


def _import(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.cli import config_from_args
    from kiosk.commands.db import one_line
    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.migrate import upgrade_if_needed
    from kiosk.db.repositories import ResidentRepository
    from kiosk.errors import ConfigError
    from kiosk.residents_import import import_residents, parse_csv

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"无法读取文件 / cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    report = parse_csv(text)
    for problem in report.rejected:
        print(f"rejected {problem}")
    if report.rejected and not args.partial:
        print(
            f"未导入 / nothing imported: {len(report.rejected)} rejected rows (fix them, or use --partial)"
        )
        print(f"inserted 0, updated 0, rejected {len(report.rejected)}")
        return 1
    if args.dry_run:
        print(
            f"dry run: {len(report.rows)} valid rows, rejected {len(report.rejected)}; nothing changed"
        )
        return 0 if not report.rejected else 1
    config = config_from_args(args)
    engine = make_engine(config.database.url)
    try:
        upgrade_if_needed(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ConfigError(
            "database.url", f"cannot open the database ({type(exc).__name__}: {one_line(exc)})"
        ) from exc
    try:
        with session_factory(engine).begin() as session:
            import_residents(ResidentRepository(session), report, datetime.now())
    except SQLAlchemyError as exc:
        print(
            "导入失败，数据未改变 / import failed, nothing changed: "
            f"{type(exc).__name__}: {one_line(exc)}"
        )
        return 1
    finally:
        engine.dispose()
    print(f"inserted {report.inserted}, updated {report.updated}, rejected {len(report.rejected)}")
    return 0 if not report.rejected else 1


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
