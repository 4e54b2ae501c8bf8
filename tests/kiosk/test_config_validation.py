"""kiosk.toml and KIOSK_* values the validation used to let through (or crash on): each is a
ConfigError naming the key; and for any document or environment, load_config either returns a
Config or raises ConfigError, nothing else."""

from __future__ import annotations

import json
import math
from dataclasses import fields
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import SECTIONS, Config, load_config
from kiosk.errors import ConfigError


def _load_toml(tmp_path: Path, text: str, **env: str) -> Config:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, env={"KIOSK_PATHS_DATA_DIR": str(tmp_path), **env})


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[terminal]\ncommunity_code = '六一〇'\n", "terminal.community_code"),
        ("[terminal]\ncommunity_code = '６１０２０２'\n", "terminal.community_code"),
        ("[terminal]\nid = '终端-01'\n", "terminal.id"),
        ("[terminal]\nid = 'ＷＹ０１'\n", "terminal.id"),
        ("[paths]\nkey_dir = 'keys'\n", "paths.key_dir"),
        ("[paths]\ncatalog = 'catalog.yaml'\n", "paths.catalog"),
        ("[paths]\ncatalog = '~no-such-user-here/catalog.yaml'\n", "paths.catalog"),
        ("[ui]\nfont_scale = " + "9" * 400 + "\n", "ui.font_scale"),
        ("[ui]\nfont_scale = inf\n", "ui.font_scale"),
        ("[ui]\nfont_scale = nan\n", "ui.font_scale"),
        ("[staff]\npin = '²³⁴⁵'\n", "staff.pin"),
        ("[staff]\npin = '１２３４５６'\n", "staff.pin"),
        ("[reader]\nuri = 'sam://[::1'\n", "reader.uri"),
        ("[reader]\nuri = 'sim:'\n", "reader.uri"),
        ("[printers]\na4 = 'cups://host:99999/Q'\n", "printers.a4"),
        ("[database]\nurl = 'postgresql://[::1/kiosk'\n", "database.url"),
        ("[database]\nurl = 'sqlite:relative.db'\n", "database.url"),
    ],
)
def test_file_values_that_used_to_pass_or_crash(tmp_path: Path, text: str, key: str) -> None:
    """GIVEN a value outside the rules WHEN loaded THEN ConfigError names its key."""
    with pytest.raises(ConfigError) as err:
        _load_toml(tmp_path, text)
    assert err.value.key == key


@pytest.mark.parametrize(
    ("name", "value", "key"),
    [
        ("KIOSK_PATHS_DATA_DIR", "inf", "paths.data_dir"),
        ("KIOSK_PATHS_DATA_DIR", "data", "paths.data_dir"),
        ("KIOSK_PATHS_KEY_DIR", "./keys", "paths.key_dir"),
        ("KIOSK_UI_FONT_SCALE", "inf", "ui.font_scale"),
        ("KIOSK_UI_FONT_SCALE", "１.５", "ui.font_scale"),
        ("KIOSK_UI_IDLE_TIMEOUT", "٣٠", "ui.idle_timeout"),
        ("KIOSK_UI_IDLE_TIMEOUT", "9" * 5000, "ui.idle_timeout"),
        ("KIOSK_STAFF_PIN", "²³⁴⁵", "staff.pin"),
        ("KIOSK_READER_URI", "sam://[::1", "reader.uri"),
        ("KIOSK_TERMINAL_NAME", "1号机\x00", "terminal.name"),
        ("KIOSK_TERMINAL_NAME", "1号机\udcff", "terminal.name"),  # an undecodable byte
        ("KIOSK_DATABASE_URL", "postgresql://h:port/db", "database.url"),
    ],
)
def test_environment_values_that_used_to_pass_or_crash(
    tmp_path: Path, name: str, value: str, key: str
) -> None:
    """GIVEN a KIOSK_* value outside the rules WHEN loaded THEN ConfigError names its key."""
    env = {"KIOSK_PATHS_DATA_DIR": str(tmp_path), name: value}
    with pytest.raises(ConfigError) as err:
        load_config(None, env=env)
    assert err.value.key == key


def test_home_relative_paths_are_expanded(tmp_path: Path) -> None:
    """GIVEN ~/kiosk-data WHEN loaded THEN the data dir is absolute under the home directory."""
    config = load_config(None, env={"KIOSK_PATHS_DATA_DIR": "~/kiosk-data"})
    assert config.data_dir == Path.home() / "kiosk-data"


@pytest.mark.parametrize(
    "text",
    [
        "[ui]\nidle_timeout = " + "9" * 5000 + "\n",  # past Python's int-string limit
        "[ui]\nx = " + "[" * 5000 + "]" * 5000 + "\n",  # deeper than the parser recurses
    ],
)
def test_files_the_toml_parser_chokes_on_name_the_file(tmp_path: Path, text: str) -> None:
    """GIVEN a file tomllib fails on with ValueError or RecursionError WHEN loaded THEN
    ConfigError names the file."""
    with pytest.raises(ConfigError) as err:
        _load_toml(tmp_path, text)
    assert err.value.key.endswith("kiosk.toml")


# --- property: only Config or ConfigError -------------------------------------------------------

KNOWN_KEYS = sorted({f.name for cls in SECTIONS.values() for f in fields(cls)})
SPECIAL_TEXT = [
    "",
    " ",
    "inf",
    "nan",
    "-1",
    "1e999",
    "٣٠",
    "²³⁴⁵",
    "六一〇",
    "sam://[::1",
    "sim://",
    "file:///tmp/x",
    "cups://Q",
    "sqlite://",
    "sqlite:///x.db",
    "postgresql://u@h:5432/db",
    "postgresql://h:99999/db",
    "~",
    "~nosuchuser/x",
    "/abs/path",
    "relative",
    "9" * 400,
]
toml_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=20) | st.sampled_from(
    SPECIAL_TEXT
)
toml_scalar = (
    toml_text
    | st.integers()
    | st.just(10**400 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
)
toml_value = toml_scalar | st.lists(st.integers(-5, 5), max_size=3)
section_name = st.sampled_from([*SECTIONS, "screen"])
key_name = st.sampled_from(KNOWN_KEYS) | st.from_regex(r"[a-z_]{1,8}", fullmatch=True)
documents = st.dictionaries(
    section_name, st.dictionaries(key_name, toml_value, max_size=4), max_size=4
)
env_names = st.sampled_from(
    [f"KIOSK_{s}_{k}".upper() for s, cls in SECTIONS.items() for k in (f.name for f in fields(cls))]
)
env_values = (
    st.text(max_size=20) | st.sampled_from([*SPECIAL_TEXT, "1号机\x00", "x\udcff"]) | st.just("")
)
environments = st.dictionaries(env_names, env_values, max_size=5)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _document(doc: dict[str, dict[str, object]]) -> str:
    lines = []
    for section, table in doc.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {_toml(value)}" for key, value in table.items())
    return "\n".join(lines) + "\n"


def _check_valid(config: Config) -> None:
    """What a returned Config promises the rest of the kiosk."""
    from sqlalchemy.engine import make_url

    for path in (config.data_dir, config.key_dir, config.catalog_path):
        assert path.is_absolute()
    t = config.terminal
    assert t.community_code.isascii() and t.community_code.isalnum()
    assert t.id.isascii()
    assert math.isfinite(config.ui.font_scale)
    for uri in (config.reader.uri, config.printers.a4, config.printers.slip):
        parts = urlsplit(uri)  # raises ValueError for what the drivers could not parse
        assert parts.port is None or 0 <= parts.port <= 65535
        assert uri.lower().startswith(f"{parts.scheme}://")
    make_url(config.database.url)  # what make_engine parses it with


def _load_or_config_error(path: Path | None, env: dict[str, str]) -> None:
    try:
        config = load_config(path, env=env)
    except ConfigError:
        return
    _check_valid(config)


def test_any_document_is_a_config_or_a_config_error(tmp_path: Path) -> None:
    """GIVEN thousands of generated kiosk.toml files WHEN loaded THEN Config or ConfigError."""
    path = tmp_path / "kiosk.toml"

    @settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(doc=documents, env=environments)
    def check(doc: dict[str, dict[str, object]], env: dict[str, str]) -> None:
        path.write_text(_document(doc), encoding="utf-8")
        _load_or_config_error(path, {"KIOSK_PATHS_DATA_DIR": str(tmp_path), **env})

    check()


def test_any_environment_is_a_config_or_a_config_error() -> None:
    """GIVEN thousands of generated KIOSK_* environments and no file WHEN loaded THEN Config or
    ConfigError."""

    @settings(max_examples=2000, deadline=None)
    @given(env=environments)
    def check(env: dict[str, str]) -> None:
        _load_or_config_error(None, env)

    check()
