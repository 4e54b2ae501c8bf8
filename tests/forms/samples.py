"""Hand-built Documents for the forms tests, the benchmarks and the README pictures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from forms.document import Document, Field
from forms.keys import SigningKey
from forms.verify import sign_document

ID_NUMBER = "610202195803151234"
NAME = "王秀英"
MASKED_ID = "610202********1234"
ITEM_ID = "residence_certificate"

CERTIFICATE_BODY = (
    "兹证明王秀英（女，公民身份号码610202********1234）自2009年3月起居住在铜川市王益区红旗街道"
    "红旗街社区幸福小区3号楼2单元501室，系本社区常住居民，户籍所在地为本社区。经社区居民委员会"
    "核实，该居民在本社区连续居住已满十五年，期间遵纪守法，邻里和睦，积极参加社区组织的"
    "志愿服务、文明创建和老年协会活动（2019年、2022年两次获评“社区好邻居”）。\n\n"
    "该居民现申请办理城乡居民养老保险待遇资格认证及高龄津贴，需由居住地社区出具居住证明。"
    "经查阅社区居民登记档案、网格员入户走访记录及物业服务中心登记信息，上述情况属实。"
    "如有疑问，请与本社区居民委员会联系核实，联系电话0919-3181234（工作日8:30—17:30）。\n\n"
    "特此证明。"
)


def certificate(**changes: object) -> Document:
    """A ~450-character residence certificate without QR."""
    doc = Document(
        layout="certificate",
        paper="a4",
        title="居住证明",
        body=CERTIFICATE_BODY,
        serial="610202001-20250301-00017",
        issuer_name="铜川市王益区红旗街社区居民委员会",
        issue_date=date(2025, 3, 1),
        created_at=datetime(2025, 3, 1, 9, 41, 7),
        terminal_id="WY-DEMO-01",
        particulars=(
            Field("姓名", NAME),
            Field("性别", "女"),
            Field("公民身份号码", MASKED_ID),
            Field("民族", "汉族"),
            Field("住址", "铜川市王益区红旗街道红旗街社区幸福小区3号楼2单元501室"),
        ),
        purpose="本证明仅用于办理城乡居民养老保险待遇资格认证",
        validity_days=30,
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def form(**changes: object) -> Document:
    """A long application form that needs several pages."""
    answers = tuple(
        Field(
            f"情况说明{i + 1}",
            "申请人因年老体弱、行动不便，子女均在外地务工，需要社区提供上门助餐、"
            "助浴和定期探访服务（每周不少于两次）。" * (3 if i % 3 == 0 else 1),
        )
        for i in range(14)
    )
    doc = Document(
        layout="form",
        paper="a4",
        title="居家养老服务补贴申请表",
        body="本人承诺以上所填信息真实、准确、完整，如有虚假，愿意承担相应责任，并退还已领取的补贴。"
        "本人同意社区及民政部门为核实申请信息查询本人及家庭成员的相关信息。",
        serial="610202001-20250301-00018",
        issuer_name="铜川市王益区红旗街社区居民委员会",
        issue_date=date(2025, 3, 1),
        created_at=datetime(2025, 3, 1, 9, 45, 0),
        terminal_id="WY-DEMO-01",
        particulars=(
            Field("姓名", NAME),
            Field("性别", "女"),
            Field("出生日期", "1958年3月15日"),
            Field("公民身份号码", MASKED_ID),
            Field("联系电话", "139****5678"),
            Field("住址", "铜川市王益区红旗街道红旗街社区幸福小区3号楼2单元501室"),
        ),
        answers=answers,
        next_steps="社区工作人员将在5个工作日内入户核查，核查通过后报街道办事处审批。",
        where_to_go="红旗街社区党群服务中心一楼2号窗口",
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def slip(paper: str = "slip80", **changes: object) -> Document:
    """A receipt slip for a form handed in."""
    doc = Document(
        layout="slip",
        paper=paper,  # type: ignore[arg-type]
        title="高龄津贴申请受理回执",
        body="您的申请已受理，请妥善保管本回执。",
        serial="610202001-20250301-00019",
        issuer_name="红旗街社区居民委员会",
        issue_date=date(2025, 3, 1),
        created_at=datetime(2025, 3, 1, 9, 50, 30),
        terminal_id="WY-DEMO-01",
        particulars=(Field("姓名", NAME), Field("身份证号", MASKED_ID)),
        next_steps="请于3月8日（星期六）前携带户口本原件、本人银行卡到窗口办理。",
        where_to_go="红旗街社区党群服务中心一楼2号窗口（工作日8:30—17:30）",
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def signed(doc: Document, key: SigningKey) -> Document:
    """doc with its signed QR payload and the key fingerprint, as the issuing code does it."""
    payload = sign_document(doc, item_id=ITEM_ID, id_number=ID_NUMBER, name=NAME, key=key)
    return replace(doc, qr_payload=payload, key_fingerprint=key.fingerprint)
