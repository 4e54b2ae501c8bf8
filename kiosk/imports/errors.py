"""The import's own error: a file refused as a whole (nothing imported)."""

from __future__ import annotations

from kiosk.errors import KioskError


class ImportFileError(KioskError):
    """The file cannot be imported at all: unreadable, undecodable, no header, a bad --map."""

    message_zh = "文件无法导入"
    message_en = "The file cannot be imported."
