"""kiosk.toml: embedded defaults, KIOSK_* overrides, and one clear line (exit 2) for a bad file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.errors import ConfigError


def test_embedded_defaults_use_sqlite_sim_reader_and_file_printer(tmp_path: Path) -> None:
    """GIVEN no file WHEN loaded THEN the demo defaults apply inside the data dir."""
    config = load_config(None, env={"KIOSK_PATHS_DATA_DIR": str(tmp_path)})
    assert config.database.url == f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    assert config.reader.uri == "sim://"
    assert config.printers.a4 == (tmp_path / "printed").as_uri()
    assert config.key_dir == tmp_path / "keys"
    assert config.catalog_path.name == "catalog.yaml"


def test_file_values_and_env_overrides(tmp_path: Path) -> None:
    """GIVEN a file and env vars WHEN loaded THEN env wins, per key."""
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[terminal]\nid = "WY-07"\ncommunity = "桃园社区"\n[ui]\nidle_timeout = 120\n'
        '[printers]\na4 = "cups://KIOSK_PDF"\n',
        encoding="utf-8",
    )
    env = {"KIOSK_UI_IDLE_TIMEOUT": "45", "KIOSK_DATABASE_URL": "postgresql://k@db/kiosk"}
    config = load_config(path, env=env)
    assert config.terminal.id == "WY-07"
    assert config.terminal.community == "桃园社区"
    assert config.ui.idle_timeout == 45
    assert config.printers.a4 == "cups://KIOSK_PDF"
    assert config.database.url == "postgresql://k@db/kiosk"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[ui]\nidle_timeout = 'soon'\n", "ui.idle_timeout"),
        ("[ui]\nidle_timeout = 2\n", "ui.idle_timeout"),
        ("[reader]\nuri = 'usb://x'\n", "reader.uri"),
        ("[printers]\nslip = 'lpt1'\n", "printers.slip"),
        ("[terminal]\ncolour = 'red'\n", "terminal.colour"),
        ("[screen]\nx = 1\n", "screen"),
        ("[staff]\npin = '12'\n", "staff.pin"),
        ("[database]\nurl = 'mysql://x'\n", "database.url"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    """GIVEN a wrong value WHEN loaded THEN ConfigError names the key."""
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert err.value.key == key


def test_bad_env_value_names_the_key(tmp_path: Path) -> None:
    """GIVEN KIOSK_UI_VOICE=maybe WHEN loaded THEN the key is named."""
    with pytest.raises(ConfigError) as err:
        load_config(None, env={"KIOSK_UI_VOICE": "maybe", "KIOSK_PATHS_DATA_DIR": str(tmp_path)})
    assert err.value.key == "ui.voice"


def test_broken_file_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    """GIVEN a kiosk.toml that is not TOML WHEN any command runs THEN one line, exit 2, no traceback."""
    path = tmp_path / "kiosk.toml"
    path.write_text("[terminal\nid = 1\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(path), "db", "current"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "kiosk.toml" in lines[0] and "Traceback" not in proc.stderr


def test_kiosk_config_variable_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN $KIOSK_CONFIG and no --config WHEN a command loads its config THEN that file is used."""
    import argparse

    from kiosk.cli import config_from_args

    path = tmp_path / "kiosk.toml"
    path.write_text('[terminal]\nid = "WY-99"\n', encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path))
    assert config_from_args(argparse.Namespace()).terminal.id == "WY-99"
    assert (
        config_from_args(argparse.Namespace(config=None, db="sqlite://")).database.url
        == "sqlite://"
    )
