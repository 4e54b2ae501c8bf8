"""Catalogue completeness: every enabled item issues a real PDF for some demo resident.

No missing placeholder, nothing off the page (the layouts raise LayoutOverflowError), every font
embedded, and the full ID number printed only where a template asks for it.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.app import build_core
from kiosk.config import Config
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import generate_residents


def answers(item, today: date) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What a resident would tap for each required question."""
    values = {}
    for spec in item.inputs:
        if not spec.required:
            continue
        if spec.type == "choice":
            values[spec.id] = spec.choices[0].id
        elif spec.type == "yesno":
            values[spec.id] = "yes"
        elif spec.type == "number":
            values[spec.id] = str(spec.min if spec.min is not None else 1)
        elif spec.type == "date":
            values[spec.id] = today.isoformat() if spec.max in (None, "today") else str(spec.max)
        else:
            values[spec.id] = "社区服务"
    return values


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.kiosk.conftest import make_config

    config: Config = make_config(tmp_path_factory.mktemp("items"))
    core = build_core(config, migrate=True, create_key=True, printers=False)
    with core.sessions.begin() as session:
        repo = ResidentRepository(session)
        for person in generate_residents():
            repo.upsert(person, datetime(2026, 1, 2))
    yield core
    core.close()


def test_every_enabled_item_issues_a_pdf(core, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the demo register WHEN each item is issued for its first eligible resident
    THEN a PDF comes out with embedded fonts and the resident's name, and no item lacks a resident."""
    today = date.today()
    with core.sessions() as session:
        residents = ResidentRepository(session).sample(600)
    nobody = []
    for item in core.catalog.items:
        resident = next(
            (r for r in residents if item.check_eligibility(r, today, "resident").eligible), None
        )
        if resident is None:
            nobody.append(item.id)
            continue
        issued = core.issuer.issue(resident, item, answers(item, today))
        path = tmp_path / f"{item.id}.pdf"
        path.write_bytes(issued.pdf)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
        rows = fonts.stdout.splitlines()[2:]
        assert rows and all(" yes " in row for row in rows), (item.id, fonts.stdout)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        )
        flat = text.stdout.replace(" ", "").replace("\n", "")
        assert resident.name in flat, item.id
        if "{id_number}" not in (item.body or ""):
            assert resident.id_number not in flat, item.id
    assert nobody == [], f"items no demo resident may have: {nobody}"
