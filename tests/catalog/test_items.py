"""Items of the real catalogue: inputs, filling, the law, tags, localities, the public API."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from kiosk.catalog import CatalogItem, load_catalog
from kiosk.errors import CatalogError, MissingInputError
from kiosk.residents import resident_values
from kiosk.tags import TAGS

from .conftest import CATALOG, ISSUE_VALUES, TODAY, resident


def values_for(item: CatalogItem, raw: dict[str, str] | None = None) -> dict[str, str]:
    """What the app passes to fill(): resident + issue placeholders + validated inputs, the
    facts a reviewer enters, and a notice's placeholders."""
    facts = item.validate_review_facts(sample_facts(item), TODAY)
    notice = {"requested": "居民在社区居住证明", "own_committee": "新民社区居民委员会"}
    answers = item.validate_inputs(raw or {}, TODAY)
    return resident_values(resident(), TODAY) | ISSUE_VALUES | notice | answers | facts


def sample_facts(item: CatalogItem) -> dict[str, str]:
    """What a reviewer enters for each review fact."""
    return {spec.id: _sample(spec) for spec in item.review_facts}


def _sample(spec) -> str:  # type: ignore[no-untyped-def]
    return {
        "choice": spec.choices[0].id if spec.choices else "",
        "yesno": "yes",
        "number": str(spec.min),
        "date": "2026-01-15",
        "text": "居住情况",
    }[spec.type]


def sample_answers(item: CatalogItem) -> dict[str, str]:
    """An answer for every required input without a default."""
    answers: dict[str, str] = {}
    for spec in item.inputs:
        if spec.default is not None or not spec.required:
            continue
        answers[spec.id] = _sample(spec)
    return answers


# ---------------------------------------------------------------- the API


def test_item_lookup(catalog) -> None:
    item = catalog.item("residence_certificate")
    assert item.name_zh == "居民在社区居住证明"
    assert "residence_certificate" in catalog
    with pytest.raises(KeyError):
        catalog.item("no_such_item")
    assert [i.category for i in catalog.in_category("elderly")] == ["elderly"] * len(
        catalog.in_category("elderly")
    )
    assert catalog.category("health").name_zh == "卫健"


def test_objects_are_frozen(catalog) -> None:
    item = catalog.item("senior_allowance")
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError
        item.name_zh = "x"  # type: ignore[misc]
    with pytest.raises(Exception):  # noqa: B017
        catalog.categories[0].name_zh = "x"  # type: ignore[misc]


def test_item_fields(catalog) -> None:
    for item in catalog.items:
        assert item.kind in ("certificate", "form", "slip")
        assert item.paper in ("a4", "slip")
        assert item.layout == item.kind
        assert item.description and item.next_steps and item.where_to_go
        assert 1 <= item.max_copies <= 5
        if item.kind == "certificate":
            assert item.validity_days and item.purpose and item.paper == "a4"
            assert item.staff_boxes == ()
            assert item.certify in ("record", "review") and item.legal_basis, item.id
            assert item.staff_review == (item.certify == "review"), item.id
        else:
            assert item.validity_days is None and item.purpose is None
            assert item.certify is None and not item.review_facts, item.id
        if item.kind == "form":
            assert item.staff_boxes, item.id
    boxes = {item.staff_boxes for item in catalog.items if item.kind == "form"}
    assert ("申请人签字", "社区意见", "经办人签字") in boxes


def test_residence_certificate_contract(catalog) -> None:
    """A record certificate from the register, for six months' residence, only for purposes a
    rule asks it for: 社保 and 银行 do not, so they are not offered (nor a bare 其他)."""
    item = catalog.item("residence_certificate")
    assert (item.kind, item.paper, item.layout) == ("certificate", "a4", "certificate")
    assert (item.certify, item.min_residence_months) == ("record", 6)
    assert [i.id for i in item.inputs] == ["purpose"]
    purpose = item.inputs[0]
    assert purpose.type == "choice" and purpose.required and not purpose.empty_text
    assert [c.label_zh for c in purpose.choices] == ["子女入学", "办理居住证"]
    assert all(c.basis in catalog.legal_bases for c in purpose.choices)
    assert item.purpose == "本证明仅用于{purpose}"
    for name in ("name", "sex", "id_number_masked", "address", "registered_since"):
        assert name in item.placeholders()
    assert catalog.basis_of(item).startswith("《王益区基层群众性自治组织出具证明事项清单》")


def test_residence_certificate_purpose_line(catalog) -> None:
    item = catalog.item("residence_certificate")
    filled = item.fill(values_for(item, {"purpose": "school"}))
    assert filled.purpose == "本证明仅用于子女入学"
    assert filled.answers == (("证明用来做什么", "子女入学"),)
    assert "王秀英" in filled.body and "610202********1228" in filled.body
    assert "1990年5月1日" in filled.body and "据本社区居民登记信息出具" in filled.body
    assert "{" not in filled.body


# ---------------------------------------------------------------- inputs


def test_validate_inputs_normalises_and_applies_defaults(catalog) -> None:
    item = catalog.item("senior_allowance")
    assert item.validate_inputs({}) == {"payment": "ss_card", "by_agent": "no"}
    assert item.validate_inputs({"payment": "本人银行卡", "by_agent": "是"}) == {
        "payment": "bank_card",
        "by_agent": "yes",
    }
    loan = catalog.item("startup_loan_referral")
    assert (
        loan.validate_inputs({"business": "retail", "amount": " 25 ", "licensed": "no"})["amount"]
        == "25"
    )


def test_missing_required_input_is_bilingual_and_names_the_field(catalog) -> None:
    item = catalog.item("unemployment_registration")
    with pytest.raises(MissingInputError) as caught:
        item.validate_inputs({"training": "yes"})
    zh, en = caught.value.resident_message
    assert zh == "请填写：没有工作的原因"
    assert en == "Please fill in: Reason"
    assert caught.value.field == "reason"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("item_id", "raw", "field"),
    [
        (
            "startup_loan_referral",
            {"business": "retail", "licensed": "no", "amount": "31"},
            "amount",
        ),
        (
            "startup_loan_referral",
            {"business": "retail", "licensed": "no", "amount": "many"},
            "amount",
        ),
        ("startup_loan_referral", {"business": "casino", "licensed": "no"}, "business"),
        ("startup_loan_referral", {"business": "retail", "licensed": "perhaps"}, "licensed"),
        (
            "employment_registration",
            {"job_type": "employer", "start_date": "2026-13-01"},
            "start_date",
        ),
        (
            "employment_registration",
            {"job_type": "employer", "start_date": "2026-03-02"},
            "start_date",
        ),
    ],
)
def test_invalid_inputs(catalog, item_id: str, raw: dict[str, str], field: str) -> None:
    with pytest.raises(MissingInputError) as caught:
        catalog.item(item_id).validate_inputs(raw, TODAY)
    assert caught.value.field == field  # type: ignore[attr-defined]


def test_free_text_is_rare(base_catalog) -> None:
    """Touch screens: at most a handful of text inputs, and never on an enabled item by default."""
    text_inputs = [(i.id, s.id) for i in base_catalog.items for s in i.inputs if s.type == "text"]
    assert text_inputs == []


def test_a_certificate_purpose_must_be_chosen(catalog) -> None:
    """No purpose without a basis: leaving it empty is a missing answer, not 证明居住情况."""
    item = catalog.item("residence_certificate")
    for empty in ("", None):
        with pytest.raises(MissingInputError) as caught:
            item.validate_inputs({"purpose": empty})
        assert caught.value.field == "purpose"  # type: ignore[attr-defined]
    assert item.validate_inputs({"purpose": "办理居住证"}) == {"purpose": "residence_permit"}


# ---------------------------------------------------------------- filling


def test_every_item_fills_for_a_synthetic_resident(base_catalog) -> None:
    """Every template of every item fills: no placeholder left, nothing missing."""
    full = load_catalog(CATALOG)  # base: includes every item enabled by default
    for item in full.items:
        filled = item.fill(values_for(item, sample_answers(item)))
        for text in (
            filled.title,
            filled.body,
            filled.purpose or "",
            filled.next_steps,
            filled.where_to_go,
        ):
            assert "{" not in text and "}" not in text, (item.id, text)
        assert len(filled.answers) == len(item.inputs)
        assert all(value for _label, value in filled.answers), item.id


def test_every_item_fills_in_every_locality() -> None:
    for locality in ("wangyi", "yintai"):
        catalog = load_catalog(CATALOG, locality)
        for item in catalog.items:
            item.fill(values_for(item, sample_answers(item)))


def test_fill_without_a_resident_value_is_a_catalog_error(catalog) -> None:
    item = catalog.item("residence_certificate")
    values = values_for(item, {"purpose": "school"})
    del values["address"]
    with pytest.raises(CatalogError) as caught:
        item.fill(values)
    assert "residence_certificate" in caught.value.problems[0]
    assert "address" in caught.value.problems[0]


def test_fill_renders_choices_yesno_and_dates(catalog) -> None:
    item = catalog.item("unemployment_registration")
    raw = {"reason": "laid_off", "training": "no", "last_job_end": "2025-12-31"}
    filled = item.fill(values_for(item, raw))
    assert "2025年12月31日" in filled.body
    assert "单位裁员或关闭" in filled.body
    assert ("想不想参加免费技能培训", "否") in filled.answers
    empty = item.fill(values_for(item, {"reason": "graduate"}))
    assert "此前未就业" in empty.body


def test_slips_fit_on_a_slip(base_catalog) -> None:
    for item in base_catalog.items:
        if item.paper == "slip":
            filled = item.fill(values_for(item, sample_answers(item)))
            assert len(filled.body) <= 300, item.id


# ---------------------------------------------------------------- the law and the tags


def test_twenty_banned_certificates_each_with_a_notice_slip(base_catalog) -> None:
    assert len(base_catalog.banned) == 20
    assert base_catalog.legal_basis.endswith("（民发〔2020〕20号）")
    for banned in base_catalog.banned:
        notice = base_catalog.item(banned.notice)
        assert notice.kind == "slip" and notice.paper == "slip"
        assert notice.title == "不予出具证明告知单"
        assert banned.tag in notice.topics
        assert "民发〔2020〕20号" in notice.body


def test_no_certificate_is_banned(base_catalog) -> None:
    """No certificate names or prints a banned kind, but the statute's own exception (the 收养
    certificate's 婚姻状况, under review only)."""
    from kiosk.catalog.law import allowed_tags

    for item in base_catalog.items:
        if item.kind != "certificate":
            continue
        allowed = allowed_tags(item.id, base_catalog.exceptions)
        assert not allowed or item.certify == "review", item.id
        for banned in base_catalog.banned:
            if banned.tag in allowed:
                continue
            assert banned.tag not in item.topics
            for keyword in banned.keywords:
                for text in (item.name_zh, item.title, item.body, item.purpose or ""):
                    assert keyword not in text, (item.id, keyword)
    assert {(e.item, e.tags) for e in base_catalog.exceptions} == {
        ("adoption_certificate", ("marital_status",))
    }


def test_every_rule_tag_exists_in_the_vocabulary(base_catalog) -> None:
    used = set().union(*(item.eligibility.tags() for item in base_catalog.items))
    assert used, "rules use tags"
    assert used <= set(TAGS), used - set(TAGS)


def test_every_tag_has_a_label_and_plausible_age() -> None:
    for tag, (label, min_age) in TAGS.items():
        assert label and 0 <= min_age <= 100, tag


# ---------------------------------------------------------------- localities


def test_locality_disable_enable_rename(base_catalog) -> None:
    wangyi = load_catalog(CATALOG, "wangyi")
    yintai = load_catalog(CATALOG, "yintai")
    assert wangyi.locality == "wangyi" and base_catalog.locality is None
    for catalog in (base_catalog, wangyi, yintai):
        assert "other_duty_certificate" not in catalog  # free-text 其他证明: gone everywhere
    # 印台区 has not authorised self-service sealing: every certificate is reviewed there
    assert wangyi.item("residence_certificate").certify == "record"
    certificates = [i for i in yintai.items if i.kind == "certificate"]
    assert certificates and all(i.certify == "review" and i.staff_review for i in certificates)
    assert yintai.basis_of(yintai.item("residence_certificate")).startswith("《印台区")
    assert "rural_family_planning_reward" in wangyi
    assert "rural_family_planning_reward" not in yintai
    with pytest.raises(KeyError):
        yintai.item("rural_family_planning_reward")
    assert wangyi.item("elderly_meal_registration").name_zh == "老年助餐登记（社区长者食堂）"
    assert base_catalog.item("elderly_meal_registration").name_zh == "老年助餐登记"
    assert wangyi.item("elderly_meal_registration").name_en == "Senior meal service registration"


def test_unknown_locality_is_an_error() -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(CATALOG, "xian")
    assert "unknown locality 'xian'" in caught.value.problems[0]
    assert "wangyi" in caught.value.problems[0]


def test_locality_naming_an_unknown_item(tmp_path: Path) -> None:
    text = CATALOG.read_text(encoding="utf-8")
    old = "    disable: [rural_family_planning_reward]\n"
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "catalog.yaml"
    path.write_text(text.replace(old, "    disable: [rural_family_planning]\n"), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path, "yintai")
    assert caught.value.problems == [
        f"catalog.yaml:{line}: locality 'yintai': disable: unknown item 'rural_family_planning'"
    ]


def test_catalog_records_its_source(catalog) -> None:
    assert catalog.source == CATALOG
    assert catalog.digest == hashlib.sha256(CATALOG.read_bytes()).hexdigest()
    timed = load_catalog(CATALOG, "wangyi", clock=iter([5.0, 5.5]).__next__)
    assert timed.load_seconds == 0.5


def test_reload_keeps_the_old_catalogue_when_broken(tmp_path: Path) -> None:
    from kiosk.catalog import reload_catalog

    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG.read_text(encoding="utf-8"), encoding="utf-8")
    current = load_catalog(path, "wangyi")
    path.write_text("items: [\n", encoding="utf-8")
    kept, problems = reload_catalog(current)
    assert kept is current and problems and "YAML syntax error" in problems[0]
    path.write_text(CATALOG.read_text(encoding="utf-8"), encoding="utf-8")
    fresh, problems = reload_catalog(current)
    assert problems == [] and fresh is not current and fresh.locality == "wangyi"


def test_today_is_only_used_for_dates() -> None:
    """Eligibility depends on the issuing date passed in, not on the clock."""
    catalog = load_catalog(CATALOG)
    born = resident(birth_date=date(1946, 6, 1))
    item = catalog.item("senior_allowance")
    assert not item.check_eligibility(born, date(2026, 5, 31)).eligible
    assert item.check_eligibility(born, date(2026, 6, 1)).eligible


def test_fill_accepts_values_already_displayed(base_catalog) -> None:
    """The app may pass display_inputs() output: filling again gives the same text."""
    for item in base_catalog.items:
        values = values_for(item, sample_answers(item))
        shown = values | item.display_inputs(values)
        assert item.fill(shown) == item.fill(values), item.id
