"""`kiosk diagnose [--json]`: reader, printers, database, catalogue, key, disk, version, recent
errors and open call-staff alerts, each part opened on its own so a broken one is reported, not
fatal. Exit 1 when something needs staff (a printer that cannot print, no database, ...)."""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from card_reader.base import Reader
    from forms.keys import SigningKey
    from kiosk.catalog import Catalog
    from kiosk.config import Config
    from kiosk.staff.diagnostics import Diagnostics
    from printer.base import Printer

T = TypeVar("T")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `diagnose`."""
    p = sub.add_parser("diagnose", help="诊断 / what every part of this kiosk reports")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-reader", action="store_true", help="do not open the card reader")
    p.add_argument(
        "--test-read",
        type=float,
        default=None,
        metavar="SECONDS",
        help="also wait this long for a card on the reader (a test read)",
    )
    p.set_defaults(handler=_diagnose)


def gather(config: Config, *, open_reader: bool, test_read: float | None) -> Diagnostics:
    """Open each part of the configured kiosk on its own and collect what it says."""
    from kiosk.staff.diagnostics import collect

    problems: dict[str, str] = {}
    engine = _part(problems, "database", lambda: _engine(config))
    catalog = _part(problems, "catalog", lambda: _catalog(config))
    key = _part(problems, "key", lambda: _key(config))
    printers: dict[str, Printer] = {}
    for role, uri in (("a4", config.printers.a4), ("slip", config.printers.slip)):
        printer = _part(problems, f"printer_{role}", functools.partial(_printer, uri))
        if printer is not None:
            printers[role] = printer
    reader = _part(problems, "reader", lambda: _reader(config)) if open_reader else None
    try:
        return collect(
            config,
            engine=engine,
            catalog=catalog,
            signing_key=key,
            printers=printers,
            reader=reader,
            test_read_seconds=test_read,
            problems=problems,
        )
    finally:
        if reader is not None:
            reader.close()
        if engine is not None:
            engine.dispose()


def _part(problems: dict[str, str], name: str, opener: Callable[[], T]) -> T | None:
    """What `opener` opens, or None with the reason in problems[name] (one line, no secrets)."""
    from civic.errors import BilingualError
    from kiosk.errors import ConfigError

    try:
        return opener()
    except ConfigError as exc:
        problems[name] = f"{exc.key}: {exc.problem}"
    except BilingualError as exc:
        zh, _en = exc.resident_message
        problems[name] = f"{zh} / {exc.detail}"
    except Exception as exc:  # a part that cannot open is a finding, not a crash
        problems[name] = f"{type(exc).__name__}: {exc}"[:200]
    return None


def _engine(config: Config) -> Engine:
    from kiosk.app import prepare_database

    return prepare_database(config, migrate=False)


def _catalog(config: Config) -> Catalog:
    from kiosk.app import load_catalog

    return load_catalog(config)


def _key(config: Config) -> SigningKey:
    from kiosk.app import load_signing_key

    return load_signing_key(config, create=False)


def _printer(uri: str) -> Printer:
    from printer.registry import open_printer

    return open_printer(uri)


def _reader(config: Config) -> Reader:
    from card_reader.registry import open_reader

    reader = open_reader(config.reader.uri)
    reader.open()
    return reader


def _diagnose(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args

    config = config_from_args(args)
    report = gather(config, open_reader=not args.no_reader, test_read=args.test_read)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str))
    else:
        for line in render(report):
            print(line)
    return 0 if report.healthy else 1


def render(d: Diagnostics) -> list[str]:
    """The report as lines for a terminal."""
    r, db, cat = d.reader, d.database, d.catalog
    lines = [
        f"终端 terminal      {d.terminal_id}   版本 version {d.version}   {d.at:%Y-%m-%d %H:%M:%S}",
        f"读卡器 reader      {r.driver} {r.port}  state {r.state}"
        + (f"  ERROR {r.error}" if r.error else ""),
    ]
    lines += [f"                   {k}: {v}" for k, v in r.details]
    if r.test_read:
        lines.append(f"                   test read: {r.test_read}")
    for p in d.printers:
        state = (
            f"{p.state} ({p.message_zh}; {p.staff_message})" if not p.error else f"ERROR {p.error}"
        )
        reasons = f" [{', '.join(p.reasons)}]" if p.reasons else ""
        lines.append(f"打印机 printer {p.role:<4} {p.uri}  {state}{reasons}")
    if db.reachable:
        at = (
            "current" if db.revision == db.expected_revision else f"expected {db.expected_revision}"
        )
        lines.append(
            f"数据库 database    {db.url}  {db.latency_ms} ms  schema {db.revision} ({at})"
        )
    else:
        lines.append(f"数据库 database    {db.url}  UNREACHABLE {db.error}")
    if cat.error:
        lines.append(f"目录 catalogue     {cat.path}  ERROR {cat.error}")
    else:
        lines.append(f"目录 catalogue     {cat.path}  {cat.items} items  sha256 {cat.digest[:16]}")
    free = f"{d.free_disk_bytes / 1e9:.1f} GB free" if d.free_disk_bytes is not None else "unknown"
    lines.append(f"签名密钥 key       {d.key_fingerprint or 'ERROR ' + d.key_error}")
    lines.append(f"磁盘 disk          {d.data_dir}  {free}")
    lines.append(f"最近错误 errors    {len(d.recent_errors)}")
    lines += [f"  {e}" for e in d.recent_errors]
    lines.append(f"呼叫 staff calls   {len(d.open_calls)} open")
    lines += [
        f"  #{c.id} {c.terminal_id} {c.at:%Y-%m-%d %H:%M:%S} {c.screen}" for c in d.open_calls
    ]
    lines.append("状态正常 / healthy" if d.healthy else "需要处理 / needs attention")
    return lines
