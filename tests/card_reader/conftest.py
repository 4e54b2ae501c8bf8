"""Real stacks for the card reader tests: a private pcscd (started once, stopped by pid),
virtual cards behind vpcd, and GA 467 emulators on ptys."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from card_reader.base import CardReaderError
from card_reader.emulators.pcscd import PcscDaemon, running_pid
from card_reader.emulators.sam_emulator import SamEmulator
from card_reader.emulators.samples import sample
from card_reader.emulators.vcard import VirtualCard
from card_reader.pcsc import PcscReader


def wait_for(predicate: Callable[[], object], timeout: float = 5.0, step: float = 0.01) -> bool:
    """Poll `predicate` until true or the deadline passes (no fixed sleeps in tests)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


class FakeClock:
    """A clock to inject into drivers: sleep() returns at once and moves the time on.

    With `tick` each reading of the clock also advances it, so a driver waiting for an answer
    that never comes reaches its deadline after a known number of looks, not of seconds.
    """

    def __init__(self, tick: float = 0.0) -> None:
        self.now = 0.0
        self.tick = tick
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        now = self.now
        self.now += self.tick
        return now

    def sleep(self, seconds: float) -> None:
        """Record the pause and skip it."""
        self.sleeps.append(seconds)
        self.now += seconds


class EventLog:
    """A thread-safe listener for ReaderWatcher that tests can wait on."""

    def __init__(self) -> None:
        import threading

        self.events: list[tuple[str, object]] = []
        self._cond = threading.Condition()

    def __call__(self, event: str, payload: object) -> None:
        with self._cond:
            self.events.append((event, payload))
            self._cond.notify_all()

    def wait(self, event: str, payload: object = None, *, timeout: float = 5.0, after: int = 0):
        """The first (event, payload) at index >= after; payload None matches any."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                for i, (e, p) in enumerate(self.events[after:], after):
                    if e == event and (payload is None or p == payload):
                        return i, p
                remaining = end - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {event} {payload!r} in {self.events}")
                self._cond.wait(remaining)

    def names(self) -> list[str]:
        """Event names so far."""
        with self._cond:
            return [e for e, _ in self.events]


@pytest.fixture
def events() -> EventLog:
    """A listener recording watcher events."""
    return EventLog()


@pytest.fixture(scope="session")
def pcscd_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscDaemon]:
    """One pcscd for the session, ours alone; a missing pcscd fails the tests (root only)."""
    if os.geteuid() != 0:
        pytest.skip("pcscd tests need root (pcscd writes /run/pcscd)")
    other = running_pid()
    if other is not None:
        pytest.fail(f"a pcscd we did not start is running (pid {other}); stop it first")
    log_path = Path(tmp_path_factory.mktemp("pcscd")) / "pcscd.log"
    daemon = PcscDaemon(log_path=log_path)
    try:
        daemon.start()
    except RuntimeError as exc:
        pytest.fail(f"cannot start pcscd: {exc}")
    yield daemon
    daemon.stop()


@pytest.fixture
def pcscd(pcscd_daemon: PcscDaemon) -> Iterator[PcscDaemon]:
    """pcscd running at the start and at the end of the test, whatever the test did to it."""
    if pcscd_daemon.pid is None:
        pcscd_daemon.start()
    yield pcscd_daemon
    if pcscd_daemon.pid is None:
        pcscd_daemon.start()


@pytest.fixture
def vcard(pcscd: PcscDaemon) -> Iterator[VirtualCard]:
    """A social security card for the first vpcd slot (not inserted yet); removed afterwards."""
    card = VirtualCard(sample("social_security"))
    yield card
    card.remove()
    if pcscd.pid is not None:
        wait_slot_empty("Virtual PCD 00 00")


def wait_slot_empty(reader_name: str, timeout: float = 3.0) -> None:
    """Wait until pcscd has noticed that the slot's card is gone (it polls every ~400 ms)."""
    reader = PcscReader(f"pcsc://{reader_name}")
    try:
        reader.open()
        reader.wait_for_removal(timeout)
    except CardReaderError:
        pass
    finally:
        reader.close()


@pytest.fixture
def sam_emulator() -> Iterator[SamEmulator]:
    """An unpaced GA 467 reader on a pty holding the sample resident card."""
    emulator = SamEmulator("resident", baud=None).start()
    yield emulator
    emulator.stop()
