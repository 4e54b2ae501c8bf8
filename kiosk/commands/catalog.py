"""`kiosk catalog check [PATH]` and `kiosk catalog list [--json] [--id-number N]`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from civic.idnumber import mask_id_number
from kiosk.errors import CatalogError, RecordError

if TYPE_CHECKING:  # the command tree is built at every start: the catalogue loads on use only
    from kiosk.catalog import Catalog
    from kiosk.residents import ResidentRecord


class Row(TypedDict):
    """One item as `catalog list --json` prints it."""

    id: str
    name_zh: str
    name_en: str
    category: str
    kind: str
    paper: str
    staff_review: bool
    eligible: bool
    reason: str


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `catalog` command group."""
    parser = subparsers.add_parser(
        "catalog", help="服务目录检查与列表 / check and list the service catalogue"
    )
    sub = parser.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    check = sub.add_parser("check", help="检查 catalog.yaml，列出全部问题 / list every problem")
    check.add_argument("path", nargs="?", type=Path, help="catalog file (default: configured)")
    check.set_defaults(handler=run_check)

    listing = sub.add_parser("list", help="列出事项 / list the items")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.add_argument("--id-number", metavar="N", help="show eligibility for this resident")
    listing.add_argument("--catalog", type=Path, help="catalog file (default: configured)")
    listing.add_argument(
        "--locality", help="locality profile (default: terminal.locality from the config)"
    )
    listing.add_argument(
        "--on", type=date.fromisoformat, metavar="YYYY-MM-DD", help="issuing date (default: today)"
    )
    listing.set_defaults(handler=run_list)


def _configured_path(args: argparse.Namespace) -> Path:
    from kiosk.cli import config_from_args

    return config_from_args(args).catalog_path


def run_check(args: argparse.Namespace) -> int:
    """Exit 0 when the catalogue is fine; 1 with every problem listed."""
    from kiosk.catalog import check_catalog, load_catalog

    path = args.path or _configured_path(args)
    started = time.perf_counter()
    problems = check_catalog(path)
    elapsed = time.perf_counter() - started
    if problems:
        for problem in problems:
            print(problem)
        print(f"{path}: {len(problems)} problem(s) / 发现 {len(problems)} 处问题", file=sys.stderr)
        return 1
    catalog = load_catalog(path)
    print(
        f"{path}: OK — {len(catalog.items)} items in {len(catalog.categories)} categories, "
        f"checked in {elapsed * 1000:.0f} ms / 检查通过"
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the items of a locality, with eligibility for one resident if asked."""
    from kiosk.catalog import load_catalog
    from kiosk.cli import config_from_args

    config = config_from_args(args)
    path = args.catalog or config.catalog_path
    locality = args.locality or config.terminal.locality
    try:
        catalog = load_catalog(path, locality)
    except CatalogError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    today = args.on or date.today()
    resident = None
    if args.id_number:
        resident = _find_resident(config.database.url, args.id_number)
        if resident is None:
            print(
                f"未找到居民 / resident not found: {mask_id_number(args.id_number.upper())}",
                file=sys.stderr,
            )
            return 1
    rows = _rows(catalog, resident, today)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for category in catalog.categories:
        print(f"{category.name_zh}  {category.name_en}")
        for row in (r for r in rows if r["category"] == category.id):
            mark = "" if row["eligible"] else f"  ✗ {row['reason']}"
            print(f"  {row['id']:<40} {row['name_zh']}  [{row['kind']}, {row['paper']}]{mark}")
    print(f"{len(rows)} items / 共 {len(rows)} 项 (locality {locality}, {today.isoformat()})")
    return 0


def _rows(catalog: Catalog, resident: ResidentRecord | None, today: date) -> list[Row]:
    rows: list[Row] = []
    for item in catalog.items:
        verdict = item.check_eligibility(resident, today) if resident is not None else None
        rows.append(
            Row(
                id=item.id,
                name_zh=item.name_zh,
                name_en=item.name_en,
                category=item.category,
                kind=item.kind,
                paper=item.paper,
                staff_review=item.staff_review,
                eligible=verdict.eligible if verdict is not None else True,
                reason=verdict.reason if verdict is not None else "",
            )
        )
    return rows


def _find_resident(url: str, id_number: str) -> ResidentRecord | None:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.repositories import ResidentRepository

    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return ResidentRepository(session).by_id_number(id_number.strip())
    except SQLAlchemyError as exc:
        raise RecordError(
            f"database {engine.url.render_as_string(hide_password=True)}: {exc.__class__.__name__}"
        ) from None
    finally:
        engine.dispose()
