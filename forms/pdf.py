"""pypdfium2 at the forms boundary: imported only when a PDF is read, typed by what we call.

pypdfium2 ships no type information; these Protocols name the few methods the library uses,
and `open_pdf` is the one place that imports it, so importing `forms` never loads pdfium.
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from forms.errors import FormsError


class PdfBitmap(Protocol):
    """A rendered page (pypdfium2.PdfBitmap)."""

    def to_pil(self) -> Image.Image:
        """The bitmap as a PIL image."""
        ...

    def close(self) -> None:
        """Free the native buffer."""
        ...


class PdfTextPage(Protocol):
    """The text layer of one page (pypdfium2.PdfTextPage)."""

    def get_text_range(self) -> str:
        """All characters of the page, in content-stream order."""
        ...

    def close(self) -> None:
        """Free the native text page."""
        ...


class PdfPage(Protocol):
    """One page (pypdfium2.PdfPage)."""

    def get_textpage(self) -> PdfTextPage:
        """The page's text layer."""
        ...

    def get_width(self) -> float:
        """Width in points."""
        ...

    def render(self, *, scale: float = 1, grayscale: bool = False) -> PdfBitmap:
        """Rasterise at `scale` pixels per point."""
        ...

    def close(self) -> None:
        """Free the native page."""
        ...


class PdfDocument(Protocol):
    """An open document (pypdfium2.PdfDocument)."""

    def __len__(self) -> int:
        """Number of pages."""
        ...

    def __getitem__(self, index: int) -> PdfPage:
        """Page `index` (0-based)."""
        ...

    def get_metadata_value(self, key: str) -> str:
        """An entry of the document information dictionary ("" if absent)."""
        ...

    def close(self) -> None:
        """Free the native document."""
        ...


class UnreadablePdfError(FormsError):
    """The bytes are not a PDF that pdfium can open."""

    message_zh = "文件不是可读取的 PDF"
    message_en = "The file is not a readable PDF."


def open_pdf(data: bytes) -> PdfDocument:
    """Open PDF bytes with pypdfium2 (imported here, on first use); the caller closes it."""
    import pypdfium2 as pdfium

    try:
        document: PdfDocument = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadablePdfError(f"not a readable PDF: {exc}") from exc
    return document
