"""Fuzzing kiosk.toml and KIOSK_* variables (issue 14, part B 3): kiosk.toml.example edited line
by line (TOML values of every type, tokens, sections, damaged bytes, other encodings) with
overrides beside it. load_config returns a Config that keeps its promises (absolute paths,
ASCII codes, URIs the database, reader and printer registries accept) or raises ConfigError."""

from __future__ import annotations

import pytest

from kiosk.config import Config
from kiosk.fuzzing.configs import config_parser
from kiosk.fuzzing.core import Parser, Simplest, assert_clean, check, run_long

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def parser(tmp_path_factory: pytest.TempPathFactory) -> Parser:
    """The configuration parser, writing kiosk.toml into a scratch folder."""
    return config_parser(tmp_path_factory.mktemp("config"))


def test_hypothesis_cases_load_or_raise_config_error(parser: Parser) -> None:
    """GIVEN hypothesis's edited files and environments WHEN loaded THEN Config or ConfigError."""
    check(parser, 200)()


def test_a_seeded_sweep_loads_or_raises_config_error(parser: Parser) -> None:
    """GIVEN thousands of seeded files and environments THEN no escape, no broken Config."""
    assert_clean(run_long(parser, 2500))


def test_the_undamaged_case_is_the_example_file(parser: Parser) -> None:
    """GIVEN kiosk.toml.example as shipped WHEN loaded THEN its terminal."""
    config = parser.parse(parser.generate(Simplest()))
    assert isinstance(config, Config)
    assert config.terminal.id == "WY-HQJ-01"
