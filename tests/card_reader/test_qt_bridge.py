"""ReaderBridge: watcher events arrive as Qt signals on the Qt thread."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QThread

from card_reader.base import ExpiredCardError, ReaderState
from card_reader.emulators.sam_emulator import SamEmulator
from card_reader.emulators.samples import sample
from card_reader.qt import ReaderBridge
from card_reader.registry import open_reader
from card_reader.simulated import SimulatedReader


@pytest.fixture
def bridge(qtbot):
    reader = SimulatedReader()
    bridge = ReaderBridge(reader, today=lambda: date(2026, 11, 25), poll=0.05, retry=0.1)
    yield bridge, reader
    bridge.stop()


def test_card_read_then_removed(qtbot, bridge) -> None:
    """GIVEN a bridge WHEN a card is placed and removed THEN card_read then card_removed, on the Qt thread."""
    bridge, reader = bridge
    threads = []
    bridge.card_read.connect(lambda _: threads.append(QThread.currentThread()))
    with qtbot.waitSignal(bridge.state_changed, timeout=2000) as ready:
        bridge.start()
    assert ready.args == [ReaderState.READY.value]
    with qtbot.waitSignal(bridge.card_read, timeout=2000) as got:
        reader.place(sample("resident"))
    assert got.args[0] == sample("resident")
    assert threads == [bridge.thread()]
    assert threading.current_thread() is threading.main_thread()
    with qtbot.waitSignal(bridge.card_removed, timeout=2000):
        reader.remove()
    qtbot.waitUntil(lambda: bridge.state == ReaderState.READY.value, timeout=2000)


def test_read_failed_carries_the_error(qtbot, bridge) -> None:
    bridge, reader = bridge
    bridge.start()
    with qtbot.waitSignal(bridge.read_failed, timeout=2000) as failed:
        reader.place(replace(sample("resident"), valid_until=date(2001, 1, 1)))
    assert isinstance(failed.args[0], ExpiredCardError)
    assert failed.args[0].resident_message[0].startswith("证件已过有效期")


def test_state_changes_for_an_unplugged_reader(qtbot, bridge) -> None:
    bridge, reader = bridge
    reader.unplug()
    with qtbot.waitSignal(
        bridge.state_changed, timeout=2000, check_params_cb=lambda s: s == "no_reader"
    ):
        bridge.start()
    with qtbot.waitSignal(
        bridge.state_changed, timeout=2000, check_params_cb=lambda s: s == "ready"
    ):
        reader.plug()


def test_bridge_over_the_real_sam_driver(qtbot) -> None:
    with SamEmulator("J", baud=None) as emulator:
        bridge = ReaderBridge(open_reader(f"sam://{emulator.port_path}"), poll=0.05)
        try:
            with qtbot.waitSignal(bridge.card_read, timeout=3000) as got:
                bridge.start()
            assert got.args[0] == sample("J")
            with qtbot.waitSignal(bridge.card_removed, timeout=3000):
                emulator.remove()
        finally:
            bridge.stop()
