"""Crash consistency at the card reader: `kiosk run` SIGKILLed while a GA 467 SAM reader is
sending it the card's particulars (the reader emulator on a pty, paced like a 115200-baud UART,
lives on in the test process as a real reader would), then started again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from card_reader.emulators.sam_emulator import SamEmulator
from card_reader.emulators.samples import sample
from card_reader.ga467 import Command
from kiosk.config import Config
from tests.reliability.crash_terminal import (
    Terminal,
    assert_clean_attract,
    assert_consistent,
    install_certified_key,
)

pytestmark = [pytest.mark.slow, pytest.mark.stacks]


@pytest.fixture
def reader() -> Iterator[SamEmulator]:
    """A SAM reader on a pty holding the sample resident card, paced at 115200 baud (her
    1,295-byte answer takes ~112 ms on the wire)."""
    emulator = SamEmulator("resident", baud=115200).start()
    yield emulator
    emulator.stop()


def test_killed_mid_card_read_comes_back_and_reads_again(
    seeded_db: Config, tmp_path: Path, reader: SamEmulator
) -> None:
    """GIVEN `kiosk run` on a SAM reader with a card on it WHEN the kiosk is killed with the
    card's answer part-way over the wire THEN, the card taken away, `kiosk run` restarts on a
    clean attract screen with the reader ready (the reader's half-sent answer is not taken for a
    card), nothing was issued, and the card placed again reads whole."""
    term = Terminal(seeded_db, KIOSK_READER_URI=f"sam://{reader.port_path}")
    install_certified_key(term.config, tmp_path / "district-root")
    before = term.register()
    term.restart(crash_at="mid_card_read")
    assert Command.READ_TEXT_PHOTO in [r.command for r in reader.requests]
    reader.remove()
    shown = term.restart()
    assert_clean_attract(shown)
    assert shown["reader"] == "ready" and shown["reader_text"] == "读卡器已就绪　Reader ready"
    after = term.register()
    assert after.papers == before.papers
    assert_consistent(term, after)
    reader.insert("resident")
    card = json.loads(term.ok("read-card", "--json", "--show-full", "--timeout", "10"))
    assert card["id_number"] == sample("resident").id_number and card["name"] == "王秀英"
