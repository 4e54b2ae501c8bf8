"""kiosk.toml and KIOSK_* variables: the file shipped as kiosk.toml.example, edited line by line
(values replaced by TOML of every type, tokens and sections inserted, bytes damaged), with an
environment of overrides beside it. A Config that loads must keep what it promises: absolute
paths, ASCII codes, finite numbers, URIs the database, reader and printer registries accept.
"""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path
from urllib.parse import urlsplit

from card_reader.registry import open_reader
from kiosk.config import SECTIONS, Config, load_config
from kiosk.fuzzing.core import BadResultError, Chooser, Parser, chance, pick, rewrite
from kiosk.fuzzing.mutate import havoc, line_havoc, text_value

EXAMPLE = Path(__file__).resolve().parents[2] / "kiosk.toml.example"
ENV_NAMES = tuple(f"KIOSK_{s}_{f.name}".upper() for s, cls in SECTIONS.items() for f in fields(cls))
ODD_ENV_NAMES = ("KIOSK_STAFF_PIN", "KIOSK_UI", "KIOSK_FOO_BAR", "kiosk_ui_voice", "KIOSK_")
URIS = (
    "sim://", "sam://[::1", "sam:///dev/ttyUSB0?baud=abc", "sam:///dev/x?deadline=nan",
    "sam://", "pcsc://", "pcsc://?profiles=", "pcsc://?profiles=nosuch",
    "pcsc://?profiles=/etc/passwd.json", "pcsc://?profiles=../x", "SAM:///dev/ttyS0",
    "file:///tmp/x", "file://host/x", "file:relative", "cups://Q", "cups://Q?timeout=x",
    "cups://host:99999/Q", "escpos:///dev/ttyS0?baud=x", "escpos://", "escpos:///d?dots=-1",
    "sqlite://", "sqlite:///x.db", "sqlite:relative.db", "postgresql://u@h:5432/db",
    "postgresql://h:99999/db", "postgresql://[::1/kiosk", "postgresql+psycopg://", "mysql://x",
    "http://127.0.0.1:8470/v/", "https://x/", "https://" + "x" * 40, "http://x/v/?q#f",
)  # fmt: skip
TEXTS = (*URIS, "~", "~nosuchuser/x", "/abs/path", "relative", "六一〇", "WY-01", "0919-2188110")
TOML_VALUES = (
    '"x"', "'x'", '"""a\nb"""', "1e999", "inf", "-inf", "nan", "-0", "0x7fffffffffffffffffff",
    "9" * 400, "1979-05-27T07:32:00Z", "1979-05-27", "07:32:00", "[1, 2]", '["a"]', "{a = 1}",
    "true", "false", '"\\u0000"', '"\\uD800"', '"\\x41"', "[" * 3000 + "]" * 3000, "", "=",
    *(f'"{t}"' for t in TEXTS),
)  # fmt: skip
TOKENS = ("[", "]]", "=", "#", '"', "\\", "[staff]\npin = 1\n", "[[terminal]]\n", "[ui.x]\n",
          "[unknown]\n", "\x00", "\ufeff")  # fmt: skip


def _lines() -> list[str]:
    return EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)


LINES = _lines()


def toml_bytes(c: Chooser) -> bytes:
    """kiosk.toml.example after line edits, in UTF-8 (sometimes damaged or not UTF-8)."""
    text = "" if chance(c, 20) else line_havoc(c, LINES, TOML_VALUES, TOKENS, 4, min_ops=0)
    how = c.integer(0, 7)
    if how == 7:
        return havoc(c, text.encode("utf-8"), max_ops=3)
    if how == 6:
        return text.encode(pick(c, ("latin-1", "utf-16", "gb18030")), "replace")
    return text.encode("utf-8", "surrogatepass")


def environment(c: Chooser) -> dict[str, str]:
    """0 to 5 KIOSK_* overrides of every kind."""
    env = {}
    for _ in range(c.integer(0, 5)):
        name = pick(c, ENV_NAMES) if c.integer(0, 5) else pick(c, ODD_ENV_NAMES)
        value = text_value(c, TEXTS)
        env[name] = value + "\udcff" if chance(c, 20) else value  # an undecodable byte
    return env


ConfigCase = tuple[int, bytes, dict[str, str]]


def config_case(c: Chooser) -> ConfigCase:
    """Where the file is (0 the file, 1 none, 2 missing, 3 a directory), its bytes, the env."""
    return pick(c, (0, 0, 0, 1, 2, 3)), toml_bytes(c), environment(c)


def check_config(config: Config) -> None:
    """What a returned Config promises the rest of the kiosk (BadResultError if broken)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from printer.registry import open_printer

    for path in (config.data_dir, config.key_dir, config.catalog_path):
        if not path.is_absolute():
            raise BadResultError(f"relative path {path}")
    t = config.terminal
    if not (t.community_code.isascii() and t.community_code.isalnum() and t.id.isascii()):
        raise BadResultError(f"terminal codes {t.community_code!r} {t.id!r}")
    if not math.isfinite(config.ui.font_scale):
        raise BadResultError(f"font_scale {config.ui.font_scale}")
    for uri in (config.reader.uri, config.printers.a4, config.printers.slip):
        parts = urlsplit(uri)
        if parts.port is not None and not 0 <= parts.port <= 65535:
            raise BadResultError(f"port of {uri!r}")
    try:
        make_url(config.database.url)  # what make_engine parses it with
    except ArgumentError as exc:
        raise BadResultError(f"database.url {config.database.url!r}: {exc}") from exc
    open_reader(config.reader.uri)  # ReaderConfigError is a refusal, nothing else may escape
    open_printer(config.printers.a4)
    open_printer(config.printers.slip)


def config_parser(workdir: Path) -> Parser:
    """The kiosk.toml + environment parser, writing its files under `workdir`."""
    file, directory = workdir / "kiosk.toml", workdir / "a-directory"
    directory.mkdir(parents=True, exist_ok=True)

    def load(case: ConfigCase) -> Config:
        where, raw, env = case
        rewrite(file, raw)
        path = (file, None, workdir / "missing.toml", directory)[where]
        config = load_config(path, env={"KIOSK_PATHS_DATA_DIR": str(workdir), **env})
        check_config(config)
        return config

    return Parser("kiosk_config", "kiosk.toml.example edited + KIOSK_* overrides -> Config",
                  config_case, load)  # fmt: skip


def parsers(workdir: Path) -> list[Parser]:
    """The configuration parser."""
    return [config_parser(workdir)]
