"""README screenshots: the scripted demo session in a real X window under Xvfb.

Usage: .venv/bin/python tools/screenshots.py [OUT_DIR]   (default docs/img)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
WANTED = {
    "01-waiting": "screen-waiting",
    "03-category": "screen-menu",
    "04-item": "screen-item",
    "06-done": "screen-done",
}


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    display = ":97"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
    try:
        time.sleep(1.0)
        with tempfile.TemporaryDirectory() as data:
            env = dict(
                os.environ, DISPLAY=display, KIOSK_PATHS_DATA_DIR=data, KIOSK_UI_VOICE="false"
            )
            env.pop("QT_QPA_PLATFORM", None)
            shots = Path(data) / "shots"
            subprocess.run(
                [
                    str(ROOT / ".venv" / "bin" / "kiosk"),
                    "demo",
                    "--script",
                    "--no-panel",
                    "--out",
                    str(shots),
                ],
                env=env,
                check=True,
                timeout=300,
            )
            for path in sorted(shots.glob("*.png")):
                name = WANTED.get(path.stem)
                if name:
                    target = out / f"{name}.png"
                    with Image.open(path) as image:
                        size = (1200, round(image.height * 1200 / image.width))
                        image.resize(size, Image.Resampling.LANCZOS).save(target)
                    print(target)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
