"""Crash consistency of what staff do: `kiosk reprint` and `kiosk void` SIGKILLed half-way, then
`kiosk run` restarted. Nothing prints without the staff member asking again, nothing is voided
half-way, the audit chains verify, and the staff's list shows what needs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import Config
from tests.reliability.crash_terminal import (
    PIN_LINE,
    Terminal,
    assert_clean_attract,
    assert_consistent,
    install_certified_key,
    new_serial,
    pdfs,
    whole_pdf,
)

pytestmark = [pytest.mark.slow, pytest.mark.stacks]


@pytest.fixture
def term(seeded_db: Config, tmp_path: Path) -> Terminal:
    """A terminal with a certified key, one member of staff and a file printer."""
    terminal = Terminal(seeded_db)
    install_certified_key(terminal.config, tmp_path / "district-root")
    terminal.add_staff()
    return terminal


def printed_paper(term: Terminal) -> str:
    """Issue and print one certificate with `kiosk render`; its serial."""
    before = term.register()
    term.ok(*term.render_args())
    serial = new_serial(before, term.register())
    assert len(pdfs(term.config.data_dir / "printed", serial)) == 1
    return serial


def reprint(term: Terminal, serial: str, crash_at: str | None = None) -> None:
    """`kiosk reprint SERIAL` by the staff member (killed at `crash_at` if given)."""
    args = ("reprint", serial, "--reason", "卡纸", *term.staff_args())
    if crash_at:
        term.killed(crash_at, *args, stdin=PIN_LINE)
    else:
        term.ok(*args, stdin=PIN_LINE)


def test_killed_mid_reprint_prints_nothing_until_asked_again(term: Terminal) -> None:
    """GIVEN a printed certificate WHEN `kiosk reprint` is killed after 补打 1 was counted and
    audited, before printing THEN nothing more is printed, by the kill or the restart; the
    paper stays printed; the next reprint by staff prints 补打 2, one more whole PDF."""
    printed = term.config.data_dir / "printed"
    serial = printed_paper(term)
    reprint(term, serial, "mid_reprint")
    killed = term.register()
    assert killed.papers[serial].reprints == 1 and killed.papers[serial].jobs == ("done",)
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    assert after.papers[serial].status == "printed" and len(pdfs(printed, serial)) == 1
    reprint(term, serial)
    done = term.register().papers[serial]
    assert (done.status, done.reprints, done.jobs) == ("printed", 2, ("done", "done"))
    assert len(pdfs(printed, serial)) == 2 and all(whole_pdf(p) for p in pdfs(printed, serial))


def test_reprint_killed_mid_print_is_listed_for_staff(term: Terminal) -> None:
    """GIVEN a printed certificate WHEN `kiosk reprint` is killed with part of the reprint's PDF
    written THEN no PDF appears for it; after the restart its print job is closed as unknown
    (not queued for ever), the paper is listed for staff, and nothing prints by itself."""
    printed = term.config.data_dir / "printed"
    serial = printed_paper(term)
    reprint(term, serial, "mid_pdf_write")
    killed = term.register()
    assert killed.papers[serial].jobs == ("done", "queued")
    assert_clean_attract(term.restart())
    after = assert_consistent(term, killed)
    assert after.papers[serial].jobs == ("done", "unknown")
    assert after.papers[serial].status == "unknown" and serial in after.queue
    assert len(pdfs(printed, serial)) == 1


def test_killed_mid_void_voids_nothing_half_way(term: Terminal) -> None:
    """GIVEN a printed certificate WHEN `kiosk void` is killed after the row was marked voided,
    before the audit event and the commit THEN after the restart it is not voided and the chain
    holds no void event; voiding again works and `kiosk verify` then answers VOIDED."""
    serial = printed_paper(term)
    args = ("void", serial, "--reason", "居民要求", *term.staff_args())
    before = term.register()
    term.killed("mid_void", *args, stdin=PIN_LINE)
    killed = term.register()
    assert killed.papers[serial].status == "printed"
    assert killed.audit_intact and killed.audit_events() == before.audit_events() + 1  # sign-in
    assert_clean_attract(term.restart())
    assert_consistent(term, killed)
    term.ok(*args, stdin=PIN_LINE)
    assert term.register().papers[serial].status == "voided"
    (pdf,) = pdfs(term.config.data_dir / "printed", serial)
    verdict = term.kiosk("verify", str(pdf))
    assert verdict.returncode == 1 and "VOIDED" in verdict.stdout, verdict.stdout
