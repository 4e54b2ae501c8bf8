"""`kiosk review list|show|approve|reject`: staff decide the `review` certificates of this
terminal's community (kiosk.review).

    kiosk review list [--json]
    kiosk review show SERIAL
    kiosk review approve SERIAL --staff NAME [--fact KEY=VALUE ...] [--pin-stdin] [--out FILE.pdf]
    kiosk review reject SERIAL --reason TEXT --staff NAME [--pin-stdin]

A decision signs the staff member in with her own PIN (kiosk.staff, asked on the terminal or
read from stdin with --pin-stdin) and is audited with her as the actor. Approval prints the
sealed certificate, same serial, on the A4 printer (or writes it with --out). The signing key
is found as `kiosk render` finds it (a demo terminal gets its demo-certified key).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.review import ReviewCase


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `review` command group."""
    p = sub.add_parser("review", help="证明审核 / staff review of certificates that need a person")
    actions = p.add_subparsers(dest="review_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="applications awaiting review (oldest first)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    show = actions.add_parser("show", help="one application and the facts approval asks for")
    show.add_argument("serial", metavar="SERIAL")
    show.set_defaults(handler=_show)
    approve = actions.add_parser("approve", help="approve: print the sealed certificate")
    approve.add_argument("serial", metavar="SERIAL")
    approve.add_argument("--staff", required=True, metavar="NAME", help="your staff account")
    approve.add_argument(
        "--fact", action="append", default=[], metavar="KEY=VALUE", help="a fact from the records"
    )
    approve.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    approve.add_argument("--out", type=Path, help="write the PDF here instead of printing it")
    approve.set_defaults(handler=_approve)
    reject = actions.add_parser("reject", help="refuse, with a reason the resident is told")
    reject.add_argument("serial", metavar="SERIAL")
    reject.add_argument("--reason", required=True, metavar="TEXT")
    reject.add_argument("--staff", required=True, metavar="NAME", help="your staff account")
    reject.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    reject.set_defaults(handler=_reject)


def _case_line(case: ReviewCase) -> str:
    return (
        f"{case.serial}  {case.requested_at:%Y-%m-%d %H:%M}  {case.title}  "
        f"{case.resident_name} {case.resident_masked_id}"
    )


def _list(args: argparse.Namespace) -> int:
    from kiosk.app import build_core
    from kiosk.cli import config_from_args
    from kiosk.review import ReviewService

    core = build_core(config_from_args(args), create_key=True, printers=False)
    try:
        cases = ReviewService.for_core(core).pending()
    finally:
        core.close()
    if args.json:
        rows = [
            {
                "serial": c.serial,
                "item": c.item_id,
                "title": c.title,
                "requested_at": c.requested_at.isoformat(),
                "terminal": c.terminal_id,
                "resident": c.resident_name,
                "id_number": c.resident_masked_id,
                "answers": dict(c.answers),
                "facts": [f.id for f in c.facts],
            }
            for c in cases
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not cases:
        print("没有待审核的申请 / nothing awaits review")
    for case in cases:
        print(_case_line(case))
    return 0


def _show(args: argparse.Namespace) -> int:
    from kiosk.app import build_core
    from kiosk.cli import config_from_args
    from kiosk.review import ReviewService

    core = build_core(config_from_args(args), create_key=True, printers=False)
    try:
        case = ReviewService.for_core(core).case(args.serial)
    finally:
        core.close()
    print(_case_line(case))
    print(f"  状态 status: {case.status}")
    for label, value in case.answers:
        print(f"  {label}: {value}")
    for fact in case.facts:
        accepts = ", ".join(f"{c.id}={c.label_zh}" for c in fact.choices) or fact.type
        print(f"  --fact {fact.id}=…  {fact.label_zh} ({accepts})")
    if case.reviewed_by:
        print(f"  审核 decided by {case.reviewed_by} at {case.reviewed_at}: {case.note or ''}")
    return 0


def _pairs(pairs: list[str]) -> dict[str, str] | str:
    """KEY=VALUE pairs as a dict, or the first malformed pair."""
    facts: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            return pair
        facts[key.strip()] = value.strip()
    return facts


def _approve(args: argparse.Namespace) -> int:
    from kiosk.app import build_core
    from kiosk.cli import config_from_args
    from kiosk.commands.render import OutFile
    from kiosk.commands.staff import sign_in
    from kiosk.review import ReviewService
    from printer.base import Printer, PrinterError

    facts = _pairs(args.fact)
    if isinstance(facts, str):
        print(f"--fact needs KEY=VALUE, got {facts!r}")
        return 1
    config = config_from_args(args)
    core = build_core(config, create_key=True, printers=args.out is None)
    try:
        reviewer = sign_in(config, core.sessions, args.staff, args.pin_stdin)
        issued = ReviewService.for_core(core).approve(args.serial, reviewer, facts)
        printer: Printer = OutFile(args.out) if args.out else core.printers["a4"]
        try:
            job = core.issuer.print(issued, printer)
        except PrinterError as exc:
            print(f"已审核通过，打印失败，可补打 / approved, print failed: {exc.detail}")
            return 1
        print(f"已审核通过 / approved: {issued.serial} -> {args.out or printer.uri} ({job.state})")
        return 0
    finally:
        core.close()


def _reject(args: argparse.Namespace) -> int:
    from kiosk.app import build_core
    from kiosk.cli import config_from_args
    from kiosk.commands.staff import sign_in
    from kiosk.review import ReviewService

    config = config_from_args(args)
    core = build_core(config, create_key=True, printers=False)
    try:
        reviewer = sign_in(config, core.sessions, args.staff, args.pin_stdin)
        service = ReviewService.for_core(core)
        case = service.reject(args.serial, reviewer, args.reason)
        state = service.state(case.serial)
    finally:
        core.close()
    print(f"已驳回 / rejected: {case.serial} ({case.title})")
    if state is not None:
        print(f"  告诉居民 / tell the resident: {state.zh}")
    return 0
