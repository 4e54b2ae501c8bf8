"""The disk fills up while the PDF is written, under the real kiosk window (issue 14, part B 2).

A real small tmpfs is mounted (as root) where the file printer writes, nearly filled, so the
kernel itself says ENOSPC part-way through the document. Unmounted afterwards, whatever happens.
The driver-level cases (ENOSPC at write or at fsync, a kill mid-write) are in
tests/printer/test_file_crash.py.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kiosk import messages
from kiosk.config import Config
from kiosk.db.repositories import IssuanceRepository, ResidentRepository
from kiosk.demo_cards import identity_of
from kiosk.view import Step
from printer.file import DiskFullError
from tests.kiosk.conftest import StartKiosk
from tests.reliability.faults_support import (
    assert_bilingual,
    log_lines,
    log_size,
    staff_log,  # noqa: F401
    visible_text,
)

pytestmark = [pytest.mark.stacks]

SIZE = 256 * 1024  # the whole "disk"
ROOM = 24 * 1024  # what is left when she prints: less than one certificate (~90 KiB)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs, all but 24 KiB of it taken by a filler file; unmounted afterwards."""
    mount_point = tmp_path / "printed"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        filler = mount_point / "filler.bin"
        with filler.open("wb") as out:
            out.write(b"\0" * (SIZE - ROOM))
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=False)


def test_disk_full_while_the_pdf_is_written(  # type: ignore[no-untyped-def]
    seeded_db: Config,
    start_kiosk: StartKiosk,
    small_disk: Path,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN the printed-documents disk nearly full WHEN she prints a certificate THEN the write
    fails part-way: she reads 存储空间已满 / The disk is full with her serial and that staff can
    reprint it, with 返回; no partial file is left; the issuance is print_failed with the reason;
    the staff log names the serial; WHEN staff free the disk THEN the reprint is written whole."""
    printers = replace(seeded_db.printers, a4=small_disk.as_uri(), slip=small_disk.as_uri())
    running = start_kiosk(replace(seeded_db, printers=printers))
    session = running.session
    with running.core.sessions() as db:
        resident = ResidentRepository(db).sample(1)[0]
    running.kiosk.reader.place(identity_of(resident, date.today()))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=15_000)
    assert session.choose_item("residence_certificate")
    assert session.submit({"purpose": "school"})
    qtbot.waitUntil(lambda: session.view.draft is not None, timeout=30_000)
    mark = log_size(staff_log)
    assert session.confirm()
    qtbot.waitUntil(lambda: session.step == Step.ERROR, timeout=30_000)

    issued = session.view.issued
    assert issued is not None
    text = visible_text(running.window)
    assert_bilingual((DiskFullError.message_zh, DiskFullError.message_en), text)
    assert_bilingual(messages.SAVED_FOR_REPRINT, text)
    assert issued.serial in text and running.window.error.button.isVisible()
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler.bin"]  # nothing partial
    with running.core.sessions() as db:
        record = IssuanceRepository(db).by_serial(issued.serial)
        jobs = IssuanceRepository(db).jobs(issued.serial)
    assert record is not None and record.status == "print_failed"
    assert [j.state for j in jobs] == ["failed"] and "disk full" in (jobs[0].reason or "")
    assert log_lines(staff_log, rf"ERROR .*print failed {issued.serial} on file://", since=mark)

    (small_disk / "filler.bin").unlink()  # staff make room, then reprint from the desk
    issuer = running.core.issuer
    again = issuer.reissue(issued.serial, actor="staff:test")
    job = issuer.print(again, running.core.printers["a4"], reprint=again.record.reprints)
    written = Path(job.job_id or "")
    assert written.parent == small_disk and written.read_bytes().rstrip().endswith(b"%%EOF")
