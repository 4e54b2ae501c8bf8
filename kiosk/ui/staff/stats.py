"""统计 for a date range (today, 7 days, 30 days), this terminal or all: issuances per category
and item, print failures, reprints, voids, sessions and the abandoned ones, staff calls, and the
好差评 satisfaction rate overall, per item and per terminal."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.staff.stats import Count, Satisfaction, Stats
from kiosk.ui.staff.parts import check_quietly, choice_row, set_label, slabel, when_on
from kiosk.ui.staff.services import Services, Staff
from kiosk.ui.staff.words import bi

RANGES = {"today": 0, "days7": 6, "days30": 29}
TOTALS = ("issued", "print_failures", "reprints", "voids", "sessions", "abandoned", "staff_calls")
ABANDONED_WORDS = {"timeout": "超时", "cancel": "退出", "card_removed": "取卡"}
TOP = 8  # lines per list


def window(today: date, key: str) -> tuple[date, date]:
    """(since, until) of a range button, both days included."""
    return today - timedelta(days=RANGES[key]), today


def rate_text(satisfaction: Satisfaction) -> str:
    """99.5%（200条）, or — without ratings."""
    rate = satisfaction.rate
    if rate is None:
        return "—（0条 ratings）"
    return f"{rate * 100:.1f}%（{satisfaction.ratings}条 ratings）"


def counts_text(counts: tuple[Count, ...]) -> str:
    """The largest counts, one per line."""
    lines = [f"{c.name}：{c.count}" for c in counts[:TOP]]
    more = len(counts) - TOP
    return "\n".join(lines + ([f"…（+{more}）"] if more > 0 else [])) or "—"


def satisfaction_text(rows: tuple[Satisfaction, ...], names: dict[str, str]) -> str:
    """Per item (or terminal): its rate."""
    lines = [f"{names.get(s.key, s.key)}：{rate_text(s)}" for s in rows[:TOP]]
    return "\n".join(lines) or "—"


def totals(result: Stats) -> dict[str, str]:
    """The headline numbers by key."""
    abandoned = "　".join(f"{ABANDONED_WORDS.get(r, r)}{n}" for r, n in result.abandoned_by_reason)
    return {
        "issued": str(result.issued),
        "print_failures": str(result.print_failures),
        "reprints": str(result.reprints),
        "voids": str(result.voids),
        "sessions": str(result.sessions),
        "abandoned": str(result.abandoned),
        "abandoned_by": f"（{abandoned}）" if abandoned else "",
        "staff_calls": str(result.staff_calls),
    }


class StatsScreen(QWidget):
    """Range buttons and scope; the totals; by category, by item, satisfaction."""

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.range_key = "today"
        self.everywhere = False
        self.result: Stats | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(30, 12, 30, 12)
        controls = QHBoxLayout()
        ranges, self.ranges = choice_row([(k, bi(k, " ")) for k in RANGES], columns=3)
        for key, widget in self.ranges.items():  # toggled: assistive technology toggles too
            widget.toggled.connect(when_on(partial(self.show_range, key)))
        scope, self.scopes = choice_row(
            [("here", bi("this_terminal", " ")), ("all", bi("all_terminals", " "))], columns=2
        )
        for key, widget in self.scopes.items():
            widget.toggled.connect(when_on(partial(self._scope, key == "all")))
        controls.addWidget(ranges, 3)
        controls.addSpacing(40)
        controls.addWidget(scope, 2)
        box.addLayout(controls)
        self.heading = slabel("", "staffTitle")
        box.addWidget(self.heading)
        grid = QGridLayout()
        grid.setHorizontalSpacing(40)
        grid.setVerticalSpacing(16)
        self.numbers: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for index, key in enumerate((*TOTALS, "satisfaction")):
            row, column = divmod(index, 4)
            number = slabel("—", "staffNumber", wrap=False)
            caption = slabel(bi(key, " "), "staffKeyLabel", wrap=False)
            grid.addWidget(number, row * 2, column)
            grid.addWidget(caption, row * 2 + 1, column)
            self.numbers[key], self.captions[key] = number, caption
        box.addLayout(grid)
        box.addSpacing(20)
        lists = QHBoxLayout()
        lists.setSpacing(40)
        self.lists: dict[str, QLabel] = {}
        for key in ("by_category", "by_item", "satisfaction_item", "by_terminal"):
            part = QVBoxLayout()
            heading = bi(key, " · ")
            part.addWidget(slabel(heading, "staffHeading"))
            label = slabel("", "staffInfo", wrap=False)
            part.addWidget(label)
            part.addStretch(1)
            lists.addLayout(part, 1)
            self.lists[key] = label
        box.addLayout(lists, 1)

    def enter(self) -> None:
        """Shown: today's statistics."""
        self.show_range(self.range_key)

    def show_range(self, key: str) -> None:
        """Ask for the statistics of one range."""
        self.range_key = key
        check_quietly(self.ranges[key])
        check_quietly(self.scopes["all" if self.everywhere else "here"])
        since, until = window(self.staff.now().date(), key)
        everywhere = self.everywhere

        def work(services: Services) -> tuple[Stats, dict[str, str]]:
            from kiosk.staff.stats import stats

            result = stats(
                services.core.sessions,
                since=since,
                until=until,
                terminal_id=None if everywhere else services.terminal_id,
                catalog=services.core.catalog,
            )
            names = {s.key: services.item_name(s.key) for s in result.satisfaction_by_item}
            return result, names

        self.staff.run(work, lambda found: self.show_stats(*found))

    def show_stats(self, result: Stats, names: dict[str, str]) -> None:
        """Draw one window's statistics."""
        self.result = result
        scope = bi("all_terminals" if result.terminal_id is None else "this_terminal", " ")
        set_label(
            self.heading,
            f"{result.since:%Y-%m-%d} 至 to {result.until:%Y-%m-%d}　{scope}"
            + (f"　{result.terminal_id}" if result.terminal_id else ""),
        )
        numbers = totals(result)
        for key in TOTALS:
            set_label(self.numbers[key], numbers[key])
        set_label(self.captions["abandoned"], bi("abandoned", " ") + numbers["abandoned_by"])
        rate = result.satisfaction.rate
        set_label(self.numbers["satisfaction"], "—" if rate is None else f"{rate * 100:.1f}%")
        ratings = f"（{result.satisfaction.ratings}条 ratings）"
        set_label(self.captions["satisfaction"], bi("satisfaction", " ") + ratings)
        set_label(self.lists["by_category"], counts_text(result.by_category))
        set_label(self.lists["by_item"], counts_text(result.by_item))
        set_label(
            self.lists["satisfaction_item"], satisfaction_text(result.satisfaction_by_item, names)
        )
        set_label(self.lists["by_terminal"], satisfaction_text(result.satisfaction_by_terminal, {}))

    def _scope(self, everywhere: bool) -> None:
        self.everywhere = everywhere
        self.show_range(self.range_key)
