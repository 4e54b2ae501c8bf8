"""`kiosk staff add|list|disable|enable|reset-pin`: staff accounts with hashed PINs.

A PIN is asked twice on the terminal (never echoed), or read as one line with --pin-stdin;
it is never printed or logged. Also the helpers the other staff commands share: reading a
PIN, opening the database, signing a staff member in for one command.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.config import Config
    from kiosk.staff.accounts import StaffAccounts, StaffMember


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `staff` command group."""
    p = sub.add_parser("staff", help="工作人员账号 / staff accounts and PINs")
    actions = p.add_subparsers(dest="staff_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="create an account (asks the PIN twice)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--id-number", required=True, help="the staff member's ID card number")
    add.add_argument("--role", choices=("staff", "admin"), default="staff")
    add.add_argument("--pin-stdin", action="store_true", help="read the PIN as one line of stdin")
    add.set_defaults(handler=_add)
    listing = actions.add_parser("list", help="list accounts (ID numbers masked)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    for name, enabled in (("disable", False), ("enable", True)):
        action = actions.add_parser(name, help=f"{name} an account")
        action.add_argument("name", metavar="NAME")
        action.set_defaults(handler=_set_enabled, enabled=enabled)
    reset = actions.add_parser("reset-pin", help="set a new PIN and lift a lock")
    reset.add_argument("name", metavar="NAME")
    reset.add_argument("--pin-stdin", action="store_true", help="read the PIN as one line of stdin")
    reset.set_defaults(handler=_reset_pin)


# --- shared by the staff commands ------------------------------------------------------------
def read_pin(
    *,
    from_stdin: bool,
    confirm: bool,
    stdin: TextIO | None = None,
    ask: Callable[[str], str] = getpass.getpass,
) -> str:
    """The PIN: one line of stdin (--pin-stdin), or asked on the terminal without echo (twice
    when `confirm`). StaffInputError when there is no terminal to ask or the two differ."""
    from kiosk.staff.errors import StaffInputError

    stream = stdin or sys.stdin
    if from_stdin:
        return stream.readline().rstrip("\r\n")
    if not stream.isatty():
        raise StaffInputError(
            "no terminal to ask for the PIN: give --pin-stdin",
            zh="无法输入密码，请使用 --pin-stdin",
        )
    pin = ask("PIN 密码: ")
    if confirm and ask("PIN again 再次输入: ") != pin:
        raise StaffInputError("the two PINs differ", zh="两次输入的密码不一致")
    return pin


def cli_actor() -> str:
    """Who runs an administrative command: cli:<login name>."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry and no LOGNAME
        return "cli"


def open_database(
    config: Config, *, must_exist: bool = True
) -> tuple[Engine, sessionmaker[Session]]:
    """The configured database at the current schema (SQLite migrated as usual); a missing
    SQLite file is a RecordError when `must_exist` (nothing to look at)."""
    from kiosk.app import prepare_database
    from kiosk.datadir import sqlite_file
    from kiosk.db.engine import session_factory
    from kiosk.errors import RecordError

    path = sqlite_file(config.database.url)
    if must_exist and path is not None and not path.expanduser().is_file():
        raise RecordError(f"no database at {path}", zh="没有找到数据库")
    engine = prepare_database(config, migrate=False)
    return engine, session_factory(engine)


def accounts_for(config: Config, sessions: sessionmaker[Session]) -> StaffAccounts:
    """The staff service at this terminal (production PIN hashing)."""
    from kiosk.staff.accounts import StaffAccounts

    return StaffAccounts(sessions, config.terminal)


def sign_in(
    config: Config, sessions: sessionmaker[Session], name: str, from_stdin: bool
) -> StaffMember:
    """Ask the PIN and sign `name` in for one command; a wrong PIN counts toward the lockout
    like one at the PIN pad (WrongPinError, AccountLockedError, TerminalLockedError)."""
    pin = read_pin(from_stdin=from_stdin, confirm=False)
    return accounts_for(config, sessions).login(name, pin, via="cli")


# --- the commands ---------------------------------------------------------------------------
def _add(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args
    from kiosk.staff.accounts import Role

    config = config_from_args(args)
    engine, sessions = open_database(config, must_exist=False)
    try:
        pin = read_pin(from_stdin=args.pin_stdin, confirm=True)
        record = accounts_for(config, sessions).add(
            args.name, args.id_number, pin, role=Role(args.role), actor=cli_actor()
        )
    finally:
        engine.dispose()
    print(f"已添加工作人员 / staff added: {record.name} ({record.role}, {record.masked_id})")
    return 0


def _list(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args

    config = config_from_args(args)
    engine, sessions = open_database(config)
    try:
        records = accounts_for(config, sessions).accounts()
    finally:
        engine.dispose()
    if args.json:
        rows = [
            {
                "name": r.name,
                "id_number": r.masked_id,
                "role": r.role,
                "enabled": r.enabled,
                "failed_attempts": r.failed_attempts,
                "locked_until": r.locked_until.isoformat() if r.locked_until else None,
            }
            for r in records
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not records:
        print("没有工作人员账号 / no staff accounts (kiosk staff add NAME --id-number N)")
    for r in records:
        state = "enabled" if r.enabled else "disabled"
        if r.locked_until is not None:
            state += f", locked until {r.locked_until:%Y-%m-%d %H:%M:%S}"
        print(f"{r.name:<16} {r.role:<6} {r.masked_id}  {state}")
    return 0


def _set_enabled(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args

    config = config_from_args(args)
    engine, sessions = open_database(config)
    try:
        record = accounts_for(config, sessions).set_enabled(
            args.name, args.enabled, actor=cli_actor()
        )
    finally:
        engine.dispose()
    word = "已启用 / enabled" if record.enabled else "已停用 / disabled"
    print(f"{word}: {record.name}")
    return 0


def _reset_pin(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args

    config = config_from_args(args)
    engine, sessions = open_database(config)
    try:
        pin = read_pin(from_stdin=args.pin_stdin, confirm=True)
        record = accounts_for(config, sessions).reset_pin(args.name, pin, actor=cli_actor())
    finally:
        engine.dispose()
    print(f"密码已重置 / PIN reset: {record.name} (lock lifted)")
    return 0
