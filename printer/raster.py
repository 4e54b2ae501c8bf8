"""Slip PDF -> ESC/POS raster commands: a pure encoder with no I/O.

The wire, not the CPU, decides how long a resident waits for a slip on a serial thermal printer,
so the encoder sends only rows that carry ink: the page is rendered at the printer's dot width
(pypdfium2, imported on first use), thresholded to 1 bit (no grey dithering: Chinese strokes stay solid at 203 dpi),
cropped to its content, and cut into `GS v 0` bands; runs of blank rows become one paper feed
(`ESC J n`) instead of rows of zeros, and each band spans only its leftmost to rightmost ink byte
(placed with a `GS L` left margin; `margins=False` sends bands from the left edge instead).

Assumes the printer's motion units are one dot (the default on 203 dpi printers), so `ESC J n`
feeds exactly n raster rows and `GS L n` indents n dots.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PIL import Image

from printer.base import PrinterError
from printer.pdf import open_pdf

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
# pdfium is not thread-safe: a print worker and a status poller may both end up here.
_PDFIUM_LOCK = threading.Lock()


class RasterError(PrinterError, ValueError):
    """The document could not be turned into a raster (not a PDF, empty, bad width)."""


@dataclass(frozen=True)
class Command:
    """One ESC/POS command as sent; `rows` > 0 marks a raster band (the driver checks status
    after it), `feed` the dots an ESC J advances the paper."""

    data: bytes
    rows: int = 0
    feed: int = 0


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
    margins: bool = True,
) -> bytes:
    """The bytes to send for one slip: init, cropped ink bands with blank runs as feeds, feed, cut."""
    commands = slip_commands(
        pdf, dots, band_rows=band_rows, min_gap=min_gap, threshold=threshold, margins=margins
    )
    return b"".join(c.data for c in commands)


def slip_commands(
    pdf: bytes,
    dots: int = DOTS_80MM,
    *,
    band_rows: int = DEFAULT_BAND_ROWS,
    min_gap: int = DEFAULT_MIN_GAP,
    threshold: int = DEFAULT_THRESHOLD,
    margins: bool = True,
) -> list[Command]:
    """encode_slip() as separate commands, so a transport can check the printer between bands."""
    _check_dots(dots)
    if band_rows < 1 or min_gap < 1:
        raise RasterError("band_rows and min_gap must be at least 1")
    ink = _render_ink(pdf, dots, threshold)
    return encode_rows(_rows(ink), dots // 8, band_rows=band_rows, min_gap=min_gap, margins=margins)


def encode_image(
    image: Image.Image,
    *,
    band_rows: int = DEFAULT_BAND_ROWS,
    min_gap: int = DEFAULT_MIN_GAP,
    margins: bool = True,
) -> bytes:
    """Encode an already rasterised image (mode "1", 0 = ink, width a multiple of 8) like encode_slip()."""
    if image.mode != "1" or image.width % 8:
        raise RasterError("need a mode '1' image whose width is a multiple of 8")
    ink = image.point(lambda v: 0 if v else 255, "1")
    commands = encode_rows(
        _rows(ink), image.width // 8, band_rows=band_rows, min_gap=min_gap, margins=margins
    )
    return b"".join(c.data for c in commands)


def encode_rows(
    rows: Sequence[bytes],
    width_bytes: int,
    *,
    band_rows: int = DEFAULT_BAND_ROWS,
    min_gap: int = DEFAULT_MIN_GAP,
    margins: bool = True,
) -> list[Command]:
    """Packed ink rows (1 = ink, MSB first) -> init, bands and feeds for the content only, feed, cut.

    With `margins`, each band starts at its leftmost ink byte, placed by a left margin (`GS L`,
    in dots: the horizontal motion unit of 203 dpi printers); the margin is reset before the cut.
    """
    zero = bytes(width_bytes)
    blank = [row == zero for row in rows]
    commands = [Command(INIT)]
    margin = 0
    inked = [i for i, b in enumerate(blank) if not b]
    if inked:
        first, last = inked[0], inked[-1]
        for start, stop, is_gap in _runs(blank, first, last + 1, min_gap):
            if is_gap:
                commands.extend(Command(f, feed=f[2]) for f in feeds(stop - start))
                continue
            for band_start in range(start, stop, band_rows):
                band = rows[band_start : min(stop, band_start + band_rows)]
                left = _first_ink_byte(band) if margins else 0
                if left * 8 != margin:
                    margin = left * 8
                    commands.append(Command(left_margin(margin)))
                commands.append(Command(raster_band(band, left=left), rows=len(band)))
    if margin:
        commands.append(Command(left_margin(0)))
    commands.extend(Command(f, feed=f[2]) for f in feeds(DEFAULT_BOTTOM_MARGIN))
    commands.append(Command(CUT))
    return commands


def paper_length(commands: Sequence[Command]) -> int:
    """Dots of paper the commands advance (bands and feeds): how long the mechanism prints."""
    return sum(c.rows + c.feed for c in commands)


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


def raster_band(rows: Sequence[bytes], *, trim: bool = True, left: int = 0) -> bytes:
    """GS v 0 for `rows` (packed, 1 = ink): bytes [left, rightmost ink) of each row when trimming."""
    full = len(rows[0])
    right = max((len(r.rstrip(b"\x00")) for r in rows), default=0) if trim else full
    right = max(right, left + 1)
    width, height = right - left, len(rows)
    header = GS + b"v0\x00" + bytes((width & 0xFF, width >> 8, height & 0xFF, height >> 8))
    if left == 0 and right == full:
        return header + b"".join(rows)
    return header + b"".join(r[left:right] for r in rows)


def left_margin(dots: int) -> bytes:
    """GS L: the left margin in dots (0 resets it)."""
    return GS + b"L" + bytes((dots & 0xFF, dots >> 8))


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


def _first_ink_byte(rows: Sequence[bytes]) -> int:
    return min((len(r) - len(r.lstrip(b"\x00")) for r in rows if any(r)), default=0)


def _rows(ink: Image.Image) -> list[bytes]:
    """A mode "1" image (1 = ink) as packed rows, MSB first: the GS v 0 bit order."""
    data = ink.tobytes()
    wb = ink.width // 8
    return [data[i : i + wb] for i in range(0, len(data), wb)]


def _render_ink(pdf: bytes, dots: int, threshold: int) -> Image.Image:
    """All pages at `dots` wide, stacked; mode "1" with 1 (white in PIL terms) = ink."""
    if not pdf.startswith(b"%PDF-"):
        raise RasterError("not a PDF document")
    table = [255 if v < threshold else 0 for v in range(256)]
    with _PDFIUM_LOCK:
        pages = _render_pages(pdf, dots, table)
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


def _render_pages(pdf: bytes, dots: int, table: list[int]) -> list[Image.Image]:
    try:
        doc = open_pdf(pdf)
    except ValueError as exc:
        raise RasterError(f"unreadable PDF ({exc})") from None
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
    return pages


def _check_dots(dots: int) -> None:
    if dots < 8 or dots % 8 or dots > 2048:
        raise RasterError(f"dot width {dots} must be a multiple of 8 between 8 and 2048")
