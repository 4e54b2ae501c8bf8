"""Dates as Chinese documents write them."""

from __future__ import annotations

from datetime import date


def cn_date(day: date) -> str:
    """2026年3月1日: no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"
