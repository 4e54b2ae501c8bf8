"""Why staff reprint or void a document: the fixed reasons (what the buttons show and the audit
records) and the optional note; 其他 needs a note."""

from __future__ import annotations

import enum
from typing import TypeVar

from kiosk.staff.errors import StaffInputError

MAX_NOTE = 200


class ReprintReason(enum.StrEnum):
    """Why a document is printed again (the value is what is shown and recorded)."""

    PAPER_JAM = "卡纸"
    NO_PAPER = "缺纸"
    UNCLEAR = "打印不清"
    LOST = "居民遗失"
    OTHER = "其他"


class VoidReason(enum.StrEnum):
    """Why a document is voided."""

    WRONG_DETAILS = "信息有误"
    DUPLICATE = "重复打印"
    RESIDENT_ASKED = "居民要求"
    OTHER = "其他"


R = TypeVar("R", ReprintReason, VoidReason)

ENGLISH: dict[str, str] = {
    "卡纸": "paper jam",
    "缺纸": "out of paper",
    "打印不清": "print unclear",
    "居民遗失": "lost by the resident",
    "信息有误": "wrong details",
    "重复打印": "printed twice",
    "居民要求": "the resident asked",
    "其他": "other",
}


def parse_reason(kind: type[R], text: str) -> R:
    """A reason from its Chinese label or its English key (paper_jam, lost, other, ...)."""
    clean = text.strip()
    for reason in kind:
        if clean == reason.value or clean.lower().replace("-", "_") == reason.name.lower():
            return reason
    choices = " / ".join(f"{r.value} ({r.name.lower()})" for r in kind)
    raise StaffInputError(f"unknown reason {clean!r}", zh=f"原因应为：{choices}")


def check_note(reason: ReprintReason | VoidReason, note: str) -> str:
    """The note, stripped; StaffInputError if 其他 has none or it is too long."""
    clean = " ".join(note.split())
    if len(clean) > MAX_NOTE or not clean.isprintable():
        raise StaffInputError(f"a note is at most {MAX_NOTE} printable characters")
    if reason.value == "其他" and not clean:
        raise StaffInputError("reason 其他 needs a note", zh="选择“其他”时请填写说明")
    return clean


def reason_text(reason: ReprintReason | VoidReason, note: str) -> str:
    """The reason as stored on the issuance: 信息有误, or 其他：<note>."""
    return f"{reason.value}：{note}" if note else reason.value
