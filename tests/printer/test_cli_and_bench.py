"""`kiosk printer status|test` exit codes and output; the printing benchmarks."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kiosk.commands import printer as printer_command
from kiosk.config import load_config
from printer.emulators.escpos_emulator import EscposEmulator


def _run(argv: list[str]) -> int:
    """Parse like `kiosk` does (--config, then the printer group) and call the handler."""
    parser = argparse.ArgumentParser(prog="kiosk")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--db")
    printer_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def _config(tmp_path: Path, a4: str, slip: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[printers]\na4 = "{a4}"\nslip = "{slip}"\n[paths]\ndata_dir = "{tmp_path / "data"}"\n',
        encoding="utf-8",
    )
    load_config(path)  # the test's own config must be valid
    return path


def test_status_lists_both_roles_and_exits_0_when_ready(
    tmp_path: Path, emulator: EscposEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a file A4 printer and a ready ESC/POS slip printer WHEN `printer status` THEN two lines, exit 0."""
    slip = f"escpos://{emulator.port_path}?timeout=0.3"
    config = _config(tmp_path, (tmp_path / "a4").as_uri(), slip)
    assert _run(["--config", str(config), "printer", "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("a4 ") and " ready " in lines[0]
    assert (
        lines[1].startswith("slip ")
        and slip in lines[1]
        and "打印机正常 / Printer ready" in lines[1]
    )


def test_status_exits_1_when_the_slip_printer_is_out_of_paper(
    tmp_path: Path, emulator: EscposEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN the slip printer out of paper WHEN `printer status` THEN its line says so, exit 1."""
    emulator.set_state("paper_out")
    config = _config(
        tmp_path, (tmp_path / "a4").as_uri(), f"escpos://{emulator.port_path}?timeout=0.3"
    )
    assert _run(["--config", str(config), "printer", "status"]) == 1
    out = capsys.readouterr().out
    assert "paper_out" in out and "打印机缺纸" in out


def test_status_of_one_printer_by_uri(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN --printer with a dead port / a bad URI WHEN `printer status` THEN offline / error, exit 1."""
    assert _run(["printer", "status", "--printer", "escpos:///dev/ttyNOPE?timeout=0.2"]) == 1
    assert "offline" in capsys.readouterr().out
    assert _run(["printer", "status", "--printer", "escpos:///dev/ttyS0?baud=7"]) == 1
    assert " error " in capsys.readouterr().out
    assert _run(["printer", "status", "--printer", tmp_path.as_uri()]) == 0


def test_test_print_goes_to_both_printers(
    tmp_path: Path, emulator: EscposEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a file A4 printer and an ESC/POS slip printer WHEN `printer test` THEN an A4 PDF is
    written and a slip is cut, exit 0."""
    a4 = tmp_path / "a4"
    config = _config(tmp_path, a4.as_uri(), f"escpos://{emulator.port_path}?timeout=0.3")
    assert _run(["--config", str(config), "printer", "test"]) == 0
    written = list(a4.glob("print-test-*.pdf"))
    assert len(written) == 1 and written[0].read_bytes().startswith(b"%PDF")
    assert len(emulator.slips()) == 1
    out = capsys.readouterr().out
    assert "a4" in out and "slip80" in out and "done" in out


def test_test_print_failure_exits_1(
    emulator: EscposEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN the slip printer's cover open WHEN `printer test --printer` THEN failed line, exit 1."""
    emulator.set_state("cover_open")
    assert _run(["printer", "test", "--printer", f"escpos://{emulator.port_path}?timeout=0.3"]) == 1
    assert "failed" in capsys.readouterr().out


def test_the_kiosk_cli_knows_the_printer_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN the real `kiosk` entry point WHEN `printer status --printer file://...` THEN exit 0."""
    from kiosk.cli import COMMAND_MODULES, main

    assert "kiosk.commands.printer" in COMMAND_MODULES
    assert main(["printer", "status", "--printer", tmp_path.as_uri()]) == 0
    assert "ready" in capsys.readouterr().out


def test_printing_benchmarks_meet_their_goals() -> None:
    """GIVEN the demo forms slip WHEN benchmarked THEN the wire ratio is <= 0.4 and encoding is
    faster than python-escpos (the 30 ms goal is checked loosely: shared test machines are noisy)."""
    from kiosk.bench import BENCHMARKS, load

    config = load_config(None, env={})
    assert {"slip_to_escpos", "slip_wire_bytes"} <= set(BENCHMARKS)
    wire = load("slip_wire_bytes")(config)
    assert wire.unit == "bytes" and wire.ratio is not None and wire.ratio <= 0.4
    speed = load("slip_to_escpos")(config)
    assert speed.unit == "ms" and speed.value < 100 and speed.ratio < 1
