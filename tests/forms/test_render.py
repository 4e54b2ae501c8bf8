"""Rendering every layout, checked with the real tools: pdffonts, pdftotext, pdftoppm + zbarimg."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from forms.document import Document, Field
from forms.errors import FontMissingError
from forms.fonts import FontSet, load_fonts
from forms.keys import SigningKey
from forms.render import LayoutOverflowError, UnknownLayoutError, render
from forms.verify import extract_payload, verify_payload
from tests.forms import samples
from tests.forms.conftest import need_tools, run, scan_qr

LAYOUTS = ("certificate", "form", "slip80", "slip58")
FULL_ID = re.compile(r"\d{17}[\dXx]")


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_font_is_embedded_and_no_helvetica(pdfs: dict[str, Path], name: str) -> None:
    """GIVEN a rendered layout WHEN pdffonts lists its fonts THEN every row says emb yes."""
    need_tools()
    rows = run("pdffonts", pdfs[name]).splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        assert "Helvetica" not in row, row
        columns = row.split()
        assert columns[-5] == "yes", f"not embedded: {row}"


@pytest.mark.parametrize("name", LAYOUTS)
def test_text_has_name_masked_id_serial_and_never_the_full_id(
    pdfs: dict[str, Path], documents: dict[str, Document], name: str
) -> None:
    """pdftotext finds the name, the masked ID number and the serial; no 18-digit number."""
    need_tools()
    text = run("pdftotext", "-layout", pdfs[name], "-")
    flat = re.sub(r"\s+", "", text)
    assert samples.NAME in flat
    assert samples.MASKED_ID in flat
    assert documents[name].serial in flat
    assert not FULL_ID.search(flat), "a full ID number is printed"
    assert samples.ID_NUMBER not in pdfs[name].read_bytes().decode("latin-1")


@pytest.mark.parametrize("name", LAYOUTS)
@pytest.mark.parametrize("dpi", [200, 300])
def test_printed_qr_decodes_to_the_embedded_verified_payload(
    pdfs: dict[str, Path],
    documents: dict[str, Document],
    key: SigningKey,
    name: str,
    dpi: int,
) -> None:
    """pdftoppm + zbarimg read the QR back; it equals the /Keywords payload and verifies."""
    need_tools()
    decoded = scan_qr(pdfs[name], dpi)
    assert decoded == [documents[name].qr_payload]
    assert extract_payload(pdfs[name].read_bytes()) == decoded[0]
    verified = verify_payload(decoded[0], {key.fingerprint: key.public_key})
    assert verified.serial == documents[name].serial
    assert verified.masked_id == samples.MASKED_ID
    assert verified.matches_document(documents[name])


def test_certificate_text_lines(pdfs: dict[str, Path], documents: dict[str, Document]) -> None:
    """Purpose, validity, issuer, footer fingerprint and terminal are printed."""
    need_tools()
    flat = re.sub(r"\s+", "", run("pdftotext", pdfs["certificate"], "-"))
    doc = documents["certificate"]
    for expected in (
        "本证明仅用于办理城乡居民养老保险待遇资格认证。",
        "本证明自出具之日起30日内有效。",
        doc.issuer_name,
        "2025年3月1日",
        f"密钥指纹{doc.key_fingerprint}",
        f"终端{doc.terminal_id}",
        "证明专用章",
    ):
        assert expected in flat, expected


def test_form_flows_onto_pages_with_page_numbers(pdfs: dict[str, Path]) -> None:
    """The long form has several pages, each headed and numbered 第n页 共m页."""
    need_tools()
    info = run("pdfinfo", pdfs["form"])
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    for n in range(1, pages + 1):
        page = re.sub(r"\s+", "", run("pdftotext", "-f", str(n), "-l", str(n), pdfs["form"], "-"))
        assert f"第{n}页共{pages}页" in page
        assert "居家养老服务补贴申请表" in page
        assert "610202001-20250301-00018" in page
    last = run("pdftotext", "-f", str(pages), "-l", str(pages), pdfs["form"], "-")
    for label in ("申请人签字", "社区意见", "经办人签字"):
        assert label in last


def test_form_splits_a_row_taller_than_a_page(fonts: FontSet) -> None:
    """A single answer longer than a page continues on the next with （续）."""
    need_tools()
    doc = samples.form(answers=(Field("情况说明", "需要上门助餐服务。" * 400),))
    pdf = render(doc, fonts)
    assert pdf.count(b"/Type /Page\n") >= 3 or pdf.count(b"/Type /Page") >= 3


@pytest.mark.parametrize(("paper", "dots"), [("slip80", 576), ("slip58", 384)])
def test_slip_is_the_printable_width_and_sized_to_content(
    pdfs: dict[str, Path], paper: str, dots: int
) -> None:
    """Page width = 576 / 384 dots at 203 dpi; height follows the content."""
    need_tools()
    info = run("pdfinfo", pdfs[paper])
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert w == pytest.approx(dots * 72 / 203, abs=0.01)
    assert 300 < h < 1400
    short = render(samples.slip(paper, next_steps=None, where_to_go=None, body=""), load_fonts())
    assert len(short) > 0


def test_deterministic_and_reprint_differs_only_by_mark(
    documents: dict[str, Document], fonts: FontSet
) -> None:
    """The same Document renders byte-identical; 补打 1 changes the bytes and shows the mark."""
    need_tools()
    for doc in documents.values():
        assert render(doc, fonts) == render(doc, fonts)
        again = replace(doc, reprint=1)
        assert render(again, fonts) != render(doc, fonts)
    doc = documents["certificate"]
    original = render(doc, fonts)
    reprint = render(replace(doc, reprint=2), fonts)
    # same creation date and document ID
    for pattern in (rb"/CreationDate \(([^)]*)\)", rb"/ID\s*\[<([0-9a-f]+)>"):
        assert re.search(pattern, original).group(1) == re.search(pattern, reprint).group(1)
    assert b"D:20250301094107+08'00'" in original


def test_reprint_mark_is_visible_text(documents: dict[str, Document], tmp_path: Path) -> None:
    """pdftotext shows 补打 2 on a reprint, and the rest of the text is unchanged."""
    need_tools()
    fonts = load_fonts()
    for name, doc in documents.items():
        a, b = tmp_path / f"{name}-a.pdf", tmp_path / f"{name}-b.pdf"
        a.write_bytes(render(doc, fonts))
        b.write_bytes(render(replace(doc, reprint=2), fonts))
        text_a = re.sub(r"\s+", "", run("pdftotext", a, "-"))
        text_b = re.sub(r"\s+", "", run("pdftotext", b, "-"))
        assert "补打2" in text_b and "补打" not in text_a
        assert text_b.replace("补打2", "") == text_a


def test_certificate_shrinks_then_overflows(fonts: FontSet) -> None:
    """A longer body is set smaller and still fits; far too long raises LayoutOverflowError."""
    longer = samples.certificate(body=samples.CERTIFICATE_BODY + samples.CERTIFICATE_BODY[:150])
    assert render(longer, fonts).startswith(b"%PDF")
    with pytest.raises(LayoutOverflowError) as err:
        render(samples.certificate(body=samples.CERTIFICATE_BODY * 6), fonts)
    assert err.value.resident_message[0].startswith("证明内容过长")


def test_layout_and_paper_mismatch(fonts: FontSet) -> None:
    """A certificate on slip paper is refused with a typed error."""
    with pytest.raises(UnknownLayoutError):
        render(samples.certificate(paper="slip58"), fonts)


def test_missing_font_has_a_bilingual_error(tmp_path: Path) -> None:
    """A missing font file raises FontMissingError naming the Debian package."""
    with pytest.raises(FontMissingError) as err:
        load_fonts(song_path=tmp_path / "nope.ttc")
    zh, en = err.value.resident_message
    assert "字体" in zh and "fonts-arphic-uming" in en


def test_without_qr_payload_renders_without_qr(fonts: FontSet) -> None:
    """Unsigned documents still render (no QR, no keywords)."""
    for doc in (samples.certificate(), samples.form(), samples.slip()):
        assert render(doc, fonts).startswith(b"%PDF")


def test_a_long_answer_label_is_printed_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an answer whose label is wider than the label column WHEN the form is rendered
    THEN every character of the label is on the paper (it wraps; it is never cut off)."""
    import subprocess

    from forms.document import Field
    from forms.render import render
    from tests.forms import samples

    label = "最需要哪一项上门服务项目"
    doc = samples.form(answers=(Field(label, "助餐"),))
    path = tmp_path / "form.pdf"
    path.write_bytes(render(doc))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    flat = text.stdout.replace("\n", "").replace(" ", "")
    assert all(ch in flat for ch in label)
    assert flat.count("项目") >= 1
