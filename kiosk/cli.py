"""`kiosk` command line: one module per command group under kiosk.commands, listed here."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from kiosk.config import Config, load_config
from kiosk.errors import ConfigError, KioskError

# Each module has register(subparsers); its parsers set `handler(args) -> int`.
COMMAND_MODULES = (
    "kiosk.commands.run",
    "kiosk.commands.db",
    "kiosk.commands.residents",
    "kiosk.commands.render",
    "kiosk.commands.bench",
    "kiosk.commands.read_card",
    "kiosk.commands.keys",
    "kiosk.commands.verify",
    "kiosk.commands.catalog",
    "kiosk.commands.printer",
)


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree."""
    parser = argparse.ArgumentParser(
        prog="kiosk", description="社区自助服务终端 / Community service kiosk"
    )
    parser.add_argument("--config", type=Path, help="kiosk.toml (default: embedded defaults)")
    parser.add_argument("--db", metavar="URL", help="database URL (overrides KIOSK_DATABASE_URL)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for child in _subparsers(parser):
        _add_globals(child)
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below `parser`, so global options work after the command too."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found.append(child)
                found.extend(_subparsers(child))
    return found


def _add_globals(parser: argparse.ArgumentParser) -> None:
    options = {s for a in parser._actions for s in a.option_strings}
    if "--db" not in options:
        parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL")
    if "--config" not in options:
        parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="kiosk.toml")


SYSTEM_CONFIG = Path("/etc/community-kiosk/kiosk.toml")


def config_path(args: argparse.Namespace) -> Path | None:
    """--config, else $KIOSK_CONFIG, else /etc/community-kiosk/kiosk.toml if present, else none."""
    given = getattr(args, "config", None) or os.environ.get("KIOSK_CONFIG")
    if given:
        return Path(given)
    return SYSTEM_CONFIG if SYSTEM_CONFIG.exists() else None


def config_from_args(args: argparse.Namespace) -> Config:
    """Load the configuration (see config_path), with --db applied last."""
    config = load_config(config_path(args))
    if getattr(args, "db", None):
        config = replace(config, database=replace(config.database, url=args.db))
    return config


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kiosk` script: exit 2 on configuration errors, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc.key}: {exc.problem}", file=sys.stderr)
        return 2
    except KioskError as exc:
        print(f"{exc.message_zh} / {exc.detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
