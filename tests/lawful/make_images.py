"""Regenerate the README's pictures from real items as a resident gets them:
`.venv/bin/python -m tests.lawful.make_images [--contact-sheet DIR]` (needs pdftoppm).

A throwaway kiosk (its own data dir and demo key) on the demo register issues, through the
real issuer, for 张秀兰 (83, 红旗街社区): the residence certificate (record, sealed), the old-age
allowance form, and the 健在证明 告知单 on an 80 mm slip; and for a registered volunteer the
志愿服务记录证明 application (review: 待审核, unsealed). With --contact-sheet every item of the
catalogue is rendered for the first demo resident who may have it, one PNG per page, so a
person can look at each.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from kiosk.app import Core
from kiosk.db.repositories import ResidentRepository
from kiosk.residents import ResidentRecord

from .conftest import HOME, Clock, seeded_core
from .test_domain import answers

OUT = Path(__file__).resolve().parents[2] / "docs" / "img"
NOW = datetime(2026, 12, 1, 9, 41, 7)


def rasterise(pdf: bytes, target: Path, dpi: int, *, first_only: bool = True) -> list[Path]:
    """pdftoppm the PDF to `target`.png (first page) or `target`-N.png (every page)."""
    source = target.with_suffix(".pdf")
    source.write_bytes(pdf)
    pages = ["-f", "1", "-l", "1", "-singlefile"] if first_only else []
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", *pages, str(source), str(target)], check=True
    )
    source.unlink()
    return sorted(target.parent.glob(f"{target.name}*.png"))


def readme_pictures(core: Core, people: list[ResidentRecord]) -> None:
    """docs/img/{certificate,form,slip80,review}.png."""
    zhang = next(p for p in people if p.name == "张秀兰")
    volunteer = next(p for p in people if p.community == HOME and "volunteer" in p.tags)
    catalog, issuer = core.catalog, core.issuer
    pictures = {
        "certificate": (issuer.issue(zhang, catalog.item("residence_certificate"), {"purpose": "school"}), 80),
        "form": (issuer.issue(zhang, catalog.item("senior_allowance"), {}), 60),
        "slip80": (issuer.issue(zhang, catalog.item("proof_of_life_notice"), {}), 110),
        "review": (issuer.issue(volunteer, catalog.item("volunteer_service_certificate"), {}), 60),
    }  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (issued, dpi) in pictures.items():
        for png in rasterise(issued.pdf, OUT / name, dpi):
            print(png, png.stat().st_size, issued.serial, issued.record.item_id)


def contact_sheet(core: Core, people: list[ResidentRecord], out: Path) -> None:
    """Every item for the first demo resident who may have it, every page as a PNG."""
    out.mkdir(parents=True, exist_ok=True)
    today = core.issuer.clock().date()
    for item in core.catalog.items:
        eligible = [p for p in people if item.check_eligibility(p, today).eligible]
        person = next(
            (p for p in eligible if p.community == HOME), eligible[0] if eligible else None
        )
        if person is None:
            print("nobody may have", item.id)
            continue
        issued = core.issuer.issue(person, item, answers(item, today))
        for png in rasterise(issued.pdf, out / item.id, 50, first_only=False):
            print(png)


def main() -> None:
    """Build the throwaway kiosk, then the pictures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contact-sheet", type=Path, metavar="DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        core = seeded_core(Path(tmp) / "data", Clock(NOW))
        try:
            with core.sessions() as session:
                people = ResidentRepository(session).sample(600)
            readme_pictures(core, people)
            if args.contact_sheet:
                contact_sheet(core, people, args.contact_sheet)
        finally:
            core.close()


if __name__ == "__main__":
    main()
