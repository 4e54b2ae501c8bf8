"""Printing from a resident's session through real devices, driven through the real window.

Real parts: A4 documents go to a private cupsd (`printer.emulators.cupsd`) with a cups-pdf queue,
slips go over a pty to the ESC/POS emulator that answers DLE EOT like a thermal printer; the
SQLite register, catalogue, reportlab PDFs and the simulated card reader are the real ones too.
The printer monitor polls every POLL seconds, as on the kiosk (only faster).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageFilter
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from card_reader.simulated import SimulatedReader
from forms.render import render
from kiosk.config import Config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.repositories import IssuanceRepository, ResidentRepository
from kiosk.demo_cards import identity_of
from kiosk.issuing import document_from_json
from kiosk.residents import ResidentRecord
from kiosk.session import Step
from kiosk.ui.launch import RunningKiosk
from kiosk.view import SessionView
from printer.base import RESIDENT_MESSAGES, PrinterState, PrintFailedError
from printer.emulators.cupsd import PDF_QUEUE, CupsServer
from printer.emulators.escpos_emulator import EscposEmulator
from printer.raster import rasterize
from tests.kiosk.conftest import press_print

POLL = 0.2  # seconds between printer status polls
SLIP_TIMEOUT = 0.3  # seconds the ESC/POS driver waits for a status answer
A4_ITEM = "residence_certificate"
PAPER_OUT = RESIDENT_MESSAGES[PrinterState.PAPER_OUT][0]
OFFLINE = RESIDENT_MESSAGES[PrinterState.OFFLINE][0]
READY = RESIDENT_MESSAGES[PrinterState.READY][0]
LEFT = Qt.MouseButton.LeftButton

OpenKiosk = Callable[..., tuple[RunningKiosk, SimulatedReader]]


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def open_kiosk(seeded_db: Config, start_kiosk: Callable[..., RunningKiosk], qtbot) -> OpenKiosk:  # type: ignore[no-untyped-def]
    """Start the kiosk on the demo register with the given A4 / slip printer URIs (the file
    printer where none is given) and a simulated reader; the window is shown offscreen, and the
    first printer poll has reached the screen."""

    def open_(
        *, a4: str | None = None, slip: str | None = None
    ) -> tuple[RunningKiosk, SimulatedReader]:
        printers = replace(
            seeded_db.printers,
            a4=a4 or seeded_db.printers.a4,
            slip=slip or seeded_db.printers.slip,
        )
        running = start_kiosk(replace(seeded_db, printers=printers), poll_interval=POLL)
        polled = "not polled yet"
        qtbot.waitUntil(
            lambda: (
                running.session.view.printers.a4.staff_message != polled
                and running.session.view.printers.slip.staff_message != polled
            ),
            timeout=10_000,
        )
        reader = running.kiosk.reader
        assert isinstance(reader, SimulatedReader)
        return running, reader

    return open_


def job_states(running: RunningKiosk) -> list[str]:
    """The print job states the screen shows, in order (collected from now on)."""
    seen: list[str] = []

    def record(view: SessionView) -> None:
        if view.job is not None and (not seen or seen[-1] != view.job.value):
            seen.append(view.job.value)

    running.session.view_changed.connect(record)
    return seen


def stored_pdf(running: RunningKiosk, serial: str) -> bytes:
    """The document of an issuance as recorded, rendered again (renders are deterministic)."""
    with running.core.sessions() as db:
        stored = IssuanceRepository(db).document(serial)
    return render(document_from_json(stored), running.core.fonts)


def shown_serial(running: RunningKiosk) -> str:
    """The serial the screen shows for the last document."""
    issued = running.session.view.issued
    assert issued is not None
    return issued.serial


@pytest.fixture
def pdf_queue(kiosk_cups: CupsServer) -> Iterator[CupsServer]:
    """KIOSK_PDF enabled and accepting before the test and again after it, whatever the test did."""
    for command in ("cupsenable", "cupsaccept"):
        kiosk_cups.run(command, PDF_QUEUE)
    yield kiosk_cups
    for command in ("cupsenable", "cupsaccept"):
        kiosk_cups.run(command, PDF_QUEUE)


@pytest.fixture
def emulator() -> Iterator[EscposEmulator]:
    """An 80 mm ESC/POS thermal printer emulator on a fresh pty."""
    with EscposEmulator(576) as emu:
        yield emu


def slip_uri(emulator: EscposEmulator) -> str:
    """The kiosk's slip printer URI for the emulator."""
    return f"escpos://{emulator.port_path}?baud=115200&dots=576&timeout={SLIP_TIMEOUT}"


# -- helpers ---------------------------------------------------------------------------------


def featured(config: Config, index: int = 0) -> ResidentRecord:
    """One of the demo residents."""
    engine = make_engine(config.database.url)
    with session_factory(engine)() as s:
        resident = ResidentRepository(s).sample(5)[index]
    engine.dispose()
    return resident


def visible_text(widget: Any) -> str:
    """Every label and button text on screen, as the resident would read it."""
    parts = [w.text() for w in widget.findChildren(QLabel) if w.isVisible()]
    parts += [w.text() for w in widget.findChildren(QAbstractButton) if w.isVisible()]
    return "\n".join(parts)


def place_card(running: RunningKiosk, reader: Any, resident: ResidentRecord, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The resident places her card and the menu opens."""
    reader.place(identity_of(resident, date.today()))
    qtbot.waitUntil(lambda: running.session.step == Step.MENU, timeout=10_000)


def open_item(running: RunningKiosk, item: Any, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Tap the item's category, then the item: the item screen opens."""
    window = running.window
    window.menu.show_item_page(item.id)  # her category, turned to the item's page
    button = window.menu.item_buttons[item.id]
    qtbot.waitUntil(button.isVisible, timeout=5_000)
    qtbot.mouseClick(button, LEFT)
    qtbot.waitUntil(lambda: running.session.step == Step.ITEM, timeout=5_000)


def slip_item_for(catalog: Any, resident: ResidentRecord) -> Any:
    """An enabled slip item this resident may have whose questions all have answers by default."""
    for item in catalog.items:
        if (
            item.paper == "slip"
            and item.check_eligibility(resident, date.today(), "resident").eligible
            and all(not spec.required or spec.default for spec in item.inputs)
        ):
            return item
    pytest.fail("no slip item in the catalogue for the demo resident")


def menu_button(running: RunningKiosk, item: Any) -> Any:
    """The item's button on the menu, its category shown."""
    running.window.menu.show_item_page(item.id)
    return running.window.menu.item_buttons[item.id]


def issuance(running: RunningKiosk, serial: str) -> tuple[Any, list[Any]]:
    """The issuance record and its print job records, as staff would look them up."""
    with running.core.sessions() as db:
        repo = IssuanceRepository(db)
        return repo.by_serial(serial), repo.jobs(serial)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text poppler extracts from PDF bytes."""
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def grey(pdf: Path, tmp_path: Path, name: str) -> Image.Image:
    """The PDF's first page rasterised by poppler at 100 dpi, grey."""
    out = tmp_path / name
    subprocess.run(
        ["pdftoppm", "-gray", "-png", "-r", "100", "-singlefile", pdf, out], check=True, timeout=30
    )
    return Image.open(f"{out}.png").convert("L")


def marks(image: Image.Image) -> Image.Image:
    """Every visible mark (anything clearly darker than the paper) as 255, paper as 0."""
    return image.point(lambda v: 255 if v < 200 else 0)


def ink_count(image: Image.Image) -> int:
    """Pixels that are ink (non-zero) in a 0/255 ink mask."""
    return sum(1 for v in image.get_flattened_data() if v)


def scan_qr(pdf: Path, tmp_path: Path) -> list[str]:
    """The QR codes zbarimg reads on the PDF's first page at 150 dpi (as a phone would)."""
    out = tmp_path / "scan"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", pdf, out], check=True, timeout=30
    )
    found = subprocess.run(
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", f"{out}.png"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return [line for line in found.stdout.splitlines() if line.strip()]


# -- A4 through real CUPS ---------------------------------------------------------------------


@pytest.mark.cups
def test_a4_session_prints_through_cups_and_the_paper_looks_like_the_document(
    open_kiosk: OpenKiosk, pdf_queue: CupsServer, seeded_db: Config, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the A4 printer is a CUPS queue (cups-pdf) WHEN a resident prints 居住证明 THEN she sees
    打印完成, the issuance is `printed` with its job `done` under the CUPS job id, and the page
    cups-pdf wrote looks like the document the kiosk rendered, its QR code still readable."""
    running, reader = open_kiosk(a4=pdf_queue.uri(timeout=30))
    session, window = running.session, running.window
    place_card(running, reader, featured(seeded_db), qtbot)
    open_item(running, running.core.catalog.item(A4_ITEM), qtbot)
    window.item.inputs["purpose"].choose("子女入学")
    # cups-pdf output left by earlier runs (same serial, same job number) is older than this
    started = time.time() - 1
    progress = job_states(running)
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: session.step == Step.DONE, timeout=30_000)
    assert "打印完成" in visible_text(window)
    assert progress == ["queued", "sent", "done"]

    serial = shown_serial(running)
    record, jobs = issuance(running, serial)
    assert record.status == "printed"
    assert [j.state for j in jobs] == ["done"]
    assert jobs[0].device_job_id and jobs[0].device_job_id.startswith(f"{PDF_QUEUE}-")
    assert jobs[0].printer_uri == pdf_queue.uri(timeout=30)

    number = jobs[0].device_job_id.rsplit("-", 1)[1]
    qtbot.waitUntil(
        lambda: CupsServer.pdf_output(serial, number, since=started) is not None,
        timeout=15_000,
    )
    output = CupsServer.pdf_output(serial, number, since=started)
    assert output is not None
    original = tmp_path / "original.pdf"
    original.write_bytes(stored_pdf(running, serial))
    try:
        printed, expected = grey(output, tmp_path, "printed"), grey(original, tmp_path, "expected")
        scanned = scan_qr(output, tmp_path)
    finally:
        output.unlink()
    # Ghostscript redraws the text (no text layer, other anti-aliasing): compare what the eye sees.
    assert printed.size == expected.size
    blur = ImageFilter.GaussianBlur(2)
    difference = ImageChops.difference(printed.filter(blur), expected.filter(blur))
    assert sum(difference.get_flattened_data()) / (255 * printed.width * printed.height) < 0.015
    a, b = marks(printed), marks(expected)
    far = ink_count(ImageChops.subtract(a, b.filter(ImageFilter.MaxFilter(3)))) + ink_count(
        ImageChops.subtract(b, a.filter(ImageFilter.MaxFilter(3)))
    )
    assert far < 0.02 * ink_count(b), "the printed page differs from the document"
    with running.core.sessions() as db:
        payload = IssuanceRepository(db).document(serial)["qr_payload"]
    assert scanned == [payload], "the QR on paper does not verify"


@pytest.mark.cups
def test_stopped_cups_queue_blocks_a4_items_until_it_is_enabled(
    open_kiosk: OpenKiosk, pdf_queue: CupsServer, seeded_db: Config, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a resident on the menu WHEN staff stop the A4 queue (cupsdisable) THEN within a poll
    the A4 item says the printer cannot print, the header says so, and tapping it is refused;
    WHEN the queue is enabled again THEN the item is available and opens."""
    running, reader = open_kiosk(a4=pdf_queue.uri(timeout=30))
    session, window = running.session, running.window
    item = running.core.catalog.item(A4_ITEM)
    place_card(running, reader, featured(seeded_db), qtbot)
    assert session.availability(item).ok and menu_button(running, item).property("available")

    assert pdf_queue.run("cupsdisable", "-r", "加纸中 (test)", PDF_QUEUE).returncode == 0
    qtbot.waitUntil(
        lambda: session.availability(item).printer_problem, timeout=int(POLL * 1000) + 5_000
    )
    verdict = session.availability(item)
    assert not verdict.ok and verdict.reason == OFFLINE
    button = menu_button(running, item)
    assert not button.property("available") and OFFLINE in button.text()
    qtbot.waitUntil(lambda: window.printer_label.text() == "A4打印机未连接", timeout=5_000)
    assert not session.choose_item(item.id)
    assert session.step == Step.MENU and OFFLINE in window.notice.text()

    assert pdf_queue.run("cupsenable", PDF_QUEUE).returncode == 0
    qtbot.waitUntil(lambda: session.availability(item).ok, timeout=int(POLL * 1000) + 5_000)
    qtbot.waitUntil(lambda: window.printer_label.text() == READY, timeout=5_000)
    button = menu_button(running, item)
    assert button.property("available") and OFFLINE not in button.text()
    assert session.choose_item(item.id) and session.step == Step.ITEM


# -- slips on the ESC/POS emulator ------------------------------------------------------------


def test_slip_session_prints_on_the_thermal_printer(
    open_kiosk: OpenKiosk, emulator: EscposEmulator, seeded_db: Config, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a ready thermal printer WHEN a resident prints a slip item THEN she sees 打印完成, the
    printer cut one slip whose raster is the slip PDF's, and the issuance is `printed`."""
    running, reader = open_kiosk(slip=slip_uri(emulator))
    session, window = running.session, running.window
    resident = featured(seeded_db)
    item = slip_item_for(running.core.catalog, resident)
    place_card(running, reader, resident, qtbot)
    open_item(running, item, qtbot)
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: session.step == Step.DONE, timeout=30_000)
    assert "打印完成" in visible_text(window)

    assert "GS v 0" in emulator.commands and "GS V" in emulator.commands
    slips = emulator.slips()
    assert len(slips) == 1 and slips[0].width == 576
    page = rasterize(stored_pdf(running, shown_serial(running)), 576)
    printed_rows = slips[0].convert("L").point(lambda v: 255 - v).getbbox()
    page_rows = page.convert("L").point(lambda v: 255 - v).getbbox()
    assert printed_rows is not None and page_rows is not None
    got = slips[0].crop((0, printed_rows[1], 576, printed_rows[3]))
    want = page.crop((0, page_rows[1], 576, page_rows[3]))
    assert got.size == want.size
    assert ImageChops.difference(got.convert("L"), want.convert("L")).getbbox() is None

    record, jobs = issuance(running, shown_serial(running))
    assert record.status == "printed" and [j.state for j in jobs] == ["done"]


def test_slip_printer_out_of_paper_is_shown_before_the_resident_starts(
    open_kiosk: OpenKiosk, emulator: EscposEmulator, seeded_db: Config, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the thermal printer is out of paper WHEN the resident looks at the menu THEN the slip
    item says 打印机缺纸 and cannot be started, while A4 items (another printer) still can."""
    emulator.set_state("paper_out")
    running, reader = open_kiosk(slip=slip_uri(emulator))
    session, window = running.session, running.window
    resident = featured(seeded_db)
    item = slip_item_for(running.core.catalog, resident)
    place_card(running, reader, resident, qtbot)

    verdict = session.availability(item)
    assert not verdict.ok and verdict.printer_problem and verdict.reason == PAPER_OUT
    button = menu_button(running, item)
    assert not button.property("available") and PAPER_OUT in button.text()
    qtbot.waitUntil(lambda: window.printer_label.text() == "小票打印机缺纸", timeout=5_000)
    assert not session.choose_item(item.id)
    assert session.step == Step.MENU and PAPER_OUT in window.notice.text()
    assert session.availability(running.core.catalog.item(A4_ITEM)).ok
    assert emulator.slips() == [] and "GS v 0" not in emulator.commands


def test_paper_running_out_mid_slip_keeps_the_issuance_for_a_staff_reprint(
    open_kiosk: OpenKiosk, emulator: EscposEmulator, seeded_db: Config, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a slip printing WHEN the roll runs out part-way THEN the resident is told to see staff
    with her serial, the issuance is `print_failed` with a failed job and its reason, and the
    slip item shows 缺纸; WHEN staff refill and reprint THEN it is `printed`, 补打 1."""
    running, reader = open_kiosk(slip=slip_uri(emulator))
    session, window = running.session, running.window
    resident = featured(seeded_db)
    item = slip_item_for(running.core.catalog, resident)
    place_card(running, reader, resident, qtbot)
    open_item(running, item, qtbot)
    emulator.run_out_after(1500)  # a few raster rows, then the roll ends
    progress = job_states(running)
    press_print(running, qtbot)
    qtbot.waitUntil(lambda: session.step == Step.ERROR, timeout=30_000)
    assert progress == ["queued", "sent", "failed"]  # it stopped during the job, not before

    serial = shown_serial(running)
    shown = visible_text(window)
    assert serial in shown and "工作人员" in shown and "补打" in shown
    assert PAPER_OUT in session.view.message.zh
    record, jobs = issuance(running, serial)
    assert record.status == "print_failed"
    assert [j.state for j in jobs] == ["failed"]
    assert jobs[0].reason and "paper" in jobs[0].reason
    assert emulator.slips() == [] and emulator.bytes_dropped > 0  # nothing was cut

    qtbot.mouseClick(window.error.button, LEFT)
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=5_000)
    qtbot.waitUntil(lambda: session.availability(item).printer_problem, timeout=5_000)
    assert PAPER_OUT in menu_button(running, item).text()

    emulator.set_state("ready")  # staff put a new roll in
    emulator.reset()
    issuer = running.core.issuer
    again = issuer.reissue(serial, actor="staff:test")
    job = issuer.print(again, running.core.printers["slip"], reprint=again.record.reprints)
    assert job.state.value == "done"
    record, jobs = issuance(running, serial)
    assert record.status == "printed" and record.reprints == 1
    assert [(j.state, j.reprint) for j in jobs] == [("failed", 0), ("done", 1)]
    assert "补打 1" in pdf_text(again.pdf, tmp_path)
    assert len(emulator.slips()) == 1


def test_silent_slip_printer_is_offline_in_the_header_and_on_slip_items(
    open_kiosk: OpenKiosk, emulator: EscposEmulator, seeded_db: Config, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a resident on the menu WHEN the thermal printer stops answering THEN the header says
    打印机未连接 and slip items cannot start while A4 items (file printer) can; WHEN it answers
    again THEN the header says 打印机正常 and the slip item is available."""
    running, reader = open_kiosk(slip=slip_uri(emulator))
    session, window = running.session, running.window
    resident = featured(seeded_db)
    slip, a4 = slip_item_for(running.core.catalog, resident), running.core.catalog.item(A4_ITEM)
    place_card(running, reader, resident, qtbot)
    assert window.printer_label.text() == READY and session.availability(slip).ok

    emulator.set_state("silent")
    qtbot.waitUntil(lambda: window.printer_label.text() == "小票打印机未连接", timeout=5_000)
    assert session.view.printers.slip.state is PrinterState.OFFLINE
    verdict = session.availability(slip)
    assert not verdict.ok and verdict.printer_problem and verdict.reason == OFFLINE
    assert OFFLINE in menu_button(running, slip).text()
    assert session.availability(a4).ok and menu_button(running, a4).property("available")
    assert not session.choose_item(slip.id)

    emulator.set_state("ready")
    qtbot.waitUntil(lambda: window.printer_label.text() == READY, timeout=5_000)
    assert session.availability(slip).ok


def test_card_taken_away_while_the_slip_fails_still_tells_the_resident(
    open_kiosk: OpenKiosk, emulator: EscposEmulator, seeded_db: Config, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a slip printing WHEN she takes her card away and then the roll runs out
    THEN the error screen still shows her serial and 'see staff', and her particulars are gone."""
    running, reader = open_kiosk(slip=slip_uri(emulator))
    session, window = running.session, running.window
    resident = featured(seeded_db)
    item = slip_item_for(running.core.catalog, resident)
    place_card(running, reader, resident, qtbot)
    open_item(running, item, qtbot)
    emulator.run_out_after(1500)
    press_print(running, qtbot)
    assert session.step == Step.PRINTING
    reader.remove()
    qtbot.waitUntil(lambda: session.step == Step.ERROR, timeout=30_000)
    message = session.view.message.zh
    shown = visible_text(window)
    assert "工作人员" in message and message in shown
    assert "610202001-" in shown  # the serial staff will reprint, on screen (never spoken)
    assert session.view.resident is None
    assert resident.name not in visible_text(window)


class _BrokenDriver:
    """A printer driver with a bug: it raises something that is not a PrinterError."""

    uri = "broken://"

    def status(self):  # type: ignore[no-untyped-def]
        from printer.base import PrinterState, PrinterStatus

        return PrinterStatus(PrinterState.READY)

    def print(self, document, copies=1, title="kiosk", on_progress=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("driver bug")


def test_a_crashing_driver_never_leaves_the_job_queued(seeded_db: Config) -> None:
    """GIVEN a driver that crashes WHEN an issuance is printed THEN the resident's error is a printer
    fault (PrintFailedError), the job is recorded failed with the reason and the issuance is
    print_failed (staff find it for a reprint)."""
    from kiosk.app import build_core

    core = build_core(seeded_db, create_key=True, printers=False)
    try:
        resident = featured(seeded_db)
        item = core.catalog.item("residence_certificate")
        issued = core.issuer.issue(resident, item, {"purpose": "school"})
        with pytest.raises(PrintFailedError):
            core.issuer.print(issued, _BrokenDriver())  # type: ignore[arg-type]
        with core.sessions() as db:
            from kiosk.db.repositories import IssuanceRepository

            record = IssuanceRepository(db).by_serial(issued.serial)
            jobs = IssuanceRepository(db).jobs(issued.serial)
        assert record is not None and record.status == "print_failed"
        assert [j.state for j in jobs] == ["failed"] and "driver bug" in (jobs[0].reason or "")
    finally:
        core.close()
