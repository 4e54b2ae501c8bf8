"""Which column of a community system's export is which field of ours: our own names, the
headers the community systems write in Chinese, and `--map SOURCE=field,...`; and which row is
the header when title rows sit above it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kiosk.imports.errors import ImportFileError

COLUMNS = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "nation",
    "phone",
    "address",
    "community",
    "grid",
    "building",
    "unit",
    "room",
    "household_id",
    "hukou_local",
    "registered_since",
    "tags",
)
REQUIRED = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "address",
    "community",
    "grid",
    "household_id",
    "hukou_local",
    "registered_since",
)
# Headers the community information systems and Chinese Excel templates use for our fields.
ALIASES: dict[str, str] = {
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "证件号码": "id_number",
    "姓名": "name",
    "性别": "sex",
    "出生日期": "birth_date",
    "民族": "nation",
    "联系电话": "phone",
    "手机号码": "phone",
    "电话": "phone",
    "住址": "address",
    "现住址": "address",
    "居住地址": "address",
    "所属社区": "community",
    "社区": "community",
    "网格": "grid",
    "所属网格": "grid",
    "楼号": "building",
    "楼栋": "building",
    "单元": "unit",
    "单元号": "unit",
    "房号": "room",
    "门牌号": "room",
    "户号": "household_id",
    "户编号": "household_id",
    "是否本社区户籍": "hukou_local",
    "本地户籍": "hukou_local",
    "户籍": "hukou_local",
    "居住起始日期": "registered_since",
    "登记日期": "registered_since",
    "入住日期": "registered_since",
    "人员类别": "tags",
    "人员标签": "tags",
    "标签": "tags",
}
HEADER_SEARCH_ROWS = 20  # title rows above the header: how far down to look for it


def parse_map(text: str | None) -> dict[str, str]:
    """`公民身份号码=id_number,姓名=name` -> {source header: our field}; ImportFileError if bad."""
    mapping: dict[str, str] = {}
    for part in (text or "").replace("，", ",").split(","):
        if not part.strip():
            continue
        source, sep, target = part.partition("=")
        source, target = source.strip(), target.strip()
        if not sep or not source or target not in COLUMNS:
            raise ImportFileError(
                f"--map {part.strip()!r}: expected SOURCE=field, field one of {', '.join(COLUMNS)}",
                zh="列对应关系写法有误",
            )
        mapping[source] = target
    return mapping


def _clean(header: object) -> str:
    return str(header).strip().lstrip("\ufeff").replace("\n", "").replace(" ", "").strip("*")


@dataclass(frozen=True)
class Header:
    """The header row: where it is, which position holds which field, what else is there."""

    line: int  # 1-based line (CSV) or row (XLSX) of the header
    positions: Mapping[str, int]  # field -> column index
    names: Mapping[str, str]  # field -> the header as the file spells it
    unknown: tuple[str, ...]  # headers that map to no field (listed, ignored)

    @property
    def missing(self) -> tuple[str, ...]:
        """Our columns the file does not have (a missing optional column reads as empty)."""
        return tuple(c for c in COLUMNS if c not in self.positions)


def read_header(line: int, cells: Sequence[object], mapping: Mapping[str, str]) -> Header:
    """Map one row's cells to fields: --map first, then our names, then the known aliases."""
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        raw = "" if cell is None else str(cell).strip().lstrip("\ufeff")
        if not raw:
            continue
        key = _clean(raw)
        field = mapping.get(raw) or mapping.get(key) or _ours(key)
        if field is None or field in positions:
            unknown.append(raw)
            continue
        positions[field] = index
        names[field] = raw
    return Header(line, positions, names, tuple(unknown))


def _ours(key: str) -> str | None:
    lowered = key.lower()
    return lowered if lowered in COLUMNS else ALIASES.get(key)


def find_header(rows: Sequence[tuple[int, Sequence[object]]], mapping: Mapping[str, str]) -> Header:
    """The header among the first rows: the one naming the most of our fields (an ID number
    column among them). Title rows ("某某社区居民花名册", "导出时间：...") name none."""
    best: Header | None = None
    for line, cells in rows[:HEADER_SEARCH_ROWS]:
        header = read_header(line, cells, mapping)
        if "id_number" in header.positions and (
            best is None or len(header.positions) > len(best.positions)
        ):
            best = header
    if best is None:
        raise ImportFileError(
            f"no header row with an ID number column in the first {HEADER_SEARCH_ROWS} rows "
            "(give --header-row N, or --map 'YOUR HEADER=id_number')",
            zh="找不到表头（身份证号所在的列）",
        )
    return best
