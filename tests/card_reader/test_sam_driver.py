"""The SAM driver against the GA 467 emulator on a real pty: every card type, fragmented and
noisy lines, corrupted checksums, silent and vanishing readers, every SW3 status."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest

from card_reader.base import (
    CardType,
    NoCardError,
    NoReaderError,
    ProtocolError,
    ReaderConfigError,
    ReaderState,
    ReaderTimeoutError,
)
from card_reader.emulators.sam_emulator import SamEmulator
from card_reader.emulators.samples import sample
from card_reader.ga467 import SW3_ERRORS, Command
from card_reader.sam import SamReader

from .conftest import FakeClock


def reader_for(emulator: SamEmulator, query: str = "") -> SamReader:
    reader = SamReader(f"sam://{emulator.port_path}?baud=115200&deadline=0.5{query}")
    reader.open()
    return reader


@pytest.fixture
def reader(sam_emulator: SamEmulator):
    reader = reader_for(sam_emulator)
    yield reader
    reader.close()


@pytest.mark.parametrize(
    ("kind", "card_type"),
    [
        ("resident", CardType.RESIDENT),
        ("J", CardType.HK_MO_TW_PERMIT),
        ("I", CardType.FOREIGN_PERMANENT),
        ("Y", CardType.FOREIGN_PERMANENT),
    ],
)
def test_all_four_card_types(
    sam_emulator: SamEmulator, reader: SamReader, kind: str, card_type: CardType
) -> None:
    """GIVEN a card of each type on the reader WHEN read THEN the Identity matches the card."""
    sam_emulator.insert(kind)
    identity = reader.wait_for_card(2)
    assert identity == sample(kind)
    assert identity.card_type is card_type
    assert reader.status() is ReaderState.CARD_PRESENT
    commands = [r.command for r in sam_emulator.requests]
    assert commands[-3:] == [Command.FIND_CARD, Command.SELECT_CARD, Command.READ_TEXT_PHOTO]


def test_foreign_card_names(sam_emulator: SamEmulator, reader: SamReader) -> None:
    sam_emulator.insert("Y")
    identity = reader.wait_for_card(2)
    assert identity.name == "安娜"
    assert identity.english_name == "SCHMIDT-VANDERBILT, ANNA KATHARINA MARIE"  # 35 + 5 chars
    assert identity.nationality == "DEU"


def finds(emulator: SamEmulator) -> int:
    """How many FIND_CARD requests the emulated reader has answered."""
    return [r.command for r in emulator.requests].count(Command.FIND_CARD)


def test_no_card_times_out_with_no_card_error(sam_emulator: SamEmulator) -> None:
    """GIVEN no card WHEN waiting 0.5 s, polling every 0.125 s THEN 5 looks, 4 pauses, NoCardError."""
    clock = FakeClock()
    reader = SamReader(f"sam://{sam_emulator.port_path}?poll=0.125", clock=clock, sleep=clock.sleep)
    reader.open()
    try:
        sam_emulator.remove()
        before = finds(sam_emulator)
        with pytest.raises(NoCardError):
            reader.wait_for_card(0.5)
        assert clock.sleeps == [0.125] * 4  # it never gives up before the timeout
        assert finds(sam_emulator) - before == 5  # and looks once more after the last pause
        assert reader.card_present() is False
        assert reader.status() is ReaderState.READY
    finally:
        reader.close()


def test_insert_remove_reinsert(sam_emulator: SamEmulator, reader: SamReader) -> None:
    sam_emulator.remove()
    assert reader.wait_for_removal(0.1)
    sam_emulator.insert("J")
    assert reader.card_present()
    assert reader.wait_for_removal(0.2) is False
    assert reader.wait_for_card(1).card_type is CardType.HK_MO_TW_PERMIT
    sam_emulator.insert("resident")
    assert reader.wait_for_card(1) == sample("resident")


def test_fragmented_answers(sam_emulator: SamEmulator, reader: SamReader) -> None:
    """GIVEN a reader that writes 7-byte pieces with pauses WHEN reading THEN it is reassembled."""
    sam_emulator.fragment = 7
    sam_emulator.fragment_delay = 0.0005
    assert reader.wait_for_card(2) == sample("resident")


def test_noise_before_every_frame(sam_emulator: SamEmulator, reader: SamReader) -> None:
    sam_emulator.noise = b"\x00\xff\xaa\xaa\xaa\x96\x13\x37"
    sam_emulator.fragment = 5
    sam_emulator.fragment_delay = 0
    assert reader.wait_for_card(2) == sample("resident")


def test_one_corrupted_checksum_is_retried(sam_emulator: SamEmulator, reader: SamReader) -> None:
    sam_emulator.corrupt_next(1)
    assert reader.wait_for_card(2) == sample("resident")
    assert [r.command for r in sam_emulator.requests].count(Command.FIND_CARD) == 2


def test_persistently_corrupted_checksum_is_a_protocol_error(
    sam_emulator: SamEmulator, reader: SamReader
) -> None:
    sam_emulator.corrupt_next(10)
    with pytest.raises(ProtocolError, match="checksum"):
        reader.wait_for_card(2)


def test_reader_that_never_answers_hits_the_deadline(sam_emulator: SamEmulator) -> None:
    """GIVEN a silent reader WHEN opening or reading THEN ReaderTimeoutError after the deadline."""
    clock = FakeClock(tick=0.05)  # every look at the clock is 50 ms (one read slice)
    reader = SamReader(
        f"sam://{sam_emulator.port_path}?deadline=0.5", clock=clock, sleep=clock.sleep
    )
    reader.open()
    sam_emulator.silent = True
    before = finds(sam_emulator)
    with pytest.raises(ReaderTimeoutError, match=r"FIND_CARD: no complete answer within 0\.5 s"):
        reader.wait_for_card(5)
    assert 0.5 <= clock.now < 1.0  # the answer's deadline ended the wait, not the 5 s one
    assert clock.sleeps == []
    assert finds(sam_emulator) - before == 1  # timeouts are not retried
    reader.close()
    with pytest.raises(ReaderTimeoutError):
        reader_for(sam_emulator)


def test_reader_vanishing_mid_read(sam_emulator: SamEmulator, reader: SamReader) -> None:
    """GIVEN the USB cable pulled half-way through the 1295-byte answer THEN NoReaderError."""
    sam_emulator.vanish_during_read = True
    with pytest.raises(NoReaderError):
        reader.wait_for_card(2)
    assert reader.status() is ReaderState.NO_READER
    with pytest.raises(NoReaderError):
        reader.open()  # the device node is gone


def test_missing_port_is_no_reader() -> None:
    with pytest.raises(NoReaderError):
        SamReader("sam:///dev/ttyNOPE0").open()


@pytest.mark.parametrize(
    "uri", ["sam://", "sam:///dev/ttyUSB0?baud=12345", "sam:///dev/x?deadline=-1"]
)
def test_bad_uris(uri: str) -> None:
    with pytest.raises(ReaderConfigError):
        SamReader(uri)


@pytest.mark.parametrize("sw3", sorted(SW3_ERRORS))
def test_every_sw3_status_on_read_raises_its_type(
    sam_emulator: SamEmulator, reader: SamReader, sw3: int
) -> None:
    sam_emulator.force_status(Command.READ_TEXT_PHOTO, sw3, times=2)
    expected = SW3_ERRORS[sw3][0]
    with pytest.raises(expected) as info:
        reader.wait_for_card(1)
    assert type(info.value) is expected
    assert info.value.code == sw3


def test_newest_address_is_read_when_asked(sam_emulator: SamEmulator) -> None:
    sam_emulator.newest_address = "陕西省西安市雁塔区新家园路1号"
    reader = reader_for(sam_emulator, "&newest_address=1")
    try:
        assert reader.wait_for_card(1).address == "陕西省西安市雁塔区新家园路1号"
        sam_emulator.newest_address = None  # 91: no newer address
        assert reader.wait_for_card(1).address == sample("resident").address
    finally:
        reader.close()


def test_any_identity_goes_through_the_wire(sam_emulator: SamEmulator, reader: SamReader) -> None:
    card = replace(sample("resident"), name="欧阳娜娜", nation="维吾尔", valid_until=None)
    sam_emulator.insert(card)
    assert reader.wait_for_card(1) == card


def test_reader_paced_like_a_uart_is_read() -> None:
    """GIVEN a reader writing at 115200 baud (the 1295-byte answer trickles in) THEN it is read."""
    with SamEmulator("resident", baud=115200) as emulator:
        reader = reader_for(emulator, "&deadline=1")
        try:
            assert reader.wait_for_card(2) == sample("resident")
        finally:
            reader.close()


def test_emulator_runs_as_a_module() -> None:
    """GIVEN `python -m card_reader.emulators.sam_emulator` WHEN a driver reads it THEN it answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "card_reader.emulators.sam_emulator", "--card", "I", "--baud", "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        port = proc.stdout.readline().strip()
        reader = SamReader(f"sam://{port}")
        reader.open()
        assert reader.wait_for_card(2) == sample("I")
        proc.stdin.write("none\n")
        proc.stdin.flush()
        assert reader.wait_for_removal(3)
        assert not reader.card_present()
        reader.close()
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
