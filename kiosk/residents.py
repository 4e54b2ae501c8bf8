"""The resident as the app sees it: a plain record, and the placeholder values templates use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from civic.dates import cn_date
from civic.idnumber import mask_id_number
from kiosk.tags import label as tag_label

# What a ResidentRecord's repr may show (logs, tracebacks): never the phone, the address or its
# parts, nor the birth date, which is exactly what the masked ID number hides.
_REPR_FIELDS = ("id", "name", "sex", "community", "grid", "household_id", "hukou_local", "tags")


@dataclass(frozen=True)
class ResidentRecord:
    """A resident from the register, detached from the database session."""

    id: int
    id_number: str
    name: str
    sex: str  # male | female
    birth_date: date
    nation: str | None
    phone: str | None
    address: str
    community: str
    grid: str
    building: str | None
    unit: str | None
    room: str | None
    household_id: str
    hukou_local: bool
    registered_since: date
    tags: frozenset[str]

    @property
    def masked_id(self) -> str:
        """ID number as shown and logged."""
        return mask_id_number(self.id_number)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _REPR_FIELDS)
        return f"ResidentRecord(id_number={self.masked_id!r}, {shown})"

    def age_on(self, day: date) -> int:
        """Full years of age on `day`."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    def residence_years_on(self, day: date) -> int:
        """Full years registered in the community on `day`."""
        years = day.year - self.registered_since.year
        if (day.month, day.day) < (self.registered_since.month, self.registered_since.day):
            years -= 1
        return max(years, 0)


def mask_phone(phone: str | None) -> str:
    """138****5678."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else phone


# Placeholder name -> what it is. Templates may use these and the item's own input ids.
RESIDENT_PLACEHOLDERS: dict[str, str] = {
    "name": "姓名",
    "sex": "性别（男/女）",
    "id_number_masked": "身份证号（遮盖）",
    "id_number": "身份证号（完整，仅在必需时使用）",
    "birth_date": "出生日期",
    "age": "年龄",
    "nation": "民族（汉族）",
    "phone_masked": "联系电话（遮盖）",
    "address": "住址",
    "community": "社区",
    "grid": "网格",
    "building": "楼号",
    "unit": "单元",
    "room": "房号",
    "household_id": "户号",
    "hukou": "户籍（本社区户籍/非本社区户籍）",
    "registered_since": "在本社区居住起始日期",
    "residence_years": "在本社区居住年数",
    "tags": "人员类别",
}

ISSUE_PLACEHOLDERS: dict[str, str] = {
    "today": "出具日期",
    "issuer": "出具单位（居委会全称）",
    "issuer_address": "服务站地址",
    "terminal_name": "终端名称",
}


def resident_values(resident: ResidentRecord, today: date) -> dict[str, str]:
    """Every RESIDENT_PLACEHOLDERS value for this resident, as printable text."""
    return {
        "name": resident.name,
        "sex": {"male": "男", "female": "女"}.get(resident.sex, "未知"),
        "id_number_masked": resident.masked_id,
        "id_number": resident.id_number,
        "birth_date": cn_date(resident.birth_date),
        "age": str(resident.age_on(today)),
        "nation": f"{resident.nation}族" if resident.nation else "",
        "phone_masked": mask_phone(resident.phone),
        "address": resident.address,
        "community": resident.community,
        "grid": resident.grid,
        "building": resident.building or "",
        "unit": resident.unit or "",
        "room": resident.room or "",
        "household_id": resident.household_id,
        "hukou": "本社区户籍" if resident.hukou_local else "非本社区户籍",
        "registered_since": cn_date(resident.registered_since),
        "residence_years": str(resident.residence_years_on(today)),
        "tags": "、".join(tag_label(t) for t in sorted(resident.tags)),
    }
