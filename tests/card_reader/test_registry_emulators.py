"""Reader URIs and the emulator start() used by `kiosk demo --reader-emulator`."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from card_reader.base import (
    CardReaderError,
    ReaderConfigError,
    UnreadableCardError,
)
from card_reader.emulators import start
from card_reader.emulators.pcscd import PcscDaemon
from card_reader.emulators.samples import sample
from card_reader.pcsc import PcscReader
from card_reader.registry import READERS, open_reader
from card_reader.sam import SamReader
from card_reader.simulated import SimulatedReader

from .conftest import wait_slot_empty


@pytest.mark.parametrize(
    ("uri", "cls"),
    [
        ("sim://", SimulatedReader),
        ("sam:///dev/ttyUSB0?baud=115200", SamReader),
        ("pcsc://", PcscReader),
        ("pcsc://Virtual PCD", PcscReader),
    ],
)
def test_uris_pick_drivers_without_opening(uri: str, cls: type) -> None:
    reader = open_reader(uri)
    assert type(reader) is cls
    assert reader.uri == uri
    assert set(READERS) == {"sim", "sam", "pcsc"}


@pytest.mark.parametrize(
    "uri",
    [
        "usb://x",
        "",
        "/dev/ttyUSB0",
        "pcsc://?profiles=nope",
        "sam://[::1",  # urlsplit: ValueError("Invalid IPv6 URL")
        "pcsc://[::1",
        "sam://]x[/dev/ttyUSB0",
        "sam:///dev/ttyUSB0?deadline=nan",
        "sam:///dev/ttyUSB0?poll=inf",
        "pcsc://?profiles=..%2F..%2Fetc%2Fpasswd",
        "pcsc://?profiles=%00.json",
        "pcsc://?profiles=/nonexistent/mine.json",
    ],
)
def test_bad_uris_are_typed_errors(uri: str) -> None:
    """GIVEN a KIOSK_READER_URI typo WHEN the reader is built THEN ReaderConfigError, nothing else."""
    with pytest.raises(ReaderConfigError) as info:
        open_reader(uri)
    assert isinstance(info.value, CardReaderError)
    assert info.value.resident_message[0] == "读卡器配置错误，请联系工作人员"


@settings(max_examples=2000, deadline=None)
@given(
    st.sampled_from(
        ["sim://", "sam://", "sam:///dev/", "pcsc://", "pcsc://?profiles=", "", "x://"]
    ),
    st.text(alphabet=st.sampled_from("[]:/?#&=%@.,;\\ \x00aZ09é\ufffd"), max_size=20),
)
def test_any_uri_builds_a_reader_or_a_config_error(prefix: str, rest: str) -> None:
    """GIVEN any text WHEN taken as a reader URI THEN a reader (not opened) or ReaderConfigError."""
    try:
        reader = open_reader(prefix + rest)
    except ReaderConfigError:
        return
    assert reader.uri == prefix + rest


def test_simulated_reader_is_thread_safe() -> None:
    reader = SimulatedReader()
    reader.open()
    got = []
    waiter = threading.Thread(target=lambda: got.append(reader.wait_for_card(2)))
    waiter.start()
    reader.place(sample("resident"))
    waiter.join(3)
    assert got == [sample("resident")]
    reader.place_unreadable()
    with pytest.raises(UnreadableCardError):
        reader.wait_for_card(0.1)
    reader.remove()
    assert reader.wait_for_removal(0.1)


def test_start_sam_emulator_with_any_identity() -> None:
    uri, controller = start("sam")
    try:
        reader = open_reader(uri)
        reader.open()
        someone = replace(sample("resident"), name="赵六", address="演示路8号")
        controller.insert(someone)
        assert reader.wait_for_card(2) == someone
        controller.insert_unreadable()
        with pytest.raises(UnreadableCardError):
            reader.wait_for_card(2)
        controller.remove()
        assert not reader.card_present()
        reader.close()
    finally:
        controller.stop()


@pytest.mark.pcsc
def test_start_pcsc_emulator_reuses_running_pcscd(pcscd: PcscDaemon) -> None:
    uri, controller = start("pcsc", identity=sample("resident"))
    try:
        assert controller.daemon is None  # pcscd was running: not ours to stop
        reader = open_reader(uri)
        reader.open()
        identity = reader.wait_for_card(3)
        assert (identity.id_number, identity.name) == (sample("resident").id_number, "王秀英")
        controller.remove()
        assert reader.wait_for_removal(3)
        controller.insert_unreadable()
        with pytest.raises(UnreadableCardError):
            reader.wait_for_card(3)
        reader.close()
    finally:
        controller.stop()
        wait_slot_empty("Virtual PCD 00 00")


def test_unknown_emulator_kind() -> None:
    with pytest.raises(ValueError):
        start("nfc")
