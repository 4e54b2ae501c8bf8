"""Synthetic residents of Wangyi District (Tongchuan, Shaanxi; region code 610202) for the demo.

Deterministic (fixed seed): the same list on every machine, so tests and screenshots agree.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from card_reader import idnumber
from kiosk.db.repositories import ResidentData, ResidentRepository
from kiosk.tags import TAGS

SEED = 20231001
REFERENCE_DAY = date(2026, 1, 1)  # ages are spread relative to this day

# Street office -> communities (Wangyi District's urban communities).
STREETS: dict[str, tuple[str, ...]] = {
    "七一路街道": ("七一路社区", "北关社区", "建设路社区", "北市区社区"),
    "红旗街街道": ("红旗街社区", "新民社区", "东新街社区", "南市区社区"),
    "桃园街道": ("桃园社区", "人民路社区", "三里洞社区", "西川社区"),
    "青年路街道": ("青年路社区", "崔家沟社区", "五一路社区", "川口社区"),
    "王家河街道": ("王家河社区", "东坡社区", "孟家塬社区", "李家沟社区"),
}
COMMUNITIES = tuple((street, c) for street, cs in STREETS.items() for c in cs)
ROADS = (
    "红旗街",
    "七一路",
    "人民路",
    "青年路",
    "北关路",
    "建设路",
    "五一路",
    "桃园路",
    "川口路",
    "东新街",
)
ESTATES = (
    "矿务局家属院",
    "煤机厂小区",
    "红旗小区",
    "金谷苑",
    "阳光花园",
    "王益新村",
    "电厂家属楼",
    "建材小区",
    "桃园新居",
    "北市区小区",
    "黄堡新村",
    "翠屏小区",
)

SURNAMES = "王张李刘杨赵陈孙马周吴郭高何郑罗梁宋谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_OLD_M = (
    "建国",
    "建军",
    "国强",
    "志刚",
    "卫东",
    "振华",
    "德明",
    "永祥",
    "长发",
    "世明",
    "福生",
    "玉堂",
    "万才",
    "建设",
    "红军",
)
GIVEN_OLD_F = (
    "秀兰",
    "桂英",
    "玉梅",
    "淑珍",
    "凤英",
    "秀英",
    "桂芳",
    "翠花",
    "玉兰",
    "春梅",
    "素芳",
    "彩霞",
    "金凤",
    "爱华",
    "冬梅",
)
GIVEN_MID_M = (
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "涛",
    "斌",
    "浩",
    "鹏",
    "亮",
    "刚",
    "峰",
    "海涛",
    "小龙",
    "志强",
)
GIVEN_MID_F = (
    "丽",
    "娜",
    "敏",
    "静",
    "艳",
    "娟",
    "霞",
    "燕",
    "芳",
    "丹",
    "晓燕",
    "海燕",
    "丽娟",
    "婷",
    "慧",
)
GIVEN_YOUNG_M = (
    "子轩",
    "浩宇",
    "宇航",
    "梓豪",
    "俊杰",
    "一鸣",
    "博文",
    "皓轩",
    "天佑",
    "明轩",
    "思远",
    "嘉懿",
)
GIVEN_YOUNG_F = (
    "梓涵",
    "欣怡",
    "雨桐",
    "可馨",
    "诗涵",
    "一诺",
    "佳琪",
    "语嫣",
    "子萱",
    "若曦",
    "雨萱",
    "梦瑶",
)
NATIONS = ("汉",) * 40 + ("回", "满", "蒙古", "藏")
LOCAL_REGION = "610202"
OTHER_REGIONS = ("610203", "610204", "610222", "610113", "610402", "610502", "140105", "410305")


# A few residents everyone can find in the demo panel and in tests.
FEATURED = (
    # name, sex, birth date, tags, hukou local, community index
    (
        "张秀兰",
        "female",
        date(1943, 3, 8),
        ("living_alone", "pensioner", "chronic_disease"),
        True,
        4,
    ),
    (
        "王建军",
        "male",
        date(1967, 8, 1),
        ("veteran", "party_member", "retired_enterprise"),
        True,
        4,
    ),
    ("李娜", "female", date(1990, 5, 20), ("unemployed_registered", "tenant"), False, 4),
    (
        "刘强",
        "male",
        date(1979, 11, 2),
        ("disability", "disability_grade_2", "low_income"),
        True,
        5,
    ),
    ("赵梓涵", "female", date(2017, 9, 1), ("student",), True, 4),
)


def make_id_number(region: str, birth: date, sequence: int, sex: str) -> str:
    """An 18-character number with a valid check digit; odd sequence = male."""
    return idnumber.make_id_number(
        region, birth, (sequence % 498 + 1) * 2 + (1 if sex == "male" else 0)
    )


def _given_name(rng: random.Random, sex: str, birth: date) -> str:
    pool: tuple[str, ...]
    if birth.year < 1965:
        pool = GIVEN_OLD_M if sex == "male" else GIVEN_OLD_F
    elif birth.year < 2005:
        pool = GIVEN_MID_M if sex == "male" else GIVEN_MID_F
    else:
        pool = GIVEN_YOUNG_M if sex == "male" else GIVEN_YOUNG_F
    return rng.choice(pool)


def _age(birth: date) -> int:
    return (
        REFERENCE_DAY.year
        - birth.year
        - ((REFERENCE_DAY.month, REFERENCE_DAY.day) < (birth.month, birth.day))
    )


def _tags_for(rng: random.Random, age: int, sex: str) -> set[str]:
    """Random tags by age and sex. Long because it is a table of one rule per tag, read top to
    bottom; split up it would only scatter the demo's population figures."""
    tags: set[str] = set()
    if age >= 60:
        if rng.random() < 0.25:
            tags.add("living_alone")
        elif rng.random() < 0.2:
            tags.add("empty_nest")
        if rng.random() < 0.05:
            tags.add("dementia")
        if rng.random() < 0.6:
            tags.add("pensioner")
            if rng.random() < 0.6:
                tags.add("retired_enterprise")
        if rng.random() < 0.35:
            tags.add("chronic_disease")
    if rng.random() < 0.07:
        grade = rng.choice((1, 2, 3, 4))
        tags |= {"disability", f"disability_grade_{grade}"}
    roll = rng.random()
    if roll < 0.05:
        tags.add("low_income")
    elif roll < 0.08:
        tags.add("low_income_edge")
    elif roll < 0.09 and (age >= 60 or age < 16):
        tags.add("extreme_poverty")
    if age >= 20 and sex == "male" and rng.random() < 0.08:
        tags.add("veteran")
        if age >= 30 and rng.random() < 0.3:
            tags.add("entitled_group")
        if age >= 45 and rng.random() < 0.2:
            tags.add("ill_returned_veteran")
    if rng.random() < 0.12:
        tags.add("rural_hukou")
    if age >= 16 and "pensioner" not in tags and rng.random() < 0.3:
        tags.add("resident_pension_insured")
    if rng.random() < 0.04:
        tags.add("military_family")
    if age >= 18 and rng.random() < 0.12:
        tags.add("party_member")
        if age < 60 and rng.random() < 0.1:
            tags.add("mobile_party_member")
    if 16 <= age < 60:
        if rng.random() < 0.07:
            tags.add("unemployed_registered")
            if rng.random() < 0.4:
                tags.add("employment_difficulty")
        elif rng.random() < 0.1:
            tags.add("flexible_employment")
            if rng.random() < 0.4:
                tags.add("employment_difficulty")
    if age >= 40 and rng.random() < 0.12:
        tags.add("only_child_parent")
        if age >= 49 and rng.random() < 0.05:
            tags.add("bereaved_only_child")
    if 6 <= age <= 22 and rng.random() < 0.9:
        tags.add("student")
    if age < 6:
        tags.add("preschool_child")
    if age < 18 and rng.random() < 0.01:
        tags.add("orphan")
    if age >= 20 and rng.random() < 0.04:
        tags.add("public_housing_tenant")
    if age >= 18 and rng.random() < 0.1:
        tags.add("tenant")
    if age >= 14 and rng.random() < 0.08:
        tags.add("volunteer")
    if 20 <= age < 60 and rng.random() < 0.01:
        tags.add("grid_worker")
    if sex == "female" and 20 <= age <= 42 and rng.random() < 0.05:
        tags.add("pregnant")
    return tags


def generate_residents(count: int = 600, seed: int = SEED) -> list[ResidentData]:
    """`count` synthetic residents, the FEATURED ones first; every tag in TAGS given to some."""
    rng = random.Random(seed)
    people: list[ResidentData] = []
    used: set[str] = set()
    for i, (name, sex, birth, featured_tags, local, ci) in enumerate(FEATURED):
        people.append(_person(rng, i, name, sex, birth, set(featured_tags), local, ci, used))
    i = len(people)
    while len(people) < count:
        young = rng.random() < 0.15
        age = rng.randint(0, 17) if young else min(int(rng.triangular(18, 101, 58)), 100)
        birth = REFERENCE_DAY - timedelta(days=age * 365 + rng.randint(0, 364))
        sex = rng.choice(("male", "female"))
        name = rng.choice(SURNAMES) + _given_name(rng, sex, birth)
        local = rng.random() < 0.85
        tags = _tags_for(rng, _age(birth), sex)
        people.append(
            _person(rng, i, name, sex, birth, tags, local, rng.randrange(len(COMMUNITIES)), used)
        )
        i += 1
    _cover_every_tag(rng, people)
    return people


def _person(
    rng: random.Random,
    i: int,
    name: str,
    sex: str,
    birth: date,
    tags: set[str],
    local: bool,
    ci: int,
    used: set[str],
) -> ResidentData:
    street, community = COMMUNITIES[ci]
    region = LOCAL_REGION if local else rng.choice(OTHER_REGIONS)
    seq = i
    number = make_id_number(region, birth, seq, sex)
    while number in used:
        seq += 997
        number = make_id_number(region, birth, seq, sex)
    used.add(number)
    building, unit, room = (
        rng.randint(1, 24),
        rng.randint(1, 4),
        rng.randint(1, 6) * 100 + rng.randint(1, 4),
    )
    estate = ESTATES[ci % len(ESTATES)]
    road = ROADS[ci % len(ROADS)]
    address = f"陕西省铜川市王益区{street}{road}{estate}{building}号楼{unit}单元{room}室"
    since = max(birth, REFERENCE_DAY - timedelta(days=rng.randint(180, 40 * 365)))
    return ResidentData(
        id_number=number,
        name=name,
        sex=sex,
        birth_date=birth,
        nation=rng.choice(NATIONS),
        phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        if _age(birth) >= 14
        else None,
        address=address,
        community=community,
        grid=f"{community}第{(building - 1) // 4 + 1:02d}网格",
        building=str(building),
        unit=str(unit),
        room=str(room),
        household_id=f"WY{ci:02d}{building:02d}{unit}{room:04d}",
        hukou_local=local,
        registered_since=since,
        tags=tuple(sorted(tags)),
    )


def _cover_every_tag(rng: random.Random, people: list[ResidentData]) -> None:
    """Make sure each tag is held by at least three plausible residents (rules can be tried)."""
    from dataclasses import replace

    for tag, (_label, min_age) in TAGS.items():
        holders = [p for p in people if tag in p.tags]
        candidates = [
            k
            for k, p in enumerate(people)
            if k >= len(FEATURED)
            and _age(p.birth_date) >= min_age
            and tag not in p.tags
            and (tag != "pregnant" or p.sex == "female")
            and (tag != "preschool_child" or _age(p.birth_date) < 6)
        ]
        rng.shuffle(candidates)
        for k in candidates[: max(0, 3 - len(holders))]:
            extra = {tag}
            if tag.startswith("disability_grade_"):
                extra.add("disability")
            people[k] = replace(people[k], tags=tuple(sorted(set(people[k].tags) | extra)))


def seed_demo(repo: ResidentRepository, now: datetime, count: int = 600) -> int:
    """Insert the demo residents if the register is empty; returns how many were added."""
    if repo.count() > 0:
        return 0
    people = generate_residents(count)
    for person in people:
        repo.upsert(person, now)
    return len(people)
