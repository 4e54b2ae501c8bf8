"""QR codes drawn as vector rectangles: crisp at any resolution, no image files in the PDF.

Payloads made only of QR alphanumeric characters (0-9, A-Z, space, $%*+-./:) are encoded in
alphanumeric mode, which packs 5.5 bits per character instead of 8.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Literal

import qrcode
from qrcode.util import QRData
from reportlab.pdfgen.canvas import Canvas

ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
QUIET_ZONE = 4  # modules of white border the QR standard asks for
# A fixed mask: qrcode's search for the best of eight masks is ~80% of its run time, and a
# signed base32 payload is random enough that any mask scans well (checked by tests with zbarimg).
MASK_PATTERN = 2
MODE_ALPHA_NUM: Literal[2] = 2  # qrcode.util.MODE_ALPHA_NUM, typed as the literal QRData takes
MODE_8BIT_BYTE: Literal[4] = 4  # qrcode.util.MODE_8BIT_BYTE

Matrix = tuple[tuple[bool, ...], ...]


@lru_cache(maxsize=64)
def qr_matrix(payload: str) -> Matrix:
    """The module matrix (True = dark), without quiet zone, at error correction level M."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN
    )
    mode: Literal[2, 4] = MODE_ALPHA_NUM if set(payload) <= ALPHANUMERIC else MODE_8BIT_BYTE
    code.add_data(QRData(payload.encode("utf-8"), mode=mode, check_data=False))
    code.make(fit=True)
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
