"""The schema keeps the law: three kinds of paper, a basis for every certificate, facts only from
the register (or from a reviewer), purposes with a basis, the banned list on everything a
certificate could print, statutory exceptions under review only, and privacy on paper."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.catalog import check_catalog, load_catalog

from .conftest import CATALOG

Broken = Callable[[str, str], Path]

VOLUNTEER_FACTS = """    review_facts:
      - id: hours
        label_zh: 志愿服务记录中的累计时长（小时）
        label_en: Hours on record
        type: number
        required: true
        min: 1
        max: 5000
"""


def problems_of(path: Path) -> list[str]:
    return check_catalog(path)


def test_the_shipped_catalogue_keeps_the_law() -> None:
    """GIVEN catalog.yaml WHEN checked THEN no problem, and every certificate is record or
    review with a basis; no free-text 其他证明 anywhere; three hardship certificates and the
    title-origin certificate are gone, their 告知单 in their place."""
    assert check_catalog(CATALOG) == []
    base = load_catalog(CATALOG)
    for locality in (None, "wangyi", "yintai"):
        catalog = load_catalog(CATALOG, locality)
        assert "other_duty_certificate" not in catalog
        for gone in (
            "hardship_certificate",
            "litigation_fee_hardship_certificate",
            "student_hardship_certificate",
            "title_origin_certificate",
        ):
            assert gone not in catalog
    for notice in ("hardship_notice", "litigation_fee_notice", "student_aid_notice"):
        item = base.item(notice)
        assert item.kind == "slip" and "承诺书" in item.body
    assert base.item("hardship_pledge").kind == "form"
    assert base.item("title_origin_notice").topics == ("property",)
    kinds = {i.id: i.certify for i in base.items if i.kind == "certificate"}
    assert kinds == {
        "residence_certificate": "record",
        "tenancy_certificate": "record",
        "governance_participation_certificate": "review",
        "student_practice_certificate": "review",
        "volunteer_service_certificate": "review",
        "maintenance_fund_certificate": "review",
        "adoption_certificate": "review",
    }


def test_banned_kinds_carry_their_official_names() -> None:
    """The 20 kinds under the names of the list Xinhua published on 2020-04-28, and each 告知单
    says that name (no 犬类管理 for 居民养犬, no 经营场所 for 市场主体住所)."""
    catalog = load_catalog(CATALOG)
    names = [b.name_zh for b in catalog.banned]
    assert names == [
        "亲属关系证明",
        "居民身份信息证明",
        "户口登记项目内容变更申请证明",
        "居民养犬证明",
        "无犯罪记录证明",
        "社区戒毒社区康复人员情况证明",
        "人员失踪证明",
        "婚姻状况证明",
        "出生证明",
        "健在证明",
        "死亡证明",
        "疾病状况证明",
        "残疾状况证明",
        "婚育状况证明",
        "居民就业状况证明",
        "居民个人档案证明",
        "居民财产证明",
        "遗产继承权证明",
        "市场主体住所证明",
        "证件遗失证明",
    ]
    for banned in catalog.banned:
        notice = catalog.item(banned.notice)
        assert f"“{banned.name_zh}”" in notice.body, banned.tag
        assert notice.name_zh.startswith(banned.name_zh), notice.name_zh


def test_a_record_certificate_may_not_print_what_the_resident_typed(broken: Broken) -> None:
    """The volunteer who typed 5000 hours: an answer in a certificate's body is refused."""
    path = broken(
        VOLUNTEER_FACTS,
        """    inputs:
      - id: hours
        label_zh: 累计服务多少小时
        label_en: Total hours
        type: number
        min: 1
        max: 5000
        default: "10"
""",
    )
    found = problems_of(path)
    assert any("'{hours}' is the resident's own answer" in p for p in found), found
    assert any("a certificate asks only for a purpose" in p for p in found), found


def test_review_facts_are_for_review_certificates_only(broken: Broken) -> None:
    path = broken(
        "    certify: review\n    legal_basis: [volunteer_records]\n",
        "    certify: record\n    legal_basis: [volunteer_records]\n",
    )
    found = problems_of(path)
    assert any("review_facts are for review certificates only" in p for p in found), found


def test_every_certificate_needs_a_kind_and_a_basis(broken: Broken) -> None:
    path = broken(
        "    certify: record\n    legal_basis: [local_list, residents_committee_law]\n"
        "    description: 证明您在本社区登记居住",
        "    description: 证明您在本社区登记居住",
    )
    found = problems_of(path)
    assert any("needs certify: record or review" in p for p in found), found
    assert any("needs a legal_basis (出具依据)" in p for p in found), found
    unknown = broken("legal_basis: [volunteer_records]", "legal_basis: [volunteer_law]")
    assert any("unknown legal basis 'volunteer_law'" in p for p in problems_of(unknown))


def test_a_form_or_slip_is_never_certified(broken: Broken) -> None:
    path = broken(
        "    category: elderly\n    kind: form\n    description: 年满80周岁",
        "    category: elderly\n    kind: form\n    certify: record\n    description: 年满80周岁",
    )
    assert any("certify is for certificates only" in p for p in problems_of(path))


def test_purposes_need_a_basis(broken: Broken) -> None:
    """社保 and 银行 ask for no residence certificate: a purpose without a basis is refused."""
    path = broken(
        "          - {id: residence_permit, zh: 办理居住证, en: Residence permit, basis: residence_permit}\n",
        "          - {id: residence_permit, zh: 办理居住证, en: Residence permit, basis: residence_permit}\n"
        "          - {id: bank, zh: 银行业务, en: Bank}\n",
    )
    found = problems_of(path)
    assert any("purpose 'bank' has no basis" in p for p in found), found


def test_a_locality_may_add_a_purpose_only_with_its_basis(broken: Broken, tmp_path: Path) -> None:
    """GIVEN a locality naming 社保业务 with a basis WHEN loaded THEN its residence certificate
    offers it and prints that basis; without a basis the profile is refused."""
    profile = """  wangyi:
    name_zh: 铜川市王益区
    purposes:
      residence_certificate:
        - {id: social_security, zh: 社保业务, en: Social security, basis: local_ss_rule}
    legal_bases:
      local_list: 《王益区证明事项清单（2026年版）》
"""
    text = CATALOG.read_text(encoding="utf-8")
    text = text.replace("  wangyi:\n    name_zh: 铜川市王益区\n", profile, 1)
    text = text.replace(
        "  commitment:", "  local_ss_rule: 《王益区社保经办规程》第十条\n  commitment:", 1
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    assert check_catalog(path) == []
    wangyi = load_catalog(path, "wangyi")
    choices = [c.id for c in wangyi.item("residence_certificate").inputs[0].choices]
    assert choices == ["school", "residence_permit", "social_security"]
    assert "social_security" not in [
        c.id for c in load_catalog(path).item("residence_certificate").inputs[0].choices
    ]
    assert wangyi.basis_of(wangyi.item("residence_certificate")).startswith("《王益区证明事项清单")
    path.write_text(text.replace(", basis: local_ss_rule}", "}"), encoding="utf-8")
    assert any("purpose 'social_security' has no basis" in p for p in check_catalog(path))


def test_residence_needs_a_minimum_and_a_locality_can_change_it(
    broken: Broken, tmp_path: Path
) -> None:
    path = broken("    min_residence_months: 6\n    inputs:", "    inputs:")
    assert any(
        "a certificate stating residence needs min_residence_months" in p for p in problems_of(path)
    )
    text = CATALOG.read_text(encoding="utf-8").replace(
        "    self_service_seal: false\n",
        "    self_service_seal: false\n    min_residence_months: 12\n",
    )
    path.write_text(text, encoding="utf-8")
    assert load_catalog(path, "yintai").item("residence_certificate").min_residence_months == 12
    assert load_catalog(path, "wangyi").item("residence_certificate").min_residence_months == 6


def test_the_banned_list_applies_to_the_body_and_the_answers(broken: Broken) -> None:
    """Names were all the old check read: now a banned kind in a certificate's body, purpose,
    questions or choices is refused too (the father-and-son sentence of issue 15)."""
    body = broken(
        "其在本社区参加{activity}社会实践活动",
        "其与父亲系父子关系，在本社区参加{activity}社会实践活动",
    )
    assert any(
        "banned certificate '亲属关系证明' (keyword '父子关系'" in p for p in problems_of(body)
    )
    choice = broken(
        "          - {id: library, zh: 社区图书室服务, en: Library}",
        "          - {id: library, zh: 未婚青年联谊, en: Library}",
    )
    assert any("banned certificate '婚姻状况证明'" in p for p in problems_of(choice))


def test_an_exception_is_only_for_a_review_certificate(broken: Broken) -> None:
    """The 收养 certificate states a marital status because its statute says so, and only under
    review; a record certificate cannot be let through that way."""
    path = broken("  - item: adoption_certificate\n", "  - item: residence_certificate\n")
    found = problems_of(path)
    assert any(
        "exception 'residence_certificate'" in p and "review certificate only" in p for p in found
    ), found
    assert any("item 'adoption_certificate': banned certificate '婚姻状况证明'" in p for p in found)


def test_no_judgement_or_verification_claim_on_a_record_certificate(broken: Broken) -> None:
    """表现良好 is a judgement; 经核实属实 on a paper nobody checked is a false claim."""
    good = broken(
        "累计{hours}小时。\n      特此证明。\n    purpose: 本证明仅用于向学校",
        "累计{hours}小时，表现良好。\n      特此证明。\n    purpose: 本证明仅用于向学校",
    )
    assert any("'表现良好' is a judgement" in p for p in problems_of(good))
    claim = broken("以上情况据本社区居民登记信息出具。特此证明。", "以上情况经核实属实。特此证明。")
    assert any("nobody checks a record certificate" in p for p in problems_of(claim))


def test_no_paper_prints_the_birth_date(broken: Broken) -> None:
    """The masked digits are the birth date: both on one paper give the full number."""
    path = broken(
        "申请人{name}，{sex}，{age}岁，身份证号{id_number_masked}，住{address}。\n      本人申请办理老年人优待证",
        "申请人{name}，{sex}，{birth_date}出生，身份证号{id_number_masked}，住{address}。\n      本人申请办理老年人优待证",
    )
    found = problems_of(path)
    assert any("{birth_date} must not be printed" in p for p in found), found


def test_a_slip_states_the_particulars_once(broken: Broken) -> None:
    path = broken(
        "      认证方式：{method}。", "      {name}（{id_number_masked}）：认证方式：{method}。"
    )
    found = problems_of(path)
    assert sum("printed in the slip's particulars already" in p for p in found) == 2, found


def test_certificates_need_the_other_community_notice(broken: Broken) -> None:
    path = broken("  - id: other_community_notice\n", "  - id: another_notice\n")
    assert any(
        "certificates need the slip 'other_community_notice'" in p for p in problems_of(path)
    )


def test_a_committee_without_self_service_seal_reviews_every_certificate() -> None:
    yintai = load_catalog(CATALOG, "yintai")
    wangyi = load_catalog(CATALOG, "wangyi")
    assert wangyi.item("residence_certificate").sealed_at_kiosk
    for item in yintai.items:
        if item.kind == "certificate":
            assert item.needs_review and not item.sealed_at_kiosk, item.id


@pytest.mark.parametrize("locality", [None, "wangyi", "yintai"])
def test_every_certificate_prints_a_basis(locality: str | None) -> None:
    catalog = load_catalog(CATALOG, locality)
    for item in catalog.items:
        if item.kind == "certificate":
            assert catalog.basis_of(item), item.id
