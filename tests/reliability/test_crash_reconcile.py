"""The start-up reconcile a crash leaves work for, in-process and fast: every print job a kill
left open is closed, whatever the paper's status (a reprint is killed on a paper already
printed), and no status staff decided on is changed. The kills themselves are in the other
test_crash_* modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app import Core, build_core
from kiosk.config import Config
from kiosk.db.desk import DeskRepository
from kiosk.db.repositories import IssuanceRepository, IssuanceStatus
from kiosk.staff.desk import IssuanceDesk
from printer.file import FilePrinter
from tests.staff.conftest import issue

pytestmark = pytest.mark.slow  # a running kiosk or a database per test: not in make test-fast


@pytest.fixture
def core(seeded_db: Config) -> Iterator[Core]:
    """The CLI's Core on the seeded register (a key created, no printers opened)."""
    built = build_core(seeded_db, create_key=True, printers=False)
    yield built
    built.close()


def printed(core: Core, directory: Path) -> str:
    """One certificate issued and printed to `directory`; its serial."""
    issued = issue(core)
    core.issuer.print(issued, FilePrinter(directory))
    return issued.serial


def leave_a_job_open(core: Core, serial: str) -> None:
    """What a reprint killed mid-print leaves: one more job, queued for ever."""
    with core.sessions.begin() as session:
        repo = IssuanceRepository(session)
        repo.add_job(serial, "file:///printed", repo.count_reprint(serial), core.issuer.clock())


def state(core: Core, serial: str) -> tuple[str, list[str]]:
    """An issuance's status and its print jobs' states, oldest first."""
    with core.sessions() as session:
        repo = IssuanceRepository(session)
        record = repo.by_serial(serial)
        assert record is not None
        return record.status.value, [job.state for job in repo.jobs(serial)]


def test_start_up_closes_a_reprint_job_a_kill_left_open(core: Core, tmp_path: Path) -> None:
    """GIVEN a printed certificate whose reprint was killed mid-print (its job queued) and a
    voided one with such a job WHEN the kiosk starts (reconcile) THEN both jobs are closed
    unknown; the printed paper is unknown and in the staff's queue (staff look at the printer);
    the voided one stays voided; a second start changes nothing."""
    reprinted, voided = printed(core, tmp_path), printed(core, tmp_path)
    leave_a_job_open(core, reprinted)
    leave_a_job_open(core, voided)
    with core.sessions.begin() as session:
        DeskRepository(session).void(voided, "居民要求", "王丽", core.issuer.clock())
    assert sorted(core.issuer.reconcile()) == sorted([reprinted, voided])
    assert state(core, reprinted) == (IssuanceStatus.UNKNOWN, ["done", "unknown"])
    assert state(core, voided) == (IssuanceStatus.VOIDED, ["done", "unknown"])
    queue = IssuanceDesk.for_core(core).queue()
    assert [row.serial for row in queue] == [reprinted]
    assert core.issuer.reconcile() == []


def test_start_up_leaves_finished_papers_alone(core: Core, tmp_path: Path) -> None:
    """GIVEN printed papers whose every print job finished WHEN the kiosk starts THEN nothing
    is closed: their status stays printed."""
    serials = [printed(core, tmp_path) for _ in range(2)]
    assert core.issuer.reconcile() == []
    assert [state(core, s) for s in serials] == [(IssuanceStatus.PRINTED, ["done"])] * 2
