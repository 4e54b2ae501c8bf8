"""Importing the printer library loads no PDF renderer: pdfium is loaded when a slip is rasterised."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_importing_printer_does_not_load_pdfium() -> None:
    """GIVEN a fresh interpreter WHEN every printer module is imported THEN pypdfium2 is not
    loaded; WHEN a slip is rasterised THEN it is."""
    probe = """
import sys
import printer, printer.registry, printer.raster, printer.escpos, printer.file, printer.cups
import printer.testpage, printer.pdf
print("pypdfium2" in sys.modules)
from printer.raster import rasterize
from printer.testpage import render_test_page
rasterize(render_test_page("slip80"), 576)
print("pypdfium2" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]
