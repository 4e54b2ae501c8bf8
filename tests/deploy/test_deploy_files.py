"""The files in deploy/ as an installer copies them: the units pass `systemd-analyze verify`
and the kiosk's says what the README promises, the sample kiosk.toml is a valid configuration, the launcher
is POSIX sh."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.config import load_config

pytestmark = pytest.mark.stacks  # runs systemd-analyze and sh

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNIT = DEPLOY / "community-kiosk.service"


def _settings(unit: Path) -> dict[str, list[str]]:
    """Every `Key=value` of a unit file, repeated keys kept in order."""
    found: dict[str, list[str]] = {}
    for line in unit.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """GIVEN the kiosk unit and the retention service and timer, their programs pointed at
    executables that exist here WHEN systemd verifies them THEN it reports nothing (no unknown
    key, no bad value, no missing unit)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing (package systemd)")
    stand_ins = {
        "/opt/community-kiosk/bin/kiosk-cage": str(DEPLOY / "kiosk-cage"),
        "/opt/community-kiosk/venv/bin/kiosk": "/bin/true",
    }
    copies = []
    for unit in sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer")):
        text = unit.read_text(encoding="utf-8")
        for path, stand_in in stand_ins.items():
            text = text.replace(path, stand_in)
        copy = tmp_path / unit.name
        copy.write_text(text, encoding="utf-8")
        copies.append(str(copy))
    assert len(copies) == 3
    done = subprocess.run([analyze, "verify", *copies], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_the_unit_runs_cage_unprivileged_on_tty1_and_restarts_on_failure() -> None:
    """GIVEN the unit THEN it runs the launcher as `kiosk` (in dialout) in a logind session on
    tty1, with a private data dir, restarting on failure but not on a refused configuration."""
    unit = _settings(UNIT)
    assert unit["User"] == ["kiosk"] and unit["SupplementaryGroups"] == ["dialout"]
    assert unit["PAMName"] == ["community-kiosk"] and unit["TTYPath"] == ["/dev/tty1"]
    assert unit["Conflicts"] == ["getty@tty1.service"]
    assert unit["ExecStart"][0].startswith("/opt/community-kiosk/bin/kiosk-cage ")
    assert unit["Restart"] == ["on-failure"] and unit["RestartPreventExitStatus"] == ["2"]
    assert float(unit["RestartSec"][0]) >= 1
    assert unit["StateDirectory"] == ["community-kiosk"] and unit["StateDirectoryMode"] == ["0700"]
    assert "QT_QPA_PLATFORM=wayland" in unit["Environment"]
    assert "QT_WAYLAND_DISABLE_WINDOWDECORATION=1" in unit["Environment"]
    assert (DEPLOY / "pam.d" / "community-kiosk").read_text().count("pam_systemd.so") == 1


def test_the_sample_terminal_configuration_is_valid() -> None:
    """GIVEN deploy/kiosk.toml WHEN loaded as a terminal would THEN it validates, with the data
    dir the unit's StateDirectory makes and a real reader and printers (not the demo's)."""
    config = load_config(DEPLOY / "kiosk.toml", env={})
    assert config.data_dir == Path("/var/lib/community-kiosk")
    assert config.key_dir == Path("/etc/community-kiosk/keys")
    assert config.reader.uri.startswith("sam://")
    assert config.printers.a4.startswith("cups://")
    assert config.ui.fullscreen


def test_the_launcher_is_posix_sh() -> None:
    """GIVEN deploy/kiosk-cage THEN dash parses it (Debian's /bin/sh) and it is executable."""
    launcher = DEPLOY / "kiosk-cage"
    assert launcher.stat().st_mode & 0o111
    done = subprocess.run(["dash", "-n", str(launcher)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
