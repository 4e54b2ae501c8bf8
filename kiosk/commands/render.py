"""`kiosk render ITEM_ID --id-number N`: issue one document without the UI (recorded like any other)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add `render`."""
    p = sub.add_parser("render", help="issue one document for a resident without the UI (recorded)")
    p.add_argument("item_id", metavar="ITEM_ID")
    p.add_argument("--id-number", required=True, help="the resident's ID number")
    p.add_argument(
        "--input", action="append", default=[], metavar="KEY=VALUE", help="an item input"
    )
    p.add_argument("--copies", type=int, default=1)
    p.add_argument("--paper", choices=("a4", "slip80", "slip58"), help="override the paper (slips)")
    p.add_argument("--out", type=Path, help="write the PDF here instead of printing it")
    p.set_defaults(handler=_render)


def _render(args: argparse.Namespace) -> int:
    from kiosk.app import build_core
    from kiosk.cli import config_from_args
    from kiosk.errors import KioskError
    from kiosk.issuing import printer_role
    from printer.base import PrinterError

    inputs = {}
    for pair in args.input:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            print(f"--input needs KEY=VALUE, got {pair!r}")
            return 1
        inputs[key.strip()] = value.strip()
    config = config_from_args(args)
    core = build_core(config, migrate=True, create_key=True, printers=args.out is None)
    try:
        try:
            item = core.catalog.item(args.item_id)
        except KeyError:
            print(f"没有这个事项 / unknown item: {args.item_id} (see `kiosk catalog list`)")
            return 1
        resident = core.lookup(args.id_number.strip().upper())
        if resident is None:
            from card_reader.base import mask_id_number

            print(f"未找到居民 / unknown resident: {mask_id_number(args.id_number)}")
            return 1
        try:
            core.issuer.check(resident, item)
        except KioskError as exc:
            print(f"{exc.message_zh} / {exc.message_en}")
            return 1
        problems = _input_problems(item, inputs)
        if problems:
            print(f"{item.id}: 信息不完整 / inputs missing or invalid:")
            for line in problems:
                print(f"  {line}")
            return 1
        paper = args.paper
        if paper and item.paper == "a4" and paper != "a4":
            print(f"{item.id} prints on A4 only")
            return 1
        try:
            issued = core.issuer.issue(
                resident, item, inputs, copies=args.copies, paper=paper, actor="cli"
            )
        except KioskError as exc:
            print(f"{exc.message_zh} / {exc.message_en}: {exc.detail}")
            return 1
        if args.out is not None:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_bytes(issued.pdf)
            print(f"{issued.serial} -> {args.out}")
            return 0
        printer = core.printers[printer_role(item)]
        try:
            job = core.issuer.print(issued, printer)
        except PrinterError as exc:
            print(
                f"打印失败，已记录可补打 / print failed, recorded for reprint: {issued.serial}: {exc.detail}"
            )
            return 1
        print(
            f"{issued.serial} -> {printer.uri} ({job.state.value}{', ' + job.job_id if job.job_id else ''})"
        )
        return 0
    finally:
        core.close()


def _input_problems(item, inputs: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Every input that is missing or wrong, with what it accepts (not just the first)."""
    from kiosk.errors import MissingInputError

    problems = []
    for spec in item.inputs:
        try:
            spec.normalise(inputs.get(spec.id))
        except MissingInputError as exc:
            accepts = ", ".join(c.id for c in spec.choices) if spec.choices else spec.type
            problems.append(
                f"--input {spec.id}=…  {exc.message_zh} / {exc.message_en} (accepts: {accepts})"
            )
    return problems
