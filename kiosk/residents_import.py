"""The register in our own CSV layout: `parse_csv` (checks text already in memory) and
`write_csv` (the demo file). Files as the community systems export them go through
kiosk.imports (`kiosk residents import`), which does the same checks, streamed."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from civic.idnumber import has_valid_check
from kiosk.db.repositories import ResidentData
from kiosk.imports import COLUMNS, ImportOptions, import_rows, text_source

__all__ = ["COLUMNS", "ImportReport", "parse_csv", "valid_id_number", "write_csv"]


@dataclass
class ImportReport:
    """What parsing found: the valid rows and one line per rejected row."""

    rejected: list[str] = field(default_factory=list)  # "line 7: id_number ...: bad check digit"
    rows: list[ResidentData] = field(default_factory=list)


def valid_id_number(number: str) -> bool:
    """18 ASCII characters with a valid GB 11643 check digit."""
    return has_valid_check(number)


def parse_csv(text: str, today: date | None = None) -> ImportReport:
    """Check CSV text; valid rows go to `rows`, problems to `rejected` with line numbers.

    `today` (default: the real date) is when a birth or registration date becomes "future"."""
    report = ImportReport()
    import_rows(
        text_source(text),
        ImportOptions(dry_run=True, today=today),
        None,
        datetime.now(),
        on_problem=lambda problem: report.rejected.append(str(problem)),
        on_valid=report.rows.append,
    )
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
