"""Benchmarks of the whole issuing path: serial + record + sign + render, on a scratch database."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from kiosk.bench import Measurement, time_ms
from kiosk.config import Config, DatabaseConfig


def scratch_config(config: Config, folder: Path) -> Config:
    """The same terminal and catalogue, with data, keys and a SQLite file in `folder`."""
    paths = replace(config.paths, data_dir=str(folder), key_dir=str(folder / "keys"))
    return replace(
        config, paths=paths, database=DatabaseConfig(url=f"sqlite:///{folder / 'bench.sqlite3'}")
    )


def render_residence_certificate(config: Config) -> Measurement:
    """`kiosk render residence_certificate` minus process start-up: serial, record, sign, A4 PDF."""
    from kiosk.app import build_core
    from kiosk.db.repositories import ResidentRepository
    from kiosk.demo_data import seed_demo

    with tempfile.TemporaryDirectory() as tmp:
        core = build_core(
            scratch_config(config, Path(tmp)), migrate=True, create_key=True, printers=False
        )
        with core.sessions.begin() as session:
            repo = ResidentRepository(session)
            seed_demo(repo, datetime.now(), count=50)
            resident = repo.sample(1)[0]
        item = core.catalog.item("residence_certificate")
        issuer = core.issuer
        assert issuer is not None
        median, p99 = time_ms(
            lambda: issuer.issue(resident, item, {"purpose": "子女入学"}), repeat=40
        )
        core.close()
    return Measurement(
        "render_residence_certificate", median, "ms", p99=p99, note="SQLite; record, sign, render"
    )
