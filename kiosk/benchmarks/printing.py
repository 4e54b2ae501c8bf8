"""Printing benchmarks: slip PDF -> ESC/POS bytes (time, against python-escpos), wire bytes, and
a resident's confirm -> job accepted by a real (private) cupsd.

The slip is a real one from the documents library (`forms.render`, 80 mm layout with QR), the
kind a resident takes away after applying.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from forms.document import Document, Field
from forms.render import render
from kiosk.bench import Measurement, time_ms
from kiosk.config import Config
from printer.raster import DOTS_80MM, encode_naive, encode_slip, rasterize

T = TypeVar("T")


def demo_slip(config: Config) -> bytes:
    """A receipt slip as the kiosk prints it after an application (80 mm, CJK text, QR)."""
    t = config.terminal
    doc = Document(
        layout="slip",
        paper="slip80",
        title="居住证明申请受理回执",
        body="您的申请已受理，请妥善保管本回执。",
        serial=f"{t.community_code}-20250301-00001",
        issuer_name=t.issuer,
        issue_date=date(2025, 3, 1),
        created_at=datetime(2025, 3, 1, 9, 30),
        terminal_id=t.id,
        particulars=(Field("姓名", "王秀英"), Field("事项", "居住证明")),
        next_steps="请于3月8日前携带户口本原件到窗口领取证明。",
        where_to_go="红旗街社区党群服务中心一楼2号窗口",
        qr_payload=f"KV1.{t.community_code}-20250301-00001.MEUCIQDx7pQ2demo0signature0payload",
    )
    return render(doc)


def _python_escpos(pdf: bytes) -> bytes:
    """The same job with python-escpos as the encoder: our rasterisation, then its image()."""
    from escpos.printer import Dummy

    printer = Dummy()
    with contextlib.redirect_stdout(io.StringIO()):  # it prints a profile warning per image
        printer.image(rasterize(pdf, DOTS_80MM))
    printer.cut()
    output: bytes = printer.output
    return output


def slip_to_escpos(config: Config) -> Measurement:
    """Slip PDF -> bytes ready to send (render at 576 dots, threshold, crop, bands); goal <= 30 ms.

    Baseline: the same rasterisation encoded by python-escpos `image()` into a Dummy printer.
    """
    pdf = demo_slip(config)
    value, p99 = time_ms(lambda: encode_slip(pdf, DOTS_80MM), warmup=3, repeat=30)
    baseline, _ = time_ms(lambda: _python_escpos(pdf), warmup=2, repeat=15)
    raster_only, _ = time_ms(lambda: rasterize(pdf, DOTS_80MM), warmup=2, repeat=15)
    return Measurement(
        "slip_to_escpos",
        value,
        "ms",
        p99=p99,
        baseline=baseline,
        note=f"80 mm forms slip; rasterise alone {raster_only:.1f} ms; baseline python-escpos image()",
    )


def slip_wire_bytes(config: Config) -> Measurement:
    """Bytes sent for the demo slip against the naive full-height raster of it; goal ratio <= 0.4."""
    pdf = demo_slip(config)
    ours = len(encode_slip(pdf, DOTS_80MM))
    plain = len(encode_slip(pdf, DOTS_80MM, margins=False))
    naive = len(encode_naive(pdf, DOTS_80MM))
    seconds = ours * 10 / 19200
    return Measurement(
        "slip_wire_bytes",
        ours,
        "bytes",
        baseline=naive,
        note=f"{seconds:.1f} s at 19200 baud (naive {naive * 10 / 19200:.1f} s); "
        f"without GS L margins {plain} bytes ({plain / naive:.3f})",
    )


def confirm_to_cups_submitted(config: Config) -> Measurement:
    """From the resident's 确认打印 (KioskSession.confirm on 居住证明) to the job accepted by cupsd
    (its PrintJob reaches "sent": `lp` returned the CUPS job id). Long on purpose: one linear
    script (start cupsd, the kiosk, warm up, measure, stop), easier to check read in one piece.

    The whole kiosk runs (window offscreen, no reader, no voice) on a scratch register with an
    A4 printer `cups://KIOSK_PDF?server=...`: a private cupsd with a cups-pdf queue, started and
    stopped here. The path includes issuing (serial, record, sign, render), the screen preview and
    the queue status check before `lp`. The note adds confirm -> job completed and confirm ->
    cups-pdf's output file on disk.
    """
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.app import build_kiosk
    from kiosk.benchmarks.issuing import scratch_config
    from kiosk.db.repositories import ResidentRepository
    from kiosk.demo_cards import identity_of
    from kiosk.demo_data import seed_demo
    from kiosk.session import Step
    from kiosk.ui.launch import qt_app, start_kiosk
    from kiosk.view import SessionView
    from printer.emulators.cupsd import PrivateCupsd

    confirm, sent, done, on_disk = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp, PrivateCupsd() as cups:
        cups.add_pdf_queue()
        scratch = scratch_config(config, Path(tmp))
        printers = replace(scratch.printers, a4=cups.uri(timeout=60), slip=Path(tmp).as_uri())
        qt_app()
        kiosk = build_kiosk(replace(scratch, printers=printers), migrate=True, create_key=True)
        running = start_kiosk(kiosk, voice=False)
        session = running.session
        running.window.show()
        _pump(lambda: session.view.ready or session.view.out_of_service is not None, 120)
        core = running.core
        item = core.catalog.item("residence_certificate")
        today = datetime.now().date()
        with core.sessions.begin() as db:
            repo = ResidentRepository(db)
            seed_demo(repo, datetime.now(), count=20)
            resident = next(
                r for r in repo.sample(20) if item.check_eligibility(r, today, "resident").eligible
            )
        card = identity_of(resident, today)
        stamps: dict[str, float] = {}

        def stamp(view: SessionView) -> None:
            if view.job is not None:
                stamps.setdefault(view.job.value, time.perf_counter())

        session.view_changed.connect(stamp)
        try:
            for _ in range(2 + 15):  # two warm-up sessions, then the measured ones
                stamps.clear()
                session.card_read(card)
                _pump(lambda: session.step is not Step.READING, 30)
                if not session.choose_item(item.id):
                    raise RuntimeError(f"residence_certificate not available: {session.view}")
                if not session.submit({"purpose": "school"}):
                    raise RuntimeError(f"submit refused: {session.view.message}")
                _pump(lambda: session.view.draft is not None, 30)
                wall = time.time()
                start = time.perf_counter()
                if not session.confirm():
                    raise RuntimeError(f"confirm refused: {session.view.message}")
                seen: list[tuple[Path, float]] = []

                def finished(since: float = wall, seen: list[tuple[Path, float]] = seen) -> bool:
                    # Look for cups-pdf's file while the job runs: it lands before CUPS says done.
                    issued = session.view.issued
                    if issued is not None and not seen:
                        seen.extend(_cups_pdf_file(issued.serial, since))
                    return session.step is Step.ERROR or (session.step is Step.DONE and bool(seen))

                _pump(finished, 60)
                if session.step is Step.ERROR or "sent" not in stamps:
                    raise RuntimeError(f"printing failed: {session.view.message}")
                confirm.append(start)
                sent.append(stamps["sent"])
                done.append(stamps.get("done", time.perf_counter()))
                on_disk.append(seen[0][1])
                seen[0][0].unlink(missing_ok=True)
                session.end("done")
                session.card_removed()
        finally:
            running.stop()
            running.window.close()
    skip = 2
    to_sent = [(b - a) * 1000 for a, b in zip(confirm[skip:], sent[skip:], strict=True)]
    to_done = [(b - a) * 1000 for a, b in zip(confirm[skip:], done[skip:], strict=True)]
    to_disk = [(b - a) * 1000 for a, b in zip(confirm[skip:], on_disk[skip:], strict=True)]
    median, p99 = _median_p99(to_sent)
    return Measurement(
        "confirm_to_cups_submitted",
        median,
        "ms",
        p99=p99,
        note=f"private cupsd, cups-pdf queue, A4 居住证明; job completed {_median_p99(to_done)[0]:.0f} ms,"
        f" cups-pdf file on disk {_median_p99(to_disk)[0]:.0f} ms after confirm (medians)",
    )


def _pump(predicate: Callable[[], T], timeout: float) -> T:
    """Run the Qt event loop until predicate() is truthy; return it (RuntimeError on timeout)."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    app = QCoreApplication.instance()
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting after {timeout:g} s")
        if app is not None:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.001)
    return value


def _cups_pdf_file(serial: str, since: float) -> list[tuple[Path, float]]:
    """[(cups-pdf's output for the job titled `serial`, written after `since` (wall clock), the
    moment it was first seen)], or [] while it is not there."""
    from printer.emulators.cupsd import CupsServer

    found = CupsServer.pdf_output(serial, "*", since=since - 1)
    return [(found, time.perf_counter())] if found is not None else []


def _median_p99(samples: list[float]) -> tuple[float, float]:
    """Median and p99 the way kiosk.bench.time_ms computes them."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99
