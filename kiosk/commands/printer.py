"""`kiosk printer status|test [--printer URI]`: what each configured printer says; a test print."""

from __future__ import annotations

import argparse
from datetime import datetime

ROLES = ("a4", "slip")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `printer status` and `printer test`."""
    p = sub.add_parser("printer", help="打印机状态与测试 / printer status and test print")
    actions = p.add_subparsers(dest="printer_action", metavar="ACTION", required=True)
    status = actions.add_parser(
        "status", help="one line per configured printer; exit 1 if any cannot print"
    )
    status.add_argument("--printer", metavar="URI", help="check this printer instead")
    status.set_defaults(handler=_status)
    test = actions.add_parser("test", help="print a timestamped test page (A4) or slip")
    test.add_argument("--printer", metavar="URI", help="print on this printer instead")
    test.add_argument(
        "--page",
        choices=("a4", "slip80", "slip58"),
        help="page to print (default: A4 for the a4 role and CUPS/file printers, a slip for ESC/POS)",
    )
    test.set_defaults(handler=_test)


def _targets(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(role, URI) pairs: the --printer URI alone, or the configured a4 and slip printers."""
    if args.printer:
        return [("-", args.printer)]
    from kiosk.cli import config_from_args

    config = config_from_args(args)
    return [("a4", config.printers.a4), ("slip", config.printers.slip)]


def _status(args: argparse.Namespace) -> int:
    from printer.base import PrinterError
    from printer.registry import open_printer

    all_ready = True
    for role, uri in _targets(args):
        try:
            status = open_printer(uri).status()
        except PrinterError as exc:
            print(f"{role:<5} {uri}  error  {exc.detail}")
            all_ready = False
            continue
        zh, en = status.resident_message
        print(f"{role:<5} {uri}  {status.state}  {zh} / {en}  ({status.staff_message})")
        all_ready = all_ready and status.can_print
    return 0 if all_ready else 1


def _test(args: argparse.Namespace) -> int:
    from printer.base import PrinterError
    from printer.escpos import EscposPrinter
    from printer.registry import open_printer
    from printer.testpage import kind_for_dots, render_test_page

    failures = 0
    now = datetime.now()
    for role, uri in _targets(args):
        try:
            printer = open_printer(uri)
            if args.page:
                page = args.page
            elif isinstance(printer, EscposPrinter):
                page = kind_for_dots(printer.dots)
            else:
                page = "slip80" if role == "slip" else "a4"
            pdf = render_test_page(page, now, uri)
            job = printer.print(pdf, title=f"print-test-{now:%Y%m%d-%H%M%S}")
        except PrinterError as exc:
            zh, en = exc.resident_message
            print(f"{role:<5} {uri}  failed  {exc.detail}  ({zh} / {en})")
            failures += 1
            continue
        warning = ""
        if job.status is not None and job.status.state.value != "ready":
            warning = f"  ({job.status.staff_message})"
        print(f"{role:<5} {uri}  {job.state}  {page} {job.job_id or ''}{warning}".rstrip())
    return 1 if failures else 0
