"""The slip encoder: a pure function from PDF bytes to ESC/POS raster commands."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy
from PIL import Image, ImageDraw

from printer import raster


def _commands(data: bytes) -> list[tuple[str, bytes]]:
    """Split an encoder output into (name, bytes) commands (only what the encoder emits)."""
    out, i = [], 0
    while i < len(data):
        if data[i : i + 2] == b"\x1b@":
            out.append(("ESC @", data[i : i + 2]))
            i += 2
        elif data[i : i + 2] == b"\x1bJ":
            out.append(("ESC J", data[i : i + 3]))
            i += 3
        elif data[i : i + 3] == b"\x1dv0":
            width, height = data[i + 4] | data[i + 5] << 8, data[i + 6] | data[i + 7] << 8
            out.append(("GS v 0", data[i : i + 8 + width * height]))
            i += 8 + width * height
        elif data[i : i + 2] == b"\x1dL":
            out.append(("GS L", data[i : i + 4]))
            i += 4
        elif data[i : i + 2] == b"\x1dV":
            out.append(("GS V", data[i : i + 4]))
            i += 4
        else:
            raise AssertionError(f"unexpected byte {data[i]:02X} at {i}")
    return out


def test_slip_is_rendered_exactly_at_the_dot_width(slip_pdf: bytes, slip58_pdf: bytes) -> None:
    """GIVEN slips for 80 and 58 mm WHEN rasterised THEN the page width is the printer's dots, 1-bit."""
    image = raster.rasterize(slip_pdf, 576)
    assert image.mode == "1" and image.width == 576 and 850 <= image.height <= 870
    assert raster.rasterize(slip58_pdf, 384).width == 384


def test_threshold_gives_pure_black_and_white_without_dithering() -> None:
    """GIVEN a grey field WHEN thresholded THEN it is uniformly white or black, no dither pattern."""
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(200, 100))
    c.setFillGray(0.8)  # light grey: below ink threshold -> white
    c.rect(0, 50, 200, 50, stroke=0, fill=1)
    c.setFillGray(0.3)  # dark grey -> solid ink
    c.rect(0, 0, 200, 50, stroke=0, fill=1)
    c.save()
    image = raster.rasterize(buf.getvalue(), 384)
    top = image.crop((10, 10, 374, image.height // 2 - 10))
    bottom = image.crop((10, image.height // 2 + 10, 374, image.height - 10))
    assert top.getextrema() == (255, 255)
    assert bottom.getextrema() == (0, 0)


def test_encoding_starts_with_init_skips_blank_runs_and_ends_with_a_cut(slip_pdf: bytes) -> None:
    """GIVEN the slip WHEN encoded THEN ESC @, bands and feeds, no all-zero band rows, feed, GS V cut."""
    commands = _commands(raster.encode_slip(slip_pdf, 576))
    names = [name for name, _ in commands]
    assert names[0] == "ESC @"
    assert names[-1] == "GS V" and names[-2] == "ESC J"
    assert "ESC J" in names[1:-2], "blank runs inside the slip become paper feeds"
    for name, data in commands:
        if name == "GS v 0":
            width, height = data[4] | data[5] << 8, data[6] | data[7] << 8
            assert 1 <= height <= raster.DEFAULT_BAND_ROWS
            rows = [data[8 + r * width : 8 + (r + 1) * width] for r in range(height)]
            assert any(rows[0]) and any(rows[-1]), "bands start and end on ink"


def test_blank_band_skipping_and_cropping_cut_the_wire_bytes(slip_pdf: bytes) -> None:
    """GIVEN the slip WHEN encoded THEN it takes at most 40 % of the naive full-height raster,
    and the left margins save bytes over bands sent from the left edge."""
    smart = raster.encode_slip(slip_pdf, 576)
    plain = raster.encode_slip(slip_pdf, 576, margins=False)
    naive = raster.encode_naive(slip_pdf, 576)
    assert len(naive) > 576 // 8 * 850
    assert len(smart) < len(plain) <= 0.4 * len(naive)


def test_the_cropped_raster_keeps_the_geometry(slip_pdf: bytes) -> None:
    """GIVEN the encoded slip WHEN bands and feeds are replayed THEN the page's inked rows come back."""
    image = raster.rasterize(slip_pdf, 576)
    ink = image.point(lambda v: 0 if v else 255, "L")
    top, bottom = ink.getbbox()[1], ink.getbbox()[3]
    rows: list[bytes] = []
    margin = 0
    for name, data in _commands(raster.encode_slip(slip_pdf, 576)):
        if name == "ESC J":
            rows.extend([bytes(72)] * data[2])
        elif name == "GS L":
            margin = data[2] | data[3] << 8
            assert margin % 8 == 0
        elif name == "GS v 0":
            width, height = data[4] | data[5] << 8, data[6] | data[7] << 8
            for r in range(height):
                row = bytes(margin // 8) + data[8 + r * width : 8 + (r + 1) * width]
                rows.append(row.ljust(72, b"\x00"))
    assert margin == 0, "the left margin is reset before the cut"
    rows = rows[: -raster.DEFAULT_BOTTOM_MARGIN]
    replayed = Image.frombytes("1", (576, len(rows)), b"".join(rows))  # 1 = ink
    expected = image.crop((0, top, 576, bottom)).point(lambda v: 0 if v else 255, "1")
    assert replayed.size == expected.size
    assert replayed.tobytes() == expected.tobytes()


def test_raster_band_matches_python_escpos_byte_for_byte() -> None:
    """GIVEN an image inked to its right edge WHEN we and python-escpos encode it THEN same GS v 0."""
    image = Image.new("1", (576, 40), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 575, 39), outline=0)
    draw.text((20, 10), "GS v 0", fill=0)
    dummy = Dummy()
    dummy.image(image)
    ours = raster.encode_image(image, band_rows=64, min_gap=64)
    assert dummy.output in ours
    assert ours.startswith(raster.INIT + dummy.output)


def test_wide_gaps_are_fed_in_steps_of_255() -> None:
    """GIVEN two marks 600 rows apart WHEN encoded THEN the gap is ESC J 255, 255, 90 (no zero rows)."""
    image = Image.new("1", (384, 602), 255)
    image.putpixel((0, 0), 0)
    image.putpixel((383, 601), 0)
    out = raster.encode_image(image)
    assert b"\x1bJ\xff\x1bJ\xff\x1bJ\x5a" in out
    assert len(out) < 100


def test_each_band_is_only_as_wide_as_its_ink() -> None:
    """GIVEN ink only in the left 10 dots WHEN encoded THEN the band is 2 bytes wide, not 48."""
    image = Image.new("1", (384, 20), 255)
    ImageDraw.Draw(image).rectangle((0, 0, 9, 19), fill=0)
    band = [data for name, data in _commands(raster.encode_image(image)) if name == "GS v 0"]
    assert len(band) == 1 and band[0][4:8] == bytes((2, 0, 20, 0))


def test_indented_band_is_placed_with_a_left_margin() -> None:
    """GIVEN ink at dots 100..139 WHEN encoded THEN GS L 96, a 6-byte band, GS L 0 before the cut;
    with margins=False the band starts at the left edge instead (18 bytes)."""
    image = Image.new("1", (384, 20), 255)
    ImageDraw.Draw(image).rectangle((100, 0, 139, 19), fill=0)
    commands = _commands(raster.encode_image(image))
    names = [n for n, _ in commands]
    assert names == ["ESC @", "GS L", "GS v 0", "GS L", "ESC J", "GS V"]
    assert commands[1][1] == b"\x1dL\x60\x00" and commands[3][1] == b"\x1dL\x00\x00"
    assert commands[2][1][4:8] == bytes((6, 0, 20, 0))
    plain = _commands(raster.encode_image(image, margins=False))
    assert [n for n, _ in plain] == ["ESC @", "GS v 0", "ESC J", "GS V"]
    assert plain[1][1][4:8] == bytes((18, 0, 20, 0))


@pytest.mark.parametrize("bad", [b"", b"hello", b"%PDF-1.4 broken"])
def test_not_a_pdf_is_a_raster_error(bad: bytes) -> None:
    """GIVEN bytes that are no PDF WHEN encoded THEN RasterError (a ValueError), never a crash."""
    with pytest.raises(raster.RasterError):
        raster.encode_slip(bad, 576)


def test_dot_width_must_be_whole_bytes(slip_pdf: bytes) -> None:
    """GIVEN a width that is no multiple of 8 WHEN encoded THEN RasterError."""
    with pytest.raises(raster.RasterError):
        raster.encode_slip(slip_pdf, 570)
