"""`kiosk bench --fuzz`: 100,000+ generated cases for every parser that reads the outside world.

Each parser of kiosk.fuzzing gets the same number of cases (case n is seed n, so any escape it
reports can be made again: kiosk.fuzzing.replay(name, seed, folder)), then the verification page's parser gets as many in headless
Chromium. The one Measurement's value is the number of exceptions outside the project's error
tree (it must be 0); its note gives, per parser, cases, escapes and cases per second. Each
parser's figures are also printed to stderr as it finishes, with the first escapes if any.

    KIOSK_FUZZ_CASES=100000   cases per parser        KIOSK_FUZZ_ONLY=csv_import,qr_payloads
    KIOSK_FUZZ_JOBS=1         parsers run side by side in that many processes
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from kiosk.bench import Measurement
from kiosk.config import Config
from kiosk.fuzzing.core import Tally

PAGE = "verify_page_js"


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No log lines or library warnings for the cases the parsers refuse (millions of them)."""
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)


def scratch_root() -> str | None:
    """Memory-backed scratch space where there is some (each case rewrites a file)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def run_parser(name: str, cases: int, workdir: str) -> Tally:
    """One parser's long run (in this process or a worker)."""
    from kiosk.fuzzing import all_parsers
    from kiosk.fuzzing.core import run_long

    folder = Path(workdir) / name
    folder.mkdir(parents=True, exist_ok=True)
    with quiet():
        parser = next(p for p in all_parsers(folder) if p.name == name)
        return run_long(parser, cases)


def run_page_parser(cases: int, workdir: str) -> Tally:
    """The page's parser in Chromium; an empty tally when there is no Chromium here."""
    from kiosk.benchmarks.verify import CHROMEDRIVER, CHROMIUM, chromium
    from kiosk.fuzzing.page import run_page

    if not (Path(CHROMIUM).exists() and shutil.which(CHROMEDRIVER)):
        return Tally(PAGE)
    driver = chromium(Path(workdir) / "chromium-profile")
    try:
        return run_page(driver, cases)
    finally:
        driver.quit()


def report(tally: Tally) -> str:
    """One parser's figures, as in the note."""
    if not tally.cases:
        return f"{tally.name} skipped (no Chromium)"
    extra = f", {tally.bad_results} bad results" if tally.bad_results else ""
    return (
        f"{tally.name} {tally.cases:,} cases, {tally.escapes} escapes{extra}, {tally.rate:,.0f}/s"
    )


def _told(tally: Tally) -> Tally:
    print(f"  {report(tally)} (refused {tally.refused:,}, slowest {tally.slowest * 1000:.0f} ms)",
          file=sys.stderr, flush=True)  # fmt: skip
    for line in tally.samples:
        print(f"    {line}", file=sys.stderr, flush=True)
    return tally


def fuzz_parsers(config: Config) -> Measurement:
    """Every parser, KIOSK_FUZZ_CASES cases each: exceptions outside the error tree (goal 0)."""
    from kiosk.fuzzing import all_parsers

    cases = int(os.environ.get("KIOSK_FUZZ_CASES", "100000"))
    jobs = max(1, int(os.environ.get("KIOSK_FUZZ_JOBS", "1")))
    only = {n for n in os.environ.get("KIOSK_FUZZ_ONLY", "").split(",") if n}
    with tempfile.TemporaryDirectory(prefix="kiosk-fuzz-", dir=scratch_root()) as workdir:
        names = [p.name for p in all_parsers(Path(workdir) / "names")]
        names = [n for n in names if not only or n in only]
        if jobs == 1:
            tallies = [_told(run_parser(n, cases, workdir)) for n in names]
        else:
            with ProcessPoolExecutor(jobs) as pool:
                futures = [pool.submit(run_parser, n, cases, workdir) for n in names]
                tallies = [_told(f.result()) for f in futures]
        if not only or PAGE in only:
            tallies.append(_told(run_page_parser(cases, workdir)))
    escapes = sum(t.escapes for t in tallies)
    bad = sum(t.bad_results for t in tallies)
    done = [t for t in tallies if t.cases]
    total = sum(t.cases for t in done)
    seconds = sum(t.seconds for t in done)
    head = f"{len(done)} parsers, {total:,} cases, {bad} bad results, {total / seconds:,.0f}/s"
    note = "; ".join([head, *(report(t) for t in tallies)])
    return Measurement("fuzz_parsers", float(escapes), "exceptions outside the error tree",
                       note=note)  # fmt: skip
