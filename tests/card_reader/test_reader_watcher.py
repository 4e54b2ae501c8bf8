"""ReaderWatcher on the simulator, the SAM emulator and real pcscd: events, removal,
unplug / service loss and recovery, prompt stop."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

import pytest

from card_reader.base import (
    ExpiredCardError,
    Identity,
    InvalidIdNumberError,
    ProtocolError,
    ReaderFaultError,
    ReaderState,
    UnreadableCardError,
)
from card_reader.emulators.pcscd import PcscDaemon
from card_reader.emulators.sam_emulator import SamEmulator
from card_reader.emulators.samples import sample
from card_reader.emulators.vcard import VirtualCard, social_security_identity
from card_reader.pcsc import PcscReader
from card_reader.sam import SamReader
from card_reader.simulated import SimulatedReader, identity_for
from card_reader.watch import ReaderWatcher

from .conftest import EventLog

TODAY = date(2026, 11, 25)


@pytest.fixture
def sim() -> SimulatedReader:
    return SimulatedReader("sim://")


def watch(reader, events: EventLog, **kwargs) -> ReaderWatcher:
    watcher = ReaderWatcher(reader, events, today=lambda: TODAY, poll=0.05, retry=0.1, **kwargs)
    watcher.start()
    return watcher


def test_card_removed_and_next_card(sim: SimulatedReader, events: EventLog) -> None:
    """GIVEN a running watcher WHEN a card is placed, removed, and another placed THEN events in order."""
    watcher = watch(sim, events)
    try:
        events.wait("state", ReaderState.READY)
        sim.place(sample("resident"))
        i, card = events.wait("card")
        assert card == sample("resident")
        sim.remove()
        j, _ = events.wait("removed", after=i)
        sim.place(sample("J"))
        _, card2 = events.wait("card", after=j)
        assert card2 == sample("J")
        assert events.names().count("card") == 2  # a card left on the reader is read once
    finally:
        watcher.stop()


def test_expired_invalid_and_unreadable_cards_are_errors(
    sim: SimulatedReader, events: EventLog
) -> None:
    watcher = watch(sim, events)
    try:
        sim.place(replace(sample("resident"), valid_until=date(2020, 1, 1)))
        i, error = events.wait("error")
        assert isinstance(error, ExpiredCardError)
        sim.remove()
        i, _ = events.wait("removed", after=i)
        good = sample("resident")
        sim.place(
            replace(
                good, id_number=good.id_number[:17] + ("0" if good.id_number[-1] != "0" else "1")
            )
        )
        i, error = events.wait("error", after=i)
        assert isinstance(error, InvalidIdNumberError)
        sim.place_unreadable()  # swapped without a removal: not re-read until it leaves
        sim.remove()
        i, _ = events.wait("removed", after=i)
        sim.place_unreadable()
        i, error = events.wait("error", after=i)
        assert isinstance(error, UnreadableCardError)
        assert "card" not in events.names()
    finally:
        watcher.stop()


def test_unplug_and_replug(sim: SimulatedReader, events: EventLog) -> None:
    watcher = watch(sim, events)
    try:
        i, _ = events.wait("state", ReaderState.READY)
        sim.unplug()
        i, _ = events.wait("state", ReaderState.NO_READER, after=i)
        sim.plug()
        i, _ = events.wait("state", ReaderState.READY, after=i)
        sim.place(sample("resident"))
        events.wait("card", after=i)
    finally:
        watcher.stop()


def test_stop_is_prompt_and_closes_the_reader(sim: SimulatedReader, events: EventLog) -> None:
    watcher = ReaderWatcher(sim, events, today=lambda: TODAY)  # default poll 0.2 s
    watcher.start()
    events.wait("state", ReaderState.READY)
    watcher.stop()  # joins for at most 2 s; the thread looks at its stop flag every poll
    assert not watcher.is_alive()
    assert sim.status() is ReaderState.NO_READER


def test_a_failing_listener_does_not_kill_the_watcher(
    sim: SimulatedReader, events: EventLog
) -> None:
    """GIVEN a listener that raises on every event WHEN cards come and go THEN all are reported."""

    def listener(event, payload):
        events(event, payload)
        raise RuntimeError("UI bug")

    watcher = watch(sim, listener)
    try:
        sim.place(sample("resident"))
        i, _ = events.wait("card")
        sim.remove()
        i, _ = events.wait("removed", after=i)
        sim.place(sample("J"))
        _, card = events.wait("card", after=i)
        assert card == sample("J")
        assert watcher.is_alive()
    finally:
        watcher.stop()


class BuggyReader(SimulatedReader):
    """A simulated reader whose driver code raises a plain exception (a bug, not a card error)
    the first `times` calls of `method`."""

    def __init__(self, method: str, times: int = 1) -> None:
        super().__init__()
        self.method = method
        self.times = times
        self.opens = 0

    def _maybe_fail(self, method: str) -> None:
        if method == self.method and self.times > 0:
            self.times -= 1
            raise RuntimeError(f"bug in {method}")

    def open(self) -> None:
        self.opens += 1
        self._maybe_fail("open")
        super().open()

    def close(self) -> None:
        super().close()
        self._maybe_fail("close")

    def wait_for_card(self, timeout: float) -> Identity:
        self._maybe_fail("wait_for_card")
        return super().wait_for_card(timeout)

    def wait_for_removal(self, timeout: float) -> bool:
        self._maybe_fail("wait_for_removal")
        return super().wait_for_removal(timeout)


@pytest.mark.parametrize("method", ["open", "wait_for_card", "wait_for_removal"])
def test_a_driver_bug_does_not_kill_the_watcher(
    method: str, events: EventLog, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN a driver raising RuntimeError WHEN watching THEN ERROR, logged with its traceback,
    the reader is re-opened and the next card is read."""
    reader = BuggyReader(method, times=2)
    watcher = watch(reader, events)
    try:
        reader.place(sample("resident"))
        if method == "wait_for_removal":
            i, _ = events.wait("card")
            reader.remove()
            i, _ = events.wait("removed", after=i)
            reader.place(sample("J"))
        i, _ = events.wait("state", ReaderState.ERROR)
        _, card = events.wait("card", after=i)
        assert card == (sample("J") if method == "wait_for_removal" else sample("resident"))
        assert watcher.is_alive()
        assert reader.times == 0
        assert reader.opens >= 2  # closed and opened again after the retry delay
        failures = [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
        assert any(f"bug in {method}" in str(r.exc_info[1]) for r in failures)
    finally:
        watcher.stop()


def test_a_close_that_crashes_does_not_kill_the_watcher(events: EventLog) -> None:
    """GIVEN close() raising WHEN the reader is unplugged and comes back THEN cards are read."""
    reader = BuggyReader("close", times=100)
    watcher = watch(reader, events)
    try:
        i, _ = events.wait("state", ReaderState.READY)
        reader.unplug()
        i, _ = events.wait("state", ReaderState.NO_READER, after=i)
        reader.plug()
        reader.place(sample("resident"))
        _, card = events.wait("card", after=i)
        assert card == sample("resident")
        assert reader.times < 100  # close() was called, and failed
    finally:
        watcher.stop()


def test_a_check_that_crashes_does_not_kill_the_watcher(
    sim: SimulatedReader, events: EventLog
) -> None:
    """GIVEN a driver yielding an Identity the checks cannot handle (no number at all) WHEN read
    THEN a reader fault is reported, and the next card is read as usual."""
    watcher = watch(sim, events)
    try:
        sim.place(replace(sample("resident"), id_number=None))  # TypeError inside the checks
        i, error = events.wait("error")
        assert isinstance(error, ReaderFaultError)
        assert isinstance(error.__cause__, TypeError)
        assert events.events[i - 1] == ("state", ReaderState.ERROR)
        sim.place(sample("J"))
        _, card = events.wait("card", after=i)
        assert card == sample("J")
    finally:
        watcher.stop()


def test_a_clock_that_crashes_does_not_kill_the_watcher(
    sim: SimulatedReader, events: EventLog
) -> None:
    """GIVEN the injected `today` failing once WHEN a card is read THEN fault, then read again."""
    calls = []

    def today() -> date:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("clock unavailable")
        return TODAY

    watcher = ReaderWatcher(sim, events, today=today, poll=0.05, retry=0.1)
    watcher.start()
    try:
        sim.place(sample("resident"))
        i, error = events.wait("error")
        assert isinstance(error, ReaderFaultError)
        _, card = events.wait("card", after=i)  # the same card, read again after re-opening
        assert card == sample("resident")
    finally:
        watcher.stop()


def test_simulated_identity_for_helper() -> None:
    ident = identity_for(
        "11010519491231002X", "张三", "female", date(1949, 12, 31), "北京", valid_until=None
    )
    assert ident.valid_until is None and ident.nation == "汉"


def test_sam_reader_vanishing_is_reported_and_recovered(events: EventLog) -> None:
    """GIVEN the SAM reader unplugged mid-read THEN NO_READER; a new reader on the port recovers."""
    emulator = SamEmulator("resident", baud=None).start()
    reader = SamReader(f"sam://{emulator.port_path}?deadline=0.3&poll=0.02")
    watcher = watch(reader, events)
    try:
        i, card = events.wait("card")
        assert card == sample("resident")
        emulator.vanish_during_read = True
        emulator.remove()
        i, _ = events.wait("removed", after=i)
        emulator.insert("J")
        i, _ = events.wait("state", ReaderState.NO_READER, after=i)
        assert "error" not in events.names()
    finally:
        watcher.stop()
        emulator.stop()


def test_sam_reader_fault_states(events: EventLog) -> None:
    emulator = SamEmulator(None, baud=None).start()
    reader = SamReader(f"sam://{emulator.port_path}?deadline=0.2&poll=0.02")
    watcher = watch(reader, events)
    try:
        i, _ = events.wait("state", ReaderState.READY)
        emulator.corrupt_next(100)
        i, error = events.wait("error", after=i)
        assert isinstance(error, ProtocolError)
        assert events.events[i - 1] == ("state", ReaderState.ERROR)
        emulator.clear_faults()
        i, _ = events.wait("state", ReaderState.READY, after=i)
        emulator.insert("Y")
        _, card = events.wait("card", after=i)
        assert card == sample("Y")
    finally:
        watcher.stop()
        emulator.stop()


@pytest.mark.pcsc
def test_pcsc_watcher_survives_a_pcscd_restart(
    pcscd: PcscDaemon, vcard: VirtualCard, events: EventLog
) -> None:
    """GIVEN a watcher on pcsc:// WHEN pcscd stops and comes back THEN NO_SERVICE, READY, cards again."""
    watcher = watch(PcscReader("pcsc://Virtual PCD 00 00"), events)
    try:
        i, _ = events.wait("state", ReaderState.READY)
        vcard.insert()
        i, card = events.wait("card", after=i)
        assert card == social_security_identity(sample("social_security"))
        vcard.remove()
        i, _ = events.wait("removed", after=i, timeout=3)
        pcscd.stop()
        i, _ = events.wait("state", ReaderState.NO_SERVICE, after=i)
        pcscd.start()
        i, _ = events.wait("state", ReaderState.READY, after=i)
        vcard.insert()
        events.wait("card", after=i, timeout=5)
    finally:
        watcher.stop()


@pytest.mark.pcsc
def test_pcsc_card_pulled_while_service_dies(
    pcscd: PcscDaemon, vcard: VirtualCard, events: EventLog
) -> None:
    watcher = watch(PcscReader("pcsc://"), events)
    try:
        vcard.insert()
        i, _ = events.wait("card")
        pcscd.stop()
        i, _ = events.wait("removed", after=i)  # the session must not outlive the service
        events.wait("state", ReaderState.NO_SERVICE, after=i)
    finally:
        watcher.stop()


def test_no_reader_error_type_on_missing_port(events: EventLog) -> None:
    watcher = watch(SamReader("sam:///dev/ttyNOPE9"), events)
    try:
        _, state = events.wait("state")
        assert state is ReaderState.NO_READER
    finally:
        watcher.stop()
