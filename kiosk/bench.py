"""The benchmark harness behind `kiosk bench`: warm up, repeat, report median and p99,
and a ratio against a baseline measured in the same run where one exists."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from kiosk.config import Config


@dataclass(frozen=True)
class Measurement:
    """One benchmark's result; `ratio` = value / baseline (below 1: faster than the baseline)."""

    name: str
    value: float
    unit: str
    p99: float | None = None
    baseline: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / baseline, if there is a baseline."""
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    def to_json(self) -> dict[str, float | str | None]:
        """{"value", "unit", "p99", "baseline", "ratio"} as `kiosk bench --json` prints them."""
        ratio = self.ratio
        return {
            "value": round(self.value, 4),
            "unit": self.unit,
            "p99": None if self.p99 is None else round(self.p99, 4),
            "baseline": None if self.baseline is None else round(self.baseline, 4),
            "ratio": None if ratio is None else round(ratio, 4),
        }


def time_ms(fn: Callable[[], object], *, warmup: int = 3, repeat: int = 30) -> tuple[float, float]:
    """Median and p99 wall time of fn() in milliseconds, after warm-up calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return statistics.median(samples), p99


Benchmark = Callable[[Config], Measurement]

# name -> module:function; each takes the Config and returns a Measurement.
BENCHMARKS: dict[str, str] = {
    "render_residence_certificate": "kiosk.benchmarks.issuing:render_residence_certificate",
    "cold_start_to_attract": "kiosk.benchmarks.startup:cold_start_to_attract",
    "cold_start_to_ready": "kiosk.benchmarks.startup:cold_start_to_ready",
    "card_to_menu": "kiosk.benchmarks.session:card_to_menu",
    "touches_to_print": "kiosk.benchmarks.session:touches_to_print",
    "kiosk_session_rss": "kiosk.benchmarks.startup:kiosk_session_rss",
    "card_to_identity_sam": "kiosk.benchmarks.cards:card_to_identity_sam",
    "card_to_identity_pcsc": "kiosk.benchmarks.cards:card_to_identity_pcsc",
    "render_a4_certificate": "kiosk.benchmarks.documents:render_a4_certificate",
    "render_slip80": "kiosk.benchmarks.documents:render_slip80",
    "preview_raster": "kiosk.benchmarks.documents:preview_raster",
    "slip_to_escpos": "kiosk.benchmarks.printing:slip_to_escpos",
    "slip_wire_bytes": "kiosk.benchmarks.printing:slip_wire_bytes",
    "confirm_to_cups_submitted": "kiosk.benchmarks.printing:confirm_to_cups_submitted",
    "prompt_latency": "kiosk.benchmarks.voice:prompt_latency",
    "issuance_50_terminals": "kiosk.benchmarks.district:issuance_50_terminals",
    "issuance_50_terminals_record": "kiosk.benchmarks.district:issuance_50_terminals_record",
    "lookup_1m_sqlite": "kiosk.benchmarks.district:lookup_1m_sqlite",
    "lookup_1m_postgres": "kiosk.benchmarks.district:lookup_1m_postgres",
    "lookup_menu_1m_sqlite": "kiosk.benchmarks.district:lookup_menu_1m_sqlite",
    "lookup_menu_1m_postgres": "kiosk.benchmarks.district:lookup_menu_1m_postgres",
    "import_100k_sqlite": "kiosk.benchmarks.district:import_100k_sqlite",
    "import_100k_postgres": "kiosk.benchmarks.district:import_100k_postgres",
    "verify_page_time": "kiosk.benchmarks.verify:verify_page_time",
    "qr_decode_rate": "kiosk.benchmarks.verify:qr_decode_rate",
}

# Long runs, only on request: `kiosk bench --fuzz` (100,000+ cases per parser) and
# `kiosk bench --soak` (10,000 sessions); never part of the default run.
FUZZ: dict[str, str] = {
    "fuzz_parsers": "kiosk.benchmarks.fuzz:fuzz_parsers",
}
SOAK: dict[str, str] = {
    "soak_sessions": "kiosk.benchmarks.soak:soak_sessions",
}
ALL: dict[str, str] = {**BENCHMARKS, **FUZZ, **SOAK}


def load(name: str) -> Benchmark:
    """Import one benchmark function by name."""
    import importlib

    module, attribute = ALL[name].split(":")
    benchmark = getattr(importlib.import_module(module), attribute)
    if not callable(benchmark):
        raise TypeError(f"{ALL[name]} is not a benchmark function")
    return cast(Benchmark, benchmark)  # the registry above names Config -> Measurement functions
