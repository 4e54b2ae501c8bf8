"""Fixtures for the lawful-papers tests: a kiosk Core on the demo register, fixed clocks, a
broken-copy maker for catalog.yaml, and the poppler tools."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.app import Core, build_core
from kiosk.config import Config, load_config
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import generate_residents
from kiosk.residents import ResidentRecord

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "catalog.yaml"
NOW = datetime(2026, 12, 1, 9, 30)
HOME = "红旗街社区"  # the demo terminal's community


def make_config(data_dir: Path, **env: str) -> Config:
    """Embedded defaults in `data_dir` (SQLite, file printers); env adds KIOSK_* overrides."""
    values = {"KIOSK_PATHS_DATA_DIR": str(data_dir), "KIOSK_UI_VOICE": "false", **env}
    return load_config(None, env=values)


class Clock:
    """A settable clock for the issuer and the review service."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def seeded_core(data_dir: Path, clock: Clock, **env: str) -> Core:
    """A Core on the 600 demo residents whose issuer and clock are `clock`."""
    config = make_config(data_dir, **env)
    core = build_core(config, migrate=True, create_key=True, printers=False)
    with core.sessions.begin() as session:
        repo = ResidentRepository(session)
        for person in generate_residents():
            repo.upsert(person, NOW)
    core.issuer.clock = clock
    return core


@pytest.fixture
def clock() -> Clock:
    """Now is 2026-12-01 09:30 until a test moves it."""
    return Clock()


@pytest.fixture
def core(tmp_path: Path, clock: Clock) -> Iterator[Core]:
    """A fresh Core on the demo register (its own SQLite file and key)."""
    built = seeded_core(tmp_path / "data", clock)
    yield built
    built.close()


@pytest.fixture
def residents(core: Core) -> list[ResidentRecord]:
    """The 600 demo residents as the register holds them."""
    with core.sessions() as session:
        return ResidentRepository(session).sample(600)


def first(people: list[ResidentRecord], test: Callable[[ResidentRecord], bool]) -> ResidentRecord:
    """The first resident passing `test`."""
    return next(p for p in people if test(p))


def home(person: ResidentRecord) -> bool:
    """Registered in the terminal's community for years."""
    return person.community == HOME and person.registered_since.year < 2025


@pytest.fixture
def broken(tmp_path: Path) -> Callable[[str, str], Path]:
    """A copy of catalog.yaml with one exact text replaced."""

    def make(old: str, new: str) -> Path:
        text = CATALOG.read_text(encoding="utf-8")
        assert old in text, old
        path = tmp_path / "catalog.yaml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return make


def need_tools() -> None:
    """Skip (loudly) without poppler-utils."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext missing (apt-get install poppler-utils)")


def pdf_lines(pdf: bytes, tmp_path: Path, name: str = "doc") -> list[str]:
    """The lines of text pdftotext -layout reads from every page."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()


def flat(lines: list[str]) -> str:
    """The text without any whitespace."""
    return re.sub(r"\s+", "", "".join(lines))


def with_terminal(core: Core, **changes: str) -> Config:
    """The core's config with terminal fields changed."""
    return replace(core.config, terminal=replace(core.config.terminal, **changes))
