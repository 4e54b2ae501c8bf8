"""A database that fails at each step of issue, print and reprint: typed errors at the right
depth, the printer's own error never masked, and no issuance left `issued` for ever.

Real parts: a SQLite register, the issuer, reportlab, the file printer. The failure is injected
where a real outage shows up: the database driver refuses one kind of statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from kiosk.app import Core, build_core
from kiosk.config import Config
from kiosk.db.models import Issuance
from kiosk.db.repositories import IssuanceRepository, IssuanceStatus, ResidentRepository
from kiosk.errors import RecordError
from kiosk.residents import ResidentRecord
from printer.base import JobState, PrinterError
from printer.file import FilePrinter

pytestmark = pytest.mark.slow  # a running kiosk or a database per test: not in make test-fast

SCHOOL = {"purpose": "school"}  # a certificate's purpose is always chosen (each has a basis)


class Outage:
    """Makes the database refuse statements that start with any of `prefixes` while on."""

    def __init__(self, core: Core) -> None:
        self.prefixes: tuple[str, ...] = ()
        event.listen(core.engine, "before_cursor_execute", self._check)

    def _check(self, _conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if self.prefixes and statement.lstrip().upper().startswith(self.prefixes):
            raise OperationalError(statement[:40], {}, Exception("database went away"))

    def on(self, *prefixes: str) -> None:
        self.prefixes = tuple(p.upper() for p in prefixes)

    def off(self) -> None:
        self.prefixes = ()


@pytest.fixture
def core(seeded_db: Config) -> Iterator[Core]:
    core = build_core(seeded_db, create_key=True, printers=False)
    yield core
    core.close()


@pytest.fixture
def outage(core: Core) -> Outage:
    return Outage(core)


@pytest.fixture
def elder(core: Core) -> ResidentRecord:
    with core.sessions() as db:
        return ResidentRepository(db).sample(1)[0]


def status_of(core: Core, serial: str) -> tuple[IssuanceStatus, list[str]]:
    with core.sessions() as db:
        repo = IssuanceRepository(db)
        record = repo.by_serial(serial)
        assert record is not None
        return record.status, [j.state for j in repo.jobs(serial)]


def test_database_down_when_recording_the_job_prints_nothing(
    core: Core, outage: Outage, elder: ResidentRecord, tmp_path: Path
) -> None:
    """GIVEN a recorded issuance WHEN the database refuses the print job row THEN RecordError,
    nothing is printed; once the database is back the issuance is print_failed, not `issued`."""
    issued = core.issuer.issue(elder, core.catalog.item("residence_certificate"), SCHOOL)
    printer = FilePrinter(tmp_path / "out")
    outage.on("INSERT INTO print_jobs")
    with pytest.raises(RecordError):
        core.issuer.print(issued, printer)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    outage.off()
    assert core.issuer.settle_outcomes() == 1
    status, jobs = status_of(core, issued.serial)
    assert status == IssuanceStatus.PRINT_FAILED and jobs == ["failed"]


def test_database_down_after_a_good_print_keeps_the_outcome(
    core: Core, outage: Outage, elder: ResidentRecord, tmp_path: Path
) -> None:
    """GIVEN a print that succeeds WHEN the database refuses to record the outcome THEN the print
    still succeeds (her paper is out), and the outcome waits on disk: once the database is back
    the issuance is printed with its job done."""
    issued = core.issuer.issue(elder, core.catalog.item("residence_certificate"), SCHOOL)
    outage.on("UPDATE print_jobs", "UPDATE issuances")
    job = core.issuer.print(issued, FilePrinter(tmp_path / "out"))
    assert job.state == JobState.DONE and Path(job.job_id or "").exists()
    assert status_of(core, issued.serial)[0] == IssuanceStatus.ISSUED  # not yet recorded
    outage.off()
    # the next print settles what waited (here: the next issuance's print)
    second = core.issuer.issue(elder, core.catalog.item("residence_certificate"), SCHOOL)
    core.issuer.print(second, FilePrinter(tmp_path / "out"))
    assert status_of(core, issued.serial) == (IssuanceStatus.PRINTED, ["done"])
    assert status_of(core, second.serial) == (IssuanceStatus.PRINTED, ["done"])


def test_printer_error_is_not_masked_by_the_database(
    core: Core, outage: Outage, elder: ResidentRecord, tmp_path: Path
) -> None:
    """GIVEN a printer that cannot print WHEN the database also refuses the outcome THEN the
    resident's error is the printer's (PrinterError), and the failure is recorded later."""
    issued = core.issuer.issue(elder, core.catalog.item("residence_certificate"), SCHOOL)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    outage.on("UPDATE print_jobs")
    with pytest.raises(PrinterError) as caught:
        core.issuer.print(issued, FilePrinter(blocked))
    assert not isinstance(caught.value, RecordError)
    outage.off()
    core.issuer.settle_outcomes()
    assert status_of(core, issued.serial) == (IssuanceStatus.PRINT_FAILED, ["failed"])


def test_database_down_at_issue_and_reprint_is_a_record_error(
    core: Core, outage: Outage, elder: ResidentRecord, tmp_path: Path
) -> None:
    """GIVEN the database refuses writes WHEN issuing or reprinting THEN RecordError (never a raw
    SQLAlchemy error), and no serial is half-recorded."""
    item = core.catalog.item("residence_certificate")
    issued = core.issuer.issue(elder, item, SCHOOL)
    outage.on("INSERT", "UPDATE")
    with pytest.raises(RecordError):
        core.issuer.issue(elder, item, SCHOOL)
    with pytest.raises(RecordError):
        core.issuer.reissue(issued.serial, actor="staff:test")
    outage.off()
    with core.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Issuance)) == 1


def test_start_up_closes_what_a_kill_left_mid_way(
    core: Core, elder: ResidentRecord, tmp_path: Path
) -> None:
    """GIVEN one issuance killed before printing and one killed mid-print (job still queued)
    WHEN the kiosk starts THEN the first is print_failed, the second unknown (staff must look at
    the printer), neither is printed again, and a second start changes nothing."""
    item = core.catalog.item("residence_certificate")
    before = core.issuer.issue(elder, item, SCHOOL)
    during = core.issuer.issue(elder, item, SCHOOL)
    with core.sessions.begin() as db:
        IssuanceRepository(db).add_job(during.serial, "file:///x", 0, during.record.created_at)
    closed = core.issuer.reconcile()
    assert sorted(closed) == sorted([before.serial, during.serial])
    assert status_of(core, before.serial) == (IssuanceStatus.PRINT_FAILED, [])
    assert status_of(core, during.serial) == (IssuanceStatus.UNKNOWN, ["unknown"])
    assert core.issuer.reconcile() == []
