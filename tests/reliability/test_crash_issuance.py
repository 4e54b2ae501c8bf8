"""Crash consistency of issuing and printing: `kiosk render` SIGKILLed at each step of record
(serial first) -> render -> sign -> record -> print -> outcome, then `kiosk run` restarted.

After every kill: the issuances recorded before it are all there, none is left `issued` or with
a job `queued`, the unfinished ones are in the staff's queue, nothing was printed twice (nor
printed again by the restart), the audit chains verify, the kiosk is back on a clean attract
screen, and new issuances get serials never used before. On the PostgreSQL pass the same tests
run on a PostgreSQL database.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from kiosk.config import Config
from printer.emulators.cupsd import CUPS_PDF_OUT, CupsServer, wait_until
from printer.file import TEMP_PREFIX, TEMP_SUFFIX, WRITE_CHUNK
from tests.reliability.crash_terminal import (
    PIN_LINE,
    Terminal,
    assert_clean_attract,
    assert_consistent,
    install_certified_key,
    new_serial,
    pdfs,
    sequence,
    whole_pdf,
)

pytestmark = [pytest.mark.slow, pytest.mark.stacks]


@pytest.fixture
def term(seeded_db: Config, tmp_path: Path) -> Terminal:
    """A terminal on the demo register with a certified key (as installed) and a file printer."""
    terminal = Terminal(seeded_db)
    install_certified_key(terminal.config, tmp_path / "district-root")
    return terminal


def test_killed_after_the_issuance_commits(term: Terminal) -> None:
    """GIVEN `kiosk render` on the file printer WHEN it is killed right after the issuance
    commits, before anything is printed THEN after `kiosk run` restarts the issuance is there,
    print_failed (never printed by the restart), in the staff's queue, and all else holds."""
    args = term.render_args()
    before = term.register()
    term.killed("after_issuance_commit", *args)
    killed = term.register()
    serial = new_serial(before, killed)
    assert killed.papers[serial].status == "issued" and killed.papers[serial].jobs == ()
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    assert after.papers[serial].status == "print_failed" and after.papers[serial].jobs == ()
    assert pdfs(term.config.data_dir / "printed", serial) == []


def test_killed_mid_render_leaves_a_gap_never_a_duplicate(term: Terminal) -> None:
    """GIVEN `kiosk render` WHEN it is killed while the document renders (its serial allocated
    and committed, the issuance not yet recorded) THEN after the restart there is no issuance
    and nothing printed, only a gap: the next serials come after the one the kill took."""
    args = term.render_args()
    before = term.register()
    term.killed("mid_render:2", *args)  # the 1st render is the signed text's digest
    killed = term.register()
    assert killed.papers == before.papers
    taken = max(killed.counters.values())
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    new = set(after.papers) - set(killed.papers)
    assert min(sequence(s) for s in new) > taken
    assert list((term.config.data_dir / "printed").glob("*.pdf")) == []


def test_killed_mid_pdf_write_leaves_no_pdf_and_waits_for_staff(term: Terminal) -> None:
    """GIVEN `kiosk render` on the file printer WHEN it is killed with part of the PDF in the
    temp file THEN no .pdf exists under any name (the short temp file has no %%EOF); after the
    restart the issuance is unknown (staff must look at the printer), listed, not reprinted by
    itself; a staff reprint then sweeps the dead temp file and prints one whole PDF."""
    printed = term.config.data_dir / "printed"
    args = term.render_args()
    before = term.register()
    term.killed("mid_pdf_write", *args)
    killed = term.register()
    serial = new_serial(before, killed)
    assert killed.papers[serial].jobs == ("queued",)
    assert list(printed.glob("*.pdf")) == []
    (temp,) = printed.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}")
    assert temp.stat().st_size == WRITE_CHUNK and b"%%EOF" not in temp.read_bytes()
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    assert after.papers[serial].status == "unknown" and after.papers[serial].jobs == ("unknown",)
    assert list(printed.glob("*.pdf")) == []
    term.add_staff()
    term.ok("reprint", serial, "--reason", "卡纸", *term.staff_args(), stdin=PIN_LINE)
    (pdf,) = pdfs(printed, serial)
    assert whole_pdf(pdf) and not temp.exists()
    assert term.register().papers[serial].status == "printed"


def test_killed_mid_write_of_render_out_keeps_the_target_whole(term: Terminal) -> None:
    """GIVEN `kiosk render --out FILE.pdf` where FILE.pdf already holds an earlier document
    WHEN it is killed mid-write THEN FILE.pdf is still the earlier, whole document, and after
    the restart the issuance is unknown and listed for staff."""
    out = term.config.data_dir.parent / "out.pdf"
    args = term.render_args()
    term.ok(*args, "--out", str(out))
    earlier = out.read_bytes()
    before = term.register()
    term.killed("mid_pdf_write", *args, "--out", str(out))
    killed = term.register()
    serial = new_serial(before, killed)
    assert out.read_bytes() == earlier and whole_pdf(out)
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    assert after.papers[serial].status == "unknown" and serial in after.queue


def test_killed_after_the_print_is_done_prints_once(term: Terminal) -> None:
    """GIVEN `kiosk render` on the file printer WHEN it is killed after the printer finished,
    before the outcome is recorded THEN the one PDF is whole; after the restart the issuance is
    unknown (the kiosk cannot know the paper came out: staff look), and nothing prints again."""
    printed = term.config.data_dir / "printed"
    args = term.render_args()
    before = term.register()
    term.killed("after_print_done", *args)
    killed = term.register()
    serial = new_serial(before, killed)
    (pdf,) = pdfs(printed, serial)
    assert whole_pdf(pdf) and killed.papers[serial].jobs == ("queued",)
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    assert after.papers[serial].status == "unknown" and serial in after.queue
    assert pdfs(printed, serial) == [pdf]


@pytest.mark.parametrize(
    ("point", "recorded"),
    [("mid_audit_append:1", False), ("mid_audit_append:2", True)],
    ids=["issuance-event", "printed-event"],
)
def test_killed_mid_audit_append(term: Terminal, point: str, recorded: bool) -> None:
    """GIVEN `kiosk render` WHEN it is killed inside an audit append (event and head written,
    the transaction open): the issuance's own event, or the printed event after the paper came
    out THEN the transaction is gone whole: no issuance (1st), or the issuance with its print
    outcome unrecorded (2nd, then unknown after the restart); the chain verifies either way."""
    printed = term.config.data_dir / "printed"
    args = term.render_args()
    before = term.register()
    term.killed(point, *args)
    killed = term.register()
    assert killed.audit_intact and killed.audit_events() == before.audit_events() + recorded
    if recorded:
        serial = new_serial(before, killed)
        assert killed.papers[serial].jobs == ("queued",) and len(pdfs(printed, serial)) == 1
    else:
        assert killed.papers == before.papers
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    if recorded:
        assert after.papers[serial].status == "unknown" and len(pdfs(printed, serial)) == 1


def test_killed_after_cups_took_the_job_prints_once(
    seeded_db: Config, tmp_path: Path, kiosk_cups: CupsServer
) -> None:
    """GIVEN `kiosk render` on a real CUPS queue (cups-pdf) WHEN it is killed the moment cupsd
    accepted the job THEN the job still prints, once; after the restart the issuance is unknown
    (staff look at the printer), listed, and no further job reaches the queue."""
    code = f"CR{uuid.uuid4().hex[:8]}"  # serials no other test prints to the shared ~/PDF
    term = Terminal(
        seeded_db,
        KIOSK_PRINTERS_A4=kiosk_cups.uri(timeout=60),
        KIOSK_TERMINAL_COMMUNITY_CODE=code,
    )
    install_certified_key(term.config, tmp_path / "district-root")
    args = term.render_args()
    before = term.register()
    term.killed("print_sent", *args)
    killed = term.register()
    serial = new_serial(before, killed)
    assert serial.startswith(code) and killed.papers[serial].jobs == ("queued",)
    assert wait_until(lambda: cups_pdfs(serial), 30), "the job cupsd accepted never printed"
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    assert after.papers[serial].status == "unknown" and serial in after.queue
    time.sleep(2)  # what a restart printed would be out by now (cups-pdf takes ~0.4 s)
    (pdf,) = cups_pdfs(serial)
    assert pdf.stat().st_size > 10_000
    assert kiosk_cups.run("lpstat", "-o", kiosk_cups.queue).stdout.strip() == ""


def cups_pdfs(serial: str) -> list[Path]:
    """What cups-pdf wrote for jobs titled `serial`."""
    return sorted(CUPS_PDF_OUT.glob(f"{serial}*.pdf"))


@pytest.mark.parametrize(
    ("point", "status", "jobs"),
    [("after_issuance_commit", "print_failed", ()), ("mid_pdf_write", "unknown", ("unknown",))],
    ids=["after-commit", "mid-print"],
)
def test_kiosk_killed_in_a_residents_session(
    term: Terminal, point: str, status: str, jobs: tuple[str, ...]
) -> None:
    """GIVEN the kiosk's window serving a resident (the scripted session of `kiosk demo`: card,
    居住证明, 打印) WHEN the kiosk process is killed after her issuance commits, or mid-print
    THEN `kiosk run` restarts on a clean attract screen (nothing of hers on it), her issuance is
    closed as print_failed or unknown and listed for staff, and no PDF of it exists."""
    before = term.register()
    term.killed(point, "demo", "--headless")
    killed = term.register()
    serial = new_serial(before, killed)
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    assert (after.papers[serial].status, after.papers[serial].jobs) == (status, jobs)
    assert serial in after.queue
    assert pdfs(term.config.data_dir / "printed", serial) == []
