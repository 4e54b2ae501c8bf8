"""Resident tags: the vocabulary shared by the resident records, the import and eligibility rules.

Every tag an eligibility rule names must be here; the demo data gives every tag to some residents.
"""

from __future__ import annotations

# tag -> (Chinese label shown to staff and in reasons, minimum age of a plausible holder)
TAGS: dict[str, tuple[str, int]] = {
    "living_alone": ("独居老人", 60),
    "empty_nest": ("空巢老人", 60),
    "dementia": ("认知障碍老人", 60),
    "pensioner": ("领取养老金人员", 50),
    "retired_enterprise": ("企业退休人员", 50),
    "disability": ("持证残疾人", 0),
    "disability_grade_1": ("一级残疾", 0),
    "disability_grade_2": ("二级残疾", 0),
    "disability_grade_3": ("三级残疾", 0),
    "disability_grade_4": ("四级残疾", 0),
    "low_income": ("最低生活保障对象", 0),
    "low_income_edge": ("低保边缘家庭成员", 0),
    "extreme_poverty": ("特困供养人员", 0),
    "orphan": ("孤儿或事实无人抚养儿童", 0),
    "veteran": ("退役军人", 20),
    "military_family": ("军属", 0),
    "entitled_group": ("重点优抚对象", 30),
    "party_member": ("中共党员", 18),
    "mobile_party_member": ("流动党员", 18),
    "unemployed_registered": ("登记失业人员", 16),
    "employment_difficulty": ("就业困难人员", 16),
    "flexible_employment": ("灵活就业人员", 16),
    "only_child_parent": ("独生子女父母", 40),
    "bereaved_only_child": ("计生特殊家庭", 45),
    "chronic_disease": ("慢性病患者", 30),
    "student": ("在校学生", 6),
    "preschool_child": ("学龄前儿童", 0),
    "public_housing_tenant": ("公租房承租人", 20),
    "tenant": ("租房居住", 18),
    "volunteer": ("注册志愿者", 14),
    "grid_worker": ("网格员", 20),
    "pregnant": ("孕产妇", 20),
    "rural_hukou": ("农业户籍居民", 0),
    "resident_pension_insured": ("城乡居民养老保险参保人员", 16),
    "ill_returned_veteran": ("带病回乡退伍军人", 45),
}


def label(tag: str) -> str:
    """The Chinese label of a tag, or the tag itself if unknown."""
    return TAGS.get(tag, (tag, 0))[0]
