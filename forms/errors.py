"""The forms library's errors: each carries the (Chinese, English) text a resident or operator sees."""

from __future__ import annotations

from civic.errors import BilingualError


class FormsError(BilingualError):
    """Base of every error raised by `forms`; `resident_message` is what the screen shows."""

    message_zh = "证明文件生成失败，请联系工作人员"
    message_en = "The document could not be produced. Please ask staff."

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.detail}"


class FontMissingError(FormsError):
    """A CJK TrueType font file the documents need is not installed."""

    message_zh = "打印字体缺失，无法生成证明，请联系工作人员"
    message_en = "A font needed for printing is missing. Please ask staff."


class LayoutOverflowError(FormsError):
    """Text does not fit its box even at the smallest allowed type size."""

    message_zh = "证明内容过长，无法排版，请联系工作人员"
    message_en = "The document text is too long to fit. Please ask staff."


class KeyFileError(FormsError):
    """The signing key files are missing, unreadable, too open or would be overwritten."""

    message_zh = "签名密钥不可用，请联系工作人员"
    message_en = "The signing key is not available. Please ask staff."


class KeyMissingError(KeyFileError, FileNotFoundError):
    """No signing key in the key directory yet (also a FileNotFoundError, so callers may create
    one on first run)."""
