"""Regenerate docs/img/{certificate,form,slip80}.png for the README:
`.venv/bin/python -m tests.forms.make_images` (needs pdftoppm)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from forms.keys import SigningKey
from forms.render import render
from tests.forms import samples

OUT = Path(__file__).resolve().parents[2] / "docs" / "img"
PICTURES = {  # name -> (document factory, dpi)
    "certificate": (samples.certificate, 80),
    "form": (samples.form, 60),
    "slip80": (samples.slip, 110),
}


def main() -> None:
    """Render each layout with a throwaway key and rasterise its first page."""
    OUT.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate_ephemeral()
    with tempfile.TemporaryDirectory() as tmp:
        for name, (factory, dpi) in PICTURES.items():
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(render(samples.signed(factory(), key)))
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile",
                 str(pdf), str(OUT / name)],
                check=True,
            )  # fmt: skip
            print(OUT / f"{name}.png", (OUT / f"{name}.png").stat().st_size)


if __name__ == "__main__":
    main()
