"""A short soak for `make test` (issue 14, B.5): the same run as `kiosk bench --soak` (the real
kiosk and window, the SAM reader and ESC/POS printer emulators on ptys, the file printer), 300
sessions instead of 10,000. Asserted: every session ends at the attract screen with nothing of
the resident on it, nothing is logged as an error, and the open file descriptors and threads
after session 300 are those after session 100. Memory is left to the long run (its growth over
a few hundred sessions is mostly warm-up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.benchmarks.soak import soak
from kiosk.benchmarks.soak_visit import SCENARIOS, Visit
from tests.kiosk.conftest import make_config
from tests.reliability.privacy_scan import texts_on_screen

pytestmark = [pytest.mark.slow, pytest.mark.stacks]

SESSIONS = 300


def test_three_hundred_sessions_end_clean_with_descriptors_and_threads_flat(
    tmp_path: Path,
) -> None:
    """GIVEN the real kiosk on the demo register WHEN 300 visits go every way a visit goes (30
    of each scenario, 30 papers printed: A4 and slips) THEN after each the attract screen shows,
    none of her words (name, masked number) are on screen, no error was logged or raised, and
    descriptors and threads at session 300 equal those at session 100."""
    ended: list[str] = []

    def after(visit: Visit, n: int) -> None:
        who = visit.last
        assert who is not None
        shown = texts_on_screen(visit.running.window)
        if (who.card.name or "?") in shown or who.card.masked_id in shown:
            ended.append(f"session {n}: her name or number still on screen")
        if visit.running.session.step != "waiting":
            ended.append(f"session {n}: at {visit.running.session.step}")

    result = soak(
        make_config(tmp_path / "unused"),
        sessions=SESSIONS,
        checkpoints=(100, 300),
        after_session=after,
    )
    assert ended == []
    assert result.errors == ()
    assert result.printed == SESSIONS // len(SCENARIOS)
    at_100, at_300 = result.usage[100], result.usage[300]
    assert (at_300.fds, at_300.threads) == (at_100.fds, at_100.threads), result.usage
