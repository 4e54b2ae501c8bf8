"""Fault injection into the real card readers under the real kiosk window (issue 14, part B 2).

The GA 467 SAM reader is the project's byte-exact emulator on a pty behind a stable device path
(the udev link a terminal uses): unplugging closes the pty under the driver and removes the node,
replugging brings a new pty back at the same path. The garbage run writes random bytes at the
line rate between (and into) the reader's answers. pcscd restarts run in a child process with a
pcscd of its own (tests/reliability/faults_pcsc_child.py).

Recovery times are measured and reported (`pytest -s` prints them), never asserted on.
Opt-in long runs: KIOSK_FAULTS_LONG=1 (100 unplug cycles, a full minute of garbage).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from card_reader.base import ReaderState
from kiosk.config import Config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_cards import identity_of
from kiosk.messages import MENU, WAITING
from kiosk.residents import ResidentRecord
from kiosk.ui.waiting import READER_DOWN, READER_TEXT
from kiosk.view import Step
from tests.kiosk.conftest import StartKiosk
from tests.reliability.faults_serial import GarbageSam, PluggableSam
from tests.reliability.faults_support import (
    Figures,
    assert_bilingual,
    log_lines,
    log_size,
    report,
    staff_log,  # noqa: F401
    visible_text,
    watch_views,
)

pytestmark = [pytest.mark.stacks, pytest.mark.slow]

LONG = os.environ.get("KIOSK_FAULTS_LONG") == "1"
UNPLUG_CYCLES = int(os.environ.get("KIOSK_FAULTS_CYCLES", "100" if LONG else "20"))
GARBAGE_SECONDS = 60.0 if LONG else 6.0
ROOT = Path(__file__).resolve().parents[2]


def resident_of(config: Config) -> ResidentRecord:
    """A demo resident in the register."""
    engine = make_engine(config.database.url)
    with session_factory(engine)() as db:
        found = ResidentRepository(db).sample(1)[0]
    engine.dispose()
    return found


def reader_is(state: ReaderState):  # type: ignore[no-untyped-def]
    """A view test: the reader is in `state`."""
    return lambda view: view.reader is state


def shows_reader_down(text: str, state: ReaderState) -> None:
    """The attract screen says the reader is out, in both languages, and invites no card."""
    assert_bilingual(READER_TEXT[state], text)
    assert_bilingual(READER_DOWN, text)
    assert WAITING.zh not in text


@pytest.mark.timeout(1200 if LONG else 300)
def test_serial_reader_unplugged_and_replugged(  # type: ignore[no-untyped-def]
    seeded_db: Config,
    start_kiosk: StartKiosk,
    staff_log: Path,  # noqa: F811
    qtbot,
    tmp_path: Path,
) -> None:
    """GIVEN the kiosk on a SAM reader at a stable device path WHEN its cable is pulled THEN the
    attract screen says 读卡器未连接 / not connected (and asks for no card) and the staff log says
    the reader was lost; WHEN it is plugged in again (after 0.05-2.5 s) THEN the screen says
    读卡器已就绪 again, the log says ready, and her card opens the menu; every cycle."""
    device = PluggableSam(tmp_path / "kiosk-reader")
    device.plug()
    running = start_kiosk(seeded_db, reader_uri=device.uri)
    session, window = running.session, running.window
    card = identity_of(resident_of(seeded_db), date.today())
    qtbot.waitUntil(lambda: session.view.reader is ReaderState.READY, timeout=20_000)
    views = watch_views(running)
    pause = random.Random(14)
    recovered: list[float] = []
    try:
        for cycle in range(UNPLUG_CYCLES):
            mark = log_size(staff_log)
            device.unplug()
            qtbot.waitUntil(lambda: session.view.reader is ReaderState.NO_READER, timeout=10_000)
            shows_reader_down(visible_text(window), ReaderState.NO_READER)
            qtbot.wait(int(pause.uniform(0.05, 2.5) * 1000))
            plugged = time.monotonic()
            device.plug()
            qtbot.waitUntil(
                lambda at=plugged: views.first_after(at, reader_is(ReaderState.READY)) is not None,
                timeout=15_000,
            )
            ready_at = views.first_after(plugged, reader_is(ReaderState.READY))
            assert ready_at is not None
            recovered.append(ready_at - plugged)
            text = visible_text(window)
            assert_bilingual(READER_TEXT[ReaderState.READY], text)
            assert WAITING.zh in text
            assert log_lines(staff_log, r"WARNING .*reader sam://.* lost", since=mark), cycle
            assert log_lines(staff_log, r"INFO .*reader sam://.* ready", since=mark), cycle

            device.insert(card)
            qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=10_000)
            assert MENU.zh in visible_text(window)
            device.insert(None)
            qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=10_000)
    finally:
        device.close()
    report(Figures("serial_replug_recovery", tuple(recovered)), tmp_path)


def test_serial_reader_unplugged_mid_session_ends_her_visit_cleanly(  # type: ignore[no-untyped-def]
    seeded_db: Config,
    start_kiosk: StartKiosk,
    staff_log: Path,  # noqa: F811
    qtbot,
    tmp_path: Path,
) -> None:
    """GIVEN a resident on the menu, her card on the SAM reader WHEN the reader's cable is pulled
    THEN her visit ends as if she took the card (nothing of hers stays on screen), the attract
    screen says the reader is not connected; WHEN it is back THEN her card opens the menu again."""
    device = PluggableSam(tmp_path / "kiosk-reader")
    device.plug()
    running = start_kiosk(seeded_db, reader_uri=device.uri)
    session, window = running.session, running.window
    resident = resident_of(seeded_db)
    card = identity_of(resident, date.today())
    try:
        qtbot.waitUntil(lambda: session.view.reader is ReaderState.READY, timeout=20_000)
        device.insert(card)
        qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=10_000)
        assert resident.name in visible_text(window)
        mark = log_size(staff_log)
        device.unplug()
        qtbot.waitUntil(
            lambda: session.step == Step.WAITING and session.view.reader is ReaderState.NO_READER,
            timeout=10_000,
        )
        text = visible_text(window)
        shows_reader_down(text, ReaderState.NO_READER)
        assert resident.name not in text and session.view.resident is None
        assert log_lines(staff_log, r"WARNING .*reader sam://.* lost", since=mark)
        device.plug(card)
        qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=10_000)
    finally:
        device.close()


def _try_card(device: GarbageSam, card, running, qtbot) -> str:  # type: ignore[no-untyped-def]
    """Place the card, see what she gets (the menu, an error, or nothing yet), take it away."""
    session = running.session
    device.insert(card)
    outcome = "none"
    try:
        qtbot.waitUntil(lambda: session.step in (Step.MENU, Step.ERROR), timeout=4_000)
        outcome = session.step.value
    except AssertionError:  # a read that never finished within the garbage: nothing shown yet
        pass
    if session.step == Step.ERROR:
        text = visible_text(running.window)
        assert_bilingual(session.view.message, text)
        assert running.window.error.button.isVisible()  # 返回: her way back
    device.insert(None)
    qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=10_000)
    return outcome


@pytest.mark.timeout(900 if LONG else 300)
def test_serial_reader_sending_garbage(  # type: ignore[no-untyped-def]
    seeded_db: Config,
    start_kiosk: StartKiosk,
    staff_log: Path,  # noqa: F811
    qtbot,
    tmp_path: Path,
) -> None:
    """GIVEN the kiosk on a SAM reader (paced at 115200 baud) WHEN the line carries random bytes
    at the full line rate (fake frame starts, bad checksums, torn answers) for GARBAGE_SECONDS
    while she places her card again and again THEN the kiosk keeps running: each try opens the
    menu or says in both languages, with a way back, that the card could not be read (and the
    staff log says why); no screen ever holds a resident who is not at the reader; WHEN the line
    is clean THEN her card opens the menu at once."""
    device = GarbageSam(None, baud=115200).start()
    running = start_kiosk(seeded_db, reader_uri=f"sam://{device.port_path}?baud=115200")
    session = running.session
    card = identity_of(resident_of(seeded_db), date.today())
    outcomes: dict[str, int] = {"menu": 0, "error": 0, "none": 0}
    try:
        qtbot.waitUntil(lambda: session.view.reader is ReaderState.READY, timeout=20_000)
        views = watch_views(running)
        mark = log_size(staff_log)
        spewer = device.spew(GARBAGE_SECONDS)
        while spewer.is_alive():
            outcomes[_try_card(device, card, running, qtbot)] += 1
        clean = time.monotonic()
        assert device.garbage_bytes > GARBAGE_SECONDS * 5_000
        qtbot.waitUntil(lambda: session.view.reader is ReaderState.READY, timeout=15_000)
        ready_after = time.monotonic() - clean
        assert outcomes["menu"] + outcomes["error"] > 0, outcomes
        if outcomes["error"]:
            assert log_lines(staff_log, r"(card refused|reader fault|asking again)", since=mark)
        for _at, view in views.views:  # her particulars only while her card is on the reader
            if view.step in (Step.WAITING, Step.READING, Step.ERROR):
                assert view.resident is None
        qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=5_000)
        assert _try_card(device, card, running, qtbot) == "menu"
    finally:
        device.stop()
    report(Figures("serial_garbage_ready_after_clean", (ready_after,)), tmp_path)
    print(
        f"garbage: {device.garbage_bytes} bytes in {GARBAGE_SECONDS:g} s; card tries {outcomes}; "
        f"steps {views.steps()}"
    )


@pytest.mark.timeout(1800 if LONG else 600)
def test_pcscd_killed_and_restarted(tmp_path: Path) -> None:
    """GIVEN the kiosk on a PC/SC reader behind a pcscd of its own (private socket, private vpcd
    port: other sessions' pcscd is never touched) WHEN pcscd is killed and started again, cycle
    after cycle THEN the kiosk says the card service is down, recovers each time and reads a
    card (the checks are in faults_pcsc_child.py, run in a process of its own)."""
    from tests.reliability import faults_pcsc_child as child
    from tests.reliability.faults_pcscd import SOCKET_ENV, PrivatePcscd, free_port_pair, unavailable

    why = unavailable()
    if why is not None:
        pytest.skip(why)
    daemon = PrivatePcscd(tmp_path / "pcscd", free_port_pair())
    daemon.prepare()
    out = tmp_path / "pcsc-figures.json"
    env = dict(os.environ)
    env.update(
        {
            SOCKET_ENV: str(daemon.socket_path),
            child.ROOT_ENV: str(daemon.root),
            child.PORT_ENV: str(daemon.port),
            child.OUT_ENV: str(out),
            child.CYCLES_ENV: str(UNPLUG_CYCLES),
            "QT_QPA_PLATFORM": "offscreen",
        }
    )
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"]
    args += ["-o", "timeout=0", str(Path(child.__file__).relative_to(ROOT))]
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1700, check=False
    )
    tail = (done.stdout + done.stderr)[-6000:]
    assert done.returncode == 0, tail
    assert " passed" in done.stdout and "skipped" not in done.stdout, tail
    figures = json.loads(out.read_text(encoding="utf-8"))
    report(Figures("pcscd_restart_recovery", tuple(figures["recovery"])), tmp_path)
