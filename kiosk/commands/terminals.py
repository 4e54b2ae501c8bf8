"""`kiosk terminals [--json]`: every terminal of the district with its last heartbeat, flagging
those silent for more than 2 minutes or with a problem (paper, reader, open staff calls)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.heartbeat import TerminalHealth


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `terminals`."""
    p = sub.add_parser(
        "terminals", help="every terminal's health: silent ones and problems first (终端状态)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_terminals)


def _terminals(args: argparse.Namespace) -> int:
    """Exit 0 when every terminal is well, 3 when some need staff, 1 if the database failed."""
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.cli import config_from_args
    from kiosk.commands.staff import open_database
    from kiosk.db.migrate import head_revision
    from kiosk.heartbeat import district_health

    engine, sessions = open_database(config_from_args(args))
    try:
        with sessions() as session:
            health = district_health(session, datetime.now(), head_revision())
    except SQLAlchemyError as exc:
        print(f"数据库无法访问 / database unreachable: {type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps([t.to_json() for t in health], ensure_ascii=False, indent=2))
    else:
        for line in table(health):
            print(line)
    return 3 if any(t.problems for t in health) else 0


def table(health: list[TerminalHealth]) -> list[str]:
    """One line per terminal: flag, id, name, last heartbeat, printers' paper, problems."""
    if not health:
        return ["没有终端 / no terminals have reported yet"]
    lines = []
    for t in health:
        flag = "!!" if t.problems else "ok"
        seen = f"{t.heartbeat_at:%m-%d %H:%M:%S}" if t.heartbeat_at else "never"
        paper = " ".join(f"{role}:{p.get('paper', '?')}" for role, p in sorted(t.printers.items()))
        problems = "; ".join(t.problems) or "-"
        lines.append(f"{flag} {t.id:16s} {t.name[:20]:20s} {seen:14s} {paper:20s} {problems}")
    bad = sum(1 for t in health if t.problems)
    lines.append(f"{len(health)} terminals, {bad} need attention / 需要处理")
    return lines
