"""Diagnostics, the test page, call-staff alerts, the start-up record and the catalogue reload,
on a real Core (register, catalogue, key) with a printer out of paper where it matters."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from card_reader.base import ReaderState
from card_reader.simulated import SimulatedReader, identity_for
from kiosk.app import Core
from kiosk.audit import record_startup
from kiosk.catalog import load_catalog
from kiosk.db.audit import AuditChainRepository
from kiosk.staff.accounts import Role, StaffMember
from kiosk.staff.calls import acknowledge_call, open_calls, record_staff_call
from kiosk.staff.diagnostics import diagnostics, print_test_page, recent_errors
from kiosk.staff.errors import StaffInputError
from kiosk.staff.reload import reload_for_staff
from printer.base import PrinterError
from printer.file import FilePrinter

from .conftest import STAFF_ID
from .test_desk import PaperOut

pytestmark = pytest.mark.slow  # a seeded register and the whole Core per test (~1 s)
WANG = StaffMember("王丽", Role.ADMIN, "610202********0277")
NOW = datetime(2026, 3, 2, 10, 0)


def last_event(core: Core, kind: str) -> dict[str, str]:
    with core.sessions() as session:
        found = [e for e in AuditChainRepository(session).events() if e.kind == kind]
    assert found, kind
    return dict(found[-1].detail, actor=found[-1].actor, subject=found[-1].subject)


def test_diagnostics_show_a_printer_out_of_paper_and_the_rest_of_the_kiosk(
    core: Core, tmp_path: Path
) -> None:
    """GIVEN a kiosk whose slip printer is out of paper, a reader with a card on it, and a timer
    WHEN diagnostics are taken THEN the slip printer is paper_out with its reasons and the kiosk
    is not healthy; the A4 printer is ready; the reader's test read names the card masked; the
    database answers in the timed latency at the shipped schema; catalogue and key are listed."""
    kiosk = replace(core, printers={"a4": FilePrinter(tmp_path / "a4"), "slip": PaperOut()})
    reader = SimulatedReader()
    reader.open()
    reader.place(identity_for(STAFF_ID, "王丽", "female", None, None))
    ticks = iter([10.0, 10.25])
    report = diagnostics(
        kiosk, reader=reader, test_read_seconds=0.1, timer=lambda: next(ticks), clock=lambda: NOW
    )
    slip = {p.role: p for p in report.printers}["slip"]
    assert (slip.state, slip.can_print, slip.reasons) == ("paper_out", False, ("media-empty",))
    assert "缺纸" in slip.message_zh and not report.healthy
    assert {p.role: p for p in report.printers}["a4"].can_print
    assert (
        report.reader.state == ReaderState.CARD_PRESENT.value
        and report.reader.driver == "SimulatedReader"
    )
    assert "610202********0277" in report.reader.test_read and STAFF_ID not in str(report)
    db = report.database
    assert (db.reachable, db.latency_ms, db.revision) == (True, 250.0, db.expected_revision)
    assert (
        report.catalog.items == len(core.catalog.items)
        and report.catalog.digest == core.catalog.digest
    )
    assert report.key_fingerprint == core.signing_key.fingerprint and report.at == NOW
    assert report.free_disk_bytes is not None and report.free_disk_bytes > 0
    assert report.to_json()["healthy"] is False


def test_the_reader_state_the_bridge_reported_is_shown_when_no_reader_is_passed(core: Core) -> None:
    """GIVEN the running kiosk (its reader belongs to the bridge) WHEN diagnostics get only its
    last state THEN that state is shown, and the driver named from the URI."""
    report = diagnostics(core, reader_state=ReaderState.NO_READER)
    assert (report.reader.state, report.reader.driver) == ("no_reader", "sim")


def test_the_last_twenty_errors_of_the_kiosk_log_are_shown_masked(tmp_path: Path) -> None:
    """GIVEN 25 errors spread over kiosk.log.1 and kiosk.log, with INFO lines and a traceback
    between them WHEN the recent errors are read THEN the newest 20 ERROR/CRITICAL first lines,
    oldest first, ID numbers masked."""
    logs = tmp_path / "logs"
    logs.mkdir()

    def line(n: int, level: str = "ERROR") -> str:
        return f"2026-03-02 09:00:{n:02d},000 {level} kiosk.issuing: print failed for {STAFF_ID} #{n}\n"

    (logs / "kiosk.log.1").write_text("".join(line(n) for n in range(10)), encoding="utf-8")
    body = "".join(
        line(n, "CRITICAL" if n == 24 else "ERROR") + "Traceback (most recent call last):\n"
        for n in range(10, 25)
    )
    (logs / "kiosk.log").write_text(body + line(99, "INFO"), encoding="utf-8")
    found = recent_errors(logs)
    assert len(found) == 20 and found[0].endswith("#5") and found[-1].endswith("#24")
    assert all(STAFF_ID not in e and "610202********0277" in e for e in found)


def test_a_test_page_is_printed_and_audited(core: Core, tmp_path: Path) -> None:
    """GIVEN a ready printer and one out of paper WHEN staff print a test page THEN the first
    prints (audited test_page by the staff member), the second raises the printer's error."""
    state = print_test_page(
        FilePrinter(tmp_path / "out"), role="a4", slip_paper="slip80", sessions=core.sessions,
        terminal_id=core.config.terminal.id, actor=WANG.actor, now=NOW,
    )  # fmt: skip
    assert state == "done" and len(list((tmp_path / "out").iterdir())) == 1
    assert last_event(core, "test_page")["actor"] == "staff:王丽"
    with pytest.raises(PrinterError):
        print_test_page(PaperOut(), role="slip", slip_paper="slip58")


def test_call_staff_alerts_are_open_until_acknowledged(core: Core) -> None:
    """GIVEN two calls for staff WHEN one is acknowledged THEN only the other stays open (also
    in diagnostics); both are audited; an unknown alert is refused."""
    first = record_staff_call(core.sessions, core.config.terminal.id, "menu", now=NOW)
    second = record_staff_call(core.sessions, core.config.terminal.id, "print_failed", now=NOW)
    assert [c.id for c in diagnostics(core).open_calls] == [first.id, second.id]
    done = acknowledge_call(core.sessions, first.id, WANG, core.config.terminal.id, now=NOW)
    assert done.acknowledged_by == "王丽"
    assert [c.id for c in open_calls(core.sessions)] == [second.id]
    assert last_event(core, "staff_call_ack")["subject"] == str(first.id)
    assert last_event(core, "staff_call")["screen"] == "print_failed"
    with pytest.raises(StaffInputError):
        acknowledge_call(core.sessions, 9999, WANG, core.config.terminal.id, now=NOW)


def test_the_start_up_configuration_is_audited(core: Core) -> None:
    """GIVEN a built kiosk WHEN it records its start THEN the audit has terminal, reader,
    printers, catalogue hash and key fingerprint."""
    record_startup(core, now=NOW)
    event = last_event(core, "startup")
    assert event["terminal"] == core.config.terminal.id and event["reader"] == "sim://"
    assert (
        event["catalog_hash"] == core.catalog.digest
        and event["key"] == core.signing_key.fingerprint
    )
    assert event["printer_a4"] == core.config.printers.a4


def test_a_broken_catalogue_reload_keeps_the_old_one_and_says_where(
    core: Core, tmp_path: Path
) -> None:
    """GIVEN a kiosk on a copy of the catalogue WHEN staff reload after a broken edit THEN the old
    catalogue stays, the problems name the YAML line, and it is audited refused; after the fix
    the new catalogue is taken (new hash), audited accepted."""
    path = tmp_path / "catalog.yaml"
    shutil.copyfile(core.catalog.source, path)
    current = load_catalog(path, core.catalog.locality)
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("items:\n", "items:\n  - id: [broken\n", 1), encoding="utf-8")
    refused = reload_for_staff(
        current, cache_dir=None, sessions=core.sessions, terminal_id=core.config.terminal.id,
        actor=WANG.actor, now=NOW,
    )  # fmt: skip
    assert not refused.accepted and refused.catalog is current
    assert any(
        p.startswith("catalog.yaml:") and p.split(":")[1].isdigit() for p in refused.problems
    )
    event = last_event(core, "catalogue_reload")
    assert event["result"] == "refused" and event["first_problem"] == refused.problems[0][:200]
    path.write_text(good + "\n# 2026-03 reviewed\n", encoding="utf-8")
    accepted = reload_for_staff(
        current, cache_dir=None, sessions=core.sessions, terminal_id=core.config.terminal.id,
        actor=WANG.actor, now=NOW,
    )  # fmt: skip
    assert accepted.accepted and accepted.changed and accepted.catalog.digest != current.digest
    assert last_event(core, "catalogue_reload")["result"] == "accepted"
