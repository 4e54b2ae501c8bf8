"""On-screen preview: the first page of a PDF as a picture (pypdfium2), at most 150 dpi."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image

from forms.pdf import open_pdf

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

MAX_DPI = 150


def render_preview(pdf: bytes, dpi: int = 100) -> Image.Image:
    """The first page rendered at `dpi` (capped at 150) as an RGB PIL image.

    Raises forms.pdf.UnreadablePdfError if pdfium cannot open the bytes.
    """
    dpi = max(1, min(int(dpi), MAX_DPI))
    document = open_pdf(pdf)
    try:
        page = document[0]
        try:
            bitmap = page.render(scale=dpi / 72)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
        finally:
            page.close()
    finally:
        document.close()
    return image


def to_qimage(image: Image.Image) -> QImage:
    """A QImage copy of a PIL image (PySide6 is imported here, so forms works without Qt)."""
    from PySide6.QtGui import QImage

    rgb = image.convert("RGB")
    data = rgb.tobytes("raw", "RGB")
    qimage = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return qimage.copy()  # detach from `data`, which Python may free
