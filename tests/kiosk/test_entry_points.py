"""`kiosk demo` on a machine with no display, and `kiosk run`'s refusals: what an installer sees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _kiosk(
    *args: str, data: Path, timeout: float = 180, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    environ.update(KIOSK_PATHS_DATA_DIR=str(data), KIOSK_UI_VOICE="false", **env)
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environ,
    )


def test_headless_demo_plays_a_session_and_says_where_the_paper_is(tmp_path: Path) -> None:
    """GIVEN no DISPLAY WHEN `kiosk demo` THEN it says so, seeds the register, prints a residence
    certificate to the file printer and lists the PDF and one screenshot per screen."""
    proc = _kiosk("demo", data=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "DISPLAY" in out and "seeded 600 demo residents" in out
    pdf = Path(next(line for line in out.splitlines() if line.startswith("PDF: "))[5:])
    assert pdf.exists() and pdf.parent == tmp_path / "printed"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "张秀兰" in text and "610202********0024" in text.replace(" ", "")
    shots = [Path(line[12:]) for line in out.splitlines() if line.startswith("screenshot: ")]
    assert [s.stem.split("-", 1)[1] for s in shots] == [
        "waiting",
        "menu",
        "category",
        "item",
        "confirm",
        "printing",
        "done",
        "rating",
        "card_left",
    ]
    assert all(s.stat().st_size > 10_000 for s in shots)
    assert "Traceback" not in proc.stderr


def test_run_refuses_without_a_signing_key(tmp_path: Path) -> None:
    """GIVEN a fresh terminal WHEN `kiosk run` THEN one clear line names `kiosk keys request`, exit 2."""
    proc = _kiosk("run", data=tmp_path, timeout=60, QT_QPA_PLATFORM="offscreen")
    assert proc.returncode == 2
    assert "kiosk keys request" in proc.stderr and "Traceback" not in proc.stderr


def test_run_refuses_a_broken_catalogue(tmp_path: Path) -> None:
    """GIVEN a catalogue with an error WHEN `kiosk run` THEN it refuses to start, naming the line."""
    broken = tmp_path / "catalog.yaml"
    original = (Path(__file__).resolve().parents[2] / "catalog.yaml").read_text(encoding="utf-8")
    broken.write_text(
        original.replace("category: residence", "category: nowhere", 1), encoding="utf-8"
    )
    proc = _kiosk(
        "run",
        data=tmp_path,
        timeout=60,
        QT_QPA_PLATFORM="offscreen",
        KIOSK_PATHS_CATALOG=str(broken),
    )
    assert proc.returncode == 2
    assert "catalog.yaml:" in proc.stderr and "nowhere" in proc.stderr
    assert "Traceback" not in proc.stderr
