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
from typing import Protocol, runtime_checkable

from civic.idnumber import mask_in_text
from kiosk.config import Config, check_database_url, load_config
from kiosk.datadir import ensure_private_dir, secure_data_dir
from kiosk.errors import ConfigError, KioskError

log = logging.getLogger(__name__)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

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
    "kiosk.commands.verify_page",
    "kiosk.commands.catalog",
    "kiosk.commands.printer",
    "kiosk.commands.staff",
    "kiosk.commands.audit",
    "kiosk.commands.reprint",
    "kiosk.commands.diagnose",
    "kiosk.commands.stats",
    "kiosk.commands.terminals",
    "kiosk.commands.retention",
    "kiosk.commands.review",
    "kiosk.commands.fonts",
)


# `kiosk run` parses only its own module's commands: the terminal's first screen is waiting.
QUICK_COMMANDS = {"run": "kiosk.commands.run", "demo": "kiosk.commands.run"}
_VALUED_OPTIONS = ("--config", "--db")


def quick_module(argv: Sequence[str]) -> str | None:
    """The one command module `argv` needs, when it names a quick command; else None."""
    previous = ""
    for token in argv:
        if not token.startswith("-") and previous not in _VALUED_OPTIONS:
            return QUICK_COMMANDS.get(token)
        previous = token
    return None


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    """The command tree of `modules` (default: every command)."""
    parser = argparse.ArgumentParser(
        prog="kiosk", description="社区自助服务终端 / Community service kiosk"
    )
    parser.add_argument("--config", type=Path, help="kiosk.toml (default: embedded defaults)")
    parser.add_argument("--db", metavar="URL", help="database URL (overrides KIOSK_DATABASE_URL)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in modules:
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
    """Load the configuration (see config_path), with --db checked like database.url and applied
    last; the data dir is then created private, or tightened (see kiosk.datadir)."""
    config = load_config(config_path(args))
    db = getattr(args, "db", None)
    if db:
        check_database_url("--db", db)
        config = replace(config, database=replace(config.database, url=db))
    try:
        secure_data_dir(config.data_dir, config.database.url)
    except OSError as exc:
        raise ConfigError("paths.data_dir", f"{config.data_dir}: {exc.strerror or exc}") from None
    args.kiosk_config = config  # the crash log below finds the data dir here
    return config


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kiosk` script: one bilingual line on stderr, never a traceback.

    Exit 0 done; 1 a library error (its `中文 / detail` line) or an internal error (the traceback
    goes to the kiosk log); 2 a configuration error; 130 interrupted. Files are created owner-only:
    the register, logs and PDFs hold full ID numbers."""
    previous = os.umask(0o077)
    try:
        return _main(argv)
    finally:
        os.umask(previous)


def _main(argv: Sequence[str] | None) -> int:
    args = argparse.Namespace(command=None)
    try:
        given = list(sys.argv[1:] if argv is None else argv)
        quick = quick_module(given)
        args = build_parser((quick,) if quick else COMMAND_MODULES).parse_args(given)
        logging.basicConfig(
            level=logging.DEBUG if args.verbose else logging.WARNING,
            format=LOG_FORMAT,
            stream=sys.stderr,
        )
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc.key}: {exc.problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        line = library_error_line(exc)
        if line is None:
            line = f"internal error: {type(exc).__name__}, see log {_log_traceback(exc, args)}"
            line = f"内部错误，请联系工作人员 / {line}"
        print(line, file=sys.stderr)
        return 1


def library_error_line(exc: BaseException) -> str | None:
    """`中文 / detail` for an error of the kiosk or its libraries; None for anything else (a bug)."""
    from civic.errors import BilingualError

    known: tuple[type[Exception], ...] = (BilingualError, KioskError)
    try:  # until every library error derives from BilingualError
        from card_reader.base import CardReaderError
        from forms.errors import FormsError
        from printer.base import PrinterError

        known = (*known, CardReaderError, FormsError, PrinterError)
    except ImportError:
        pass
    if not (isinstance(exc, known) and isinstance(exc, Bilingual)):
        return None
    zh, en = exc.resident_message
    return f"{zh} / {exc.detail or en or exc}"


@runtime_checkable
class Bilingual(Protocol):
    """What every library error carries (civic.errors.BilingualError and, for now, its peers)."""

    detail: str

    @property
    def resident_message(self) -> tuple[str, str]:
        """(Chinese, English) text."""


def _log_traceback(exc: Exception, args: argparse.Namespace) -> str:
    """Write the traceback to <data dir>/logs/kiosk.log (never the terminal); say where it went."""
    config = getattr(args, "kiosk_config", None)
    if not isinstance(config, Config):
        try:
            config = load_config(config_path(args))
        except Exception:  # the configuration itself is what failed: no log file to use
            config = None
    handler: logging.Handler | None = None
    if config is not None:
        path = config.data_dir / "logs" / "kiosk.log"
        try:
            ensure_private_dir(path.parent)
            handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            handler = None
    if handler is None:
        log.debug("internal error in `kiosk %s`", args.command, exc_info=exc)
        return "stderr (kiosk -v)"
    handler.setFormatter(MaskingFormatter(LOG_FORMAT))
    crash = logging.getLogger("kiosk.crash")
    crash.propagate = False  # the root handler writes to the terminal
    crash.addHandler(handler)
    try:
        crash.error("internal error in `kiosk %s`", args.command, exc_info=exc)
    finally:
        crash.removeHandler(handler)
        handler.close()
    return str(path)


class MaskingFormatter(logging.Formatter):
    """A formatter that masks anything shaped like an 18-character ID number (tracebacks too)."""

    def format(self, record: logging.LogRecord) -> str:
        """The usual text with every ID number masked."""
        return mask_in_text(super().format(record))


if __name__ == "__main__":
    sys.exit(main())
