"""The staff screens as pictures for the README (docs/screenshots/staff-*.png, 1920×1080).

Skipped unless KIOSK_STAFF_SCREENSHOTS names the folder to write into:
`KIOSK_STAFF_SCREENSHOTS=docs/screenshots QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest
tests/staff_ui/test_screenshots.py -p no:randomly`. Real kiosk, real register, real papers; the
slip printer writes into a path that is a file, so diagnostics have something to show.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_data import seed_demo
from kiosk.staff.accounts import Role
from kiosk.staff.calls import record_staff_call
from kiosk.ui.keypad import NumberInput
from tests.kiosk.conftest import make_config

from .conftest import STAFF_ID, WRONG, Staffed, StaffTime, click, corner_press, release, start
from .helpers import issue, resident_for

OUT = os.environ.get("KIOSK_STAFF_SCREENSHOTS")
REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not OUT, reason="set KIOSK_STAFF_SCREENSHOTS=<folder>")


@pytest.fixture
def pictured(tmp_path: Path, qtbot: QtBot, staff_time: StaffTime) -> Iterator[Staffed]:
    """The demo register, a slip printer that cannot write, an error in the log, and a copy
    of the catalogue."""
    blocker = tmp_path / "slip-printer"
    blocker.write_text("a file where the slip printer's folder should be\n")
    catalog = tmp_path / "catalog.yaml"  # its own copy: the reload picture breaks it
    shutil.copyfile(REPO / "catalog.yaml", catalog)
    config = make_config(
        tmp_path / "data", KIOSK_PRINTERS_SLIP=f"file://{blocker}", KIOSK_PATHS_CATALOG=str(catalog)
    )
    engine = make_engine(config.database.url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        seed_demo(ResidentRepository(session), datetime(2026, 1, 2, 9, 0))
    engine.dispose()
    logs = config.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "kiosk.log").write_text(
        f"{datetime.now():%Y-%m-%d %H:%M:%S},000 ERROR printer.file cannot write to "
        f"{blocker}: not a directory\n"
        f"{datetime.now():%Y-%m-%d %H:%M:%S},000 ERROR kiosk.session lookup failed for "
        f"{STAFF_ID}\n",
        encoding="utf-8",
    )
    yield from start(config, qtbot, staff_time)


def shot(staffed: Staffed, name: str) -> Path:
    """Let the screen settle, then save the whole window."""
    staffed.wait_idle()
    staffed.qtbot.wait(150)
    assert OUT is not None
    path = Path(OUT) / f"staff-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    image = staffed.running.window.grab()
    assert (image.width(), image.height()) == (1920, 1080)
    assert image.save(str(path))
    return path


def visits(staffed: Staffed) -> None:
    """A morning's sessions, ratings and a call for staff."""
    core, now = staffed.core, datetime.now()
    papers = [issue(staffed) for _ in range(3)]

    def work() -> None:
        for reason, issued in (("done", 1), ("done", 1), ("done", 1), ("timeout", 0)):
            core.log_session(now - timedelta(minutes=9), now, reason, issued)
        for paper, level in zip(papers, (5, 5, 4), strict=True):
            core.rate("residence_certificate", paper.serial, level, ())
        record_staff_call(core.sessions, core.config.terminal.id, "item", now=now)

    staffed.on_worker(work)


def test_make_the_staff_screenshots(pictured: Staffed) -> None:
    """Every staff screen, with something on it."""
    staffed = pictured
    staffed.add_staff(role=Role.ADMIN)
    staffed.add_staff("李红梅", "610202198507080649", "582046")
    staffed.add_staff("赵强", "61020319900102013X", "615208")
    core = staffed.core
    visits(staffed)
    unfinished = issue(staffed, printed=False)
    volunteer = resident_for(core, "volunteer_service_certificate", lambda p: "volunteer" in p.tags)
    issue(staffed, "volunteer_service_certificate", printed=False, resident=volunteer)
    qtbot, attract = staffed.qtbot, staffed.running.window.waiting
    corner_press(qtbot, attract)
    staffed.time.wait(3)
    release(qtbot, attract)
    shot(staffed, "names")
    click(qtbot, staffed.layer.names.names.button_for("王丽"))
    staffed.enter_pin(WRONG)
    staffed.wait_idle()
    for key in "7391":
        click(qtbot, staffed.layer.pin.pad.keys[key])
    shot(staffed, "pin")
    for key in "46":
        click(qtbot, staffed.layer.pin.pad.keys[key])
    click(qtbot, staffed.layer.pin.sign_in)
    qtbot.waitUntil(lambda: staffed.running.staff.signed_in, timeout=10_000)
    shot(staffed, "home")
    click(qtbot, staffed.layer.home.tiles["desk"])
    shot(staffed, "desk")
    desk = staffed.layer.desk
    click(qtbot, desk.rows.button_for(unfinished.serial))
    click(qtbot, desk.issuance.reprint_reasons.choices["缺纸"])
    click(qtbot, desk.issuance.reprint_reasons.notes["已重新装纸"])
    shot(staffed, "reprint")
    click(qtbot, desk.issuance.reprint)
    shot(staffed, "reprinted")
    click(qtbot, staffed.layer.home_button)
    click(qtbot, staffed.layer.home.tiles["review"])
    shot(staffed, "review-queue")
    review = staffed.layer.review
    click(qtbot, review.rows.button_for(review.cases[0].serial))
    hours = review.case.inputs["hours"]
    assert isinstance(hours, NumberInput)
    for key in "36":
        click(qtbot, hours.pad.keys[key])
    shot(staffed, "review")
    click(qtbot, staffed.layer.home_button)
    click(qtbot, staffed.layer.home.tiles["diagnostics"])
    shot(staffed, "diagnostics")
    catalog = core.catalog.source  # the fixture's copy
    good = catalog.read_text(encoding="utf-8")
    catalog.write_text(good.replace("items:\n", "items:\n  - id: [broken\n", 1), "utf-8")
    click(qtbot, staffed.layer.diagnostics.reload)
    shot(staffed, "diagnostics-reload-refused")
    click(qtbot, staffed.layer.home_button)
    click(qtbot, staffed.layer.home.tiles["stats"])
    shot(staffed, "stats")
    click(qtbot, staffed.layer.home_button)
    click(qtbot, staffed.layer.home.tiles["calls"])
    shot(staffed, "calls")
