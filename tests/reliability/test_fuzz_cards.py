"""Fuzzing the card readers' parsers (issue 14, part B 3): GA 467 byte streams, text blocks,
the SAM driver on a scripted serial line, PC/SC card profiles and APDU answers.

Each parser gets a few hundred hypothesis cases (derandomized; a failure is shrunk to the least
damage that fails) and a seeded sweep of thousands (case n is seed n of kiosk.fuzzing.core's
Seeded chooser). Every case must give a well-typed Identity (or the driver's result) or raise a
CardReaderError; `kiosk bench --fuzz` runs the same generators 100,000 times each."""

from __future__ import annotations

from typing import Any

import pytest

from card_reader.emulators.samples import sample
from kiosk.fuzzing import apdu, frames
from kiosk.fuzzing.core import Parser, Simplest, assert_clean, check, run_long

pytestmark = pytest.mark.slow

# parser -> (hypothesis cases, seeded cases)
CASES = {
    "ga467_frames": (300, 3000),
    "text_blocks": (300, 3000),
    "sam_reader": (200, 2000),
    "card_profiles": (200, 2000),
    "apdu_answers": (200, 2000),
}
PARSERS = {p.name: p for p in frames.parsers() + apdu.parsers()}


@pytest.mark.parametrize("name", CASES)
def test_hypothesis_cases_read_a_card_or_raise_a_reader_error(name: str) -> None:
    """GIVEN hypothesis's cases of damaged reader input WHEN parsed THEN an Identity or a
    CardReaderError, nothing else."""
    check(PARSERS[name], CASES[name][0])()


@pytest.mark.parametrize("name", CASES)
def test_a_seeded_sweep_reads_a_card_or_raises_a_reader_error(name: str) -> None:
    """GIVEN thousands of seeded cases WHEN parsed THEN no escape and no ill-typed Identity."""
    assert_clean(run_long(PARSERS[name], CASES[name][1]))


@pytest.mark.parametrize("name", CASES)
def test_the_undamaged_case_reads_the_sample_card(name: str) -> None:
    """GIVEN the simplest case (no damage) WHEN parsed THEN the sample card is read: the
    fuzzing starts from input that goes all the way through."""
    parser: Parser = PARSERS[name]
    result: Any = parser.parse(parser.generate(Simplest()))
    if name == "ga467_frames":
        assert result == 1  # one frame, its text block read
    elif name == "card_profiles":
        assert result == 3  # the idcard_ffb0 profile reads the three ID cards, not the others
    elif name == "apdu_answers":
        assert result.id_number == sample("social_security").id_number
    else:
        assert result.id_number == sample("resident").id_number
