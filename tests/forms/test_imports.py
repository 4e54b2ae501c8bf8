"""Importing the forms library loads no PDF renderer: pdfium is loaded when a PDF is read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_importing_forms_does_not_load_pdfium() -> None:
    """GIVEN a fresh interpreter WHEN every forms module is imported and a PDF rendered THEN
    pypdfium2 is not loaded; WHEN a preview is made THEN it is."""
    probe = """
import sys
import forms, forms.render, forms.preview, forms.verify, forms.keys, forms.fonts, forms.pdf
from tests.forms import samples
pdf = forms.render.render(samples.slip())
print("pypdfium2" in sys.modules)
forms.preview.render_preview(pdf, dpi=30)
print("pypdfium2" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]
