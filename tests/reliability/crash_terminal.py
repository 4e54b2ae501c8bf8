"""One terminal for the crash tests: its environment, its real processes, and what it holds.

A `Terminal` runs `python -m kiosk ...` (the installed `kiosk` command's code) with the test's
data dir and database, optionally with KIOSK_CRASH_AT naming a crash point (civic.crashpoints),
and restarts the real `kiosk run` afterwards (tests.reliability.crash_restart reports what its
screen shows). `Register` is what the database holds after the restart, read in-process with
the kiosk's own repositories: issuances, the staff's queue, the audit chains.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from civic.crashpoints import CRASH_ENV
from kiosk.app import Core, build_core
from kiosk.audit import ChainReport, verify_chains
from kiosk.config import Config, load_config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.models import Issuance, PrintJobRecord, SerialCounter
from kiosk.messages import WAITING
from kiosk.staff.accounts import StaffAccounts
from kiosk.staff.desk import IssuanceDesk
from tests.staff.conftest import CHEAP, PIN, STAFF_ID, answers, eligible_resident

REPO = Path(__file__).resolve().parents[2]
KILLED = -signal.SIGKILL
ITEM = "residence_certificate"  # an A4 certificate: sealed, signed, ~90 KB
STAFF = "王丽"
RUN_SECONDS = 240.0  # one kiosk process on a busy 2-core machine
CLOSED = frozenset({"printed", "print_failed", "unknown", "voided", "pending_review", "rejected"})


@dataclass(frozen=True)
class Paper:
    """One issuance as the register holds it."""

    serial: str
    status: str
    jobs: tuple[str, ...]  # print job states, oldest first
    reprints: int


@dataclass(frozen=True)
class Register:
    """What a terminal's database holds (read after a restart)."""

    papers: Mapping[str, Paper]
    counters: Mapping[tuple[str, str], int]  # (community code, day) -> last sequence
    queue: frozenset[str]  # what staff are shown to reprint or check: print_failed, unfinished
    chains: tuple[ChainReport, ...]

    @property
    def audit_intact(self) -> bool:
        """True when every terminal's chain recomputes and its head matches."""
        return all(report.intact for report in self.chains)

    def audit_events(self) -> int:
        """How many events the chains hold."""
        return sum(report.events for report in self.chains)


def install_certified_key(config: Config, root_dir: Path) -> None:
    """What an installer does once per terminal (as tests/deploy does): a signing key certified
    by a district root kept outside the terminal's folders, so `kiosk run` accepts it."""
    from forms.certified import install
    from forms.district import DistrictRoot, KeyRequest, make_request
    from forms.keys import load_signing_key
    from forms.trust import PURPOSE_DOCUMENTS

    terminal = config.terminal
    key = load_signing_key(config.key_dir, create=True)
    root = DistrictRoot.init(root_dir)
    request = make_request(
        key,
        purpose=PURPOSE_DOCUMENTS,
        terminal_id=terminal.id,
        community_code=terminal.community_code,
        community=terminal.community,
        issuer=terminal.issuer,
        now=datetime.now().replace(microsecond=0),
    )
    root.certify(KeyRequest.parse(request), today=date.today() - timedelta(days=1), days=30)
    install(config.key_dir, root.store(), own_key=key, community_code=terminal.community_code)


class Terminal:
    """A kiosk terminal on `config`'s data dir and database; `env` adds KIOSK_* settings."""

    def __init__(self, config: Config, **env: str) -> None:
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("KIOSK_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")
        }
        base.update(
            KIOSK_PATHS_DATA_DIR=str(config.data_dir),
            KIOSK_DATABASE_URL=config.database.url,
            KIOSK_UI_VOICE="false",
            QT_QPA_PLATFORM="offscreen",
        )
        base.update(env)
        self.env = base
        self.config = load_config(None, env=base)
        self.restarts = 0

    # --- real processes ------------------------------------------------------------------
    def kiosk(
        self, *args: str, crash_at: str | None = None, stdin: str = ""
    ) -> subprocess.CompletedProcess[str]:
        """`kiosk ARGS` in a process of its own (KIOSK_CRASH_AT=crash_at if given)."""
        env = dict(self.env, **({CRASH_ENV: crash_at} if crash_at else {}))
        return subprocess.run(
            [sys.executable, "-m", "kiosk", *args],
            cwd=REPO,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=RUN_SECONDS,
        )

    def killed(self, point: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """`kiosk ARGS`, which must die by SIGKILL at crash point `point` (name or name:N)."""
        proc = self.kiosk(*args, crash_at=point, stdin=stdin)
        name = point.partition(":")[0]
        assert proc.returncode == KILLED, f"exit {proc.returncode}: {proc.stdout}{proc.stderr}"
        assert f"crashpoint {name}: SIGKILL" in proc.stderr, proc.stderr
        return proc

    def ok(self, *args: str, stdin: str = "") -> str:
        """`kiosk ARGS`, which must succeed; its stdout."""
        proc = self.kiosk(*args, stdin=stdin)
        assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stdout}{proc.stderr}"
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc.stdout

    def restart(self, crash_at: str | None = None) -> dict[str, object]:
        """Start the real `kiosk run` again; what its screen showed once it was ready. With
        `crash_at` it must die at that crash point instead (then: an empty report)."""
        self.restarts += 1
        report = self.config.data_dir.parent / f"restart-{self.restarts}.json"
        env = dict(self.env, **({CRASH_ENV: crash_at} if crash_at else {}))
        proc = subprocess.run(
            [sys.executable, "-m", "tests.reliability.crash_restart", str(report)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_SECONDS,
        )
        if crash_at:
            name = crash_at.partition(":")[0]
            assert proc.returncode == KILLED, f"exit {proc.returncode}: {proc.stderr[-3000:]}"
            assert f"crashpoint {name}: SIGKILL" in proc.stderr, proc.stderr[-3000:]
            return {}
        assert proc.returncode == 0, f"kiosk run exit {proc.returncode}: {proc.stderr[-3000:]}"
        shown: dict[str, object] = json.loads(report.read_text(encoding="utf-8"))
        return shown

    # --- in-process, with the kiosk's own code ----------------------------------------------
    @contextmanager
    def core(self) -> Iterator[Core]:
        """The CLI's Core on this terminal (no printers), closed afterwards."""
        built = build_core(self.config, create_key=True, printers=False)
        try:
            yield built
        finally:
            built.close()

    def render_args(self) -> list[str]:
        """`render ITEM --id-number N --input ...` for a resident who may have the item."""
        with self.core() as core:
            resident = eligible_resident(core, ITEM)
            inputs = answers(core, ITEM)
        args = ["render", ITEM, "--id-number", resident.id_number]
        for key, value in inputs.items():
            args += ["--input", f"{key}={value}"]
        return args

    def issue(self, count: int) -> list[str]:
        """Issue `count` more documents in this process (recorded, not printed); their serials."""
        with self.core() as core:
            resident = eligible_resident(core, ITEM)
            item, inputs = core.catalog.item(ITEM), answers(core, ITEM)
            return [core.issuer.issue(resident, item, inputs).serial for _ in range(count)]

    def add_staff(self) -> None:
        """One member of staff (王丽, PIN on stdin for reprint and void)."""
        engine = make_engine(self.config.database.url)
        try:
            accounts = StaffAccounts(session_factory(engine), self.config.terminal, hasher=CHEAP)
            accounts.add(STAFF, STAFF_ID, PIN, actor="test")
        finally:
            engine.dispose()

    def staff_args(self) -> list[str]:
        """`--staff NAME --pin-stdin` (give PIN_LINE as stdin)."""
        return ["--staff", STAFF, "--pin-stdin"]

    def register(self) -> Register:
        """What the database holds now."""
        engine = make_engine(self.config.database.url)
        try:
            sessions = session_factory(engine)
            with sessions() as session:
                issuances = session.scalars(select(Issuance).order_by(Issuance.id)).all()
                jobs: dict[int, list[str]] = {}
                for job in session.scalars(select(PrintJobRecord).order_by(PrintJobRecord.id)):
                    jobs.setdefault(job.issuance_id, []).append(job.state)
                papers = {
                    i.serial: Paper(i.serial, i.status, tuple(jobs.get(i.id, ())), i.reprints)
                    for i in issuances
                }
                counters = {
                    (c.community_code, c.day): c.last
                    for c in session.scalars(select(SerialCounter))
                }
            desk = IssuanceDesk(sessions, self.config.terminal.id)
            queue = frozenset(row.serial for row in desk.queue(all_terminals=True, limit=10_000))
            chains = tuple(verify_chains(sessions))
        finally:
            engine.dispose()
        return Register(papers, counters, queue, chains)


PIN_LINE = f"{PIN}\n"


def assert_clean_attract(shown: Mapping[str, object]) -> None:
    """The restarted kiosk is on its attract screen, ready, nobody's data on it."""
    assert shown.get("step") == "waiting", shown
    assert shown.get("ready") is True and shown.get("out_of_service") is None, shown
    assert shown.get("resident") is False and shown.get("screen") == "waitingScreen", shown
    assert shown.get("hero") == WAITING.zh, shown
    text = shown.get("text")
    assert isinstance(text, list) and WAITING.zh in text, shown


def assert_consistent(term: Terminal, before: Register, *, more: int = 2) -> Register:
    """After a kill and a restart: nothing recorded before is lost, nothing is left `issued`,
    everything unfinished is in the staff's queue, the audit chains verify, and `more` new
    issuances get serials never used before. Returns the register after them."""
    after = term.register()
    lost = set(before.papers) - set(after.papers)
    assert not lost, f"issuances lost: {sorted(lost)}"
    for serial, paper in after.papers.items():
        assert paper.status in CLOSED, f"{serial} left {paper.status} after the restart"
        assert "queued" not in paper.jobs, f"{serial} has a job queued for ever: {paper.jobs}"
        if paper.status in ("print_failed", "unknown"):
            assert serial in after.queue, f"{serial} ({paper.status}) not listed for staff"
    assert after.audit_intact, [r.first_break for r in after.chains if not r.intact]
    for key, last in before.counters.items():
        assert after.counters.get(key, 0) >= last, f"serial counter {key} went back"
    new = term.issue(more)
    assert len(set(new)) == more and not set(new) & set(after.papers), new
    final = term.register()
    assert len(final.papers) == len(after.papers) + more and final.audit_intact
    return final


def pdfs(directory: Path, serial: str) -> list[Path]:
    """The PDFs a file printer wrote for `serial` (its title), whole or not."""
    return sorted(directory.glob(f"{serial}*.pdf")) if directory.is_dir() else []


def whole_pdf(path: Path) -> bool:
    """True if `path` is a complete PDF: header, trailer, and poppler can read it."""
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return False
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False)
    return info.returncode == 0


def new_serial(before: Register, after: Register) -> str:
    """The one serial `after` holds that `before` did not."""
    added = sorted(set(after.papers) - set(before.papers))
    assert len(added) == 1, added
    return added[0]


def sequence(serial: str) -> int:
    """The day's sequence number of a serial `CODE-YYYYMMDD-NNNNN`."""
    return int(serial.rsplit("-", 1)[1])
