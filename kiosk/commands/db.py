"""`kiosk db upgrade`: Alembic migrations to head (idempotent); `kiosk db current`."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `db upgrade` and `db current`."""
    p = sub.add_parser(
        "db", help="database schema: upgrade to the newest version, show the current one"
    )
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help="apply the Alembic migrations up to head")
    up.set_defaults(handler=_upgrade)
    cur = dbsub.add_parser("current", help="print the schema revision of the database")
    cur.set_defaults(handler=_current)


def _upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.cli import config_from_args
    from kiosk.db.engine import make_engine
    from kiosk.db.migrate import current_revision, head_revision, upgrade

    config = config_from_args(args)
    engine = make_engine(config.database.url)
    try:
        before = current_revision(engine)
        upgrade(engine)  # serialised with other processes; nothing to do if already at head
        if before == head_revision():
            print(f"数据库已是最新 / database already at {before}")
        else:
            print(f"数据库已升级 / database upgraded: {before or 'empty'} -> {head_revision()}")
        return 0
    except SQLAlchemyError as exc:
        print(
            f"数据库无法升级 / cannot upgrade {engine.url.render_as_string()}: "
            f"{type(exc).__name__}: {one_line(exc)}",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()


def one_line(exc: BaseException) -> str:
    """The first line of an error: SQLAlchemy appends the SQL and a help link below it."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _current(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.cli import config_from_args
    from kiosk.db.engine import make_engine
    from kiosk.db.migrate import current_revision, head_revision

    engine = make_engine(config_from_args(args).database.url)
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        print(f"数据库无法访问 / database unreachable: {type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"{revision or 'empty'} (head {head_revision()})")
    return 0 if revision == head_revision() else 1
