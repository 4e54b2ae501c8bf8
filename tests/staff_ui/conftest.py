"""Fixtures for the staff screens: the real kiosk (worker, session, simulated reader, window
offscreen) on the seeded demo register, with staff mode's clock and timers moved by hand, a staff
account, and helpers that press buttons as a finger (a real click) or assistive technology
(QAccessible's Press) does."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from card_reader.simulated import SimulatedReader, identity_for
from kiosk.app import Core
from kiosk.config import Config
from kiosk.db.audit import AuditChainRepository
from kiosk.staff.accounts import Role, StaffAccounts
from kiosk.staff.pins import PinHasher
from kiosk.ui.launch import RunningKiosk
from kiosk.ui.staff.layer import StaffLayer
from kiosk.ui.staff.mode import StaffOptions
from tests.kiosk import conftest as app
from tests.kiosk.fakes import ManualClock

config = app.config
seeded_db = app.seeded_db

STAFF_ID = "610202198005060277"  # valid GB 11643 numbers, not in the demo register
OTHER_ID = "610202198507080649"
PIN = "739146"
WRONG = "204871"
CHEAP = PinHasher(time_cost=1, memory_cost=8, parallelism=1)  # same algorithm, fast for tests
T = TypeVar("T")


@dataclass
class StaffTime:
    """Staff mode's time, moved by hand: `timers` for the hold and the idle logout (seconds),
    and the wall clock the lockouts read (real now plus whatever the test added)."""

    timers: ManualClock
    offset: timedelta = timedelta()

    def clock(self) -> datetime:
        return datetime.now() + self.offset

    def wait(self, seconds: float) -> None:
        """Move both on by `seconds`, firing the timers due."""
        self.offset += timedelta(seconds=seconds)
        self.timers.advance(seconds)


@pytest.fixture
def staff_time() -> StaffTime:
    return StaffTime(ManualClock())


@dataclass
class Staffed:
    """A running kiosk with staff mode on manual time."""

    running: RunningKiosk
    time: StaffTime
    qtbot: QtBot

    @property
    def layer(self) -> StaffLayer:
        return self.running.staff.layer

    @property
    def core(self) -> Core:
        return self.running.core

    @property
    def reader(self) -> SimulatedReader:
        reader = self.running.kiosk.reader
        assert isinstance(reader, SimulatedReader)
        return reader

    def on_worker(self, work: Callable[[], T]) -> T:
        """Run `work` on the kiosk's worker (as the app does) and wait for its result."""
        results: list[T] = []
        errors: list[Exception] = []
        self.running.kiosk.jobs.submit(work, results.append, errors.append)
        self.qtbot.waitUntil(lambda: bool(results or errors), timeout=30_000)
        if errors:
            raise errors[0]
        return results[0]

    def add_staff(
        self, name: str = "王丽", id_number: str = STAFF_ID, pin: str = PIN, role: Role = Role.STAFF
    ) -> None:
        accounts = StaffAccounts(
            self.core.sessions, self.core.config.terminal, clock=self.time.clock, hasher=CHEAP
        )
        self.on_worker(lambda: accounts.add(name, id_number, pin, role=role, actor="admin:test"))

    def events(self, kind: str) -> list[dict[str, str]]:
        def read() -> list[dict[str, str]]:
            with self.core.sessions() as session:
                return [
                    dict(e.detail, actor=e.actor, subject=e.subject)
                    for e in AuditChainRepository(session).events()
                    if e.kind == kind
                ]

        return self.on_worker(read)

    def wait_idle(self) -> None:
        """Until every staff job has come back."""
        self.qtbot.waitUntil(lambda: not self.running.staff.busy, timeout=30_000)

    def place_staff_card(self, id_number: str = STAFF_ID, name: str = "王丽") -> None:
        sex = "male" if int(id_number[16]) % 2 else "female"  # the card must agree with the number
        self.reader.place(identity_for(id_number, name, sex, None, None))
        self.qtbot.waitUntil(lambda: self.layer.isVisible(), timeout=10_000)
        self.reader.remove()

    def enter_pin(self, pin: str) -> None:
        pad = self.layer.pin
        for digit in pin:
            click(self.qtbot, pad.pad.keys[digit])
        click(self.qtbot, pad.sign_in)

    def sign_in(self, pin: str = PIN) -> None:
        """By staff card and PIN, to the home screen."""
        self.place_staff_card()
        self.enter_pin(pin)
        self.qtbot.waitUntil(lambda: self.running.staff.signed_in, timeout=10_000)
        self.wait_idle()


@pytest.fixture
def staffed(seeded_db: Config, qtbot: QtBot, staff_time: StaffTime) -> Iterator[Staffed]:
    """The kiosk on the seeded register, ready, with staff mode on `time` (like the shared
    start_kiosk fixture, which gives staff mode real time)."""
    yield from start(seeded_db, qtbot, staff_time)


def start(config: Config, qtbot: QtBot, time: StaffTime) -> Iterator[Staffed]:
    """Start a kiosk on `config` with staff mode on `time`; stop it afterwards."""
    from kiosk.app import build_kiosk
    from kiosk.ui.launch import qt_app, start_kiosk

    qt_app()
    kiosk = build_kiosk(
        config, reader_uri="sim://", migrate=True, create_key=True, poll_interval=0.2
    )
    options = StaffOptions(clock=time.clock, timers=time.timers.timer)
    running = start_kiosk(kiosk, voice=False, staff=options)
    qtbot.addWidget(running.window)
    running.window.resize(1920, 1080)
    running.window.show()
    qtbot.waitUntil(lambda: running.session.view.ready, timeout=60_000)
    try:
        yield Staffed(running, time, qtbot)
    finally:
        running.stop()


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """A real pointer click in the middle of a visible, enabled button."""
    assert button.isVisible() and button.isEnabled(), button.accessibleName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def accessible_press(qtbot: QtBot, button: QAbstractButton) -> None:
    """Press through Qt's accessibility interface, as a screen reader user does: Press for a
    button (an animated click, it lands a moment later), Toggle for one of a group of exclusive
    choices (a radio button to assistive technology, which offers only Toggle)."""
    assert button.isVisible() and button.isEnabled(), button.accessibleName()
    iface = QAccessible.queryAccessibleInterface(button)
    assert iface is not None and iface.text(QAccessible.Text.Name) == button.accessibleName()
    actions = iface.actionInterface()
    assert actions is not None
    if "Press" in actions.actionNames():
        with qtbot.waitSignal(button.clicked, timeout=2000):
            actions.doAction("Press")
        return
    assert button.autoExclusive() and "Toggle" in actions.actionNames(), actions.actionNames()
    with qtbot.waitSignal(button.toggled, timeout=2000):
        actions.doAction("Toggle")
    assert button.isChecked()


def corner_press(qtbot: QtBot, widget: QWidget, point: QPoint | None = None) -> None:
    """Put a finger down (and keep it there) in the bottom-left corner of `widget`."""
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=point or QPoint(8, widget.height() - 8))


def release(qtbot: QtBot, widget: QWidget, point: QPoint | None = None) -> None:
    qtbot.mouseRelease(
        widget, Qt.MouseButton.LeftButton, pos=point or QPoint(8, widget.height() - 8)
    )


def shown_text(widget: QWidget) -> str:
    """Every visible label and button text under `widget`."""
    parts = [w.text() for w in widget.findChildren(QLabel) if w.isVisible()]
    parts += [w.text() for w in widget.findChildren(QAbstractButton) if w.isVisible()]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def newest_pdf(folder: Path, before: set[Path]) -> Path:
    """The one PDF that appeared in `folder` since `before` was listed."""
    new = sorted(set(folder.glob("*.pdf")) - before)
    assert len(new) == 1, new
    return new[0]
