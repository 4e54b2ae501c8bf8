"""A fleet of terminal processes issuing at once against one database: the district's worst
minute. One fresh helper process imports everything and loads the catalogue, fonts and key once,
then forks N terminals; each opens its own connection, announces itself, waits for the start,
and issues `each` documents through the real `Issuer.issue` (mode "full": serial, record,
render, sign, audit in one transaction) or only the record (mode "record": serial + issuance
row + audit event, one transaction). The helper prints what every terminal did as JSON.

    python -m kiosk.benchmarks.fleet '{"url": ..., "terminals": 50, "each": 10, ...}'
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Barrier

    from sqlalchemy.orm import Session, sessionmaker

    from forms.fonts import FontSet
    from forms.keys import SigningKey
    from kiosk.catalog import Catalog, CatalogItem
    from kiosk.config import Config
    from kiosk.residents import ResidentRecord

ITEM = "residence_certificate"
INPUTS = {"purpose": "子女入学"}
START_TIMEOUT = 240.0  # seconds for every terminal to connect and say it is ready


@dataclass(frozen=True)
class FleetSpec:
    """What to run: where, how many terminals, how many issuances each, which path."""

    url: str
    data_dir: str
    terminals: int = 50
    each: int = 10
    mode: str = "full"  # full | record
    community_codes: tuple[str, ...] = ("610202001",)
    catalog: str = ""  # catalog.yaml to use ("" : the bundled one)
    timeout: float = 600.0  # a terminal still issuing after this is reported as stuck


@dataclass
class FleetResult:
    """Every terminal's serials and errors, and the wall time from start to the last commit."""

    serials: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stuck: int = 0  # terminals that never finished (a deadlock, or a wait with no end)
    seconds: float = 0.0
    per_terminal: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Issuances per second across the fleet."""
        return len(self.serials) / self.seconds if self.seconds else 0.0

    @property
    def duplicates(self) -> int:
        """Serials handed out more than once."""
        return len(self.serials) - len(set(self.serials))


def run_fleet(spec: FleetSpec) -> FleetResult:
    """Run the fleet in a fresh helper process (no Qt, no connections inherited) and collect it."""
    payload = json.dumps(spec.__dict__)
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk.benchmarks.fleet", payload],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=spec.timeout + START_TIMEOUT + 60,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"fleet helper failed ({proc.returncode}): {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return FleetResult(
        serials=list(data["serials"]),
        errors=list(data["errors"]),
        stuck=int(data["stuck"]),
        seconds=float(data["seconds"]),
        per_terminal={str(k): int(v) for k, v in data["per_terminal"].items()},
    )


@dataclass(frozen=True)
class FleetCheck:
    """The database after a fleet: issuances recorded, reported ones missing, unreported rows."""

    recorded: int
    missing: int  # reported as issued, not in the database: a lost issuance
    phantom: int  # in the database, never reported: an issuance half-done or double-counted


def prepare_register(url: str) -> None:
    """Migrate a fresh database and seed the demo register (the fleet's residents)."""
    from datetime import datetime

    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.migrate import upgrade
    from kiosk.db.repositories import ResidentRepository
    from kiosk.demo_data import seed_demo

    engine = make_engine(url)
    try:
        upgrade(engine)
        with session_factory(engine).begin() as session:
            seed_demo(ResidentRepository(session), datetime(2026, 1, 2, 9, 0))
    finally:
        engine.dispose()


def check_fleet(url: str, result: FleetResult) -> FleetCheck:
    """Hold what the terminals reported against what the database holds."""
    from sqlalchemy import select

    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.models import Issuance

    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            stored = set(session.scalars(select(Issuance.serial)))
    finally:
        engine.dispose()
    reported = set(result.serials)
    return FleetCheck(len(stored), len(reported - stored), len(stored - reported))


def terminal_config(spec: FleetSpec, index: int) -> Config:
    """Terminal `index` of the fleet: its own id and data dir, a community code of the list."""
    from dataclasses import replace

    from kiosk.config import load_config

    data = Path(spec.data_dir) / f"t{index:02d}"
    env = {"KIOSK_PATHS_DATA_DIR": str(data), "KIOSK_DATABASE_URL": spec.url}
    if spec.catalog:
        env["KIOSK_PATHS_CATALOG"] = spec.catalog
    config = load_config(None, env=env)
    code = spec.community_codes[index % len(spec.community_codes)]
    terminal = replace(config.terminal, id=f"WY-FLEET-{index:02d}", community_code=code)
    return replace(config, terminal=terminal)


@dataclass(frozen=True)
class TerminalReport:
    """What one terminal did: its serials, its errors, when it started and finished."""

    terminal: str
    serials: tuple[str, ...]
    errors: tuple[str, ...]
    start: float  # time.monotonic(): one clock for every process of the machine
    end: float


def _helper(spec: FleetSpec) -> dict[str, object]:
    """In the helper: load once, fork the terminals, start them together, gather their reports."""
    import multiprocessing

    from forms.fonts import load_fonts
    from forms.keys import load_signing_key
    from kiosk.app import load_catalog

    base = terminal_config(spec, 0)
    catalog, item, key, fonts = None, None, None, None
    if spec.mode == "full":  # the record-only path needs no catalogue, key or fonts
        catalog = load_catalog(base)
        item = catalog.item(ITEM)
        key = load_signing_key(base.key_dir, create=True)
        fonts = load_fonts()
        fonts.warm()  # parsed once here, shared by every fork
    residents = _residents(spec.url, item, spec.terminals)
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(spec.terminals + 1)
    reports: Queue[TerminalReport] = ctx.Queue()
    procs = [
        ctx.Process(
            target=_terminal,
            args=(spec, i, residents[i % len(residents)], catalog, key, fonts, barrier, reports),
        )
        for i in range(spec.terminals)
    ]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=START_TIMEOUT)
    return _gather(reports, procs, spec.timeout)


def _gather(
    reports: Queue[TerminalReport], procs: Sequence[BaseProcess], timeout: float
) -> dict[str, object]:
    """Read one report per terminal; the ones that never report are counted stuck and killed."""
    from queue import Empty

    deadline = time.monotonic() + timeout
    got: list[TerminalReport] = []
    for _ in procs:
        try:
            got.append(reports.get(timeout=max(0.1, deadline - time.monotonic())))
        except Empty:
            break
    for proc in procs:
        proc.join(timeout=1)
        if proc.is_alive():
            proc.kill()
    return {
        "serials": [s for r in got for s in r.serials],
        "errors": [e for r in got for e in r.errors],
        "stuck": len(procs) - len(got),
        "seconds": (max(r.end for r in got) - min(r.start for r in got)) if got else 0.0,
        "per_terminal": {r.terminal: len(r.serials) for r in got},
    }


def _residents(url: str, item: CatalogItem | None, wanted: int) -> list[ResidentRecord]:
    """Residents of the register who may have the item today (one per terminal, reused)."""
    from datetime import date

    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.repositories import ResidentRepository

    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            people = ResidentRepository(session).sample(max(200, wanted * 4))
    finally:
        engine.dispose()  # nothing of it may cross the fork
    today = date.today()
    found = [p for p in people if item is None or item.check_eligibility(p, today).eligible]
    if not found:
        raise RuntimeError(f"no resident of the register may have {ITEM}")
    return found


def _terminal(
    spec: FleetSpec,
    index: int,
    resident: ResidentRecord,
    catalog: Catalog | None,
    key: SigningKey | None,
    fonts: FontSet | None,
    barrier: Barrier,
    reports: Queue[TerminalReport],
) -> None:
    """One terminal process: its own engine and Issuer; wait for the start; issue; report."""
    from datetime import datetime

    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.repositories import TerminalRepository
    from kiosk.issuing import Issuer
    from kiosk.outcomes import OutcomeJournal

    config = terminal_config(spec, index)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(spec.url)
    sessions = session_factory(engine)
    issuer, item = None, None
    if catalog is not None and key is not None and fonts is not None:
        journal = OutcomeJournal(config.data_dir / "print-outcomes.jsonl")
        issuer = Issuer(
            config, sessions, signing_key=key, fonts=fonts, journal=journal, catalog=catalog
        )
        item = catalog.item(ITEM)
    t = config.terminal
    with sessions.begin() as session:
        TerminalRepository(session).touch(t.id, t.name, t.community, datetime.now())
    barrier.wait(timeout=START_TIMEOUT)
    serials, errors = [], []
    start = time.monotonic()
    for _ in range(spec.each):
        try:
            if issuer is not None and item is not None:
                serials.append(issuer.issue(resident, item, INPUTS).serial)
            else:
                serials.append(_record_only(config, sessions, resident))
        except Exception as exc:  # reported, not raised: the fleet counts every failure
            errors.append(f"{t.id}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    end = time.monotonic()
    engine.dispose()
    reports.put(TerminalReport(t.id, tuple(serials), tuple(errors), start, end))


def _record_only(config: Config, sessions: sessionmaker[Session], resident: ResidentRecord) -> str:
    """The issuance's database work without the document: serial, row, audit event, one
    transaction (what Issuer.issue does around rendering and signing)."""
    from datetime import datetime

    from kiosk.db.repositories import AuditRepository, IssuanceRepository

    now = datetime.now().replace(microsecond=0)
    with sessions.begin() as session:
        record = IssuanceRepository(session).create(
            community_code=config.terminal.community_code,
            item_id=ITEM,
            resident_id=resident.id,
            terminal_id=config.terminal.id,
            inputs=dict(INPUTS),
            paper="a4",
            copies=1,
            now=now,
        )
        AuditRepository(session).record(
            terminal_id=config.terminal.id,
            actor=f"resident:{resident.masked_id}",
            kind="issued",
            subject=record.serial,
            now=now,
            detail={"item": ITEM, "copies": "1"},
        )
    return record.serial


def main(argv: Sequence[str]) -> int:
    """The helper's entry point: one JSON spec in, one JSON line out."""
    data = json.loads(argv[0])
    data["community_codes"] = tuple(data["community_codes"])
    print(json.dumps(_helper(FleetSpec(**data))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
