"""CUPS/IPP attributes -> PrinterStatus: a pure decoder, testable without a printer that has
every fault.

The attributes are what `ipptool -X` prints as a plist (RFC 8011 names, plistlib values).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TypeAlias

from printer.base import PrinterState, PrinterStatus

#: One IPP attribute value as plistlib decodes ipptool's output.
IppValue: TypeAlias = (
    str | int | float | bool | bytes | datetime | list["IppValue"] | dict[str, "IppValue"]
)
IppAttributes: TypeAlias = Mapping[str, IppValue]

# IPP printer-state (RFC 8011 5.4.11) and job-state (5.3.7).
IDLE, PROCESSING, STOPPED = 3, 4, 5
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9
JOB_STATE_NAMES = {
    3: "pending", 4: "held", 5: "processing", 6: "stopped", 7: "canceled", 8: "aborted", 9: "completed",
}  # fmt: skip

# printer-state-reasons keywords (severity suffix removed) that stop printing.
BLOCKING_REASONS: dict[str, PrinterState] = {
    "cover-open": PrinterState.COVER_OPEN,
    "door-open": PrinterState.COVER_OPEN,
    "interlock-open": PrinterState.COVER_OPEN,
    "media-empty": PrinterState.PAPER_OUT,
    "media-needed": PrinterState.PAPER_OUT,
    "media-jam": PrinterState.ERROR,
    "toner-empty": PrinterState.ERROR,
    "marker-supply-empty": PrinterState.ERROR,
    "marker-waste-full": PrinterState.ERROR,
    "input-tray-missing": PrinterState.ERROR,
    "output-area-full": PrinterState.ERROR,
    "fuser-over-temp": PrinterState.ERROR,
    "offline": PrinterState.OFFLINE,
    "shutdown": PrinterState.OFFLINE,
    "connecting-to-device": PrinterState.OFFLINE,
    "timed-out": PrinterState.OFFLINE,
}
# Reasons that still print: the state stays READY (or PAPER_LOW), staff get a note.
LOW_PAPER_REASONS = ("media-low",)
NOTE_REASONS = {
    "toner-low": "toner low / 墨粉不足",
    "marker-supply-low": "supplies low / 耗材不足",
    "marker-waste-almost-full": "waste toner almost full / 废粉盒将满",
    "developer-low": "developer low / 显影剂不足",
    "opc-near-eol": "drum near end of life / 硒鼓将到寿命",
}
_PRECEDENCE = (
    PrinterState.COVER_OPEN,
    PrinterState.PAPER_OUT,
    PrinterState.ERROR,
    PrinterState.OFFLINE,
)
_IGNORED = {"none", "paused", "moving-to-paused", "hold-new-jobs"}


def reason_keyword(reason: str) -> tuple[str, str]:
    """'media-empty-error' -> ('media-empty', 'error'); the severity is '' when absent."""
    for severity in ("report", "warning", "error"):
        if reason.endswith("-" + severity):
            return reason[: -len(severity) - 1], severity
    return reason, ""


def map_printer_status(attrs: IppAttributes) -> PrinterStatus:
    """IPP printer attributes (printer-state, -state-reasons, -state-message, -is-accepting-jobs)
    -> PrinterStatus; pure, so every reason can be tested without a printer that has it."""
    state = ipp_int(attrs.get("printer-state"), IDLE)
    reasons = as_list(attrs.get("printer-state-reasons", "none"))
    message = ipp_text(attrs.get("printer-state-message"))
    accepting = bool(attrs.get("printer-is-accepting-jobs", True))
    found: dict[PrinterState, list[str]] = {}
    notes: list[str] = []
    for reason in reasons:
        keyword, severity = reason_keyword(reason)
        if keyword in _IGNORED or keyword.startswith(("cups-", "com.apple.")):
            continue
        if keyword in BLOCKING_REASONS:
            found.setdefault(BLOCKING_REASONS[keyword], []).append(reason)
        elif keyword in LOW_PAPER_REASONS:
            found.setdefault(PrinterState.PAPER_LOW, []).append(reason)
        elif keyword in NOTE_REASONS:
            notes.append(NOTE_REASONS[keyword])
        elif severity == "error":
            found.setdefault(PrinterState.ERROR, []).append(reason)
        else:
            notes.append(reason)
    parts = [message] if message else []
    for blocking in _PRECEDENCE:
        if blocking in found:
            parts.append(", ".join(found[blocking]))
            return PrinterStatus(blocking, join(parts + notes), tuple(reasons))
    if state == STOPPED:
        parts.insert(0, "queue stopped / 打印队列已停止")
        return PrinterStatus(PrinterState.OFFLINE, join(parts + notes), tuple(reasons))
    if not accepting:
        parts.insert(0, "queue not accepting jobs / 打印队列拒绝作业")
        return PrinterStatus(PrinterState.OFFLINE, join(parts + notes), tuple(reasons))
    if PrinterState.PAPER_LOW in found:
        parts.append("paper low / 纸张不足")
        return PrinterStatus(PrinterState.PAPER_LOW, join(parts + notes), tuple(reasons))
    if not parts and not notes:
        parts.append("idle" if state == IDLE else "printing")
    return PrinterStatus(PrinterState.READY, join(parts + notes), tuple(reasons))


def as_list(value: IppValue | None) -> list[str]:
    """A 1setOf keyword attribute (a list, or one comma-separated string) as a list."""
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [v for v in str(value).split(",") if v]


def join(parts: list[str]) -> str:
    """Non-empty message parts joined with "; "."""
    return "; ".join(p for p in parts if p)


def ipp_int(value: IppValue | None, default: int) -> int:
    """An enum or integer attribute; `default` when absent or not a number."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return default


def ipp_text(value: IppValue | None) -> str:
    """A text attribute, stripped ("" when absent)."""
    return str(value or "").strip()
