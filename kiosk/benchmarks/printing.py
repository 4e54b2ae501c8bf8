"""Printing benchmarks: slip PDF -> ESC/POS bytes (time, against python-escpos) and wire bytes.

The slip is a real one from the documents library (`forms.render`, 80 mm layout with QR), the
kind a resident takes away after applying.
"""

from __future__ import annotations

import contextlib
import io
from datetime import date, datetime

from forms.document import Document, Field
from forms.render import render
from kiosk.bench import Measurement, time_ms
from kiosk.config import Config
from printer.raster import DOTS_80MM, encode_naive, encode_slip, rasterize


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
    return printer.output


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
