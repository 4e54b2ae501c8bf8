"""Statistics for staff and `kiosk stats`: issuances per category and item, print failures,
reprints, voids, abandoned sessions, call-staff alerts and the 好差评 satisfaction rate (the
share of 非常满意 + 满意 + 基本满意, levels 5, 4 and 3, among all ratings) per item and terminal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kiosk.db.desk import day_after, day_start
from kiosk.db.stats import ABANDONED, RatingCount, StatsRepository, Window
from kiosk.staff.errors import StaffInputError
from kiosk.staff.store import reading

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.catalog import Catalog

UNKNOWN_CATEGORY = "—"


@dataclass(frozen=True)
class Count:
    """A number of issuances under a key (an item or a category) with its name."""

    key: str
    name: str
    count: int


@dataclass(frozen=True)
class Satisfaction:
    """Ratings under a key (an item, a terminal, or "all"), and the share satisfied."""

    key: str
    ratings: int
    satisfied: int

    @property
    def rate(self) -> float | None:
        """satisfied / ratings, or None without ratings."""
        return self.satisfied / self.ratings if self.ratings else None


@dataclass(frozen=True)
class Stats:
    """The statistics of one window (since .. until, both days included)."""

    since: date
    until: date
    terminal_id: str | None
    issued: int
    by_category: tuple[Count, ...]
    by_item: tuple[Count, ...]
    print_failures: int
    reprints: int
    voids: int
    sessions: int
    abandoned: int  # ended by timeout, cancel or card removed without a paper
    abandoned_by_reason: tuple[tuple[str, int], ...]
    staff_calls: int
    satisfaction: Satisfaction
    satisfaction_by_item: tuple[Satisfaction, ...]
    satisfaction_by_terminal: tuple[Satisfaction, ...]

    def csv_rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """Rows of section, key, name, count, satisfied, rate (a header first)."""
        rows = [("section", "key", "name", "count", "satisfied", "rate")]
        rows.append(("issued", "all", "", str(self.issued), "", ""))
        rows += [("category", c.key, c.name, str(c.count), "", "") for c in self.by_category]
        rows += [("item", c.key, c.name, str(c.count), "", "") for c in self.by_item]
        for key, value in (
            ("print_failures", self.print_failures),
            ("reprints", self.reprints),
            ("voids", self.voids),
            ("sessions", self.sessions),
            ("abandoned", self.abandoned),
            ("staff_calls", self.staff_calls),
        ):
            rows.append((key, "all", "", str(value), "", ""))
        rows += [("abandoned", r, "", str(n), "", "") for r, n in self.abandoned_by_reason]
        for section, ratings in (
            ("satisfaction", (self.satisfaction,)),
            ("satisfaction_item", self.satisfaction_by_item),
            ("satisfaction_terminal", self.satisfaction_by_terminal),
        ):
            rows += [
                (section, s.key, "", str(s.ratings), str(s.satisfied), _rate(s)) for s in ratings
            ]
        return rows


def _rate(s: Satisfaction) -> str:
    return "" if s.rate is None else f"{s.rate:.4f}"


def stats(
    sessions: sessionmaker[Session],
    *,
    since: date,
    until: date | None = None,
    terminal_id: str | None = None,
    catalog: Catalog | None = None,
    today: date | None = None,
) -> Stats:
    """The statistics from `since` to `until` (default `today`), both days included; names of
    items and categories from `catalog` (items it no longer has count under "—")."""
    until = until or today or date.today()
    if until < since:
        raise StaffInputError(
            f"--until {until} is before --since {since}", zh="结束日期早于开始日期"
        )
    window = Window(day_start(since), day_after(until), terminal_id)
    with reading(sessions) as session:
        repo = StatsRepository(session)
        by_item = repo.issued_by_item(window)
        failures, reprints, voids = (
            repo.print_failures(window),
            repo.reprints(window),
            repo.voids(window),
        )
        ended = repo.sessions(window)
        calls = repo.staff_calls(window)
        per_item = repo.ratings(window, "item")
        per_terminal = repo.ratings(window, "terminal")
    items, categories = _counts(by_item, catalog)
    abandoned = tuple((r, ended[r][1]) for r in ABANDONED if r in ended)
    return Stats(
        since=since,
        until=until,
        terminal_id=terminal_id,
        issued=sum(by_item.values()),
        by_category=categories,
        by_item=items,
        print_failures=failures,
        reprints=reprints,
        voids=voids,
        sessions=sum(n for n, _ in ended.values()),
        abandoned=sum(n for _, n in abandoned),
        abandoned_by_reason=abandoned,
        staff_calls=calls,
        satisfaction=_overall(per_item),
        satisfaction_by_item=tuple(_satisfaction(r) for r in per_item),
        satisfaction_by_terminal=tuple(_satisfaction(r) for r in per_terminal),
    )


def _counts(
    by_item: dict[str, int], catalog: Catalog | None
) -> tuple[tuple[Count, ...], tuple[Count, ...]]:
    items: list[Count] = []
    categories: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for item_id, count in sorted(by_item.items(), key=lambda kv: (-kv[1], kv[0])):
        name, category, category_name = item_id, UNKNOWN_CATEGORY, "未知分类"
        if catalog is not None and item_id in catalog:
            item = catalog.item(item_id)
            name, category = item.name_zh, item.category
            category_name = catalog.category(category).name_zh
        items.append(Count(item_id, name, count))
        categories.setdefault(category, []).append(count)
        names[category] = category_name
    totals = sorted(((k, sum(v)) for k, v in categories.items()), key=lambda kv: (-kv[1], kv[0]))
    return tuple(items), tuple(Count(k, names[k], n) for k, n in totals)


def _satisfaction(row: RatingCount) -> Satisfaction:
    return Satisfaction(row.key, row.ratings, row.satisfied)


def _overall(rows: list[RatingCount]) -> Satisfaction:
    return Satisfaction("all", sum(r.ratings for r in rows), sum(r.satisfied for r in rows))
