"""The prompt_latency benchmark runs end to end on the real espeak-ng and aplay."""

from __future__ import annotations

import re
import shutil

import pytest

from kiosk.bench import BENCHMARKS, load
from kiosk.config import load_config

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("espeak-ng") is None or shutil.which("aplay") is None,
        reason="needs espeak-ng and aplay",
    ),
]


def test_prompt_latency_measures_cached_and_uncached_prompts() -> None:
    """GIVEN the registry WHEN prompt_latency runs THEN a cached median and p99 in ms, and the
    uncached figures over at least 30 realistic prompts in its note."""
    assert "prompt_latency" in BENCHMARKS
    result = load("prompt_latency")(load_config(None, env={}))
    assert result.unit == "ms" and result.value > 0 and result.p99 is not None
    assert result.p99 >= result.value
    match = re.search(r"(\d+) prompts", result.note)
    assert match is not None and int(match.group(1)) >= 30
    assert "uncached (render + start) median" in result.note
