"""What each request gets, on paper: a sealed record certificate only from the register, only
for the committee's own residents; a 告知单 for anyone else or for a banned fact; an unsealed
待审核 application for a review certificate; and what a receiving office checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from forms.verify import extract_payload, verify_payload
from kiosk.app import Core
from kiosk.catalog import load_catalog
from kiosk.db.models import AuditEvent
from kiosk.db.repositories import IssuanceRepository, IssuanceStatus
from kiosk.papers import plan_paper
from kiosk.residents import ResidentRecord

from .conftest import CATALOG, HOME, first, flat, home, need_tools, pdf_lines

pytestmark = pytest.mark.slow  # a running kiosk or a database per test: not in make test-fast

SCHOOL = {"purpose": "school"}


def status_of(core: Core, serial: str) -> str:
    with core.sessions() as session:
        record = IssuanceRepository(session).by_serial(serial)
    assert record is not None
    return record.status


def trusted(core: Core) -> dict[str, Ed25519PublicKey]:
    return {core.signing_key.fingerprint: core.signing_key.public_key}


def test_a_record_certificate_is_sealed_with_basis_phone_and_terminal(
    core: Core, residents: list[ResidentRecord], tmp_path: Path
) -> None:
    """GIVEN a resident of this community for years WHEN she takes the residence certificate
    THEN it is sealed, states the register's facts, and prints 出具依据 (with the purpose's
    basis), 经办人 自助终端 <terminal> 据登记信息出具 and the committee's phone number."""
    need_tools()
    zhang = first(residents, home)
    issued = core.issuer.issue(zhang, core.catalog.item("residence_certificate"), SCHOOL)
    assert issued.record.status == IssuanceStatus.ISSUED and issued.document.sealed
    text = flat(pdf_lines(issued.pdf, tmp_path))
    for expected in (
        "证明专用章",
        "出具依据：《王益区基层群众性自治组织出具证明事项清单》",
        "《中华人民共和国义务教育法》第十二条",
        f"经办人：自助终端{core.config.terminal.id}据登记信息出具",
        f"核验电话：{core.config.terminal.phone}",
        "以上情况据本社区居民登记信息出具",
        "本证明仅用于子女入学",
        "本证明自出具之日起90日内有效",
    ):
        assert expected in text, expected


def test_another_communitys_resident_gets_a_notice_naming_her_committee(
    core: Core, residents: list[ResidentRecord], tmp_path: Path
) -> None:
    """GIVEN 刘强 of 新民社区 at the 红旗街社区 terminal WHEN he asks for a residence certificate
    THEN he gets an unsealed 告知单 sending him to 新民社区居民委员会, recorded as refused."""
    need_tools()
    liu = first(residents, lambda p: p.name == "刘强")
    assert liu.community == "新民社区" != HOME
    issued = core.issuer.issue(liu, core.catalog.item("residence_certificate"), SCHOOL)
    assert issued.record.item_id == "other_community_notice" and issued.record.paper == "slip80"
    assert not issued.document.sealed
    text = flat(pdf_lines(issued.pdf, tmp_path))
    assert "不予出具证明告知单" in text and "新民社区居民委员会" in text
    assert "“居民在社区居住证明”须由您登记居住的社区出具" in text
    assert "证明专用章" not in text and "红旗街社区登记居住" not in text
    with core.sessions() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.kind == "refused"
    assert event.detail["requested"] == "residence_certificate"


def test_a_new_arrival_waits_six_months(core: Core, residents: list[ResidentRecord]) -> None:
    from kiosk.errors import NotEligibleError

    newcomer = replace(first(residents, home), registered_since=core.issuer.clock().date())
    with pytest.raises(NotEligibleError) as caught:
        core.issuer.issue(newcomer, core.catalog.item("residence_certificate"), SCHOOL)
    assert caught.value.resident_message[0] == "暂不能办理：需在本社区居住满6个月"


def test_a_banned_fact_in_an_answer_refuses_with_its_notice(
    core: Core, residents: list[ResidentRecord], tmp_path: Path
) -> None:
    """GIVEN a locality whose purpose reads 办理婚姻登记 (a basis is named, the words are banned)
    WHEN a resident chooses it THEN the kiosk prints the 婚姻状况证明 告知单, never the seal."""
    text = CATALOG.read_text(encoding="utf-8").replace(
        "  wangyi:\n    name_zh: 铜川市王益区\n",
        "  wangyi:\n    name_zh: 铜川市王益区\n    purposes:\n      residence_certificate:\n"
        "        - {id: wedding, zh: 办理婚姻登记, en: Marriage registration, basis: local_list}\n",
        1,
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog(path, "wangyi")
    zhang = first(residents, home)
    item = catalog.item("residence_certificate")
    plan = plan_paper(
        catalog,
        core.config.terminal,
        zhang,
        item,
        {"purpose": "wedding"},
        core.issuer.clock().date(),
    )
    assert plan.substituted and plan.item.id == "marital_status_notice" and not plan.sealed
    assert plan.hits[0].banned.name_zh == "婚姻状况证明" and plan.hits[0].where in (
        "purpose",
        "inputs",
    )
    ok = plan_paper(catalog, core.config.terminal, zhang, item, SCHOOL, core.issuer.clock().date())
    assert not ok.substituted and ok.sealed


def test_the_resident_name_never_trips_the_banned_scan(
    core: Core, residents: list[ResidentRecord]
) -> None:
    """A name or street that happens to hold a keyword (犬, 出生) identifies, it certifies
    nothing: the certificate is still issued."""
    zhang = replace(first(residents, home), name="王出生", address="红旗街犬吠巷3号")
    item = core.catalog.item("residence_certificate")
    plan = plan_paper(
        core.catalog, core.config.terminal, zhang, item, SCHOOL, core.issuer.clock().date()
    )
    assert plan.sealed and not plan.hits


def test_a_review_certificate_prints_an_unsealed_pending_application(
    core: Core, residents: list[ResidentRecord], tmp_path: Path
) -> None:
    """GIVEN a registered volunteer WHEN she asks for the 志愿服务记录证明 THEN she gets a numbered
    A4 application marked 待审核 · 未盖章无效: no seal, hours left for staff (（待核实）), its
    QR verifies as pending; the issuance waits in pending_review."""
    need_tools()
    volunteer = first(residents, lambda p: home(p) and "volunteer" in p.tags)
    issued = core.issuer.issue(volunteer, core.catalog.item("volunteer_service_certificate"))
    doc = issued.document
    assert doc.pending and not doc.sealed and doc.layout == "form" and issued.pending_review
    assert issued.record.status == IssuanceStatus.PENDING_REVIEW and issued.record.copies == 1
    lines = pdf_lines(issued.pdf, tmp_path)
    text = flat(lines)
    for expected in (
        "待审核·未盖章无效",
        "志愿服务记录证明出具申请单",
        "（待核实）小时",
        "出具依据",
    ):
        assert expected in text, expected
    assert "证明专用章" not in text
    verified = verify_payload(extract_payload(issued.pdf), trusted(core))
    assert verified.pending and verified.serial == issued.serial
    assert status_of(core, issued.serial) == "pending_review"
    # printing it never moves it out of the review queue
    from printer.file import FilePrinter

    core.issuer.print(issued, FilePrinter(tmp_path / "printed"))
    assert status_of(core, issued.serial) == "pending_review"


def test_the_draft_shows_the_paper_she_will_get(
    core: Core, residents: list[ResidentRecord], tmp_path: Path
) -> None:
    """The confirm screen's draft is the 告知单 or the application too, not a sealed certificate."""
    need_tools()
    liu = first(residents, lambda p: p.name == "刘强")
    draft = core.issuer.draft(liu, core.catalog.item("residence_certificate"), SCHOOL)
    assert "新民社区居民委员会" in flat(pdf_lines(draft, tmp_path))
    volunteer = first(residents, lambda p: home(p) and "volunteer" in p.tags)
    pending = core.issuer.draft(volunteer, core.catalog.item("volunteer_service_certificate"))
    assert "待审核·未盖章无效" in flat(pdf_lines(pending, tmp_path, "pending"))


def test_a_form_never_prints_the_birth_date(
    core: Core, residents: list[ResidentRecord], tmp_path: Path
) -> None:
    """The masked digits are the birth date: the form shows the masked number, not the date."""
    need_tools()
    zhang = first(residents, home)
    issued = core.issuer.issue(zhang, core.catalog.item("senior_preferential_card"))
    text = flat(pdf_lines(issued.pdf, tmp_path))
    birth = zhang.birth_date
    assert zhang.masked_id in text
    for shown in (f"{birth.year}年{birth.month}月{birth.day}日", f"{birth:%Y%m%d}", "出生日期"):
        assert shown not in text, shown


def test_a_slip_states_the_particulars_once(
    core: Core, residents: list[ResidentRecord], tmp_path: Path
) -> None:
    need_tools()
    zhang = first(residents, home)
    issued = core.issuer.issue(zhang, core.catalog.item("pension_certification_help"))
    text = flat(pdf_lines(issued.pdf, tmp_path))
    assert text.count(zhang.masked_id) == 1 and text.count(zhang.name) == 1
