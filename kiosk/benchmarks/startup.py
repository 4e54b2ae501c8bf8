"""Cold start and memory of the kiosk, each measured in a fresh process (as a terminal boots)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk.bench import Measurement
from kiosk.config import Config

# Runs in the child: build everything, show the window, play one session if asked; report.
CHILD = r"""
import json, resource, sys
from datetime import date
from kiosk.config import load_config
from kiosk.app import build_core
from kiosk.ui.launch import qt_app, start_kiosk
from kiosk.demo import wait_until, seed, featured_residents, sim_hand, play_script
from card_reader.registry import open_reader
from pathlib import Path
config = load_config()
core = build_core(config, migrate=True, create_key=True)
seed(core)
app = qt_app()
reader = open_reader("sim://")
running = start_kiosk(core, reader, voice=False)
running.window.resize(1600, 1000)
running.window.show()
wait_until(lambda: running.window.isVisible() and running.window.stack.currentWidget().isVisible(), 10)
if sys.argv[1] == "session":
    play_script(running, sim_hand(reader), featured_residents(core)[0], Path(config.data_dir) / "shots")
running.stop()
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rss_mb": rss_mb}))
"""


def _child(mode: str, data_dir: Path) -> dict[str, float]:
    env = dict(os.environ, KIOSK_PATHS_DATA_DIR=str(data_dir), KIOSK_UI_VOICE="false")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    elapsed = (time.perf_counter() - start) * 1000
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"elapsed_ms": elapsed, "rss_mb": report["rss_mb"]}


def _measure(name: str, mode: str, field: str, unit: str, runs: int, note: str) -> Measurement:
    """Median (and worst, reported as p99) of `runs` child processes after one warm-up run
    that seeds the register and creates the key."""
    with tempfile.TemporaryDirectory() as tmp:
        _child("start", Path(tmp))
        values = sorted(_child(mode, Path(tmp))[field] for _ in range(runs))
    return Measurement(name, statistics.median(values), unit, p99=values[-1], note=note)


def kiosk_cold_start(config: Config) -> Measurement:
    """Process start to the first screen shown (database, catalogue, fonts, key, printers, Qt)."""
    return _measure(
        "kiosk_cold_start",
        "start",
        "elapsed_ms",
        "ms",
        5,
        "python start to first screen, offscreen, warm disk cache; p99 = worst of 5",
    )


def kiosk_session_rss(config: Config) -> Measurement:
    """Peak resident memory of a kiosk process that served one complete session (A4 certificate)."""
    return _measure(
        "kiosk_session_rss",
        "session",
        "rss_mb",
        "MB",
        3,
        "peak RSS after card, menu, certificate, print; p99 = worst of 3",
    )
