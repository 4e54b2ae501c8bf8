"""Fixtures for the forms tests: fonts, a signing key, rendered documents, the poppler/zbar tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from forms.document import Document
from forms.fonts import FontSet, load_fonts
from forms.keys import SigningKey
from forms.render import render
from tests.forms import samples

TOOLS = ("pdffonts", "pdftotext", "pdftoppm", "zbarimg")


def need_tools() -> None:
    """Skip (loudly) if poppler-utils or zbar-tools are missing."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(
            f"missing tools: {', '.join(missing)} (apt-get install poppler-utils zbar-tools)"
        )


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    """The registered CJK fonts."""
    return load_fonts()


@pytest.fixture(scope="session")
def key() -> SigningKey:
    """An in-memory signing key."""
    return SigningKey.generate_ephemeral()


@pytest.fixture(scope="session")
def documents(key: SigningKey) -> dict[str, Document]:
    """One signed Document per layout/paper."""
    return {
        "certificate": samples.signed(samples.certificate(), key),
        "form": samples.signed(samples.form(), key),
        "slip80": samples.signed(samples.slip("slip80"), key),
        "slip58": samples.signed(samples.slip("slip58"), key),
    }


@pytest.fixture(scope="session")
def pdfs(documents: dict[str, Document], fonts: FontSet, tmp_path_factory) -> dict[str, Path]:
    """Each document rendered to a file."""
    out = tmp_path_factory.mktemp("pdfs")
    paths = {}
    for name, doc in documents.items():
        path = out / f"{name}.pdf"
        path.write_bytes(render(doc, fonts))
        paths[name] = path
    return paths


def run(*args: str | Path) -> str:
    """Run a tool and return its stdout (stderr is discarded: zbar prints noise there)."""
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"{args[0]} failed: {result.stderr[-500:]}"
    return result.stdout


def scan_qr(pdf: Path, dpi: int) -> list[str]:
    """Rasterise page 1 with pdftoppm and decode QR codes with zbarimg."""
    prefix = pdf.with_suffix(f".{dpi}")
    run("pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", pdf, prefix)
    result = subprocess.run(
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", f"{prefix}.png"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return [line for line in result.stdout.splitlines() if line.strip()]
