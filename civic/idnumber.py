"""GB 11643 identity numbers at their simplest: the check character and the masked form."""

from __future__ import annotations

import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The GB 11643 check character for 17 ASCII digits (ValueError otherwise)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def has_valid_check(number: str) -> bool:
    """True for 18 characters: 17 ASCII digits and the right check character (X upper case)."""
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    return check_char(number[:17]) == number[17]


def mask_id_number(number: str | None) -> str:
    """610202********4321: first 6 and last 4 kept (numbers of 10 or fewer: first 2, last 2;
    of 4 or fewer: nothing).

    The one masking rule for screens, logs and paper."""
    if not number:
        return ""
    text = number.strip().upper()
    if len(text) <= 4:  # too short to keep any of it: "李建国" must not come back whole
        return "*" * len(text)
    if len(text) <= 10:
        return text[:2] + "*" * (len(text) - 4) + text[-2:]
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def mask_in_text(text: str) -> str:
    """`text` with every 18-character ID number in it masked (log lines, tracebacks)."""
    return _IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
