"""ReaderWatcher on the simulator, the SAM emulator and real pcscd: events, removal,
unplug / service loss and recovery, prompt stop."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date

import pytest

from card_reader.base import (
    ExpiredCardError,
    InvalidIdNumberError,
    ProtocolError,
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
    start = time.monotonic()
    watcher.stop()
    assert time.monotonic() - start < 1.0
    assert not watcher.is_alive()
    assert sim.status() is ReaderState.NO_READER


def test_a_failing_listener_does_not_kill_the_watcher(
    sim: SimulatedReader, events: EventLog
) -> None:
    calls = []

    def listener(event, payload):
        calls.append(event)
        if event == "card":
            raise RuntimeError("UI bug")
        events(event, payload)

    watcher = watch(sim, listener)
    try:
        sim.place(sample("resident"))
        events.wait("state", ReaderState.CARD_PRESENT)
        sim.remove()
        events.wait("removed")
        assert watcher.is_alive()
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
