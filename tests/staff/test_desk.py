"""Reprint and void through the staff desk: real register, issuer, renderer and file printer."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.app import Core
from kiosk.audit import verify_chains
from kiosk.db.audit import AuditChainRepository
from kiosk.db.desk import STATUS_GROUPS, IssuanceQuery
from kiosk.db.models import Issuance, Resident
from kiosk.db.repositories import IssuanceRepository, IssuanceStatus
from kiosk.staff.accounts import Role, StaffMember
from kiosk.staff.desk import IssuanceDesk
from kiosk.staff.errors import StaffInputError, UnknownSerialError, VoidedError
from kiosk.staff.reasons import ReprintReason, VoidReason
from printer.base import (
    JobListener,
    PrinterError,
    PrinterNotReadyError,
    PrinterState,
    PrinterStatus,
    PrintJob,
    fail,
)
from printer.file import FilePrinter

from .conftest import issue

pytestmark = pytest.mark.slow  # a seeded register and the whole Core per test (~1 s)
WANG = StaffMember("王丽", Role.STAFF, "610202********0277")


class PaperOut:
    """A printer whose paper ran out: says so, and refuses every job."""

    def __init__(self, uri: str = "escpos:///dev/null-paper-out") -> None:
        self.uri = uri

    def status(self) -> PrinterStatus:
        return PrinterStatus(PrinterState.PAPER_OUT, "paper end sensor", ("media-empty",))

    def print(
        self,
        document: bytes,
        copies: int = 1,
        title: str = "kiosk",
        on_progress: JobListener | None = None,
    ) -> PrintJob:
        job = PrintJob(self.uri, title, copies)
        raise fail(job, PrinterNotReadyError, "out of paper", self.status(), on_progress)


def pdf_text(path: str | None) -> str:
    assert path is not None
    return subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def audit_detail(core: Core, kind: str) -> dict[str, str]:
    with core.sessions() as session:
        return dict(
            [e for e in AuditChainRepository(session).events() if e.kind == kind][-1].detail
        )


def test_a_reprint_with_a_reason_prints_the_same_document_marked_bu_da_1(
    core: Core, tmp_path: Path
) -> None:
    """GIVEN a printed certificate WHEN staff reprint it for 卡纸 THEN the printer gets the same
    serial marked 补打 1, the issuance counts one reprint, and the audit has the reason and who."""
    issued = issue(core)
    core.issuer.print(issued, FilePrinter(tmp_path / "first"))
    desk = IssuanceDesk.for_core(core)
    done = desk.reprint(
        WANG, issued.serial, ReprintReason.PAPER_JAM, printer=FilePrinter(tmp_path / "again")
    )
    assert (done.serial, done.reprint) == (issued.serial, 1)
    text = pdf_text(done.job.job_id)
    assert "补打 1" in text and issued.serial in text
    assert "补打" not in pdf_text(str(next((tmp_path / "first").iterdir())))
    row = desk.find(issued.serial)
    assert (row.reprints, row.status) == (1, "printed")
    with core.sessions() as session:
        reprint = [e for e in AuditChainRepository(session).events() if e.kind == "reprint"][-1]
    assert reprint.actor == "staff:王丽" and reprint.detail["reason"] == "卡纸"
    assert reprint.detail["n"] == "1"
    (chain,) = verify_chains(core.sessions)  # issued, printed, reprint, printed: all chained
    assert chain.intact and chain.events == 4


def test_a_reprint_on_a_printer_out_of_paper_is_recorded_print_failed(core: Core) -> None:
    """GIVEN a certificate WHEN the reprint's printer is out of paper THEN the printer's error
    (缺纸) reaches staff, and the issuance is print_failed, in the queue again."""
    issued = issue(core)
    desk = IssuanceDesk.for_core(core)
    with pytest.raises(PrinterError) as caught:
        desk.reprint(WANG, issued.serial, ReprintReason.OTHER, "重新装纸后再试", printer=PaperOut())
    assert "缺纸" in caught.value.resident_message[0]
    assert desk.find(issued.serial).status == "print_failed"
    assert issued.serial in [r.serial for r in desk.queue()]


def test_a_voided_document_cannot_be_reprinted_or_voided_again(core: Core, tmp_path: Path) -> None:
    """GIVEN a certificate WHEN staff void it (信息有误) THEN it is voided with reason, who and
    when (audited); a reprint or a second void is refused, and nothing more is printed."""
    issued = issue(core)
    desk = IssuanceDesk(
        core.sessions, core.config.terminal.id, issuer=core.issuer, clock=core.issuer.clock
    )
    row = desk.void(WANG, issued.serial, VoidReason.WRONG_DETAILS, "住址有误")
    assert (row.status, row.void_reason, row.voided_by) == ("voided", "信息有误：住址有误", "王丽")
    assert audit_detail(core, "void") == {
        "reason": "信息有误",
        "note": "住址有误",
        "previous": "issued",
    }
    out = tmp_path / "never"
    with pytest.raises(VoidedError):
        desk.reprint(WANG, issued.serial, ReprintReason.LOST, printer=FilePrinter(out))
    with pytest.raises(VoidedError):
        desk.void(WANG, issued.serial, VoidReason.DUPLICATE)
    assert not out.exists() or not list(out.iterdir())
    with core.sessions() as session:
        record = IssuanceRepository(session).by_serial(issued.serial)
        assert (
            record is not None and record.status == IssuanceStatus.VOIDED and record.reprints == 0
        )


def test_refusals_are_staff_errors(core: Core) -> None:
    """GIVEN the desk WHEN an unknown serial, or 其他 without a note THEN one clear StaffError."""
    desk = IssuanceDesk.for_core(core)
    with pytest.raises(UnknownSerialError):
        desk.reprint(WANG, "610202001-20990101-00001", ReprintReason.PAPER_JAM)
    issued = issue(core)
    with pytest.raises(StaffInputError):
        desk.void(WANG, issued.serial, VoidReason.OTHER, "  ")


def test_search_by_serial_last_four_and_name_dates_item_and_status(
    core: Core, tmp_path: Path
) -> None:
    """GIVEN three issuances (one printed, one failed, one unfinished) WHEN staff search THEN
    each filter finds what it should; the queue holds the failed and the unfinished ones; rows
    show the resident masked."""
    printed, failed, unfinished = issue(core), issue(core), issue(core)
    core.issuer.print(printed, FilePrinter(tmp_path / "out"))
    with pytest.raises(PrinterError):
        core.issuer.print(failed, PaperOut())
    desk = IssuanceDesk.for_core(core)
    with core.sessions() as session:
        resident = session.scalars(
            select(Resident)
            .join(Issuance, Issuance.resident_id == Resident.id)
            .where(Issuance.serial == printed.serial)
        ).one()
        last4, name = resident.id_number[-4:], resident.name
    assert [r.serial for r in desk.search(IssuanceQuery(serial=printed.serial))] == [printed.serial]
    found = desk.search(IssuanceQuery(id_last4=last4, name=name))
    assert {r.serial for r in found} == {printed.serial, failed.serial, unfinished.serial}
    assert found[0].resident_masked_id.endswith(last4) and "*" in found[0].resident_masked_id
    assert desk.search(IssuanceQuery(id_last4=last4, name=name + "x")) == []
    today = core.issuer.clock().date()
    assert len(desk.search(IssuanceQuery(since=today, until=today))) == 3
    assert desk.search(IssuanceQuery(since=today + timedelta(days=1))) == []
    assert desk.search(IssuanceQuery(until=date(2000, 1, 1))) == []
    assert len(desk.search(IssuanceQuery(item_id="residence_certificate"))) == 3
    assert desk.search(IssuanceQuery(item_id="no_such_item")) == []
    queue = {r.serial: r.status for r in desk.queue()}
    assert queue == {failed.serial: "print_failed", unfinished.serial: "issued"}
    failed_only = desk.search(IssuanceQuery(statuses=STATUS_GROUPS["print_failed"]))
    assert [r.serial for r in failed_only] == [failed.serial]
    assert failed_only[0].last_print_reason == "out of paper" and failed_only[0].copies == 1
