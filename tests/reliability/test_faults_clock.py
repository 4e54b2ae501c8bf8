"""The clock jumps backwards, under the real kiosk window (issue 14, part B 2).

The issuer's clock is the one the code lets us inject (`Issuer.clock`: the serial's day, the
issuance's time, its audit events). It is set just after midnight, then stepped back across
midnight (an NTP correction), then back by years (a flat RTC battery), then forward again; a
resident prints a paper at each. Serials must never repeat and the audit trail must keep the
order things happened in, whatever the timestamps say.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.audit import verify_chains
from kiosk.config import Config
from kiosk.db.audit import AuditChainRepository
from kiosk.db.repositories import IssuanceRepository, ResidentRepository
from kiosk.demo_cards import identity_of
from kiosk.messages import DONE
from kiosk.ui.launch import RunningKiosk
from kiosk.view import Step
from tests.kiosk.conftest import StartKiosk
from tests.reliability.faults_support import visible_text

pytestmark = [pytest.mark.slow]


class SteppedClock:
    """A wall clock that staff (the test) can set; it runs on by a second per reading."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def set(self, now: datetime) -> None:
        """The clock is stepped to `now`."""
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def print_one(running: RunningKiosk, qtbot) -> str:  # type: ignore[no-untyped-def]
    """A resident prints 居住证明 and takes her card; the serial the done screen showed."""
    session = running.session
    with running.core.sessions() as db:
        resident = ResidentRepository(db).sample(1)[0]
    reader = running.kiosk.reader
    reader.place(identity_of(resident, date.today()))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=15_000)
    assert session.choose_item("residence_certificate")
    assert session.submit({"purpose": "school"})
    qtbot.waitUntil(lambda: session.view.draft is not None, timeout=30_000)
    assert session.confirm()
    qtbot.waitUntil(lambda: session.step == Step.DONE, timeout=30_000)
    issued = session.view.issued
    assert issued is not None
    text = visible_text(running.window)
    assert DONE.zh in text and issued.serial in text
    reader.remove()  # type: ignore[union-attr]
    session.finish()  # 完成, then 跳过 the rating
    qtbot.waitUntil(lambda: session.step == Step.RATING, timeout=10_000)
    session.skip_rating()
    qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=10_000)
    return issued.serial


def test_clock_jumping_backwards_keeps_serials_and_audit_order(  # type: ignore[no-untyped-def]
    seeded_db: Config,
    start_kiosk: StartKiosk,
    qtbot,
    tmp_path: Path,
) -> None:
    """GIVEN a kiosk whose clock reads 00:03 WHEN residents print, the clock is set back to
    23:58 the day before, then back to 2001, then forward again, a paper each time THEN every
    serial is different (each day's counter only goes up), each carries the date the clock
    said, the terminal's audit chain verifies, and `kiosk audit show` (the repository's
    events) lists the issuances in the order they were printed, not by their timestamps."""
    running = start_kiosk(seeded_db)
    midnight = datetime.combine(date.today(), datetime.min.time())
    clock = SteppedClock(midnight + timedelta(minutes=3))
    running.core.issuer.clock = clock
    steps = [
        midnight + timedelta(minutes=3),
        midnight + timedelta(minutes=4),
        midnight - timedelta(minutes=2),  # NTP steps it back across midnight
        datetime(2001, 1, 1, 8, 0),  # a flat RTC battery
        midnight + timedelta(minutes=3),  # set right again: the same minute as the first
        midnight + timedelta(minutes=5),
    ]
    serials: list[str] = []
    for at in steps:
        clock.set(at)
        serials.append(print_one(running, qtbot))

    code = seeded_db.terminal.community_code
    days = [f"{at:%Y%m%d}" for at in steps]
    assert len(set(serials)) == len(serials), serials
    assert [s.split("-")[1] for s in serials] == days
    assert serials[0].startswith(f"{code}-{days[0]}-")
    today = [int(s.rsplit("-", 1)[1]) for s, d in zip(serials, days, strict=True) if d == days[0]]
    assert today == sorted(today) and len(today) == 4  # today's counter only went up
    with running.core.sessions() as db:
        records = [IssuanceRepository(db).by_serial(s) for s in serials]
        events = AuditChainRepository(db).events(terminal_id=seeded_db.terminal.id)
    assert all(r is not None and r.status == "printed" for r in records)
    reports = verify_chains(running.core.sessions, seeded_db.terminal.id)
    assert all(report.intact for report in reports), [r.problems for r in reports]
    issued = [e.subject for e in events if e.subject in serials and e.kind != "printed"]
    assert issued == serials, "audit show lists the papers out of the order they were issued"
    seqs = [e.seq for e in events]
    assert seqs == sorted(seqs)
    (tmp_path / "serials.txt").write_text("\n".join(serials), encoding="utf-8")
