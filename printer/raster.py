"""Slip PDF -> ESC/POS raster commands: a pure encoder with no I/O.

The wire, not the CPU, decides how long a resident waits for a slip on a serial thermal printer,
so the encoder sends only rows that carry ink: the page is rendered at the printer's dot width
(pypdfium2), thresholded to 1 bit (no grey dithering: Chinese strokes stay solid at 203 dpi),
cropped to its content, and cut into `GS v 0` bands; runs of blank rows become one paper feed
(`ESC J n`) instead of rows of zeros, and each band is only as wide as its rightmost ink.

Assumes the printer's vertical motion unit is one dot (the default on 203 dpi printers), so
`ESC J n` feeds exactly n raster rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

ESC = b"\x1b"
GS = b"\x1d"
INIT = ESC + b"@"  # ESC @: initialise the printer (clears modes, not the buffer)
CUT = GS + b"VB\x00"  # GS V 66 0: feed to the cutting position, partial cut

DOTS_80MM = 576  # 72 mm printable at 203 dpi
DOTS_58MM = 384  # 48 mm printable at 203 dpi
DEFAULT_THRESHOLD = 160  # grey below this is ink: keeps thin anti-aliased strokes solid
DEFAULT_BAND_ROWS = 96  # rows per GS v 0 band (about 7 KB at 576 dots)
DEFAULT_MIN_GAP = 4  # blank rows worth a feed instead of being sent as zeros
DEFAULT_BOTTOM_MARGIN = 24  # dots fed after the content, before the cut (3 mm)
MAX_FEED = 255  # ESC J takes one byte


class RasterError(ValueError):
    """The document could not be turned into a raster (not a PDF, empty, bad width)."""


@dataclass(frozen=True)
class Command:
    """One ESC/POS command as sent; `rows` > 0 marks a raster band (the driver checks status after)."""

    data: bytes
    rows: int = 0


def rasterize(pdf: bytes, dots: int, threshold: int = DEFAULT_THRESHOLD) -> Image.Image:
    """Render every page of `pdf` exactly `dots` wide, pages stacked, as 1-bit ink (mode "1", 0 = ink)."""
    _check_dots(dots)
    ink = _render_ink(pdf, dots, threshold)
    return ink.point(lambda v: 0 if v else 255, "1")


def encode_slip(
    pdf: bytes,
    dots: int = DOTS_80MM,
    *,
    band_rows: int = DEFAULT_BAND_ROWS,
    min_gap: int = DEFAULT_MIN_GAP,
    threshold: int = DEFAULT_THRESHOLD,
) -> bytes:
    """The bytes to send for one slip: init, cropped ink bands with blank runs as feeds, feed, cut."""
    return b"".join(
        c.data
        for c in slip_commands(pdf, dots, band_rows=band_rows, min_gap=min_gap, threshold=threshold)
    )


def slip_commands(
    pdf: bytes,
    dots: int = DOTS_80MM,
    *,
    band_rows: int = DEFAULT_BAND_ROWS,
    min_gap: int = DEFAULT_MIN_GAP,
    threshold: int = DEFAULT_THRESHOLD,
) -> list[Command]:
    """encode_slip() as separate commands, so a transport can check the printer between bands."""
    _check_dots(dots)
    if band_rows < 1 or min_gap < 1:
        raise RasterError("band_rows and min_gap must be at least 1")
    ink = _render_ink(pdf, dots, threshold)
    rows = _rows(ink)
    return encode_rows(rows, dots // 8, band_rows=band_rows, min_gap=min_gap)


def encode_image(
    image: Image.Image, *, band_rows: int = DEFAULT_BAND_ROWS, min_gap: int = DEFAULT_MIN_GAP
) -> bytes:
    """Encode an already rasterised image (mode "1", 0 = ink, width a multiple of 8) like encode_slip()."""
    if image.mode != "1" or image.width % 8:
        raise RasterError("need a mode '1' image whose width is a multiple of 8")
    ink = image.point(lambda v: 0 if v else 255, "1")
    return b"".join(
        c.data
        for c in encode_rows(_rows(ink), image.width // 8, band_rows=band_rows, min_gap=min_gap)
    )


def encode_rows(
    rows: Sequence[bytes], width_bytes: int, *, band_rows: int, min_gap: int
) -> list[Command]:
    """Packed ink rows (1 = ink, MSB first) -> init, bands and feeds for the content only, feed, cut."""
    zero = bytes(width_bytes)
    blank = [row == zero for row in rows]
    commands = [Command(INIT)]
    inked = [i for i, b in enumerate(blank) if not b]
    if inked:
        first, last = inked[0], inked[-1]
        for start, stop, is_gap in _runs(blank, first, last + 1, min_gap):
            if is_gap:
                commands.extend(Command(f) for f in feeds(stop - start))
                continue
            for band_start in range(start, stop, band_rows):
                band = rows[band_start : min(stop, band_start + band_rows)]
                commands.append(Command(raster_band(band), rows=len(band)))
    commands.extend(Command(f) for f in feeds(DEFAULT_BOTTOM_MARGIN))
    commands.append(Command(CUT))
    return commands


def encode_naive(pdf: bytes, dots: int = DOTS_80MM, *, threshold: int = DEFAULT_THRESHOLD) -> bytes:
    """The full-height, full-width raster of every row (blank ones too): the benchmark's yardstick."""
    _check_dots(dots)
    rows = _rows(_render_ink(pdf, dots, threshold))
    out = [INIT]
    for start in range(0, len(rows), DEFAULT_BAND_ROWS):
        out.append(raster_band(rows[start : start + DEFAULT_BAND_ROWS], trim=False))
    out.extend(feeds(DEFAULT_BOTTOM_MARGIN))
    out.append(CUT)
    return b"".join(out)


def raster_band(rows: Sequence[bytes], *, trim: bool = True) -> bytes:
    """GS v 0 for `rows` (packed, 1 = ink); with `trim`, only as wide as the rightmost ink byte."""
    width = max((len(r.rstrip(b"\x00")) for r in rows), default=0) if trim else len(rows[0])
    width = max(width, 1)
    height = len(rows)
    header = GS + b"v0\x00" + bytes((width & 0xFF, width >> 8, height & 0xFF, height >> 8))
    if trim and width < len(rows[0]):
        return header + b"".join(r[:width] for r in rows)
    return header + b"".join(rows)


def feeds(rows: int) -> list[bytes]:
    """ESC J commands feeding `rows` dots (one per 255)."""
    out = []
    while rows > 0:
        step = min(rows, MAX_FEED)
        out.append(ESC + b"J" + bytes((step,)))
        rows -= step
    return out


def _runs(
    blank: Sequence[bool], start: int, stop: int, min_gap: int
) -> Iterable[tuple[int, int, bool]]:
    """Split rows [start, stop) into (start, stop, is_gap) runs; gaps are >= min_gap blank rows."""
    segment = start
    i = start
    while i < stop:
        if not blank[i]:
            i += 1
            continue
        j = i
        while j < stop and blank[j]:
            j += 1
        if j - i >= min_gap:
            if i > segment:
                yield segment, i, False
            yield i, j, True
            segment = j
        i = j
    if segment < stop:
        yield segment, stop, False


def _rows(ink: Image.Image) -> list[bytes]:
    """A mode "1" image (1 = ink) as packed rows, MSB first: the GS v 0 bit order."""
    data = ink.tobytes()
    wb = ink.width // 8
    return [data[i : i + wb] for i in range(0, len(data), wb)]


def _render_ink(pdf: bytes, dots: int, threshold: int) -> Image.Image:
    """All pages at `dots` wide, stacked; mode "1" with 1 (white in PIL terms) = ink."""
    if not pdf.startswith(b"%PDF-"):
        raise RasterError("not a PDF document")
    try:
        doc = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise RasterError(f"unreadable PDF ({exc})") from None
    table = [255 if v < threshold else 0 for v in range(256)]
    pages: list[Image.Image] = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            try:
                width_pt = page.get_width()
                bitmap = page.render(scale=dots / width_pt, grayscale=True)
                grey = bitmap.to_pil()
                if grey.mode != "L":
                    grey = grey.convert("L")
                pages.append(grey.point(table, "1"))
            finally:
                page.close()
    finally:
        doc.close()
    if not pages:
        raise RasterError("the PDF has no pages")
    height = sum(p.height for p in pages)
    if len(pages) == 1 and pages[0].width == dots:
        return pages[0]
    sheet = Image.new("1", (dots, height), 0)
    y = 0
    for p in pages:
        sheet.paste(p.crop((0, 0, min(dots, p.width), p.height)), (0, y))
        y += p.height
    return sheet


def _check_dots(dots: int) -> None:
    if dots < 8 or dots % 8 or dots > 2048:
        raise RasterError(f"dot width {dots} must be a multiple of 8 between 8 and 2048")
