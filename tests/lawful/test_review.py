"""The review flow: staff of the same community approve (the sealed certificate, same serial,
dated the approval, their name as 经办人, audited with them as actor) or reject with a reason the
resident is told; nothing is decided twice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from forms.verify import extract_payload, verify_payload
from kiosk.app import Core
from kiosk.db.models import AuditEvent
from kiosk.db.repositories import IssuanceRepository, IssuanceStatus
from kiosk.documents import IssuedDocument
from kiosk.errors import MissingInputError, RecordError
from kiosk.residents import ResidentRecord
from kiosk.review import NamedReviewer, ReviewError, ReviewRefusedError, ReviewService
from printer.file import FilePrinter

from .conftest import CATALOG, Clock, first, flat, home, need_tools, pdf_lines, seeded_core

pytestmark = pytest.mark.slow  # a running kiosk or a database per test: not in make test-fast

REVIEWER = NamedReviewer("李红梅")


def apply(
    core: Core, residents: list[ResidentRecord], item_id: str, tag: str | None = None
) -> IssuedDocument:
    """A pending application of `item_id` by the first home resident (holding `tag`)."""
    today = core.issuer.clock().date()
    person = first(
        residents,
        lambda p: home(p) and (tag is None or tag in p.tags) and p.age_on(today) >= 30,
    )
    return core.issuer.issue(person, core.catalog.item(item_id))


def events(core: Core, serial: str) -> list[AuditEvent]:
    with core.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.subject == serial).order_by(AuditEvent.id)
        return list(session.scalars(query))


@pytest.fixture
def service(core: Core, clock: Clock) -> ReviewService:
    return ReviewService.for_core(core, clock=clock)


def test_approval_prints_the_sealed_certificate_with_the_same_serial(
    core: Core,
    service: ReviewService,
    residents: list[ResidentRecord],
    clock: Clock,
    tmp_path: Path,
) -> None:
    """GIVEN a volunteer's pending application WHEN 李红梅 approves it two days later with the
    36 hours of the volunteer records THEN the sealed certificate carries the same serial, the
    hours, the approval date, 经办人 李红梅 and a QR that verifies as issued; it is audited with
    her as the actor, and printing it moves it to printed."""
    need_tools()
    application = apply(core, residents, "volunteer_service_certificate", "volunteer")
    assert [c.serial for c in service.pending()] == [application.serial]
    case = service.case(application.serial)
    assert [f.id for f in case.facts] == ["hours"] and case.status == "pending_review"
    clock.now += timedelta(days=2)
    issued = service.approve(application.serial, REVIEWER, {"hours": "36"})
    assert issued.serial == application.serial and issued.document.sealed
    assert issued.document.issue_date == clock.now.date() and issued.document.handled_by == "李红梅"
    text = flat(pdf_lines(issued.pdf, tmp_path))
    for expected in ("证明专用章", "累计参加志愿服务36小时", "经办人：李红梅", "2026年12月3日"):
        assert expected in text, expected
    assert "待审核" not in text
    keys = {core.signing_key.fingerprint: core.signing_key.public_key}
    verified = verify_payload(extract_payload(issued.pdf), keys)
    assert not verified.pending and verified.serial == application.serial
    approved = [e for e in events(core, issued.serial) if e.kind == "review_approved"]
    assert len(approved) == 1 and approved[0].actor == "staff:李红梅"
    assert approved[0].detail["fact.hours"] == "36"
    core.issuer.print(issued, FilePrinter(tmp_path / "out"))
    with core.sessions() as session:
        record = IssuanceRepository(session).by_serial(issued.serial)
    assert record is not None and record.status == IssuanceStatus.PRINTED
    assert service.pending() == []
    state = service.state(issued.serial)
    assert state is not None and state.status == "approved" and "李红梅" in state.zh
    # a reprint is the certificate, not the application
    again = core.issuer.reissue(issued.serial, actor="staff:李红梅")
    assert again.document.sealed and again.document.reprint == 1


def test_approval_needs_every_fact_from_the_records(
    core: Core, service: ReviewService, residents: list[ResidentRecord]
) -> None:
    application = apply(core, residents, "volunteer_service_certificate", "volunteer")
    with pytest.raises(MissingInputError) as caught:
        service.approve(application.serial, REVIEWER, {})
    assert caught.value.field == "hours"  # type: ignore[attr-defined]
    with pytest.raises(MissingInputError):
        service.approve(application.serial, REVIEWER, {"hours": "99999"})
    assert service.case(application.serial).status == "pending_review"  # nothing changed


def test_rejection_keeps_a_reason_for_the_resident(
    core: Core, service: ReviewService, residents: list[ResidentRecord]
) -> None:
    """GIVEN an application the records do not bear out WHEN staff reject it THEN it is rejected
    with the reason, audited with the staff actor, the resident's words say why, and it can be
    neither approved afterwards nor reprinted."""
    application = apply(core, residents, "governance_participation_certificate")
    case = service.reject(application.serial, REVIEWER, "本社区活动记录中没有您的参与记录")
    assert case.status == "rejected" and case.reviewed_by == "李红梅"
    state = service.state(application.serial)
    assert state is not None and state.status == "rejected"
    assert state.zh.startswith("未通过审核：本社区活动记录中没有您的参与记录")
    assert core.config.terminal.phone in state.zh
    kinds = [(e.kind, e.actor) for e in events(core, application.serial)]
    assert ("review_rejected", "staff:李红梅") in kinds
    with pytest.raises(ReviewError):
        service.approve(application.serial, REVIEWER, {"activity": "patrol", "hours": "8"})
    with pytest.raises(RecordError):
        core.issuer.reissue(application.serial, actor="staff:李红梅")


def test_a_reason_is_needed_and_never_holds_an_id_number(
    core: Core, service: ReviewService, residents: list[ResidentRecord]
) -> None:
    application = apply(core, residents, "governance_participation_certificate")
    for reason in ("", "   ", "与610202195603011228记录不符", "理" * 201):
        with pytest.raises(ReviewError):
            service.reject(application.serial, REVIEWER, reason)
    assert service.case(application.serial).status == "pending_review"


def test_nothing_is_decided_twice(
    core: Core, service: ReviewService, residents: list[ResidentRecord]
) -> None:
    application = apply(core, residents, "volunteer_service_certificate", "volunteer")
    service.approve(application.serial, REVIEWER, {"hours": "12"})
    with pytest.raises(ReviewError):
        service.approve(application.serial, REVIEWER, {"hours": "13"})
    with pytest.raises(ReviewError):
        service.reject(application.serial, REVIEWER, "重复")


def test_only_this_communitys_staff_decide(
    core: Core, residents: list[ResidentRecord], tmp_path: Path, clock: Clock
) -> None:
    """GIVEN an application at the 红旗街社区 terminal WHEN a terminal of another community
    code is asked to approve it THEN it refuses (and does not list it)."""
    application = apply(core, residents, "volunteer_service_certificate", "volunteer")
    other = seeded_core(tmp_path / "other", clock, KIOSK_TERMINAL_COMMUNITY_CODE="610202002")
    try:
        # the same database: point the second core at the first one's file
        elsewhere = ReviewService(
            other.config, core.sessions, catalog=other.catalog,
            signing_key=other.signing_key, fonts=other.fonts, clock=clock,
        )  # fmt: skip
        assert elsewhere.pending() == []
        with pytest.raises(ReviewError):
            elsewhere.approve(application.serial, REVIEWER, {"hours": "1"})
    finally:
        other.close()


def test_the_adoption_certificate_states_a_marital_status_under_review_only(
    core: Core, service: ReviewService, residents: list[ResidentRecord], tmp_path: Path
) -> None:
    """《中国公民收养子女登记办法》第五条 asks the committee for the adopter's marital status: the
    one banned kind a statute allows, printed only after a reviewer checked it."""
    need_tools()
    application = apply(core, residents, "adoption_certificate")
    assert application.pending_review and not application.document.sealed
    issued = service.approve(application.serial, REVIEWER, {"marital": "married"})
    text = flat(pdf_lines(issued.pdf, tmp_path))
    assert "其婚姻状况为已婚" in text and "证明专用章" in text
    assert "《中国公民收养子女登记办法》第五条" in text


def test_a_banned_fact_entered_at_approval_is_refused(
    core: Core, residents: list[ResidentRecord], clock: Clock, tmp_path: Path
) -> None:
    """GIVEN a review certificate with a free-text fact WHEN the reviewer types a kinship into it
    THEN approval is refused before anything changes: the scan runs on what she would seal."""
    from kiosk.catalog import load_catalog

    text = (
        CATALOG.read_text(encoding="utf-8")
        .replace(
            "        min: 1\n        max: 2000\n    title: 参与社区治理活动证明\n",
            "        min: 1\n        max: 2000\n      - id: detail\n        label_zh: 补充说明\n"
            "        label_en: Note\n        type: text\n        max: 40\n"
            "    title: 参与社区治理活动证明\n",
            1,
        )
        .replace("活动累计{hours}小时。", "活动累计{hours}小时{detail}。", 1)
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog(path, "wangyi")
    application = apply(core, residents, "governance_participation_certificate")
    service = ReviewService(
        core.config, core.sessions, catalog=catalog,
        signing_key=core.signing_key, fonts=core.fonts, clock=clock,
    )  # fmt: skip
    facts = {"activity": "patrol", "hours": "20", "detail": "，其与楼栋长系父子关系"}
    with pytest.raises(ReviewRefusedError) as caught:
        service.approve(application.serial, REVIEWER, facts)
    assert "亲属关系证明" in caught.value.resident_message[0]
    assert service.case(application.serial).status == "pending_review"
    issued = service.approve(application.serial, REVIEWER, facts | {"detail": "，任楼栋长"})
    assert issued.document.sealed


def test_approval_is_refused_for_a_resident_who_moved_away(
    core: Core, service: ReviewService, residents: list[ResidentRecord]
) -> None:
    from kiosk.db.models import Resident

    application = apply(core, residents, "volunteer_service_certificate", "volunteer")
    with core.sessions.begin() as session:
        row = session.scalar(select(Resident).where(Resident.id == application.record.resident_id))
        assert row is not None
        row.community = "新民社区"
    with pytest.raises(ReviewRefusedError) as caught:
        service.approve(application.serial, REVIEWER, {"hours": "3"})
    assert "新民社区" in caught.value.resident_message[0]
