"""The law as data: the certificates a residents' committee must not issue, the exceptions a
statute makes, and the scan that applies them to what a paper would print.

民发〔2020〕20号 lists twenty certificates a committee must not issue (its 《不应由基层群众性
自治组织出具证明事项清单（第一批）》, as Xinhua published it on 2020-04-28); `banned_certificates`
in catalog.yaml holds them under those official names, each with the words that show the kind
and the 告知单 that tells the resident where to go instead. The scan runs on an item's texts
when the catalogue is loaded, and on the filled texts of every certificate before it is
recorded. A statute that makes a committee certify one of those facts (the 收养 certificate of
《中国公民收养子女登记办法》第五条) is an `exception` naming the item, the kinds and the basis,
and only ever issued after staff review: never a keyword left out to let one item through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import Field

from kiosk.catalog.inputs import Frozen

#: Resident placeholders a certificate may state: who the person is (masked) and where and
#: since when the register has them living here. Never the birth date (the masked digits), the
#: full ID number, the phone, nation, hukou or age (身份信息, 户口登记: the police's records),
#: nor the register's tags (低保, 残疾...: the departments that decided them issue the proof).
CERTIFIABLE = frozenset(
    {
        "name",
        "sex",
        "id_number_masked",
        "address",
        "community",
        "grid",
        "building",
        "unit",
        "room",
        "registered_since",
        "residence_years",
    }
)
#: Placeholders that state how long and where someone lives: a certificate that uses one needs
#: a minimum residence (min_residence_months).
RESIDENCE_FACTS = frozenset({"registered_since", "residence_years"})
#: Judgements a committee's records cannot hold; no certificate may print them.
EVALUATIONS = (
    "表现良好",
    "表现优秀",
    "表现突出",
    "品行良好",
    "品行端正",
    "遵纪守法",
    "无不良记录",
    "生活困难",
    "经济困难",
    "确有困难",
)
#: What a `record` certificate must not claim: no person checked anything (it states the register).
VERIFIED_CLAIMS = ("核实", "核对", "属实", "查实")
#: The 告知单 printed when a resident of another community asks for a certificate.
OTHER_COMMUNITY_NOTICE = "other_community_notice"
#: Placeholders only a notice standing in for another item has (kiosk.papers fills them).
NOTICE_PLACEHOLDERS: dict[str, str] = {
    "requested": "居民申请的事项名称",
    "own_committee": "居民登记所在社区的居民委员会",
}


class BannedCertificate(Frozen):
    """A certificate a residents' committee must not issue, and who does handle the need."""

    tag: str
    name_zh: str = Field(min_length=1)  # the official name, as the list words it
    keywords: tuple[str, ...] = Field(min_length=1)
    handled_by: str = Field(min_length=1)
    notice: str  # id of the slip item that tells the resident where to go


class LawException(Frozen):
    """A certificate a statute requires of the committee although it states a banned kind:
    allowed for this item and these kinds only, and only as a `review` certificate."""

    item: str
    tags: tuple[str, ...] = Field(min_length=1)
    basis: str  # id in legal_bases
    note: str = Field(min_length=1)


@dataclass(frozen=True)
class BannedHit:
    """One banned kind found in one text: which kind, by which word, where."""

    banned: BannedCertificate
    keyword: str
    where: str
    text: str

    @property
    def notice(self) -> str:
        """The id of the 告知单 for this kind."""
        return self.banned.notice


def scan(
    texts: Iterable[tuple[str, str]],
    banned: Iterable[BannedCertificate],
    allowed: Iterable[str] = (),
) -> list[BannedHit]:
    """Every banned kind (one hit per kind, the first text it shows in) among `texts`, given as
    (where, text) pairs; kinds whose tag is in `allowed` are the item's statutory exceptions."""
    skip = frozenset(allowed)
    pairs = [(where, text) for where, text in texts if text]
    hits: list[BannedHit] = []
    for entry in banned:
        if entry.tag in skip:
            continue
        for where, text in pairs:
            word = next((k for k in entry.keywords if k in text), None)
            if word is not None:
                hits.append(BannedHit(entry, word, where, text))
                break
    return hits


def evaluations_in(text: str) -> list[str]:
    """The judgements (表现良好...) a text states, which no register can prove."""
    return [word for word in EVALUATIONS if word in text]


def allowed_tags(item_id: str, exceptions: Iterable[LawException]) -> frozenset[str]:
    """The banned kinds a statute lets this item state (none for almost every item)."""
    return frozenset(tag for e in exceptions if e.item == item_id for tag in e.tags)


def basis_text(ids: Iterable[str], bases: Mapping[str, str]) -> str:
    """The printed 出具依据: the texts of the basis ids, in order, without repeats."""
    seen: list[str] = []
    for basis_id in ids:
        text = bases.get(basis_id, "")
        if text and text not in seen:
            seen.append(text)
    return "；".join(seen)
