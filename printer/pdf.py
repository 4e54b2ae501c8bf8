"""pypdfium2 at the printer boundary: imported only when a slip is rasterised, typed by what we call.

pypdfium2 ships no type information; these Protocols name the few methods the raster encoder
uses, and `open_pdf` is the one place that imports it, so importing `printer` never loads pdfium.
(`forms` has its own copy: the two libraries never import each other.)
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image


class PdfBitmap(Protocol):
    """A rendered page (pypdfium2.PdfBitmap)."""

    def to_pil(self) -> Image.Image:
        """The bitmap as a PIL image."""
        ...


class PdfPage(Protocol):
    """One page (pypdfium2.PdfPage)."""

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

    def close(self) -> None:
        """Free the native document."""
        ...


def open_pdf(data: bytes) -> PdfDocument:
    """Open PDF bytes with pypdfium2 (imported here, on first use); the caller closes it.

    Raises ValueError (pdfium's own error text) if the bytes cannot be opened.
    """
    import pypdfium2 as pdfium

    try:
        document: PdfDocument = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ValueError(str(exc)) from None
    return document
