"""`kiosk render ITEM_ID --id-number N`: issue one document without the UI (recorded like any other)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from printer.base import (
    JobListener,
    JobState,
    Printer,
    PrinterError,
    PrinterState,
    PrinterStatus,
    PrintJob,
    fail,
    notify,
)

if TYPE_CHECKING:
    from kiosk.catalog import CatalogItem


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


class OutFile:
    """`--out FILE.pdf` as a printer: the issuance is printed to that one file and recorded
    printed or print_failed like any other print (crash-consistent write, never half a PDF)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.uri = path.resolve().as_uri()

    def status(self) -> PrinterStatus:
        """Always ready: a failure to write is the job's outcome."""
        return PrinterStatus(PrinterState.READY, f"writing {self.path}")

    def print(
        self,
        document: bytes,
        copies: int = 1,
        title: str = "kiosk",
        on_progress: JobListener | None = None,
    ) -> PrintJob:
        """Write the PDF; DiskFullError / OutputNotWritableError if it cannot be."""
        from printer.file import write_document, write_error

        job = PrintJob(self.uri, title, copies)
        notify(job, JobState.SENT, on_progress)
        try:
            write_document(self.path, document)
        except PrinterError as exc:
            raise fail(job, type(exc), exc.detail, exc.status, on_progress) from exc
        except OSError as exc:
            error = write_error(exc, self.path.parent)
            raise fail(job, type(error), error.detail, error.status, on_progress) from exc
        job.job_id = str(self.path)
        notify(job, JobState.DONE, on_progress)
        return job


def _inputs(pairs: list[str]) -> dict[str, str] | str:
    """KEY=VALUE pairs as a dict, or the first malformed pair."""
    inputs = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            return pair
        inputs[key.strip()] = value.strip()
    return inputs


def _render(args: argparse.Namespace) -> int:
    from civic.idnumber import mask_id_number
    from kiosk.app import build_core
    from kiosk.cli import config_from_args
    from kiosk.errors import KioskError

    inputs = _inputs(args.input)
    if isinstance(inputs, str):
        print(f"--input needs KEY=VALUE, got {inputs!r}")
        return 1
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
        role = "a4" if issued.record.paper == "a4" else "slip"  # a 告知单 may stand in for it
        printer: Printer = OutFile(args.out) if args.out else core.printers[role]
        try:
            job = core.issuer.print(issued, printer)
        except (PrinterError, KioskError) as exc:
            print(
                f"打印失败，已记录可补打 / print failed, recorded for reprint: {issued.serial}: {exc.detail}"
            )
            return 1
        shown = f"{job.state.value}, {job.job_id}" if job.job_id else job.state.value
        print(f"{issued.serial} -> {args.out or printer.uri} ({shown})")
        return 0
    finally:
        core.close()


def _input_problems(item: CatalogItem, inputs: dict[str, str]) -> list[str]:
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
