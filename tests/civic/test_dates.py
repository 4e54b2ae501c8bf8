"""civic.dates: dates as Chinese documents write them."""

from __future__ import annotations

from datetime import date

import pytest

from civic.dates import cn_date


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 3, 1), "2026年3月1日"),
        (date(2026, 11, 25), "2026年11月25日"),
        (date(1949, 10, 1), "1949年10月1日"),
    ],
)
def test_cn_date_has_no_leading_zeros(day: date, text: str) -> None:
    assert cn_date(day) == text
