"""One row of the register, checked: required fields, the ID number's check digit and ASCII
digits, dates, sex, hukou and tags in the forms the community systems write them, and nothing
that contradicts the ID number or the calendar. Problems name line, column and masked ID."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from civic.idnumber import has_valid_check, mask_id_number, mask_in_text
from kiosk.db.repositories import ResidentData
from kiosk.imports.columns import COLUMNS, REQUIRED
from kiosk.tags import TAGS

SEXES = {
    "男": "male",
    "女": "female",
    "男性": "male",
    "女性": "female",
    "male": "male",
    "female": "female",
}
YES_NO = {
    "yes": True,
    "no": False,
    "是": True,
    "否": False,
    "true": True,
    "false": False,
    "本地": True,
    "外地": False,
    "本社区户籍": True,
    "非本社区户籍": False,
}
TAG_LABELS = {label: tag for tag, (label, _age) in TAGS.items()}
TAG_SEPARATORS = re.compile(r"[;；、,，|/]")
DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


@dataclass(frozen=True)
class Problem:
    """Why one row (or the header) is rejected: line, column, what, and the masked ID."""

    line: int
    field: str  # our field ("" when the whole row is unreadable)
    column: str  # the header as the file spells it
    message: str
    masked_id: str = ""

    def __str__(self) -> str:
        """`line 7: birth_date: contradicts ... (id_number 610202********0008)`."""
        where = self.field
        if self.column and self.column != self.field:
            where += f" «{self.column}»"
        if self.field == "id_number" and self.masked_id:
            return f"line {self.line}: {where} {self.masked_id}: {self.message}"
        text = (
            f"line {self.line}: {where}: {self.message}"
            if where
            else f"line {self.line}: {self.message}"
        )
        if self.masked_id:
            text += f" (id_number {self.masked_id})"
        return text


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates ISO, 3.0 -> "3", None -> "")."""
    if type(value) is str:  # every CSV cell: the fast path (100,000 rows x 16 cells)
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_row(
    line: int, cells: Mapping[str, object], names: Mapping[str, str], today: date
) -> tuple[Problem | None, ResidentData | None]:
    """(problem, None) or (None, data) for one row given as field -> cell."""
    v = {k: cell_text(cells.get(k)) for k in COLUMNS}
    number = v["id_number"].upper()
    masked = mask_id_number(number) if number else ""
    found = _parse(v, cells.get("id_number"), today)
    if isinstance(found, ResidentData):
        return None, found
    field, message = found
    # a value echoed in the message may be someone's ID number (a column shifted): masked
    column = mask_in_text(names.get(field, field))
    return Problem(line, field, column, mask_in_text(message), masked), None


def _parse(v: dict[str, str], raw_id: object, today: date) -> ResidentData | tuple[str, str]:
    """The resident, or (field, message). Long because it is the list of checks, read in order."""
    for key in REQUIRED:
        if not v[key]:
            return key, "required"
    number = v["id_number"].upper()
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        return (
            "id_number",
            "stored as a number in the spreadsheet (its last digits are lost): format the column as text",
        )
    if not number.isascii():
        return "id_number", "full-width or other non-ASCII characters (use 0-9 and X)"
    if not has_valid_check(number):
        return "id_number", "not 18 characters with a valid check digit"
    sex = SEXES.get(v["sex"].lower())
    if sex is None:
        return "sex", f"{v['sex']!r} is not 男/女/male/female"
    dates = {}
    for key in ("birth_date", "registered_since"):
        parsed = parse_date(v[key])
        if parsed is None:
            return key, f"{v[key]!r} is not a date YYYY-MM-DD"
        dates[key] = parsed
    hukou = YES_NO.get(v["hukou_local"].lower())
    if hukou is None:
        return "hukou_local", f"{v['hukou_local']!r} is not yes/no/是/否"
    tags = tuple(sorted({TAG_LABELS.get(t, t) for t in _split_tags(v["tags"])}))
    unknown = [t for t in tags if t not in TAGS]
    if unknown:
        return "tags", f"unknown {', '.join(map(repr, unknown))} (the vocabulary is kiosk/tags.py)"
    problem = _contradiction(number, sex, dates["birth_date"], dates["registered_since"], today)
    if problem:
        return problem
    return ResidentData(
        id_number=number,
        name=v["name"],
        sex=sex,
        birth_date=dates["birth_date"],
        nation=_nation(v["nation"]),
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


def _nation(text: str) -> str | None:
    """汉族 -> 汉 (the register keeps the name without 族; documents add it back)."""
    return (text[:-1] if len(text) > 1 and text.endswith("族") else text) or None


def _split_tags(text: str) -> list[str]:
    return [t.strip() for t in TAG_SEPARATORS.split(text) if t.strip()]


def parse_date(text: str) -> date | None:
    """2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日 or 20260301; None if none of these."""
    for form in DATE_FORMS:
        found = form.match(text)
        if found:
            try:
                return date(*(int(g) for g in found.groups()))
            except ValueError:
                return None
    return None


def _contradiction(
    number: str, sex: str, birth: date, since: date, today: date
) -> tuple[str, str] | None:
    """What the row says against its own ID number (GB 11643: digits 7-14 are the birth date,
    digit 17 is odd for men), or against the calendar."""
    encoded = number[6:14]
    try:
        id_birth = date(int(encoded[:4]), int(encoded[4:6]), int(encoded[6:]))
    except ValueError:
        return "id_number", "digits 7-14 are not a date"
    # The birth date is not echoed: with the masked ID it would spell out the whole number.
    if birth != id_birth:
        return "birth_date", "contradicts the ID number (its digits 7-14)"
    id_sex = "male" if int(number[16]) % 2 else "female"
    if sex != id_sex:
        return "sex", f"{sex} contradicts the ID number (digit 17 says {id_sex})"
    if birth > today:
        return "birth_date", "in the future"
    if since > today:
        return "registered_since", f"{since.isoformat()} is in the future"
    if since < birth:
        return "registered_since", f"{since.isoformat()} is before the birth date"
    return None
