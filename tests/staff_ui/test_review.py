"""审核申请 on the touch screen: the pending applications, the facts entered from the records
on a keypad, approval that prints the sealed certificate under the same serial, and rejection
with a reason the resident is told."""

from __future__ import annotations

import re

import pytest

from kiosk.review import ReviewService
from kiosk.ui.keypad import NumberInput

from .conftest import Staffed, accessible_press, click, newest_pdf, pdf_text
from .helpers import issue, resident_for

pytestmark = pytest.mark.slow  # the whole kiosk, worker and window per test (~2 s)

ITEM = "volunteer_service_certificate"


def apply(staffed: Staffed, item_id: str = ITEM, tag: str = "volunteer") -> str:
    """A pending application of a home resident holding `tag`; its serial."""
    person = resident_for(staffed.core, item_id, lambda p: tag in p.tags)
    return issue(staffed, item_id, printed=False, resident=person).serial


def open_review(staffed: Staffed) -> None:
    staffed.add_staff()
    staffed.sign_in()
    click(staffed.qtbot, staffed.layer.home.tiles["review"])
    staffed.wait_idle()


def test_approval_with_the_recorded_hours_prints_the_sealed_certificate(
    staffed: Staffed,
) -> None:
    """GIVEN a volunteer's pending application WHEN staff open it THEN it shows who applied
    (masked) and asks the hours from the records; approving without them is refused and
    changes nothing; with 36 typed on the keypad the sealed certificate prints on A4 with the
    same serial, the hours and 经办人 王丽, audited with her as the actor."""
    serial = apply(staffed)
    open_review(staffed)
    screen, qtbot = staffed.layer.review, staffed.qtbot
    assert [c.serial for c in screen.cases] == [serial]
    assert "志愿服务记录证明" in screen.rows.button_for(serial).text()
    click(qtbot, screen.rows.button_for(serial))
    case = screen.case
    assert serial in case.info.text() and "********" in case.info.text()
    assert list(case.inputs) == ["hours"]
    accessible_press(qtbot, case.approve)
    staffed.wait_idle()
    assert case.notice.kind == "error" and case.approve.isEnabled()
    assert ReviewService.for_core(staffed.core).case(serial).status == "pending_review"
    hours = case.inputs["hours"]
    assert isinstance(hours, NumberInput)
    for key in "36":
        click(qtbot, hours.pad.keys[key])
    printed = staffed.running.kiosk.config.data_dir / "printed"
    before = set(printed.glob("*.pdf"))
    click(qtbot, case.approve)
    staffed.wait_idle()
    assert f"已审核通过并打印：{serial}" in case.notice.text(), case.notice.text()
    text = re.sub(r"\s+", "", pdf_text(newest_pdf(printed, before)))
    assert serial in text and "36小时" in text and "经办人：王丽" in text and "待审核" not in text
    (event,) = staffed.events("review_approved")
    assert (event["subject"], event["actor"], event["fact.hours"]) == (serial, "staff:王丽", "36")
    assert not case.approve.isEnabled() and not case.reject.isEnabled()  # decided once
    click(qtbot, case.back)
    staffed.wait_idle()
    assert screen.cases == [] and screen.stack.currentWidget() is screen.queue_page


def test_rejection_with_a_reason_the_resident_is_told(staffed: Staffed) -> None:
    """GIVEN a pending application WHEN staff choose 本社区记录中没有相关记录 and 不予出具 THEN it
    is rejected with that reason (what verify tells her), audited with the staff actor, and
    leaves the queue."""
    serial = apply(staffed)
    open_review(staffed)
    screen, qtbot = staffed.layer.review, staffed.qtbot
    click(qtbot, screen.rows.button_for(serial))
    case = screen.case
    accessible_press(qtbot, case.reasons.choices["本社区记录中没有相关记录"])
    click(qtbot, case.reject)
    staffed.wait_idle()
    assert f"已不予出具：{serial}" in case.notice.text()
    assert not case.approve.isEnabled() and not case.reject.isEnabled()
    state = ReviewService.for_core(staffed.core).state(serial)
    assert state is not None and state.status == "rejected"
    assert state.zh.startswith("未通过审核：本社区记录中没有相关记录")
    (event,) = staffed.events("review_rejected")
    assert (event["subject"], event["actor"]) == (serial, "staff:王丽")
    accessible_press(qtbot, case.back)
    staffed.wait_idle()
    assert screen.cases == []
