"""kiosk.toml -> frozen dataclasses, validated once at start; KIOSK_<SECTION>_<KEY> overrides."""

from __future__ import annotations

import math
import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from kiosk.errors import ConfigError

APP_NAME = "community-kiosk"
Scalar = str | int | float | bool  # what a configuration field holds


@dataclass(frozen=True)
class TerminalConfig:
    """Who this terminal is and whom it issues for."""

    id: str = "WY-DEMO-01"
    name: str = "王益区红旗街社区服务站 1号机"
    community: str = "红旗街社区"
    community_code: str = "610202001"
    issuer: str = "铜川市王益区红旗街社区居民委员会"
    address: str = "王益区红旗街道红旗街社区党群服务中心一楼大厅"
    locality: str = "wangyi"
    phone: str = "0919-2188110"  # the committee's number, printed for checking its papers


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the records live; SQLite for one terminal, PostgreSQL for a district."""

    url: str = ""


@dataclass(frozen=True)
class ReaderConfig:
    """Which card reader to use, by URI (sim://, sam:///dev/ttyUSB0, pcsc://)."""

    uri: str = "sim://"


@dataclass(frozen=True)
class PrintersConfig:
    """Printer URIs for A4 documents and thermal slips."""

    a4: str = ""
    slip: str = ""
    slip_paper: str = "slip80"  # slip80 (576 dots) or slip58 (384 dots)


@dataclass(frozen=True)
class UiConfig:
    """Screen and session behaviour."""

    locale: str = "zh_CN"
    idle_timeout: int = 60  # seconds without a touch before the 30-second countdown
    result_timeout: int = 20  # seconds the "done" screen stays
    fullscreen: bool = True
    voice: bool = True
    font_scale: float = 1.0


@dataclass(frozen=True)
class PathsConfig:
    """Data, key and catalogue locations."""

    data_dir: str = ""
    key_dir: str = ""
    catalog: str = ""


@dataclass(frozen=True)
class RetentionConfig:
    """How long ratings and session logs are kept (`kiosk retention purge`); issuances and audit
    events are kept for ever."""

    ratings_days: int = 730
    sessions_days: int = 365


@dataclass(frozen=True)
class VerifyConfig:
    """Where a document's QR link points (`kiosk verify-server` serves the page at its path)."""

    base_url: str = "http://127.0.0.1:8470/v/"  # the district's public verify host in production
    database_url: str = ""  # verify-server's read-only role (default: database.url, read-only)


@dataclass(frozen=True)
class Config:
    """The whole validated configuration."""

    terminal: TerminalConfig = TerminalConfig()
    database: DatabaseConfig = DatabaseConfig()
    reader: ReaderConfig = ReaderConfig()
    printers: PrintersConfig = PrintersConfig()
    ui: UiConfig = UiConfig()
    paths: PathsConfig = PathsConfig()
    retention: RetentionConfig = RetentionConfig()
    verify: VerifyConfig = VerifyConfig()

    @property
    def data_dir(self) -> Path:
        """The data directory (created on demand by the caller)."""
        return Path(self.paths.data_dir)

    @property
    def key_dir(self) -> Path:
        """Where the signing keys live."""
        return Path(self.paths.key_dir)

    @property
    def cache_dir(self) -> Path:
        """Caches the kiosk may throw away (the validated catalogue)."""
        return self.data_dir / "cache"

    @property
    def catalog_path(self) -> Path:
        """The catalogue file in use."""
        return Path(self.paths.catalog)


SECTIONS: dict[str, type] = {
    "terminal": TerminalConfig,
    "database": DatabaseConfig,
    "reader": ReaderConfig,
    "printers": PrintersConfig,
    "ui": UiConfig,
    "paths": PathsConfig,
    "retention": RetentionConfig,
    "verify": VerifyConfig,
}

# Staff sign in with their own card and PIN (kiosk staff add): a shared PIN in a file is refused.
REMOVED_STAFF_PIN = (
    "removed: staff now sign in with their own ID card and PIN; create each account with "
    "`kiosk staff add NAME --id-number N`, then delete the [staff] section"
)
READER_SCHEMES = ("sim", "sam", "pcsc")
PRINTER_SCHEMES = ("file", "cups", "escpos")
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


def bundled_catalog() -> Path:
    """catalog.yaml beside the packages (source checkout) or in the install's share dir."""
    here = Path(__file__).resolve().parent.parent / "catalog.yaml"
    if here.exists():
        return here
    return Path(sys.prefix) / "share" / APP_NAME / "catalog.yaml"


def default_data_dir() -> Path:
    """The user data dir (platformdirs), e.g. ~/.local/share/community-kiosk."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read kiosk.toml (optional), apply KIOSK_* overrides, fill defaults, validate. Raises ConfigError."""
    env = os.environ if env is None else env
    raw: dict[str, object] = {}
    if path is not None:
        raw = _read_toml(Path(path))
    if "staff" in raw or "KIOSK_STAFF_PIN" in env:
        raise ConfigError("staff.pin", REMOVED_STAFF_PIN)
    for section in raw:
        if section not in SECTIONS:
            raise ConfigError(section, f"unknown section (known: {', '.join(SECTIONS)})")
        if not isinstance(raw[section], dict):
            raise ConfigError(section, "must be a table")
    built: dict[str, Any] = {}
    for section, cls in SECTIONS.items():
        table = raw.get(section, {})
        assert isinstance(table, dict)  # checked above
        given: dict[str, object] = dict(table)
        known = {f.name: f for f in fields(cls)}
        for key in given:
            if key not in known:
                raise ConfigError(f"{section}.{key}", "unknown key")
        for name, f in known.items():
            env_key = f"KIOSK_{section}_{name}".upper()
            if env_key in env:
                given[name] = _from_env(f"{section}.{name}", env[env_key], f.default)
            elif section == "database" and name == "url" and "KIOSK_DATABASE_URL" in env:
                given[name] = env["KIOSK_DATABASE_URL"]
        values: dict[str, Scalar] = {}
        for name, value in given.items():
            default = known[name].default
            values[name] = _check_type(f"{section}.{name}", value, default)
        built[section] = cls(**values)
    config = Config(**built)
    return _validate(_fill_defaults(config))


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; every way it can be unreadable is a ConfigError naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "file not found / 配置文件不存在") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot be read ({exc})") from None
    except (ValueError, RecursionError) as exc:  # integers over 4300 digits, deep nesting
        raise ConfigError(str(path), f"not usable TOML ({type(exc).__name__})") from None


def _from_env(key: str, text: str, default: object) -> Scalar:
    if isinstance(default, bool):
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(key, f"expected true or false, got {_short(text)}")
    if isinstance(default, int | float) and not text.isascii():
        # int() and float() accept full-width and other Unicode digits: a typo, not a number.
        raise ConfigError(key, f"expected a number in ASCII digits, got {_short(text)}")
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ConfigError(key, f"expected a whole number, got {_short(text)}") from None
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise ConfigError(key, f"expected a number, got {_short(text)}") from None
    return text


def _check_type(key: str, value: object, default: object) -> Scalar:
    """`value` if it has the type of the field's default (ints widen to float); else ConfigError."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(key, f"expected true or false, got {_short(value)}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, f"expected a whole number, got {_short(value)}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(key, f"expected a number, got {_short(value)}")
        try:
            number = float(value)
        except OverflowError:  # a TOML integer of hundreds of digits
            raise ConfigError(key, f"number too large: {_short(value)}") from None
        if not math.isfinite(number):
            raise ConfigError(key, f"expected a finite number, got {number!r}")
        return number
    if not isinstance(value, str):
        raise ConfigError(key, f"expected text, got {_short(value)}")
    _check_text(key, value)
    return value


def _short(value: object) -> str:
    """repr() cut to 60 characters: a 400-digit number should not fill the screen."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_text(key: str, value: str) -> None:
    """Text must survive being written to files, the database and PDFs: UTF-8, no NUL."""
    if "\x00" in value:
        raise ConfigError(key, "contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(key, "not valid UTF-8 (undecodable bytes in the value)") from None


def _absolute(key: str, value: str) -> Path:
    """A configured path after ~ expansion; relative paths depend on the working directory."""
    try:
        path = Path(value).expanduser()
    except RuntimeError:  # ~user for an unknown user, or no home directory
        raise ConfigError(key, f"{value!r}: cannot expand ~ (unknown user or no home)") from None
    if not path.is_absolute():
        raise ConfigError(key, f"{value!r}: must be an absolute path (or start with ~)")
    return path


def _fill_defaults(config: Config) -> Config:
    given = config.paths
    data_dir = _absolute("paths.data_dir", given.data_dir or str(default_data_dir()))
    key_dir = _absolute("paths.key_dir", given.key_dir) if given.key_dir else data_dir / "keys"
    catalog = _absolute("paths.catalog", given.catalog) if given.catalog else bundled_catalog()
    paths = replace(given, data_dir=str(data_dir), key_dir=str(key_dir), catalog=str(catalog))
    database = config.database
    if not database.url:
        database = replace(database, url=f"sqlite:///{data_dir / 'kiosk.sqlite3'}")
    printed = (data_dir / "printed").as_uri()
    printers = replace(
        config.printers, a4=config.printers.a4 or printed, slip=config.printers.slip or printed
    )
    return replace(config, paths=paths, database=database, printers=printers)


def _validate(config: Config) -> Config:
    t = config.terminal
    for key in ("id", "name", "community", "issuer"):
        if not getattr(t, key).strip():
            raise ConfigError(f"terminal.{key}", "must not be empty")
    # Both go into serial numbers, file names and the QR payload: ASCII only ('六一〇'.isalnum()).
    if not (_ascii_alnum(t.community_code) and 1 <= len(t.community_code) <= 16):
        raise ConfigError("terminal.community_code", "1 to 16 ASCII letters or digits")
    if not _ascii_alnum(t.id.replace("-", "").replace("_", "")) or len(t.id) > 32:
        raise ConfigError("terminal.id", "ASCII letters, digits, - and _ only, at most 32")
    if t.phone and not (
        _ascii_alnum(t.phone.replace("-", ""))
        and t.phone.replace("-", "").isdigit()
        and len(t.phone) <= 20
    ):
        raise ConfigError(
            "terminal.phone", "ASCII digits and - only, at most 20 (e.g. 0919-2188110)"
        )
    _check_uri("reader.uri", config.reader.uri, READER_SCHEMES)
    _check_uri("printers.a4", config.printers.a4, PRINTER_SCHEMES)
    _check_uri("printers.slip", config.printers.slip, PRINTER_SCHEMES)
    if config.printers.slip_paper not in ("slip80", "slip58"):
        raise ConfigError("printers.slip_paper", "slip80 or slip58")
    check_database_url("database.url", config.database.url)
    ui = config.ui
    if not 10 <= ui.idle_timeout <= 3600:
        raise ConfigError("ui.idle_timeout", "seconds between 10 and 3600")
    if not 3 <= ui.result_timeout <= 600:
        raise ConfigError("ui.result_timeout", "seconds between 3 and 600")
    if not 0.75 <= ui.font_scale <= 2.0:
        raise ConfigError("ui.font_scale", "between 0.75 and 2.0")
    if ui.locale not in ("zh_CN", "en_US"):
        raise ConfigError("ui.locale", "zh_CN or en_US")
    for key in ("ratings_days", "sessions_days"):
        if not 1 <= getattr(config.retention, key) <= 36500:
            raise ConfigError(f"retention.{key}", "days between 1 and 36500")
    check_verify_url(config.verify.base_url)
    if config.verify.database_url:
        check_database_url("verify.database_url", config.verify.database_url)
    return config


def _ascii_alnum(text: str) -> bool:
    return text.isascii() and text.isalnum()


def _check_uri(key: str, uri: str, schemes: tuple[str, ...]) -> None:
    known = ", ".join(s + "://" for s in schemes)
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - parsing the port is the check (ValueError if out of range)
    except ValueError as exc:
        raise ConfigError(key, f"{_short(uri)}: not a valid URI ({exc})") from None
    scheme = parts.scheme
    if scheme not in schemes or uri[: len(scheme) + 3].lower() != f"{scheme}://":
        raise ConfigError(key, f"{_short(uri)}: scheme must be one of {known}")


def check_database_url(key: str, url: str) -> None:
    """sqlite:///FILE, sqlite:// (memory) or postgresql[+psycopg]://...; ConfigError naming `key`.

    Also used for `--db`, so a URL given on the command line is held to the same rules."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in DATABASE_SCHEMES:
        shown = _short(scheme if sep else url)
        raise ConfigError(key, f"scheme {shown} not supported (sqlite, postgresql)")
    _check_text(key, url)
    if scheme == "sqlite":
        if rest and not rest.startswith("/"):
            raise ConfigError(key, "sqlite URLs are sqlite:///FILE or sqlite:// (in memory)")
        return
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as exc:
        raise ConfigError(key, f"not a valid database URL ({exc})") from None


def check_verify_url(url: str) -> None:
    """verify.base_url: http(s)://host/path, no query or fragment, short enough for the QR."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as exc:
        raise ConfigError("verify.base_url", f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or not url.isascii():
        raise ConfigError("verify.base_url", "an ASCII http:// or https:// URL with a host")
    if parts.query or parts.fragment or "#" in url or not parts.path.startswith("/"):
        raise ConfigError("verify.base_url", "a path like /v/ and no query or fragment")
    if len(url) > 40:  # the signed payload needs the rest of a version-10 QR code
        raise ConfigError("verify.base_url", f"{len(url)} characters: at most 40")
