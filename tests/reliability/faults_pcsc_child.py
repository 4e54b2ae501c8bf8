"""The pcscd restart run, in a process of its own (run by test_faults_reader.py, never collected
by the suite: the file name is not test_*).

pcsc-lite's client reads PCSCLITE_CSOCK_NAME once per process, so the kiosk's PC/SC driver can
reach a private pcscd only in a process that set it before its first PC/SC call; the parent
sets it and the paths below, and reads the figures back from KIOSK_FAULTS_PCSC_OUT.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import date
from pathlib import Path

import pytest

from card_reader.base import ReaderState
from card_reader.emulators.vcard import VirtualCard
from kiosk.config import Config
from kiosk.demo_cards import identity_of
from kiosk.messages import WAITING
from kiosk.ui.waiting import READER_DOWN, READER_TEXT
from kiosk.view import Step
from tests.kiosk.conftest import StartKiosk
from tests.reliability.faults_pcscd import READER, PrivatePcscd
from tests.reliability.faults_support import (
    assert_bilingual,
    log_lines,
    log_size,
    staff_log,  # noqa: F401
    visible_text,
    watch_views,
)

ROOT_ENV, PORT_ENV = "KIOSK_FAULTS_PCSCD_ROOT", "KIOSK_FAULTS_PCSCD_PORT"
OUT_ENV, CYCLES_ENV = "KIOSK_FAULTS_PCSC_OUT", "KIOSK_FAULTS_CYCLES"
DOWN = (ReaderState.NO_SERVICE, ReaderState.NO_READER)


@pytest.fixture
def daemon() -> PrivatePcscd:  # type: ignore[misc]
    """The private pcscd the parent prepared, running; stopped by its pid afterwards."""
    if ROOT_ENV not in os.environ:
        pytest.skip("run by test_faults_reader.py::test_pcscd_killed_and_restarted")
    pcscd = PrivatePcscd(Path(os.environ[ROOT_ENV]), int(os.environ[PORT_ENV]))
    pcscd.start()
    yield pcscd
    pcscd.stop()


def test_pcscd_killed_and_restarted_child(  # type: ignore[no-untyped-def]
    daemon: PrivatePcscd,
    seeded_db: Config,
    start_kiosk: StartKiosk,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN the kiosk on a PC/SC reader WHEN pcscd is killed (SIGKILL) THEN the attract screen
    says 读卡服务未启动 / not running (both languages, no card invited) and the staff log says the
    reader was lost; WHEN pcscd is started again THEN the screen says 读卡器已就绪, and a social
    security card opens the menu; every cycle."""
    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.repositories import ResidentRepository

    engine = make_engine(seeded_db.database.url)
    with session_factory(engine)() as db:
        resident = ResidentRepository(db).sample(1)[0]
    engine.dispose()
    card = VirtualCard(identity_of(resident, date.today()), port=daemon.port)
    running = start_kiosk(seeded_db, reader_uri=f"pcsc://{READER} 00 00")
    session, window = running.session, running.window
    qtbot.waitUntil(lambda: session.view.reader is ReaderState.READY, timeout=20_000)
    views = watch_views(running)
    pause = random.Random(14)
    recovered: list[float] = []
    for cycle in range(int(os.environ.get(CYCLES_ENV, "20"))):
        mark = log_size(staff_log)
        daemon.kill()
        qtbot.waitUntil(lambda: session.view.reader in DOWN, timeout=10_000)
        text = visible_text(window)
        assert_bilingual(READER_TEXT[session.view.reader], text)  # type: ignore[index]
        assert_bilingual(READER_DOWN, text)
        assert WAITING.zh not in text
        assert log_lines(staff_log, r"WARNING .*reader pcsc://.* lost", since=mark), cycle
        qtbot.wait(int(pause.uniform(0.05, 2.5) * 1000))
        started = time.monotonic()
        daemon.launch()
        qtbot.waitUntil(
            lambda at=started: (
                views.first_after(at, lambda v: v.reader is ReaderState.READY) is not None
            ),
            timeout=20_000,
        )
        ready_at = views.first_after(started, lambda v: v.reader is ReaderState.READY)
        assert ready_at is not None
        recovered.append(ready_at - started)
        assert_bilingual(READER_TEXT[ReaderState.READY], visible_text(window))
        assert log_lines(staff_log, r"INFO .*reader pcsc://.* ready", since=mark), cycle
        card.insert()
        qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=10_000)
        card.remove()
        qtbot.waitUntil(lambda: session.step == Step.WAITING, timeout=10_000)
    Path(os.environ[OUT_ENV]).write_text(
        json.dumps({"recovery": recovered, "starts": daemon.starts}), encoding="utf-8"
    )
