"""The on-screen preview: first page through pypdfium2, capped at 150 dpi, and as a QImage."""

from __future__ import annotations

from pathlib import Path

from forms.preview import render_preview, to_qimage


def test_preview_size_and_cap(pdfs: dict[str, Path]) -> None:
    """A4 at 100 dpi is ~827x1169; asking for 600 dpi gives 150 dpi."""
    pdf = pdfs["certificate"].read_bytes()
    image = render_preview(pdf, dpi=100)
    assert abs(image.width - 827) <= 2 and abs(image.height - 1169) <= 2
    capped = render_preview(pdf, dpi=600)
    assert abs(capped.width - 1240) <= 2
    # the red seal is there
    colors = capped.getcolors(maxcolors=1 << 24) or []
    assert any(r > 200 and g < 80 and b < 80 for _n, (r, g, b) in colors)


def test_to_qimage(pdfs: dict[str, Path], qapp) -> None:
    """The QImage has the preview's size and pixels."""
    image = render_preview(pdfs["slip58"].read_bytes(), dpi=72)
    qimage = to_qimage(image)
    assert (qimage.width(), qimage.height()) == image.size
    r, g, b = image.getpixel((5, 5))
    colour = qimage.pixelColor(5, 5)
    assert (colour.red(), colour.green(), colour.blue()) == (r, g, b)
