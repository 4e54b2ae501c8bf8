"""The one bilingual error base: every error of every package carries what a resident is told."""

from __future__ import annotations


class BilingualError(Exception):
    """An error with the (Chinese, English) words a resident or operator sees, and a staff detail.

    Subclasses set `message_zh` / `message_en`; an instance may override them with `zh` / `en`.
    `detail` is for logs and staff: it never holds a full ID number.
    """

    message_zh = "系统暂时无法办理，请联系工作人员"
    message_en = "The kiosk cannot do this right now. Please ask staff."

    def __init__(self, detail: str = "", *, zh: str | None = None, en: str | None = None) -> None:
        self.detail = detail or en or self.message_en
        super().__init__(self.detail)
        if zh:
            self.message_zh = zh
        if en:
            self.message_en = en

    @property
    def resident_message(self) -> tuple[str, str]:
        """(Chinese, English) text for the screen."""
        return self.message_zh, self.message_en
