"""The ESC/POS driver against the emulator on a pty: status, happy path, every failure path."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
import serial
from PIL import Image, ImageChops, ImageFilter

from printer import raster
from printer.base import (
    JobState,
    PrinterNotReadyError,
    PrinterState,
    PrintFailedError,
    PrintJob,
)
from printer.emulators.escpos_emulator import EscposEmulator
from printer.escpos import EscposPrinter, RealTimeStatus, decode_status
from printer.registry import open_printer

from .virtual_time import VirtualClock, virtual_time_opener

TIMEOUT = 0.3
BAUD = 115200


def _printer(emu: EscposEmulator, dots: int = 576) -> EscposPrinter:
    printer = open_printer(f"escpos://{emu.port_path}?baud={BAUD}&dots={dots}&timeout={TIMEOUT}")
    assert isinstance(printer, EscposPrinter)
    return printer


def _timed_printer(emu: EscposEmulator, clock: VirtualClock) -> EscposPrinter:
    """A driver on the emulator whose waits are counted on `clock` (see virtual_time)."""
    return EscposPrinter(
        emu.port_path, baud=BAUD, timeout=TIMEOUT, clock=clock, open_port=virtual_time_opener(clock)
    )


def _wire(n_bytes: int) -> float:
    """Seconds `n_bytes` take on the wire at BAUD, 8N1."""
    return n_bytes * 10 / BAUD


def _largest_unchecked(commands: list[raster.Command]) -> int:
    """The most bytes the driver sends between two status checks (a check follows each band)."""
    largest = run = 0
    for command in commands:
        run += len(command.data)
        if command.rows:
            largest, run = max(largest, run), 0
    return max(largest, run)


def _ink_rows(image: Image.Image) -> Image.Image:
    """The image cut to the rows between its first and last ink (full width kept)."""
    box = image.convert("L").point(lambda v: 255 - v).getbbox()
    assert box is not None, "blank image"
    return image.crop((0, box[1], image.width, box[3]))


def _pdftoppm_1bit(pdf: bytes, dots: int, tmp_path: Path) -> Image.Image:
    """The PDF rasterised by poppler (an independent renderer), thresholded like the driver."""
    src = tmp_path / "slip.pdf"
    src.write_bytes(pdf)
    out = tmp_path / "ref"
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-png",
            "-singlefile",
            "-scale-to-x",
            str(dots),
            "-scale-to-y",
            "-1",
            src,
            out,
        ],
        check=True,
        timeout=30,
    )
    grey = Image.open(f"{out}.png").convert("L")
    return grey.point(lambda v: 0 if v < raster.DEFAULT_THRESHOLD else 255, "1")


def _ink(image: Image.Image) -> Image.Image:
    return image.convert("L").point(lambda v: 255 - v)


def _ink_count(image: Image.Image) -> int:
    return sum(1 for v in _ink(image).get_flattened_data() if v)


def _misses(a: Image.Image, b: Image.Image) -> int:
    """Ink dots of `a` with no ink of `b` within one dot (renderers differ by a dot at edges)."""
    near_b = _ink(b).filter(ImageFilter.MaxFilter(3))
    return sum(1 for v in ImageChops.subtract(_ink(a), near_b).get_flattened_data() if v)


# -- the emulator speaks the protocol ----------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "answers"),
    [
        ("ready", (0x12, 0x12, 0x12, 0x12)),
        ("near_end", (0x12, 0x12, 0x12, 0x1E)),
        ("paper_out", (0x1A, 0x32, 0x12, 0x7E)),
        ("cover_open", (0x1A, 0x16, 0x12, 0x12)),
        ("cutter_error", (0x1A, 0x52, 0x1A, 0x12)),
    ],
)
def test_emulator_answers_dle_eot_byte_exactly(
    emulator: EscposEmulator, state: str, answers: tuple[int, ...]
) -> None:
    """GIVEN the emulator in a state WHEN DLE EOT 1..4 are sent raw THEN the Epson status bytes come back."""
    emulator.set_state(state)
    with serial.Serial(emulator.port_path, timeout=1) as port:
        for n, expected in zip(range(1, 5), answers, strict=True):
            port.write(b"\x10\x04" + bytes((n,)))
            assert port.read(1) == bytes((expected,)), f"DLE EOT {n} in {state}"


def test_emulator_runs_as_a_module_and_prints_its_pty() -> None:
    """GIVEN `python -m printer.emulators.escpos_emulator` WHEN started THEN it prints a usable pty path."""
    process = subprocess.Popen(
        [sys.executable, "-m", "printer.emulators.escpos_emulator"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        path = process.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        status = EscposPrinter(path, timeout=1).status()
        assert status.state is PrinterState.READY
    finally:
        process.terminate()
        process.wait(5)


# -- status ---------------------------------------------------------------------------------


def test_ready_printer_is_ready(emulator: EscposEmulator) -> None:
    """GIVEN a ready printer WHEN asked THEN READY with both messages and can_print."""
    status = _printer(emulator).status()
    assert status.state is PrinterState.READY and status.can_print
    assert status.resident_message == ("打印机正常", "Printer ready")


@pytest.mark.parametrize(
    ("state", "expected", "can_print"),
    [
        ("near_end", PrinterState.PAPER_LOW, True),
        ("paper_out", PrinterState.PAPER_OUT, False),
        ("cover_open", PrinterState.COVER_OPEN, False),
        ("cutter_error", PrinterState.ERROR, False),
    ],
)
def test_status_maps_every_emulator_state(
    emulator: EscposEmulator, state: str, expected: PrinterState, can_print: bool
) -> None:
    """GIVEN a fault WHEN status() THEN the matching PrinterState, with staff text."""
    emulator.set_state(state)
    status = _printer(emulator).status()
    assert status.state is expected and status.can_print is can_print
    assert status.staff_message


def test_silent_printer_is_offline_after_one_deadline(emulator: EscposEmulator) -> None:
    """GIVEN a printer that never answers WHEN status() THEN OFFLINE once `timeout` has passed on
    the driver's clock: all its DLE EOT queries share that one deadline (no wait per query)."""
    emulator.set_state("silent")
    clock = VirtualClock()
    status = _timed_printer(emulator, clock).status()
    assert status.state is PrinterState.OFFLINE
    assert "timed-out" in status.reasons
    assert clock.now == pytest.approx(TIMEOUT)


def test_missing_port_is_offline_and_print_is_not_ready(slip_pdf: bytes) -> None:
    """GIVEN a port that does not exist WHEN status() / print() THEN OFFLINE / PrinterNotReadyError."""
    printer = open_printer("escpos:///dev/ttyNOPE99?timeout=0.2")
    assert printer.status().state is PrinterState.OFFLINE
    with pytest.raises(PrinterNotReadyError) as caught:
        printer.print(slip_pdf)
    assert caught.value.job.state is JobState.FAILED
    assert caught.value.job.history == [JobState.QUEUED, JobState.FAILED]


@pytest.mark.parametrize(
    "raw",
    [RealTimeStatus(0x00, 0x12, None, 0x12), RealTimeStatus(0x12, 0x12, None, 0xFF)],
)
def test_garbled_status_bytes_are_an_error(raw: RealTimeStatus) -> None:
    """GIVEN answers that break the fixed bits (line noise, wrong baud) WHEN decoded THEN ERROR."""
    assert decode_status(raw).state is PrinterState.ERROR


# -- printing ---------------------------------------------------------------------------------


def test_slip_prints_and_the_received_raster_is_the_pdf(
    emulator: EscposEmulator, slip_pdf: bytes, tmp_path: Path
) -> None:
    """GIVEN a ready 80 mm printer WHEN a slip prints THEN queued->sent->done, one cut, and the
    image the printer decoded equals the PDF's 1-bit rasterisation (exactly ours, nearly poppler's)."""
    seen: list[JobState] = []
    job = _printer(emulator).print(
        slip_pdf, title="slip", on_progress=lambda j: seen.append(j.state)
    )
    assert job.state is JobState.DONE and seen == [JobState.QUEUED, JobState.SENT, JobState.DONE]
    assert job.history == seen and job.status.state is PrinterState.READY
    assert len(emulator.slips()) == 1
    got = _ink_rows(emulator.last_image())
    emulator.save_png(tmp_path / "received.png")

    ours = _ink_rows(raster.rasterize(slip_pdf, 576))
    assert got.size == ours.size
    assert ImageChops.difference(got.convert("L"), ours.convert("L")).getbbox() is None

    # Against poppler (another renderer): every ink dot of one lies within one dot of the other's ink.
    page = raster.rasterize(slip_pdf, 576)
    poppler = _pdftoppm_1bit(slip_pdf, 576, tmp_path)
    assert poppler.size == page.size
    misses = _misses(page, poppler) + _misses(poppler, page)
    assert misses < 0.002 * _ink_count(page), (
        f"{misses} ink dots differ from poppler by more than 1 dot"
    )


def test_margins_off_prints_the_same_slip_from_the_left_edge(
    emulator: EscposEmulator, slip_pdf: bytes
) -> None:
    """GIVEN margins=off (printers that ignore GS L) WHEN printed THEN the same image, no GS L sent."""
    printer = open_printer(f"escpos://{emulator.port_path}?timeout={TIMEOUT}&margins=off")
    printer.print(slip_pdf)
    assert "GS L" not in emulator.commands
    assert (
        _ink_rows(emulator.last_image()).tobytes()
        == _ink_rows(raster.rasterize(slip_pdf, 576)).tobytes()
    )


def test_emulator_places_raster_at_any_left_margin(emulator: EscposEmulator) -> None:
    """GIVEN GS L 13 (not a whole byte) and a one-byte band WHEN received THEN ink lands at dots 13..20."""
    with serial.Serial(emulator.port_path, timeout=1) as port:
        port.write(b"\x1b@\x1dL\x0d\x00\x1dv0\x00\x01\x00\x02\x00\xff\x81\x1dVB\x00\x10\x04\x01")
        assert port.read(1) == b"\x12"
    image = emulator.last_image()
    assert image.size == (576, 2)
    assert [x for x in range(576) if image.getpixel((x, 0)) == 0] == list(range(13, 21))
    assert [x for x in range(576) if image.getpixel((x, 1)) == 0] == [13, 20]


def test_58mm_slip_prints_at_384_dots(emulator58: EscposEmulator, slip58_pdf: bytes) -> None:
    """GIVEN a 58 mm printer WHEN a slip prints THEN the decoded slip is 384 dots wide and matches."""
    _printer(emulator58, dots=384).print(slip58_pdf)
    got = _ink_rows(emulator58.last_image())
    assert got.width == 384
    assert got.tobytes() == _ink_rows(raster.rasterize(slip58_pdf, 384)).tobytes()


def test_status_is_asked_before_between_bands_and_after(
    emulator: EscposEmulator, slip_pdf: bytes
) -> None:
    """GIVEN a job WHEN it runs THEN DLE EOT precedes ESC @, follows each band, and GS r closes it."""
    _printer(emulator).print(slip_pdf)
    names = [c for c in emulator.commands]
    assert names.index("DLE EOT 1") < names.index("ESC @")
    for i, name in enumerate(names):
        if name == "GS v 0":
            assert names[i + 1] == "DLE EOT 1"
    assert "GS r" in names[names.index("GS V") :]
    assert names[-3:] == ["DLE EOT 1", "DLE EOT 2", "DLE EOT 4"]


def test_blank_band_skipping_really_reduces_bytes_on_the_wire(
    emulator: EscposEmulator, slip_pdf: bytes
) -> None:
    """GIVEN the slip WHEN printed THEN the printer received at most 40 % of the naive raster."""
    _printer(emulator).print(slip_pdf)
    naive = len(raster.encode_naive(slip_pdf, 576))
    assert emulator.bytes_received <= 0.4 * naive
    assert "ESC J" in emulator.commands


def test_copies_print_one_cut_slip_each(emulator: EscposEmulator, slip_pdf: bytes) -> None:
    """GIVEN copies=2 WHEN printed THEN two identical slips are cut."""
    job = _printer(emulator).print(slip_pdf, copies=2)
    slips = emulator.slips()
    assert job.state is JobState.DONE and len(slips) == 2
    assert slips[0].tobytes() == slips[1].tobytes()


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("paper_out", PrinterState.PAPER_OUT),
        ("cover_open", PrinterState.COVER_OPEN),
        ("silent", PrinterState.OFFLINE),
    ],
)
def test_not_ready_before_a_job_sends_nothing(
    emulator: EscposEmulator, slip_pdf: bytes, state: str, expected: PrinterState
) -> None:
    """GIVEN paper out / cover open / no answer WHEN print() THEN PrinterNotReadyError, no data sent."""
    emulator.set_state(state)
    with pytest.raises(PrinterNotReadyError) as caught:
        _printer(emulator).print(slip_pdf, title="refused")
    error = caught.value
    assert error.status.state is expected
    assert error.job.state is JobState.FAILED and error.job.reason
    assert error.job.history == [JobState.QUEUED, JobState.FAILED]
    assert error.resident_message[0].endswith("请联系工作人员")
    assert not any(c.startswith(("ESC @", "GS v 0")) for c in emulator.commands)


def test_paper_running_out_during_a_job_fails_it(emulator: EscposEmulator, slip_pdf: bytes) -> None:
    """GIVEN a roll that ends 3 KB into the job WHEN printing THEN PrintFailedError with PAPER_OUT,
    the job went queued->sent->failed (so staff know something may have come out), no cut."""
    emulator.run_out_after(3000)
    seen: list[JobState] = []
    with pytest.raises(PrintFailedError) as caught:
        _printer(emulator).print(slip_pdf, on_progress=lambda j: seen.append(j.state))
    error = caught.value
    assert error.status.state is PrinterState.PAPER_OUT
    assert seen == [JobState.QUEUED, JobState.SENT, JobState.FAILED]
    assert "during printing" in error.job.reason
    assert emulator.slips() == []
    assert emulator.bytes_received < len(raster.encode_slip(slip_pdf, 576))


def test_paper_running_out_at_the_very_end_fails_the_job(
    emulator: EscposEmulator, slip_pdf: bytes
) -> None:
    """GIVEN a roll that ends just before the cut WHEN printing THEN the end check catches it."""
    size = len(raster.encode_slip(slip_pdf, 576))
    bands = sum(1 for c in raster.slip_commands(slip_pdf, 576) if c.rows)
    # Status before the job (DLE EOT 1, 2, 4), the data with a DLE EOT 1 after each band, all but the cut.
    emulator.run_out_after(3 * 3 + size + 3 * bands - len(raster.CUT))
    with pytest.raises(PrintFailedError) as caught:
        _printer(emulator).print(slip_pdf)
    assert caught.value.status.state is PrinterState.PAPER_OUT
    assert "before the end" in caught.value.job.reason
    assert emulator.slips() == []
    assert {"GS V (dropped)", "GS r (dropped)"} <= set(emulator.commands)


def test_near_end_prints_and_warns(
    emulator: EscposEmulator, slip_pdf: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN paper near end WHEN printing THEN the slip prints, the job carries PAPER_LOW, a warning is logged."""
    emulator.set_state("near_end")
    with caplog.at_level(logging.WARNING, logger="printer.escpos"):
        job = _printer(emulator).print(slip_pdf)
    assert job.state is JobState.DONE
    assert job.status.state is PrinterState.PAPER_LOW
    assert len(emulator.slips()) == 1
    assert any("near end" in r.getMessage() for r in caplog.records)


def test_printer_falling_silent_mid_job_fails_within_deadlines(
    emulator: EscposEmulator, slip_pdf: bytes
) -> None:
    """GIVEN a printer that stops answering once the job has started WHEN printing THEN
    PrintFailedError OFFLINE at the next band check, after waiting no longer than `timeout` plus
    the wire time of the data sent since the last answer (not the whole slip's print time)."""
    clock = VirtualClock()
    printer = _timed_printer(emulator, clock)
    silent_at: list[float] = []

    def go_silent(job: PrintJob) -> None:
        if job.state is JobState.SENT:
            emulator.set_state("silent")
            silent_at.append(clock.now)

    with pytest.raises(PrintFailedError) as caught:
        printer.print(slip_pdf, on_progress=go_silent)
    assert caught.value.status.state is PrinterState.OFFLINE
    assert "during printing" in caught.value.job.reason
    waited = clock.now - silent_at[0]
    largest = _largest_unchecked(raster.slip_commands(slip_pdf, 576))
    assert TIMEOUT <= waited <= TIMEOUT + _wire(largest) + 1e-9


def test_status_during_a_job_answers_from_the_job_without_waiting_for_it(
    emulator: EscposEmulator, slip_pdf: bytes
) -> None:
    """GIVEN a job holding the port WHEN status() is asked meanwhile (from inside the job, so
    waiting for the job would never end) THEN it returns the status the job last saw, marked as
    printing, without sending the printer a query of its own; the job then completes."""
    printer = _printer(emulator)
    polled = []

    def queries() -> int:
        return sum(1 for c in list(emulator.commands) if c.startswith("DLE EOT"))

    def poll(job: PrintJob) -> None:
        if job.state is JobState.SENT:
            before = queries()
            polled.append((printer.status(), queries() - before))

    job = printer.print(slip_pdf, on_progress=poll)
    status, asked = polled[0]
    assert status.state is PrinterState.READY and "printing a job" in status.staff_message
    assert asked == 0
    assert job.state is JobState.DONE


def test_printer_without_gs_r_still_finishes(
    emulator: EscposEmulator, slip_pdf: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN a model that ignores GS r WHEN printing THEN done once the slip's estimated print
    time (at 50 mm/s) plus the answer timeout has passed on the driver's clock, and not much
    later, with a warning that the end was not confirmed."""
    emulator.answers_gs_r = False
    clock = VirtualClock()
    with caplog.at_level(logging.WARNING, logger="printer.escpos"):
        job = _timed_printer(emulator, clock).print(slip_pdf)
    assert job.state is JobState.DONE and len(emulator.slips()) == 1
    assert any("did not confirm" in r.getMessage() for r in caplog.records)
    commands = raster.slip_commands(slip_pdf, 576)
    printing = raster.paper_length(commands) / 8 / 50
    on_wire = _wire(sum(len(c.data) for c in commands))
    assert printing + TIMEOUT <= clock.now + 1e-9
    assert clock.now <= printing + TIMEOUT + on_wire


def test_a_document_that_is_not_a_pdf_fails_before_sending(emulator: EscposEmulator) -> None:
    """GIVEN garbage instead of a PDF WHEN print() THEN PrintFailedError, nothing on the wire."""
    with pytest.raises(PrintFailedError) as caught:
        _printer(emulator).print(b"not a pdf")
    assert caught.value.job.state is JobState.FAILED
    assert emulator.bytes_received == 0


@pytest.mark.parametrize(
    "uri",
    [
        "escpos:///dev/ttyUSB0?baud=12345",
        "escpos:///dev/ttyUSB0?dots=570",
        "escpos:///dev/ttyUSB0?speed=9600",
        "escpos:///dev/ttyUSB0?flow=magic",
        "escpos://host/dev/ttyUSB0",
        "escpos:///dev/ttyUSB0?timeout=abc",
    ],
)
def test_bad_escpos_uris_are_refused(uri: str) -> None:
    """GIVEN a malformed escpos URI WHEN opened THEN PrinterError naming the problem."""
    from printer.base import PrinterError

    with pytest.raises(PrinterError):
        open_printer(uri)
