"""Code tables printed on Chinese cards: sex (GB/T 2261.1), nation (GB 3304) and the
province-level region prefixes of GB/T 2260 used to sanity-check ID numbers."""

from __future__ import annotations

from card_reader.base import Sex

SEX_CODES: dict[str, Sex] = {"0": Sex.UNKNOWN, "1": Sex.MALE, "2": Sex.FEMALE, "9": Sex.UNKNOWN}

NATIONS: dict[str, str] = {
    "01": "汉",
    "02": "蒙古",
    "03": "回",
    "04": "藏",
    "05": "维吾尔",
    "06": "苗",
    "07": "彝",
    "08": "壮",
    "09": "布依",
    "10": "朝鲜",
    "11": "满",
    "12": "侗",
    "13": "瑶",
    "14": "白",
    "15": "土家",
    "16": "哈尼",
    "17": "哈萨克",
    "18": "傣",
    "19": "黎",
    "20": "傈僳",
    "21": "佤",
    "22": "畲",
    "23": "高山",
    "24": "拉祜",
    "25": "水",
    "26": "东乡",
    "27": "纳西",
    "28": "景颇",
    "29": "柯尔克孜",
    "30": "土",
    "31": "达斡尔",
    "32": "仫佬",
    "33": "羌",
    "34": "布朗",
    "35": "撒拉",
    "36": "毛南",
    "37": "仡佬",
    "38": "锡伯",
    "39": "阿昌",
    "40": "普米",
    "41": "塔吉克",
    "42": "怒",
    "43": "乌孜别克",
    "44": "俄罗斯",
    "45": "鄂温克",
    "46": "德昂",
    "47": "保安",
    "48": "裕固",
    "49": "京",
    "50": "塔塔尔",
    "51": "独龙",
    "52": "鄂伦春",
    "53": "赫哲",
    "54": "门巴",
    "55": "珞巴",
    "56": "基诺",
    "97": "其他",
    "98": "外国血统中国籍人士",
}

NATION_CODES: dict[str, str] = {name: code for code, name in NATIONS.items()}

# GB/T 2260 province-level codes, plus 81/82/83 for Hong Kong / Macau / Taiwan permits.
PROVINCES: dict[str, str] = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
    "21": "辽宁",
    "22": "吉林",
    "23": "黑龙江",
    "31": "上海",
    "32": "江苏",
    "33": "浙江",
    "34": "安徽",
    "35": "福建",
    "36": "江西",
    "37": "山东",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
    "44": "广东",
    "45": "广西",
    "46": "海南",
    "50": "重庆",
    "51": "四川",
    "52": "贵州",
    "53": "云南",
    "54": "西藏",
    "61": "陕西",
    "62": "甘肃",
    "63": "青海",
    "64": "宁夏",
    "65": "新疆",
    "71": "台湾",
    "81": "香港",
    "82": "澳门",
    "83": "台湾",
}


def sex_from_code(code: str) -> Sex:
    """The Sex for a GB/T 2261.1 code; anything unexpected is UNKNOWN."""
    return SEX_CODES.get(code.strip(), Sex.UNKNOWN)


def sex_code(sex: Sex) -> str:
    """The GB/T 2261.1 code written on a card for `sex`."""
    return {Sex.MALE: "1", Sex.FEMALE: "2"}.get(sex, "0")


def nation_from_code(code: str) -> str | None:
    """The nation name (without 族) for a GB 3304 code such as "01" or "1"; None if unknown."""
    code = code.strip()
    if not code.isdigit():
        return None
    return NATIONS.get(code.zfill(2)[-2:]) if len(code) <= 2 else NATIONS.get(code)


def nation_code(name: str | None) -> str | None:
    """The GB 3304 code for a nation name ("汉" or "汉族"); None if unknown."""
    if not name:
        return None
    return NATION_CODES.get(name.removesuffix("族")) or NATION_CODES.get(name)


def nation_label(name: str | None) -> str:
    """How a nation is shown to people: 汉族; foreign-origin and "other" entries as they are."""
    if not name:
        return ""
    if name in ("其他", "外国血统中国籍人士"):
        return name
    return name + "族"
