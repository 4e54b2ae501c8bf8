"""CSV import of the community register: validate every row, then upsert by ID number."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from card_reader.base import mask_id_number
from card_reader.idnumber import check_char
from kiosk.db.repositories import ResidentData, ResidentRepository

COLUMNS = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "nation",
    "phone",
    "address",
    "community",
    "grid",
    "building",
    "unit",
    "room",
    "household_id",
    "hukou_local",
    "registered_since",
    "tags",
)
REQUIRED = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "address",
    "community",
    "grid",
    "household_id",
    "hukou_local",
    "registered_since",
)
SEXES = {"男": "male", "女": "female", "male": "male", "female": "female"}
YES_NO = {"yes": True, "no": False, "是": True, "否": False, "true": True, "false": False}
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


@dataclass
class ImportReport:
    """What an import did (or would do, with --dry-run)."""

    inserted: int = 0
    updated: int = 0
    rejected: list[str] = field(default_factory=list)  # "line 7: id_number: bad check digit"
    rows: list[ResidentData] = field(default_factory=list)


def valid_id_number(number: str) -> bool:
    """18 characters with a valid GB 11643 check digit."""
    return bool(ID_PATTERN.match(number)) and check_char(number[:17]) == number[17]


def parse_csv(text: str) -> ImportReport:
    """Parse and validate; valid rows go to `rows`, problems to `rejected` with line numbers."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = tuple(h.strip() for h in reader.fieldnames or ())
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        report.rejected.append(f"line 1: missing columns: {', '.join(missing)}")
        return report
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        problem, data = _row(row)
        if problem is None and data is not None and data.id_number in seen:
            problem = f"id_number: duplicate of line {seen[data.id_number]}"
        if problem:
            report.rejected.append(f"line {line}: {problem}")
        elif data is not None:
            seen[data.id_number] = line
            report.rows.append(data)
    return report


def _row(row: dict[str, str | None]) -> tuple[str | None, ResidentData | None]:
    v = {k: (row.get(k) or "").strip() for k in COLUMNS}
    for key in REQUIRED:
        if not v[key]:
            return f"{key}: required", None
    number = v["id_number"].upper()
    if not valid_id_number(number):
        return (
            f"id_number {mask_id_number(number)}: not 18 characters with a valid check digit",
            None,
        )
    sex = SEXES.get(v["sex"].lower())
    if sex is None:
        return f"sex: {v['sex']!r} is not 男/女/male/female", None
    dates = {}
    for key in ("birth_date", "registered_since"):
        try:
            dates[key] = date.fromisoformat(v[key])
        except ValueError:
            return f"{key}: {v[key]!r} is not a date YYYY-MM-DD", None
    hukou = YES_NO.get(v["hukou_local"].lower())
    if hukou is None:
        return f"hukou_local: {v['hukou_local']!r} is not yes/no/是/否", None
    tags = tuple(sorted({t.strip() for t in v["tags"].split(";") if t.strip()}))
    return None, ResidentData(
        id_number=number,
        name=v["name"],
        sex=sex,
        birth_date=dates["birth_date"],
        nation=v["nation"] or None,
        phone=v["phone"] or None,
        address=v["address"],
        community=v["community"],
        grid=v["grid"],
        building=v["building"] or None,
        unit=v["unit"] or None,
        room=v["room"] or None,
        household_id=v["household_id"],
        hukou_local=hukou,
        registered_since=dates["registered_since"],
        tags=tags,
    )


def import_residents(repo: ResidentRepository, report: ImportReport, now: datetime) -> ImportReport:
    """Upsert the report's valid rows, counting inserts and updates."""
    for data in report.rows:
        if repo.upsert(data, now):
            report.inserted += 1
        else:
            report.updated += 1
    return report


def write_csv(path: Path, people: list[ResidentData]) -> None:
    """Write residents in the import format (used for the demo file and tests)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for p in people:
            writer.writerow(
                [
                    p.id_number,
                    p.name,
                    "男" if p.sex == "male" else "女",
                    p.birth_date.isoformat(),
                    p.nation or "",
                    p.phone or "",
                    p.address,
                    p.community,
                    p.grid,
                    p.building or "",
                    p.unit or "",
                    p.room or "",
                    p.household_id,
                    "是" if p.hukou_local else "否",
                    p.registered_since.isoformat(),
                    ";".join(p.tags),
                ]
            )
