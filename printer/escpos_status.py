"""ESC/POS real-time status (`DLE EOT n`) -> PrinterStatus: a pure decoder (Epson bit layout)."""

from __future__ import annotations

from dataclasses import dataclass

from printer.base import PrinterState, PrinterStatus

DLE_EOT = b"\x10\x04"
FIXED_MASK, FIXED_BITS = 0x93, 0x12  # bits 0, 1, 4, 7 are fixed in every DLE EOT answer


@dataclass(frozen=True)
class RealTimeStatus:
    """The four DLE EOT answers (None: not asked or not answered)."""

    printer: int | None  # n = 1
    offline_cause: int | None = None  # n = 2
    error_cause: int | None = None  # n = 3
    paper: int | None = None  # n = 4


def decode_status(raw: RealTimeStatus, timeout: float = 0.0) -> PrinterStatus:
    """Map DLE EOT answers to a PrinterStatus (Epson bit layout; fixed bits are checked)."""
    if raw.printer is None:
        return PrinterStatus(
            PrinterState.OFFLINE,
            f"no answer to DLE EOT within {timeout:g} s (cable, power or port) / 打印机无应答",
            ("offline-report", "timed-out"),
        )
    answers = [
        b for b in (raw.printer, raw.offline_cause, raw.error_cause, raw.paper) if b is not None
    ]
    if any(b & FIXED_MASK != FIXED_BITS for b in answers):
        return PrinterStatus(
            PrinterState.ERROR,
            "unexpected status bytes " + " ".join(f"{b:02X}" for b in answers) + " / 状态应答异常",
            ("unexpected-status",),
        )
    offline = bool(raw.printer & 0x08)
    cause = raw.offline_cause or 0
    paper = raw.paper or 0
    error = raw.error_cause or 0
    if cause & 0x04:
        return PrinterStatus(PrinterState.COVER_OPEN, "cover open / 纸仓盖未关", ("cover-open",))
    if paper & 0x60 or cause & 0x20:
        return PrinterStatus(
            PrinterState.PAPER_OUT, "paper roll empty / 纸卷用完", ("media-empty",)
        )
    if cause & 0x40 or error & 0x68:
        what = []
        if error & 0x08:
            what.append("autocutter error / 切刀故障")
        if error & 0x20:
            what.append("unrecoverable error / 不可恢复故障")
        if error & 0x40:
            what.append("auto-recoverable error (head hot?) / 可自动恢复故障")
        detail = ", ".join(what) or "error reported / 打印机报错"
        return PrinterStatus(PrinterState.ERROR, detail, ("other-error",))
    if offline:
        return PrinterStatus(
            PrinterState.OFFLINE, "printer reports offline / 打印机离线", ("offline-report",)
        )
    if paper & 0x0C:
        return PrinterStatus(
            PrinterState.PAPER_LOW, "paper roll near end / 纸卷将尽", ("media-low",)
        )
    return PrinterStatus(PrinterState.READY, "ready / 正常")
