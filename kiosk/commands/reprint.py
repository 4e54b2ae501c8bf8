"""`kiosk reprint SERIAL`, `kiosk void SERIAL` (both need --reason and a staff member's PIN;
wrong PINs count toward the lockout) and `kiosk issuances` (find what to reprint)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.db.desk import IssuanceRow

STATUS_CHOICES = ("print_failed", "unfinished", "voided", "printed", "pending_review", "rejected")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `reprint`, `void` and `issuances`."""
    for name, help_text, reasons in (
        (
            "reprint",
            "补打 / print a document again, marked 补打 n",
            "卡纸 缺纸 打印不清 居民遗失 其他",
        ),
        (
            "void",
            "作废 / void a document (kiosk verify then says VOIDED)",
            "信息有误 重复打印 居民要求 其他",
        ),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("serial", metavar="SERIAL")
        p.add_argument("--reason", required=True, metavar="TEXT", help=f"one of: {reasons}")
        p.add_argument("--note", default="", metavar="TEXT", help="optional (required for 其他)")
        p.add_argument("--staff", required=True, metavar="NAME", help="who does it (asks the PIN)")
        p.add_argument("--pin-stdin", action="store_true", help="read the PIN as one line of stdin")
        if name == "reprint":
            p.add_argument("--printer", metavar="URI", help="print here instead of the configured")
        p.set_defaults(handler=_reprint if name == "reprint" else _void)
    listing = sub.add_parser("issuances", help="查找证明 / list and search issued documents")
    listing.add_argument("--status", choices=STATUS_CHOICES, help="unfinished = issued or unknown")
    listing.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    listing.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD")
    listing.add_argument("--serial", metavar="SERIAL")
    listing.add_argument("--id-last4", metavar="NNNN", help="last 4 of the resident's ID number")
    listing.add_argument("--name", metavar="NAME", help="the resident's name")
    listing.add_argument("--item", metavar="ITEM_ID")
    listing.add_argument("--terminal", metavar="ID")
    listing.add_argument("--limit", type=int, default=200)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_issuances)


def _reprint(args: argparse.Namespace) -> int:
    from kiosk.app import build_core
    from kiosk.cli import config_from_args
    from kiosk.commands.staff import sign_in
    from kiosk.staff.desk import IssuanceDesk
    from kiosk.staff.reasons import ENGLISH, ReprintReason, check_note, parse_reason

    reason = parse_reason(ReprintReason, args.reason)
    note = check_note(reason, args.note)
    config = config_from_args(args)
    # like `kiosk render`: the terminal's certified key (a demo key only where no district
    # root is installed); a reprint re-renders the stored, already signed document
    core = build_core(config, create_key=True, printers=args.printer is None)
    try:
        desk = IssuanceDesk.for_core(core)
        desk.check_reprintable(desk.find(args.serial))  # refused before the PIN is asked
        staff = sign_in(config, core.sessions, args.staff, args.pin_stdin)
        printer = None
        if args.printer:
            from printer.registry import open_printer

            printer = open_printer(args.printer)
        done = desk.reprint(staff, args.serial, reason, note, printer=printer)
    finally:
        core.close()
    print(
        f"已补打 / reprinted {done.serial} (补打 {done.reprint}, {reason.value} / "
        f"{ENGLISH[reason.value]}) on {done.printer_uri}: {done.job.state}"
    )
    return 0


def _void(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args
    from kiosk.commands.staff import open_database, sign_in
    from kiosk.staff.desk import IssuanceDesk
    from kiosk.staff.reasons import VoidReason, check_note, parse_reason

    reason = parse_reason(VoidReason, args.reason)
    note = check_note(reason, args.note)
    config = config_from_args(args)
    engine, sessions = open_database(config)
    try:
        desk = IssuanceDesk(sessions, config.terminal.id)
        row = desk.find(args.serial)
        if row.status == "voided":
            from kiosk.staff.errors import VoidedError

            raise VoidedError(f"{row.serial} was voided already", zh="该证明已作废过")
        staff = sign_in(config, sessions, args.staff, args.pin_stdin)
        voided = desk.void(staff, args.serial, reason, note)
    finally:
        engine.dispose()
    print(f"已作废 / voided {voided.serial}: {voided.void_reason} (by {staff.name})")
    return 0


def _issuances(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args
    from kiosk.commands.staff import open_database
    from kiosk.db.desk import STATUS_GROUPS, IssuanceQuery
    from kiosk.staff.desk import IssuanceDesk
    from kiosk.staff.errors import StaffInputError

    last4 = (args.id_last4 or "").strip().upper()
    if last4 and not (
        len(last4) == 4 and last4[:3].isdigit() and (last4[3].isdigit() or last4[3] == "X")
    ):
        raise StaffInputError("--id-last4 is the last 4 characters of an ID number")
    query = IssuanceQuery(
        serial=args.serial,
        id_last4=last4 or None,
        name=args.name,
        since=args.since,
        until=args.until,
        item_id=args.item,
        statuses=STATUS_GROUPS[args.status] if args.status else None,
        terminal_id=args.terminal,
        limit=args.limit,
    )
    config = config_from_args(args)
    engine, sessions = open_database(config)
    try:
        rows = IssuanceDesk(sessions, config.terminal.id).search(query)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps([_json(r) for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("没有符合条件的证明 / no matching issuances")
    for row in rows:
        print(_line(row))
    return 0


def _line(row: IssuanceRow) -> str:
    from kiosk.staff.desk import status_label

    zh, en = status_label(row.status)
    extra = f" 补打{row.reprints}次" if row.reprints else ""
    if row.status == "voided" and row.void_reason:
        extra += f" ({row.void_reason})"
    elif row.last_print_reason and row.status != "printed":
        extra += f" ({row.last_print_reason})"
    return (
        f"{row.serial}  {row.created_at:%Y-%m-%d %H:%M}  {row.item_id}  {zh}/{en}  "
        f"{row.copies}份  {row.resident_name} {row.resident_masked_id}{extra}"
    )


def _json(row: IssuanceRow) -> dict[str, object]:
    from kiosk.staff.desk import status_label

    return {
        "serial": row.serial,
        "created_at": row.created_at.isoformat(),
        "item_id": row.item_id,
        "terminal_id": row.terminal_id,
        "status": row.status,
        "status_zh": status_label(row.status)[0],
        "copies": row.copies,
        "reprints": row.reprints,
        "paper": row.paper,
        "resident_name": row.resident_name,
        "resident_id_number": row.resident_masked_id,
        "void_reason": row.void_reason,
        "voided_by": row.voided_by,
        "last_print_state": row.last_print_state,
        "last_print_reason": row.last_print_reason,
    }
