"""`kiosk bench --soak`: 10,000 resident sessions through the real kiosk, offscreen, watching
open file descriptors, threads and memory (issue 14, B.5).

The kiosk is the one `kiosk run` builds (build_kiosk + start_kiosk: worker thread, session
machine, ReaderWatcher and its Qt bridge, printer monitor, the window) on a scratch data dir
with the demo register. Its devices are the project's protocol-exact emulators, run in a child
process so that their own memory is not the kiosk's: a GA 467 SAM reader on a pty, read by the
real `sam://` driver (every card with its photo block), and an ESC/POS slip printer on a pty,
driven by the real `escpos://` driver; A4 goes to the real `file://` driver.

Sessions cycle through the ways a visit goes (kiosk.benchmarks.soak_visit.SCENARIOS): browse
and take the card, 退出, time running out, a draft edited away, a stranger's, an expired and an
unreadable card, and a full print (A4 and slip in turn) with its rating. One session in ten
prints: drafting, signing, recording and printing take ~0.3 s, the other visits milliseconds.
The idle countdown runs on a clock the soak moves (ManualClock): nothing waits for real
seconds. After every session the kiosk must be back at the attract screen with nothing of her
left (Visit.check_clean), or the soak stops there.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from kiosk.bench import Measurement
from kiosk.benchmarks.soak_devices import Devices
from kiosk.benchmarks.soak_visit import SCENARIOS, Visit, Visitor
from kiosk.config import Config
from kiosk.timing import ManualClock

if TYPE_CHECKING:
    from kiosk.app import Core
    from kiosk.ui.launch import RunningKiosk

SESSIONS = 10_000
CHECKPOINTS = (1_000, 10_000)  # RSS growth is measured between the first and the last
VISITORS = 24  # demo residents taking turns


@dataclass(frozen=True)
class Usage:
    """What the process holds at one moment: open descriptors, OS threads, resident memory.

    Qt's global thread pool is counted apart (`qt_pool`): Qt scales large images (the preview)
    on it, starting up to one worker per core on demand, each with an eventfd, and ends them
    after 30 s idle, so whether they exist at a checkpoint depends only on when the last preview
    was drawn. `threads` and `fds` are the rest: what the kiosk itself holds."""

    fds: int
    threads: int
    rss_kib: int
    qt_pool: int = 0

    @classmethod
    def now(cls) -> Usage:
        """Read /proc/self (after a full garbage collection, so only live objects count)."""
        gc.collect()
        fds = len(os.listdir("/proc/self/fd")) - 1  # the listing's own descriptor
        pooled = sum(1 for name in _thread_names() if name == QT_POOL_THREAD)
        status = Path("/proc/self/status").read_text(encoding="ascii")
        values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        threads = int(values["Threads"]) - pooled
        return cls(fds - pooled, threads, int(values["VmRSS"].split()[0]), pooled)


QT_POOL_THREAD = "Thread (pooled)"  # how QThreadPool names its workers


def _thread_names() -> list[str]:
    names = []
    for task in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            names.append(Path(f"/proc/self/task/{task}/comm").read_text().strip())
    return names


@dataclass(frozen=True)
class SoakResult:
    """What a soak run saw: usage at each checkpoint, papers printed, errors, the time taken."""

    sessions: int
    seconds: float
    printed: int
    usage: dict[int, Usage]
    errors: tuple[str, ...]

    def growth_percent(self) -> float:
        """RSS growth from the first checkpoint to the last, in percent."""
        first, last = (self.usage[n] for n in (min(self.usage), max(self.usage)))
        return 100.0 * (last.rss_kib - first.rss_kib) / first.rss_kib


AfterSession = Callable[[Visit, int], None]


def soak(
    config: Config,
    *,
    sessions: int = SESSIONS,
    checkpoints: tuple[int, ...] = CHECKPOINTS,
    after_session: AfterSession | None = None,
) -> SoakResult:
    """Run `sessions` visits on a fresh kiosk, reading Usage after each checkpoint session;
    `after_session(visit, n)` runs after each (tests look at the window there)."""
    usage: dict[int, Usage] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        _errors_caught() as errors,
        soak_kiosk(config, Path(tmp)) as visit,
    ):
        start = time.perf_counter()
        for n in range(1, sessions + 1):
            who = visit.visitors[n % len(visit.visitors)]
            visit.run(SCENARIOS[(n - 1) % len(SCENARIOS)], who)
            if after_session is not None:
                after_session(visit, n)
            if n in checkpoints:
                usage[n] = _settled(visit)
        seconds = time.perf_counter() - start
    return SoakResult(sessions, seconds, visit.printed, usage, tuple(errors))


@contextmanager
def soak_kiosk(config: Config, folder: Path, *, slips_on_file: bool = False) -> Iterator[Visit]:
    """The kiosk as `kiosk run` builds it, on a scratch data dir in `folder`, its window shown
    (offscreen without a display) and its devices emulated: the Visit that drives it.
    `slips_on_file`: slips go to the file printer too (their PDFs can be read afterwards)."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    devices = Devices()
    try:
        timers = ManualClock()
        running = _start(config, folder, devices, timers, slips_on_file=slips_on_file)
        try:
            yield Visit(running, devices, timers, visitors(running.core))
        finally:
            running.stop()
            running.window.close()
    finally:
        devices.stop()


def soak_sessions(config: Config) -> Measurement:
    """The benchmark: 10,000 sessions; value = RSS growth from session 1,000 to 10,000 (%)."""
    result = soak(config, after_session=_progress)
    first, last = (result.usage[n] for n in CHECKPOINTS)
    note = (
        f"{result.sessions} sessions in {result.seconds:.0f} s"
        f" ({result.sessions / result.seconds:.1f}/s), {result.printed} printed"
        f" (every {len(SCENARIOS)}th session, A4 file:// and ESC/POS slip in turn);"
        f" at sessions {CHECKPOINTS[0]} -> {CHECKPOINTS[-1]}: fds {first.fds} -> {last.fds},"
        f" threads {first.threads} -> {last.threads},"
        f" RSS {first.rss_kib / 1024:.1f} -> {last.rss_kib / 1024:.1f} MiB;"
        f" errors logged {len(result.errors)}"
    )
    return Measurement("soak_sessions", result.growth_percent(), "% RSS", note=note)


def _progress(visit: Visit, n: int) -> None:
    if n % 500 == 0:
        now = Usage.now()
        print(
            f"soak: {n} sessions, fds {now.fds}, threads {now.threads},"
            f" RSS {now.rss_kib / 1024:.1f} MiB",
            file=sys.stderr,
            flush=True,
        )


def _start(
    config: Config, folder: Path, devices: Devices, timers: ManualClock, *, slips_on_file: bool
) -> RunningKiosk:
    from kiosk.app import build_kiosk
    from kiosk.benchmarks.issuing import scratch_config
    from kiosk.ui.launch import qt_app, start_kiosk

    scratch = scratch_config(config, folder)
    on_file = f"file://{folder / 'printed'}"
    slip = on_file if slips_on_file else devices.slip_uri
    printers = replace(scratch.printers, a4=on_file, slip=slip)
    scratch = replace(
        scratch, printers=printers, ui=replace(scratch.ui, voice=False, fullscreen=False)
    )
    qt_app()
    kiosk = build_kiosk(
        scratch,
        reader_uri=devices.reader_uri,
        migrate=True,
        create_key=True,
        timers=timers.timer,
        reader_poll=0.05,
        after_prepare=_seed,
    )
    running = start_kiosk(kiosk, voice=False)
    running.window.resize(1600, 1000)
    running.window.show()
    session = running.session
    Visit(running, devices, timers, ()).pump(
        lambda: session.view.ready or session.view.out_of_service is not None, "ready"
    )
    if not session.view.ready:
        running.stop()
        raise RuntimeError(f"the kiosk did not get ready: {session.view.out_of_service}")
    return running


def _seed(core: Core) -> None:
    from kiosk.demo import seed

    seed(core)


def visitors(core: Core) -> list[Visitor]:
    """Demo residents who may print at least one A4 paper and one slip without questions."""
    from card_reader.textblock import encode_text_block
    from kiosk.db.repositories import ResidentRepository
    from kiosk.demo_cards import expired_card, identity_of

    today = date.today()
    with core.sessions() as db:
        residents = ResidentRepository(db).sample(200)
    visitors = []
    for resident in residents:
        papers: dict[str, str] = {}
        for item in core.catalog.items:
            verdict = item.check_eligibility(resident, today, "resident")
            if not item.inputs and verdict.eligible:
                papers.setdefault(item.paper if item.paper == "a4" else "slip", item.id)
        card = identity_of(resident, today)
        encode_text_block(card)  # every card the register gives must fit a real card
        if len(papers) == 2:
            expired = expired_card(resident, today)
            visitors.append(Visitor(card, expired, papers["a4"], papers["slip"]))
    if not visitors:
        raise RuntimeError("no demo resident may print both an A4 paper and a slip")
    return visitors[:VISITORS]


def _settled(visit: Visit) -> Usage:
    """Usage at rest: the least of a few readings with the event loop turning between them
    (the printer monitor opens its port for a moment every few seconds)."""
    readings = []
    for _ in range(5):
        visit.pause(0.05)
        readings.append(Usage.now())
    return Usage(
        min(r.fds for r in readings),
        min(r.threads for r in readings),
        readings[-1].rss_kib,
        readings[-1].qt_pool,
    )


class _ErrorLog(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(f"{record.name}: {record.getMessage()}")


@contextmanager
def _errors_caught() -> Iterator[list[str]]:
    """Every ERROR logged and every exception that escaped a Qt slot, while the soak runs."""
    errors: list[str] = []
    handler = _ErrorLog(errors)
    root = logging.getLogger()
    root.addHandler(handler)
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        errors.append(f"uncaught {kind.__name__}: {exc}")
        previous(kind, exc, tb)

    sys.excepthook = hook
    try:
        yield errors
    finally:
        sys.excepthook = previous
        root.removeHandler(handler)
