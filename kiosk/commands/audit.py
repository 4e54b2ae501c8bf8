"""`kiosk audit verify` (recompute every terminal's chain, report the first broken link, exit 1)
and `kiosk audit show [--since DATE] [--kind K]` (events, ID numbers masked)."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.audit import ChainReport, Link


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `audit` command group."""
    p = sub.add_parser("audit", help="审计链核查与查看 / verify and show the audit chain")
    actions = p.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="recompute every chain; exit 1 at a broken link")
    verify.add_argument("--terminal", metavar="ID", help="only this terminal's chain")
    verify.set_defaults(handler=_verify)
    show = actions.add_parser("show", help="list events, oldest first (ID numbers masked)")
    show.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    show.add_argument("--kind", metavar="K", help="only events of this kind (e.g. reprint, void)")
    show.add_argument("--terminal", metavar="ID")
    show.add_argument("--limit", type=int, default=200, help="the newest N events (0: all)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)


def _verify(args: argparse.Namespace) -> int:
    from kiosk.audit import verify_chains
    from kiosk.cli import config_from_args
    from kiosk.commands.staff import open_database

    config = config_from_args(args)
    engine, sessions = open_database(config)
    try:
        reports = verify_chains(sessions, args.terminal)
    finally:
        engine.dispose()
    if not reports:
        print("没有审计记录 / no audit events")
        return 0
    broken = 0
    for report in reports:
        print(_summary(report))
        if report.first_break is not None:
            broken += 1
            print(f"  first broken link 首个断点: {report.first_break.line()}")
            more = len(report.problems) - 1
            if more:
                print(f"  and {more} more problem(s) after it")
    print(
        "审计链完整 / every chain intact"
        if not broken
        else f"审计链被改动 / {broken} chain(s) broken"
    )
    return 1 if broken else 0


def _summary(report: ChainReport) -> str:
    state = "intact 完整" if report.intact else "BROKEN 已被改动"
    head = f"head seq {report.head.seq} {report.head.hash[:16]}" if report.head else "no head"
    line = f"{report.terminal_id}: {report.events} events, {state}, {head}"
    if report.unchained:
        line += f"; {report.unchained} unchained, before the chain began (未链接的早期记录)"
    return line


def _show(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args
    from kiosk.commands.staff import open_database
    from kiosk.db.audit import AuditChainRepository
    from kiosk.staff.store import reading

    config = config_from_args(args)
    since = datetime.combine(args.since, time.min) if args.since else None
    engine, sessions = open_database(config)
    try:
        with reading(sessions) as session:
            events = AuditChainRepository(session).events(
                since=since, kind=args.kind, terminal_id=args.terminal, limit=max(0, args.limit)
            )
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps([_json(e) for e in events], ensure_ascii=False, indent=2))
        return 0
    for event in events:
        print(_line(event))
    if not events:
        print("没有符合条件的审计记录 / no matching events")
    return 0


def _line(event: Link) -> str:
    from civic.idnumber import mask_in_text

    seq = str(event.seq) if event.seq is not None else "-"
    detail = " ".join(f"{k}={v}" for k, v in sorted(event.detail.items()) if v != "")
    text = f"{event.at:%Y-%m-%d %H:%M:%S} {event.terminal_id}#{seq} {event.kind} {event.actor} {event.subject} {detail}"
    return mask_in_text(text.rstrip())


def _json(event: Link) -> dict[str, object]:
    from civic.idnumber import mask_in_text

    return {
        "at": event.at.isoformat(),
        "terminal_id": event.terminal_id,
        "seq": event.seq,
        "kind": event.kind,
        "actor": mask_in_text(event.actor),
        "subject": mask_in_text(event.subject),
        "detail": {k: mask_in_text(v) for k, v in event.detail.items()},
        "hash": event.hash,
    }
