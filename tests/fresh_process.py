"""Run a snippet in a fresh interpreter at the repository's root (for what is process-wide:
reportlab's font registry, PySide6's import hook) and read the JSON it prints last."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def probe_json(code: str, *args: str, timeout: float = 120) -> object:
    """The JSON value on the last line the snippet printed (CalledProcessError if it failed)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
