"""GB 11643 citizen identity numbers: check character, region, birth date and sex.

The same structure (and check) is used by Hong Kong / Macau / Taiwan residence permits
(810000 / 820000 / 830000) and by the 2023 foreign permanent resident card (leading 9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from card_reader.base import InvalidIdNumberError, Sex
from card_reader.codes import PROVINCES
from civic.idnumber import check_char, mask_id_number


@dataclass(frozen=True)
class IdNumberInfo:
    """What an 18-character number says about its holder."""

    region: str
    birth_date: date
    sequence: int
    sex: Sex


def make_id_number(region: str, birth: date, sequence: int) -> str:
    """Build a valid 18-character number (for emulators, samples and tests)."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)


def parse_id_number(number: str) -> IdNumberInfo:
    """Validate an 18-character number; InvalidIdNumberError (detail masked) if it is wrong."""
    masked = mask_id_number(number)
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        raise InvalidIdNumberError(f"{masked}: not 17 digits and a check character")
    if number[17] != check_char(number[:17]):
        raise InvalidIdNumberError(f"{masked}: check character mismatch")
    region = number[:6]
    if region[0] != "9" and region[:2] not in PROVINCES:
        raise InvalidIdNumberError(f"{masked}: unknown region code")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumberError(f"{masked}: impossible birth date") from None
    if birth.year < 1870:
        raise InvalidIdNumberError(f"{masked}: impossible birth date")
    sequence = int(number[14:17])
    return IdNumberInfo(region, birth, sequence, Sex.MALE if sequence % 2 else Sex.FEMALE)
