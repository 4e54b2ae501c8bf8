"""Terminal health: each kiosk writes a heartbeat (reader, printers and paper, version,
catalogue hash, schema revision, last session, open calls); `kiosk terminals` lists every
terminal of the district and flags the silent ones and those with a problem."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.app import Core, build_core
from kiosk.cli import main
from kiosk.config import Config
from kiosk.db.engine import session_factory
from kiosk.db.migrate import head_revision
from kiosk.devices import PrinterMonitor
from kiosk.heartbeat import beat, collect, district_health, write
from kiosk.staff.calls import record_staff_call
from printer.emulators.escpos_emulator import EscposEmulator
from tests.district.conftest import TerminalFactory


@pytest.fixture
def thermal() -> Iterator[EscposEmulator]:
    """An 80 mm ESC/POS printer emulator on a pty."""
    with EscposEmulator(576) as emu:
        yield emu


def _terminals(
    url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[int, list[dict[str, object]]]:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "cli"))
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["--db", url, "terminals", "--json"])
    return code, json.loads(out.getvalue())


def _core(config: Config, printer_uri: str) -> Core:
    printers = replace(config.printers, slip=printer_uri)
    return build_core(replace(config, printers=printers), create_key=True)


def test_a_printer_out_of_paper_shows_within_one_heartbeat(
    terminal: TerminalFactory,
    district_url: str,
    thermal: EscposEmulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """GIVEN a kiosk whose slip printer (real ESC/POS driver, emulated device) is ready, and its
    heartbeat written WHEN the roll runs out, the monitor polls and ONE heartbeat is written
    THEN `kiosk terminals` flags that terminal: slip paper out (exit 3)."""
    core = _core(terminal("WY-HQJ-01"), f"escpos://{thermal.port_path}?timeout=1")
    monitor = PrinterMonitor(core.printers, lambda role, status: None)
    try:
        monitor.poll_once()
        status = {role: monitor.status(role) for role in core.printers}
        assert beat(core, reader_state="ready", printer_status=status, last_session_at=None)
        code, listed = _terminals(district_url, monkeypatch, tmp_path)
        assert code == 0 and listed[0]["problems"] == []
        assert listed[0]["printers"]["slip"]["paper"] == "ok"  # type: ignore[index]

        thermal.set_state("paper_out")
        monitor.poll_once()
        status = {role: monitor.status(role) for role in core.printers}
        beat(core, reader_state="ready", printer_status=status, last_session_at=None)
        code, listed = _terminals(district_url, monkeypatch, tmp_path)
    finally:
        core.close()
    assert code == 3
    (health,) = listed
    assert health["id"] == "WY-HQJ-01" and health["problems"] == ["slip 打印机缺纸"]
    assert health["printers"]["slip"]["paper"] == "out"  # type: ignore[index]


def test_every_terminal_is_listed_with_its_report_and_the_silent_one_is_flagged(
    terminal: TerminalFactory, district_url: str
) -> None:
    """GIVEN two kiosks of the district: one beat now with a reader fault and an open staff call,
    one last beat 3 minutes ago THEN both are listed with what they reported, the first with
    its reader and call, the second as silent; a third that beat just now is fine (listed last:
    those needing staff come first)."""
    now = datetime(2026, 3, 2, 10, 0, 0)
    cores = [build_core(terminal(t), create_key=True) for t in ("WY-B", "WY-C", "WY-A")]
    try:
        record_staff_call(cores[0].sessions, "WY-B", "menu", now=now)
        for core, reader, at in zip(
            cores,
            ("no_reader", "ready", "ready"),
            (now, now - timedelta(minutes=3), now),
            strict=True,
        ):
            heartbeat = collect(
                core, reader_state=reader, printer_status={}, last_session_at=at, now=at
            )
            write(core.sessions, heartbeat, at)
        with session_factory(cores[0].engine)() as session:
            ordered = district_health(session, now, head_revision())
        health = {t.id: t for t in ordered}
    finally:
        for core in cores:
            core.close()
    a, b, c = health["WY-B"], health["WY-C"], health["WY-A"]
    assert a.problems == ("未连接读卡器", "1 个未处理的呼叫") and not a.silent
    assert a.schema_revision == head_revision() and a.catalog_hash == cores[0].catalog.digest
    assert a.version and a.last_session_at == now
    assert b.silent and b.problems[0].startswith("3 分钟无心跳")
    assert c.problems == () and not c.silent
    assert [t.id for t in ordered] == ["WY-B", "WY-C", "WY-A"]  # those needing staff first


def test_a_lost_database_never_stops_the_heartbeat_caller(
    terminal: TerminalFactory, district_url: str
) -> None:
    """GIVEN a kiosk whose database is gone WHEN its timer calls beat() THEN None, no exception."""
    core = build_core(terminal("WY-A"), create_key=True)
    core.engine.dispose()
    from tests.databases import drop_database

    drop_database(district_url.rsplit("/", 1)[1])
    try:
        assert beat(core, reader_state="ready", printer_status={}, last_session_at=None) is None
    finally:
        core.close()
