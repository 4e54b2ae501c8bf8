"""CSV import of the community register: validate every row, then upsert by ID number."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from civic.idnumber import has_valid_check, mask_id_number
from kiosk.db.repositories import ResidentData, ResidentRepository
from kiosk.tags import TAGS

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


@dataclass
class ImportReport:
    """What an import did (or would do, with --dry-run)."""

    inserted: int = 0
    updated: int = 0
    rejected: list[str] = field(default_factory=list)  # "line 7: id_number: bad check digit"
    rows: list[ResidentData] = field(default_factory=list)


def valid_id_number(number: str) -> bool:
    """18 ASCII characters with a valid GB 11643 check digit."""
    return has_valid_check(number)


def parse_csv(text: str, today: date | None = None) -> ImportReport:
    """Parse and validate; valid rows go to `rows`, problems to `rejected` with line numbers.

    `today` (default: the real date) is when a birth or registration date becomes "future"."""
    today = today or date.today()
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = tuple(h.strip() for h in reader.fieldnames or ())
    except csv.Error as exc:
        report.rejected.append(f"line 1: not readable as CSV ({exc})")
        return report
    reader.fieldnames = list(header)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        report.rejected.append(f"line 1: missing columns: {', '.join(missing)}")
        return report
    seen: dict[str, int] = {}
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL byte, ...
            report.rejected.append(
                f"line {reader.reader.line_num}: not readable as CSV ({exc}); "
                "the rows after it were not read"
            )
            break
        line = reader.line_num
        problem, data = _row(row, today)
        if problem is None and data is not None and data.id_number in seen:
            problem = f"id_number {mask_id_number(data.id_number)}: duplicate of line {seen[data.id_number]}"
        if problem:
            report.rejected.append(f"line {line}: {problem}")
        elif data is not None:
            seen[data.id_number] = line
            report.rows.append(data)
    return report


def _row(row: dict[str, str | None], today: date) -> tuple[str | None, ResidentData | None]:
    """(problem, None) or (None, data); a problem starts with its column and names the masked ID."""
    v = {k: (row.get(k) or "").strip() for k in COLUMNS}
    problem, data = _parse(v, today)
    if problem and not problem.startswith("id_number") and v["id_number"]:
        problem += f" (id_number {mask_id_number(v['id_number'].upper())})"
    return problem, data


def _parse(v: dict[str, str], today: date) -> tuple[str | None, ResidentData | None]:
    for key in REQUIRED:
        if not v[key]:
            return f"{key}: required", None
    number = v["id_number"].upper()
    masked = mask_id_number(number)
    if not number.isascii():
        return f"id_number {masked}: full-width or other non-ASCII characters (use 0-9 and X)", None
    if not valid_id_number(number):
        return f"id_number {masked}: not 18 characters with a valid check digit", None
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
    unknown = [t for t in tags if t not in TAGS]
    if unknown:
        return (
            f"tags: unknown {', '.join(map(repr, unknown))} (the vocabulary is kiosk/tags.py)",
            None,
        )
    problem = _contradiction(number, sex, dates["birth_date"], dates["registered_since"], today)
    if problem:
        return problem, None
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


def _contradiction(number: str, sex: str, birth: date, since: date, today: date) -> str | None:
    """What the row says against its own ID number (GB 11643: digits 7-14 are the birth date,
    digit 17 is odd for men), or against the calendar."""
    encoded = number[6:14]
    try:
        id_birth = date(int(encoded[:4]), int(encoded[4:6]), int(encoded[6:]))
    except ValueError:
        return f"id_number {mask_id_number(number)}: digits 7-14 are not a date"
    # The birth date is not echoed: with the masked ID it would spell out the whole number.
    if birth != id_birth:
        return "birth_date: contradicts the ID number (its digits 7-14)"
    id_sex = "male" if int(number[16]) % 2 else "female"
    if sex != id_sex:
        return f"sex: {sex} contradicts the ID number (digit 17 says {id_sex})"
    if birth > today:
        return "birth_date: in the future"
    if since > today:
        return f"registered_since: {since.isoformat()} is in the future"
    if since < birth:
        return f"registered_since: {since.isoformat()} is before the birth date"
    return None


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
