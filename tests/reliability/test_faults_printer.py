"""Printer faults under the real kiosk window (issue 14, part B 2): paper out before and during a
job, on the ESC/POS emulator (real DLE EOT status bytes over a pty) and on CUPS (a private cupsd
with our own queue on a printer that runs out of paper: tests/reliability/faults_cups.py); the
CUPS queue stopped or refusing jobs while she confirms, and while her job is on the printer.

Covered elsewhere and not repeated: paper out shown on the menu before she starts
(tests/kiosk/test_printing.py::test_slip_printer_out_of_paper_is_shown_before_the_resident_starts),
the queue stopped while she is on the menu (::test_stopped_cups_queue_blocks_a4_items_until_it_is_
enabled), the staff reprint after a slip ran out (::test_paper_running_out_mid_slip_keeps_...).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kiosk import messages
from kiosk.config import Config
from kiosk.staff.diagnostics import print_test_page
from kiosk.ui.launch import RunningKiosk
from kiosk.view import Step
from printer.base import RESIDENT_MESSAGES, PrinterState
from printer.emulators.cupsd import CupsdError, CupsServer
from printer.emulators.escpos_emulator import EscposEmulator
from tests.kiosk.conftest import press_print
from tests.kiosk.test_printing import (  # noqa: F401
    A4_ITEM,
    OpenKiosk,
    emulator,
    featured,
    issuance,
    job_states,
    menu_button,
    open_kiosk,
    place_card,
    shown_serial,
    slip_item_for,
    slip_uri,
)
from tests.reliability.faults_cups import FaultCupsd
from tests.reliability.faults_support import (
    assert_bilingual,
    log_lines,
    log_size,
    staff_log,  # noqa: F401
    visible_text,
)

pytestmark = [pytest.mark.stacks, pytest.mark.slow]

PAPER_OUT = RESIDENT_MESSAGES[PrinterState.PAPER_OUT]
OFFLINE = RESIDENT_MESSAGES[PrinterState.OFFLINE]
_QUEUES = itertools.count(1)


def failed_with_serial(running: RunningKiosk, words: tuple[str, str], serial: str) -> None:
    """She reads why (both languages), that staff can reprint it, her serial, and 返回."""
    window = running.window
    text = visible_text(window)
    assert_bilingual(words, text)
    assert_bilingual(messages.SAVED_FOR_REPRINT, text)
    assert serial in text
    assert window.error.button.isVisible() and window.error.button.text().startswith("返回")


def open_item(running: RunningKiosk, item: Any, qtbot) -> None:  # type: ignore[no-untyped-def]
    """She opens the item from the menu (the intent its button sends: the menu rebuilds its
    buttons on every printer poll, so a button looked up a moment ago may be gone)."""
    assert running.session.choose_item(item.id)
    qtbot.waitUntil(lambda: running.window.item.isVisible(), timeout=5_000)


def recorded_as_failed(running: RunningKiosk, serial: str, reason: str) -> None:
    """Staff find it: print_failed, its one job failed with the reason."""
    record, jobs = issuance(running, serial)
    assert record.status == "print_failed"
    assert [j.state for j in jobs] == ["failed"] and reason in (jobs[0].reason or "")


# -- the thermal printer ----------------------------------------------------------------------


def test_slip_paper_out_after_she_confirmed_is_caught_before_the_job(  # type: ignore[no-untyped-def]
    open_kiosk: OpenKiosk,  # noqa: F811
    emulator: EscposEmulator,  # noqa: F811
    seeded_db: Config,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN a resident on the confirm screen of a slip WHEN the roll runs out before she presses
    确认打印 THEN the printer is asked first and nothing is sent: she reads 打印机缺纸 / Out of
    paper with her serial for a staff reprint, the issuance is print_failed and the staff log has
    an ERROR line naming the serial."""
    running, reader = open_kiosk(slip=slip_uri(emulator))
    resident = featured(seeded_db)
    item = slip_item_for(running.core.catalog, resident)
    place_card(running, reader, resident, qtbot)
    open_item(running, item, qtbot)
    progress = job_states(running)
    mark = log_size(staff_log)
    emulator.set_state("paper_out")
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: running.session.step == Step.ERROR, timeout=30_000)
    assert progress == ["queued", "failed"]  # refused before a byte of the slip was sent
    serial = shown_serial(running)
    failed_with_serial(running, PAPER_OUT, serial)
    recorded_as_failed(running, serial, "paper")
    assert emulator.slips() == [] and "GS v 0" not in emulator.commands
    assert log_lines(staff_log, rf"ERROR .*print failed {serial} on escpos://", since=mark)


def test_slip_paper_running_out_mid_job_in_both_languages_and_logged(  # type: ignore[no-untyped-def]
    open_kiosk: OpenKiosk,  # noqa: F811
    emulator: EscposEmulator,  # noqa: F811
    seeded_db: Config,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN a slip printing WHEN the roll ends part-way THEN what she reads is in both languages
    with her serial and 返回, and the staff log says which serial failed and why."""
    running, reader = open_kiosk(slip=slip_uri(emulator))
    resident = featured(seeded_db)
    place_card(running, reader, resident, qtbot)
    open_item(running, slip_item_for(running.core.catalog, resident), qtbot)
    emulator.run_out_after(1500)
    mark = log_size(staff_log)
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: running.session.step == Step.ERROR, timeout=30_000)
    serial = shown_serial(running)
    failed_with_serial(running, PAPER_OUT, serial)
    assert log_lines(staff_log, rf"ERROR .*print failed {serial} on escpos://.*paper", since=mark)


# -- CUPS -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fault_cups() -> Iterator[FaultCupsd]:
    """Our own cupsd with the paper-out printer; stopped (by its pid) after the module."""
    scheduler = FaultCupsd()
    try:
        scheduler.start()
    except CupsdError as exc:
        scheduler.stop()
        if "not installed" in str(exc):
            pytest.skip(str(exc))
        pytest.fail(str(exc))
    yield scheduler
    scheduler.stop()


@pytest.fixture
def fault_queue(fault_cups: FaultCupsd) -> Iterator[CupsServer]:
    """A fresh queue of ours on the paper-out printer (paper loaded); removed afterwards."""
    fault_cups.paper("ok")
    fault_cups.forget_jobs()
    queue = fault_cups.add_fault_queue(f"FAULTS_A4_{next(_QUEUES)}")
    yield queue
    fault_cups.paper("ok")
    fault_cups.run("cancel", "-a", queue.queue)
    fault_cups.run("lpadmin", "-x", queue.queue)


def to_confirm(running: RunningKiosk, reader, seeded_db: Config, qtbot) -> None:  # type: ignore[no-untyped-def]
    """She places her card, opens 居住证明, answers, and the draft is on the confirm screen."""
    place_card(running, reader, featured(seeded_db), qtbot)
    open_item(running, running.core.catalog.item(A4_ITEM), qtbot)
    running.window.item.inputs["purpose"].choose("子女入学")


def confirm_and_fail(running: RunningKiosk, qtbot) -> float:  # type: ignore[no-untyped-def]
    """确认打印 and wait for the error screen; seconds from the press to the error (a figure)."""
    pressed = time.monotonic()
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: running.session.step == Step.ERROR, timeout=90_000)
    return time.monotonic() - pressed


def back_to_a4(running: RunningKiosk, qtbot) -> None:  # type: ignore[no-untyped-def]
    """返回 to the menu, and the A4 item is offered again (after the next printer poll)."""
    item = running.core.catalog.item(A4_ITEM)
    qtbot.waitUntil(lambda: running.session.availability(item).ok, timeout=10_000)
    assert running.session.choose_item(item.id) and running.session.step == Step.ITEM


@pytest.mark.cups
@pytest.mark.parametrize("when", ["out", "mid"], ids=["before_the_job", "during_the_job"])
def test_cups_paper_out(  # type: ignore[no-untyped-def]
    when: str,
    open_kiosk: OpenKiosk,  # noqa: F811
    fault_cups: FaultCupsd,
    fault_queue: CupsServer,
    seeded_db: Config,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN the A4 printer behind CUPS WHEN its paper is out before her job (CUPS cannot know:
    an idle queue says ready) or runs out during it THEN as soon as the printer relays
    media-empty on her job the kiosk cancels it (not after the 60 s job timeout) and she reads
    打印机缺纸 / Out of paper with her serial; the issuance is print_failed, the staff log names
    it; the A4 items say 缺纸; WHEN staff load paper and print the test page THEN A4 is offered
    again and her document prints."""
    running, reader = open_kiosk(a4=fault_queue.uri(timeout=60))
    to_confirm(running, reader, seeded_db, qtbot)
    fault_cups.paper(when)
    progress = job_states(running)
    mark = log_size(staff_log)
    waited = confirm_and_fail(running, qtbot)
    print(f"cups paper {when}: error on screen {waited:.2f} s after 确认打印")
    assert progress == ["queued", "sent", "failed"]
    serial = shown_serial(running)
    failed_with_serial(running, PAPER_OUT, serial)
    recorded_as_failed(running, serial, "media-empty")
    assert fault_cups.printed() == [] and len(fault_cups.cancelled()) == 1
    assert log_lines(staff_log, rf"ERROR .*print failed {serial} on cups://", since=mark)

    qtbot.mouseClick(running.window.error.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: running.session.step == Step.MENU, timeout=5_000)
    item = running.core.catalog.item(A4_ITEM)
    qtbot.waitUntil(lambda: running.session.availability(item).printer_problem, timeout=10_000)
    assert PAPER_OUT[0] in menu_button(running, item).text()

    fault_cups.paper("ok")  # staff load paper, then the test page from the maintenance screen
    assert print_test_page(running.core.printers["a4"], role="a4", slip_paper="slip80") == "done"
    back_to_a4(running, qtbot)
    running.window.item.inputs["purpose"].choose("子女入学")
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: running.session.step == Step.DONE, timeout=60_000)


@pytest.mark.cups
@pytest.mark.parametrize("stop", ["cupsdisable", "cupsreject"])
def test_cups_queue_stopped_after_she_confirmed(  # type: ignore[no-untyped-def]
    stop: str,
    open_kiosk: OpenKiosk,  # noqa: F811
    fault_cups: FaultCupsd,
    fault_queue: CupsServer,
    seeded_db: Config,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN a resident on the confirm screen of an A4 item WHEN staff stop our queue
    (cupsdisable) or make it refuse jobs (cupsreject) THEN 确认打印 submits nothing: she reads
    打印机未连接 / Printer offline with her serial, the issuance is print_failed, the staff log
    names it; WHEN the queue is enabled again THEN A4 is offered again."""
    running, reader = open_kiosk(a4=fault_queue.uri(timeout=60))
    to_confirm(running, reader, seeded_db, qtbot)
    assert fault_cups.run(stop, *(["-r", "维护中 (test)"] if stop == "cupsdisable" else []),
                          fault_queue.queue).returncode == 0  # fmt: skip
    progress = job_states(running)
    mark = log_size(staff_log)
    confirm_and_fail(running, qtbot)
    assert progress == ["queued", "failed"]
    serial = shown_serial(running)
    failed_with_serial(running, OFFLINE, serial)
    recorded_as_failed(running, serial, "not ready")
    assert fault_cups.started() == []
    assert log_lines(staff_log, rf"ERROR .*print failed {serial} on cups://", since=mark)

    fault_cups.run("cupsaccept" if stop == "cupsreject" else "cupsenable", fault_queue.queue)
    running.window.error.button.click()
    qtbot.waitUntil(lambda: running.session.step == Step.MENU, timeout=5_000)
    back_to_a4(running, qtbot)


@pytest.mark.cups
def test_cups_queue_stopped_while_her_job_is_on_the_printer(  # type: ignore[no-untyped-def]
    open_kiosk: OpenKiosk,  # noqa: F811
    fault_cups: FaultCupsd,
    fault_queue: CupsServer,
    seeded_db: Config,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN her A4 job on a printer that is slow to start WHEN staff stop the queue
    (cupsdisable: CUPS takes the job back to pending) THEN the kiosk cancels it at once (it
    cannot print later as a surprise) and she reads 打印机未连接 with her serial."""
    running, reader = open_kiosk(a4=fault_queue.uri(timeout=60))
    to_confirm(running, reader, seeded_db, qtbot)
    fault_cups.paper("hold")
    mark = log_size(staff_log)
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: fault_cups.started() != [], timeout=30_000)
    assert running.session.step == Step.PRINTING
    assert fault_cups.run("cupsdisable", fault_queue.queue).returncode == 0
    qtbot.waitUntil(lambda: running.session.step == Step.ERROR, timeout=30_000)
    serial = shown_serial(running)
    failed_with_serial(running, OFFLINE, serial)
    recorded_as_failed(running, serial, "pending")
    fault_cups.paper("ok")
    fault_cups.run("cupsenable", fault_queue.queue)
    qtbot.waitUntil(
        lambda: (
            "not-completed" not in fault_cups.run("lpstat", "-o", fault_queue.queue).stdout
            and fault_cups.run("lpstat", "-o", fault_queue.queue).stdout.strip() == ""
        ),
        timeout=10_000,
    )
    assert fault_cups.printed() == []  # cancelled for good: nothing came out later
    assert log_lines(staff_log, rf"ERROR .*print failed {serial} on cups://", since=mark)
