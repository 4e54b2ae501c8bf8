"""QR codes drawn as vector rectangles: crisp at any resolution, no image files in the PDF.

Text is split into segments: runs of QR alphanumeric characters (0-9, A-Z, space, $%*+-./:)
in alphanumeric mode, 5.5 bits per character, the rest in byte mode, 8 bits. A document's link
``https://host/path#<base32>`` is thus one byte segment for the URL and one alphanumeric segment
for the payload. Codes are at error correction level M and at most version 10 (57 modules), the
size the layouts leave room for: larger is a QrTooLargeError.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import qrcode
from qrcode.util import QRData
from reportlab.pdfgen.canvas import Canvas

from forms.errors import FormsError

if TYPE_CHECKING:
    from qrcode.image.pil import PilImage
    from qrcode.image.pure import PyPNGImage

    DefaultQRCode = qrcode.QRCode[PilImage | PyPNGImage]

ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
QUIET_ZONE = 4  # modules of white border the QR standard asks for
# A fixed mask: qrcode's search for the best of eight masks is ~80% of its run time, and a
# signed base32 payload is random enough that any mask scans well (checked by tests with zbarimg).
MASK_PATTERN = 2
MODE_ALPHA_NUM: Literal[2] = 2  # qrcode.util.MODE_ALPHA_NUM, typed as the literal QRData takes
MODE_8BIT_BYTE: Literal[4] = 4  # qrcode.util.MODE_8BIT_BYTE
MAX_VERSION = 10
# An alphanumeric run shorter than this stays in the byte segment around it: a mode switch
# costs two segment headers (~35 bits), so only runs saving more than that are split out.
MIN_ALPHANUMERIC_RUN = 15

Matrix = tuple[tuple[bool, ...], ...]


class QrTooLargeError(FormsError):
    """The text needs a QR code larger than version 10 at level M."""

    message_zh = "二维码内容过长，无法打印，请联系工作人员"
    message_en = "The QR code would be too large to print. Please ask staff."


def segments(text: str) -> list[tuple[Literal[2, 4], str]]:
    """(mode, text) runs: long alphanumeric runs in alphanumeric mode, the rest in byte mode."""
    runs: list[tuple[Literal[2, 4], str]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or (text[i] in ALPHANUMERIC) != (text[start] in ALPHANUMERIC):
            chunk = text[start:i]
            alnum = chunk[0] in ALPHANUMERIC
            at_end = start == 0 or i == len(text)
            if alnum and (len(chunk) >= MIN_ALPHANUMERIC_RUN or (at_end and len(chunk) >= 6)):
                runs.append((MODE_ALPHA_NUM, chunk))
            elif runs and runs[-1][0] == MODE_8BIT_BYTE:
                runs[-1] = (MODE_8BIT_BYTE, runs[-1][1] + chunk)
            else:
                runs.append((MODE_8BIT_BYTE, chunk))
            start = i
    return runs


def _code(text: str) -> DefaultQRCode:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN
    )
    for mode, chunk in segments(text):
        code.add_data(QRData(chunk.encode("utf-8"), mode=mode, check_data=False))
    return code


def qr_version(text: str) -> int:
    """The smallest QR version (1-40) holding `text` at level M."""
    return int(_code(text).best_fit())


@lru_cache(maxsize=64)
def qr_matrix(payload: str) -> Matrix:
    """The module matrix (True = dark), without quiet zone, at error correction level M.

    Raises QrTooLargeError beyond version 10."""
    code = _code(payload)
    version = code.best_fit()
    if version > MAX_VERSION:
        raise QrTooLargeError(f"{len(payload)} characters need QR version {version}")
    code.make(fit=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def dark_runs(matrix: Matrix) -> Iterator[tuple[int, int, int]]:
    """(row, first column, length) of every horizontal run of dark modules, top row first."""
    for r, row in enumerate(matrix):
        c, size = 0, len(row)
        while c < size:
            if row[c]:
                start = c
                while c < size and row[c]:
                    c += 1
                yield r, start, c - start
            else:
                c += 1


@lru_cache(maxsize=64)
def _path_operators(matrix: Matrix) -> str:
    """PDF path operators for the dark runs, in module units with the origin at the lower left."""
    size = len(matrix)
    ops = [f"{start} {size - r - 1} {length} 1 re" for r, start, length in dark_runs(matrix)]
    ops.append("f")
    return "\n".join(ops)


def draw_qr(canvas: Canvas, matrix: Matrix, x: float, y: float, module: float) -> float:
    """Draw `matrix` with its lower-left corner at (x, y), `module` points per module.

    Dark runs along each row are merged into one rectangle and written as integer operators
    under a scaling transform: a version-10 code is ~900 short `re` operators, and reportlab's
    per-number float formatting (the slow part of drawing it through a path object) is avoided.
    Returns the side length drawn (the caller leaves the quiet zone).
    """
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(module, 0, 0, module, x, y)
    canvas.addLiteral(_path_operators(matrix))
    canvas.restoreState()
    return len(matrix) * module
