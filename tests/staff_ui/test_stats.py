"""统计 on the touch screen against sessions, papers, ratings and calls the test made."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from .conftest import Staffed, accessible_press, click
from .helpers import issue

pytestmark = pytest.mark.slow  # the whole kiosk, worker and window per test (~2 s)


def test_statistics_count_the_known_sessions_today_and_this_week(staffed: Staffed) -> None:
    """GIVEN today three certificates, four sessions (two done, one timed out, one card taken),
    four ratings (5, 4, 3 and 1) and a call for staff, and a session two days ago WHEN staff
    open 统计 THEN today shows 3 issued (by item and category), 4 sessions, 2 abandoned (超时1
    取卡1), 1 call and 75.0% satisfied; 近7天 counts the older session too."""
    papers = [issue(staffed) for _ in range(3)]
    core = staffed.core
    now = datetime.now()

    def visits() -> None:
        for reason, issued in (("done", 1), ("done", 1), ("timeout", 0), ("card_removed", 0)):
            core.log_session(now - timedelta(minutes=5), now, reason, issued)
        core.log_session(now - timedelta(days=2), now - timedelta(days=2), "cancel", 0)
        for paper, level in zip(papers, (5, 4, 3), strict=True):
            core.rate("residence_certificate", paper.serial, level, ())
        core.rate("residence_certificate", None, 1, ("waited",))
        core.call_staff("menu")

    staffed.on_worker(visits)
    staffed.add_staff()
    staffed.sign_in()
    click(staffed.qtbot, staffed.layer.home.tiles["stats"])
    staffed.wait_idle()
    screen = staffed.layer.stats
    numbers = {key: label.text() for key, label in screen.numbers.items()}
    assert numbers == {
        "issued": "3",
        "print_failures": "0",
        "reprints": "0",
        "voids": "0",
        "sessions": "4",
        "abandoned": "2",
        "staff_calls": "1",
        "satisfaction": "75.0%",
    }
    assert "超时1" in screen.captions["abandoned"].text()
    assert "取卡1" in screen.captions["abandoned"].text()
    assert "（4条 ratings）" in screen.captions["satisfaction"].text()
    name = core.catalog.item("residence_certificate").name_zh
    assert f"{name}：3" in screen.lists["by_item"].text()
    category = core.catalog.category(core.catalog.item("residence_certificate").category)
    assert f"{category.name_zh}：3" in screen.lists["by_category"].text()
    assert "75.0%（4条 ratings）" in screen.lists["satisfaction_item"].text()
    assert core.config.terminal.id in screen.lists["by_terminal"].text()
    accessible_press(staffed.qtbot, screen.ranges["days7"])
    staffed.wait_idle()
    assert screen.numbers["sessions"].text() == "5" and screen.numbers["abandoned"].text() == "3"
    since = (now - timedelta(days=6)).date()
    assert f"{since:%Y-%m-%d} 至 to {now:%Y-%m-%d}" in screen.heading.text()
    click(staffed.qtbot, screen.scopes["all"])
    staffed.wait_idle()
    assert "全部终端" in screen.heading.text() and screen.numbers["sessions"].text() == "5"
