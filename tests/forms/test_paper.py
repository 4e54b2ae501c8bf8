"""Paper that reads right: values never split on any layout, a form on one sheet when its text
can be, no sheet of empty boxes, the seal only on a final certificate, and the pending mark."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from forms.document import PENDING_MARK, Document, Field
from forms.fonts import FontSet
from forms.render import render
from forms.seal import SealRefusedError, stamp_document
from tests.forms import samples
from tests.forms.conftest import need_tools

VALUES = ("610202********0024", "610202001-20261201-00017", "2026年12月31日", "0919-2188110")
TEXT = (
    "居民刘强（610202********0024）：编号610202001-20261201-00017的申请已受理，"
    "请于2026年12月31日前来办理，电话0919-2188110（工作日）。"
)


def lines_of(pdf: bytes, tmp_path: Path, name: str) -> list[list[str]]:
    """Each page's lines as pdftotext -layout reads them, whitespace removed."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [[re.sub(r"\s+", "", line) for line in page.splitlines()] for page in out.split("\f")]


def assert_whole(pages: list[list[str]], value: str) -> None:
    lines = [line for page in pages for line in page]
    joined = "".join(lines)
    assert joined.count(value) >= 1, value
    assert sum(line.count(value) for line in lines) == joined.count(value), (value, lines)


@pytest.mark.parametrize(
    "doc",
    [
        samples.slip("slip58", body=TEXT, particulars=(Field("公民身份号码", VALUES[0]),)),
        samples.slip("slip80", body=TEXT, particulars=(Field("公民身份号码", VALUES[0]),)),
        samples.certificate(body=TEXT * 2),
        samples.form(answers=(Field("说明", TEXT * 3),)),
    ],
    ids=["slip58", "slip80", "certificate", "form"],
)
def test_values_are_never_split_on_any_layout(
    doc: Document, fonts: FontSet, tmp_path: Path
) -> None:
    """GIVEN masked ID numbers, serials, dates and phone numbers in particulars and text WHEN
    each layout is printed THEN every one of them is whole on a line (58 mm sets a run that
    would not fit in smaller type rather than cut it)."""
    need_tools()
    pages = lines_of(render(replace(doc, serial=VALUES[1]), fonts), tmp_path, doc.paper)
    for value in VALUES:
        assert_whole(pages, value)


def test_the_slip58_serial_shrinks_instead_of_splitting(fonts: FontSet, tmp_path: Path) -> None:
    need_tools()
    pages = lines_of(render(samples.slip("slip58", serial=VALUES[1]), fonts), tmp_path, "s58")
    assert any(VALUES[1] in line for line in pages[0])


def short_form(n_answers: int) -> Document:
    answers = tuple(Field(f"问题{i + 1}", "是") for i in range(n_answers))
    return samples.form(answers=answers, body="本人承诺以上信息真实。")


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_a_form_whose_text_fits_one_sheet_stays_on_one(fonts: FontSet) -> None:
    """GIVEN forms that grow row by row WHEN the text alone fits one sheet THEN the whole form
    does: the three signature boxes shrink before they would spill."""
    from forms.layouts.form import _layout
    from forms.layouts.form_flow import BOX_H, MIN_BOX_H

    font = fonts.song
    shrunk = 0
    for n in range(1, 40):
        doc = short_form(n)
        if len(_layout(doc, font, boxes=False)) > 1:
            break
        pages = page_count(render(doc, fonts))
        if len(_layout(doc, font, box_h=MIN_BOX_H)) == 1:
            assert pages == 1, n
            if len(_layout(doc, font, box_h=BOX_H)) > 1:
                shrunk += 1
    assert shrunk > 0, "no form needed its boxes shrunk: the test did not test it"


def test_no_sheet_carries_only_boxes(fonts: FontSet, tmp_path: Path) -> None:
    """GIVEN forms of every length up to three sheets WHEN printed THEN the last sheet always has
    text besides the boxes (the declaration moves with them)."""
    need_tools()
    for n in range(1, 70, 3):
        pdf = render(short_form(n), fonts)
        pages = [page for page in lines_of(pdf, tmp_path, f"f{n}") if "".join(page)]
        last = "".join(pages[-1])
        text = [word for word in ("问题", "申请人声明", "办理流程", "办理地点") if word in last]
        assert text, (n, last[:80])


def test_a_pending_certificate_has_no_seal_and_says_so(fonts: FontSet, tmp_path: Path) -> None:
    need_tools()
    pending = samples.certificate(status="pending")
    text = "".join("".join(p) for p in lines_of(render(pending, fonts), tmp_path, "pending"))
    assert "证明专用章" not in text and PENDING_MARK.replace(" ", "") in text
    final = "".join(
        "".join(p) for p in lines_of(render(samples.certificate(), fonts), tmp_path, "f")
    )
    assert "证明专用章" in final and "待审核" not in final


def test_a_pending_form_is_marked_on_every_sheet(fonts: FontSet, tmp_path: Path) -> None:
    need_tools()
    pages = lines_of(render(samples.form(status="pending"), fonts), tmp_path, "pform")
    printed = [page for page in pages if "".join(page)]
    assert len(printed) >= 2
    for page in printed:
        assert PENDING_MARK.replace(" ", "") in "".join(page)


def test_the_seal_refuses_anything_but_a_final_certificate(fonts: FontSet) -> None:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas("/dev/null")
    stamp_document(canvas, samples.certificate(), 100, 100, 50, fonts.song)
    for doc in (samples.certificate(status="pending"), samples.form(), samples.slip()):
        with pytest.raises(SealRefusedError):
            stamp_document(canvas, doc, 100, 100, 50, fonts.song)


def test_a_certificate_prints_what_a_receiving_office_checks(
    fonts: FontSet, tmp_path: Path
) -> None:
    need_tools()
    doc = samples.certificate(
        legal_basis="《王益区基层群众性自治组织出具证明事项清单》",
        handled_by="自助终端 WY-DEMO-01 据登记信息出具",
        contact_phone="0919-2188110",
    )
    text = "".join("".join(p) for p in lines_of(render(doc, fonts), tmp_path, "notes"))
    for expected in (
        "出具依据：《王益区基层群众性自治组织出具证明事项清单》",
        "经办人：自助终端WY-DEMO-01据登记信息出具",
        "核验电话：0919-2188110",
    ):
        assert expected in text
