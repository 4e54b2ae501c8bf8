"""`kiosk stats --since DATE [--until DATE] [--terminal ID] [--csv]`: what the terminals did."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.staff.stats import Satisfaction, Stats


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `stats`."""
    p = sub.add_parser("stats", help="统计 / issuances, failures, reprints, voids, 好差评")
    p.add_argument("--since", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD", help="default today")
    p.add_argument("--terminal", metavar="ID", help="one terminal (default: all)")
    p.add_argument("--csv", action="store_true", help="section,key,name,count,satisfied,rate")
    p.set_defaults(handler=_stats)


def _stats(args: argparse.Namespace) -> int:
    from kiosk.app import load_catalog
    from kiosk.cli import config_from_args
    from kiosk.commands.staff import open_database
    from kiosk.errors import ConfigError
    from kiosk.staff.stats import stats

    config = config_from_args(args)
    try:
        catalog = load_catalog(config)
    except ConfigError:  # names are a nicety: count by item id without them
        catalog = None
    engine, sessions = open_database(config)
    try:
        report = stats(
            sessions, since=args.since, until=args.until, terminal_id=args.terminal, catalog=catalog
        )
    finally:
        engine.dispose()
    if args.csv:
        csv.writer(sys.stdout, lineterminator="\n").writerows(report.csv_rows())
    else:
        for line in render(report):
            print(line)
    return 0


def _rate(s: Satisfaction) -> str:
    return "—" if s.rate is None else f"{s.rate:.1%} ({s.satisfied}/{s.ratings})"


def render(s: Stats) -> list[str]:
    """The statistics as lines for a terminal."""
    where = s.terminal_id or "all terminals 全部终端"
    lines = [f"统计 statistics {s.since} – {s.until}, {where}", f"出具 issued: {s.issued}"]
    lines += [f"  {c.name} ({c.key}): {c.count}" for c in s.by_category]
    lines.append("按事项 by item:")
    lines += [f"  {c.name} ({c.key}): {c.count}" for c in s.by_item]
    lines += [
        f"打印失败 print failures: {s.print_failures}",
        f"补打 reprints: {s.reprints}",
        f"作废 voids: {s.voids}",
        f"会话 sessions: {s.sessions}, 中途放弃 abandoned: {s.abandoned}"
        + "".join(f", {r} {n}" for r, n in s.abandoned_by_reason),
        f"呼叫工作人员 staff calls: {s.staff_calls}",
        f"好差评满意率 satisfaction: {_rate(s.satisfaction)}",
    ]
    lines += [f"  item {x.key}: {_rate(x)}" for x in s.satisfaction_by_item]
    lines += [f"  terminal {x.key}: {_rate(x)}" for x in s.satisfaction_by_terminal]
    return lines
