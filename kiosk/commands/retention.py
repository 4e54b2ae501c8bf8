"""`kiosk retention purge [--dry-run]`: delete ratings and session logs past their retention
(`[retention]` in kiosk.toml); issuances and audit events are kept."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `retention purge`."""
    p = sub.add_parser("retention", help="delete ratings and session logs past their retention")
    rsub = p.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    purge = rsub.add_parser("purge", help="delete what is older than [retention] allows")
    purge.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
    purge.set_defaults(handler=_purge)


def _purge(args: argparse.Namespace) -> int:
    from datetime import datetime

    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.cli import config_from_args
    from kiosk.commands.staff import open_database
    from kiosk.retention import purge

    config = config_from_args(args)
    engine, sessions = open_database(config)
    try:
        with sessions.begin() as session:
            done = purge(session, config.retention, datetime.now(), dry_run=args.dry_run)
    except SQLAlchemyError as exc:
        print(f"数据库无法访问 / database unreachable: {type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"{verb} {done.ratings} ratings before {done.ratings_before:%Y-%m-%d}, "
        f"{done.sessions} session log rows before {done.sessions_before:%Y-%m-%d}; "
        "issuances and audit events kept"
    )
    return 0
