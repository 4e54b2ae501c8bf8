"""What staff are told when the kiosk refuses them: every refusal is a KioskError (bilingual)."""

from __future__ import annotations

from datetime import datetime

from kiosk.errors import KioskError


class StaffError(KioskError):
    """Base of every staff-mode refusal."""

    message_zh = "操作未完成，请重试或联系管理员"
    message_en = "The operation was not completed. Try again or ask an administrator."


class PinRuleError(StaffError):
    """A new PIN breaks the rules (6-12 ASCII digits, not trivial, not part of the ID number)."""

    message_zh = "密码须为6至12位数字，且不能过于简单"
    message_en = "The PIN must be 6 to 12 digits and not too simple."


class StaffInputError(StaffError):
    """A name, ID number, role, reason or note given for a staff operation is not acceptable."""

    message_zh = "输入的信息有误"
    message_en = "Some information given is not valid."


class DuplicateStaffError(StaffError):
    """An account with this name (or an enabled one with this ID number) exists."""

    message_zh = "该工作人员账号已存在"
    message_en = "A staff account with this name or ID card already exists."


class UnknownStaffError(StaffError):
    """No enabled account of that name or card."""

    message_zh = "没有这个工作人员账号，或账号已停用"
    message_en = "No enabled staff account of that name."


class WrongPinError(StaffError):
    """The PIN does not match; `remaining` wrong PINs are left before the account locks."""

    message_zh = "密码错误"
    message_en = "Wrong PIN."

    def __init__(self, detail: str, *, remaining: int) -> None:
        zh = f"密码错误，还可再试{remaining}次" if remaining else "密码错误"
        en = f"Wrong PIN. {remaining} attempt(s) left." if remaining else "Wrong PIN."
        super().__init__(detail, zh=zh, en=en)
        self.remaining = remaining


class LockedError(StaffError):
    """Staff entry is locked until `until` (an account, or this terminal's staff entry)."""

    def __init__(self, detail: str, *, until: datetime, zh: str, en: str) -> None:
        super().__init__(detail, zh=zh, en=en)
        self.until = until


class AccountLockedError(LockedError):
    """Too many wrong PINs for this account: locked on every terminal until `until`."""

    def __init__(self, name: str, until: datetime) -> None:
        shown = until.strftime("%H:%M:%S")
        super().__init__(
            f"account {name} locked until {until.isoformat(timespec='seconds')}",
            until=until,
            zh=f"密码错误次数过多，账号已锁定至{shown}",
            en=f"Too many wrong PINs: the account is locked until {shown}.",
        )


class TerminalLockedError(LockedError):
    """Too many failures at this terminal: its staff entry is locked until `until`."""

    def __init__(self, terminal_id: str, until: datetime) -> None:
        shown = until.strftime("%H:%M:%S")
        super().__init__(
            f"staff entry at {terminal_id} locked until {until.isoformat(timespec='seconds')}",
            until=until,
            zh=f"本机工作人员登录已锁定至{shown}",
            en=f"Staff sign-in on this terminal is locked until {shown}.",
        )


class UnknownSerialError(StaffError):
    """No issuance has this serial."""

    message_zh = "没有这个编号的证明"
    message_en = "No document with this serial."


class VoidedError(StaffError):
    """The issuance was voided: it cannot be reprinted or voided again."""

    message_zh = "该证明已作废"
    message_en = "This document was voided."


class NotReprintableError(StaffError):
    """The issuance is in a state that cannot be reprinted (awaiting review, rejected)."""

    message_zh = "该证明当前状态不能补打"
    message_en = "This document cannot be reprinted in its current state."


class ConflictError(StaffError):
    """The database refused a change that collides with another (a unique name, a sequence)."""

    message_zh = "记录已被同时修改，请重试"
    message_en = "The record was changed at the same time elsewhere. Please try again."
