"""District-scale benchmarks (issue 12): 50 terminals issuing at once on one PostgreSQL, the
resident lookup with a million residents, and importing 100,000 rows. PostgreSQL ones use
scratch databases on $KIOSK_BENCH_PG_URL (default: the local server's `postgres` database)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from kiosk.bench import Measurement, time_ms
from kiosk.config import Config, DatabaseConfig

ADMIN_ENV = "KIOSK_BENCH_PG_URL"
TERMINALS = 50
COMMUNITY_CODES = tuple(f"6102020{n:02d}" for n in range(1, 21))  # Wangyi's 20 communities
MILLION = 1_000_000
LOOKUPS = 3000
IMPORT_ROWS = 100_000


def admin_url() -> str:
    """Where scratch databases are made."""
    return os.environ.get(ADMIN_ENV, "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch_postgres(prefix: str = "kiosk_bench") -> Iterator[str]:
    """A new, empty PostgreSQL database for one bench, dropped afterwards."""
    import psycopg

    admin = admin_url().replace("postgresql+psycopg://", "postgresql://")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- 50 terminals issuing at once -------------------------------------------------------------
def issuance_50_terminals(config: Config) -> Measurement:
    """50 terminal processes, each issuing through the real Issuer.issue (serial, record,
    render, sign, audit in one transaction), at once on one PostgreSQL."""
    return _fleet(config, "full", each=4, name="issuance_50_terminals")


def issuance_50_terminals_record(config: Config) -> Measurement:
    """The same 50 terminals recording only (serial + issuance row + audit event, one
    transaction): the database's share of an issuance."""
    return _fleet(config, "record", each=40, name="issuance_50_terminals_record")


def _fleet(config: Config, mode: str, *, each: int, name: str) -> Measurement:
    from kiosk.benchmarks.fleet import FleetSpec, check_fleet, prepare_register, run_fleet

    with scratch_postgres() as url, tempfile.TemporaryDirectory() as tmp:
        prepare_register(url)
        spec = FleetSpec(
            url=url,
            data_dir=tmp,
            terminals=TERMINALS,
            each=each,
            mode=mode,
            community_codes=COMMUNITY_CODES,
            catalog=config.paths.catalog,
        )
        result = run_fleet(spec)
        check = check_fleet(url, result)
    note = (
        f"PostgreSQL; {len(result.serials)} issuances by {TERMINALS} terminals over "
        f"{len(COMMUNITY_CODES)} community codes in {result.seconds:.1f} s: "
        f"{result.duplicates} duplicate serials, {check.missing} lost, {check.phantom} "
        f"unreported rows, {len(result.errors)} errors, {result.stuck} stuck"
    )
    return Measurement(name, result.rate, "issuances/s", note=note)


# --- a million residents ----------------------------------------------------------------------
def lookup_1m_sqlite(config: Config) -> Measurement:
    """Core.lookup (the card's number -> the resident) with 1,000,000 residents on SQLite."""
    return _lookup(config, "sqlite", menu=False)


def lookup_1m_postgres(config: Config) -> Measurement:
    """Core.lookup with 1,000,000 residents on PostgreSQL."""
    return _lookup(config, "postgresql", menu=False)


def lookup_menu_1m_sqlite(config: Config) -> Measurement:
    """Core.lookup and then the eligibility of every catalogue item for her (SQLite, 1M)."""
    return _lookup(config, "sqlite", menu=True)


def lookup_menu_1m_postgres(config: Config) -> Measurement:
    """Core.lookup and then the eligibility of every catalogue item for her (PostgreSQL, 1M)."""
    return _lookup(config, "postgresql", menu=True)


def _lookup(config: Config, backend: str, *, menu: bool) -> Measurement:
    from kiosk.app import build_core
    from kiosk.benchmarks.issuing import scratch_config
    from kiosk.benchmarks.million import postgres_register, sample_numbers, sqlite_register

    if backend == "sqlite":
        url = sqlite_register(config.cache_dir / "bench", MILLION)
    else:
        url = postgres_register(admin_url(), MILLION)
    numbers = itertools.cycle(sample_numbers(LOOKUPS, MILLION))
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = replace(scratch_config(config, Path(tmp)), database=DatabaseConfig(url=url))
        core = build_core(scratch, create_key=True, printers=False)
        items = core.catalog.items
        try:

            def lookup() -> object:
                resident = core.lookup(next(numbers))
                assert resident is not None
                if menu:
                    return [item.check_eligibility(resident, today) for item in items]
                return resident

            median, p99 = time_ms(lookup, warmup=300, repeat=LOOKUPS)
        finally:
            core.close()
    what = f"+ eligibility of {len(items)} items" if menu else "Core.lookup"
    name = f"lookup{'_menu' if menu else ''}_1m_{'sqlite' if backend == 'sqlite' else 'postgres'}"
    return Measurement(
        name, median, "ms", p99=p99, note=f"{backend}, {MILLION:,} residents, {what}"
    )


# --- importing 100,000 rows -------------------------------------------------------------------
def import_100k_sqlite(config: Config) -> Measurement:
    """`kiosk residents import` of 100,000 new rows into SQLite: rows/s and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        return _import(config, f"sqlite:///{Path(tmp) / 'import.sqlite3'}", "import_100k_sqlite")


def import_100k_postgres(config: Config) -> Measurement:
    """`kiosk residents import` of 100,000 new rows into PostgreSQL: rows/s and peak RSS."""
    with scratch_postgres() as url:
        return _import(config, url, "import_100k_postgres")


def _import(config: Config, url: str, name: str) -> Measurement:
    """Run the real command in its own process (so its peak RSS is its own), schema migrated
    beforehand; the time includes the process start (~0.5 s)."""
    from kiosk.benchmarks.million import write_csv
    from kiosk.db.engine import make_engine
    from kiosk.db.migrate import upgrade

    folder = config.cache_dir / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"import-{IMPORT_ROWS}.csv"
    if not csv_path.exists():
        write_csv(csv_path, IMPORT_ROWS)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        env.update(KIOSK_PATHS_DATA_DIR=str(Path(tmp) / "data"), KIOSK_UI_VOICE="false")
        argv = [sys.executable, "-m", "kiosk", "--db", url, "residents", "import", str(csv_path)]
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out = proc.stdout.read().decode() if proc.stdout else ""
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or f"inserted {IMPORT_ROWS}" not in out:
        raise RuntimeError(f"import failed ({proc.returncode}): {out[-500:]}")
    peak_mb = usage.ru_maxrss / 1024
    note = f"{url.split(':', 1)[0]}; {IMPORT_ROWS:,} rows in {seconds:.1f} s, peak RSS {peak_mb:.0f} MB"
    return Measurement(name, IMPORT_ROWS / seconds, "rows/s", note=note)
