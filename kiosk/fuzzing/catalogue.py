"""catalog.yaml: a small real catalogue cut from the bundled file, edited (lines dropped,
repeated, swapped, re-indented; YAML tags, anchors, aliases, flow collections and rule values
put where values go; bytes damaged), and YAML documents built to hurt a loader (alias bombs,
deep nesting, odd keys). A catalogue that loads must serve every locality and answer the
eligibility of every item for a few residents.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from kiosk.catalog.assemble import catalog_of
from kiosk.catalog.model import Catalog
from kiosk.catalog.parse import parse_bytes
from kiosk.catalog.source import read_source
from kiosk.config import bundled_catalog
from kiosk.errors import CatalogError
from kiosk.fuzzing.core import BadResultError, Chooser, Parser, chance, pick, rewrite
from kiosk.fuzzing.mutate import havoc, line_havoc
from kiosk.residents import ResidentRecord

BANNED = ("proof_of_life", "marital_status")
ITEMS = (
    "senior_allowance",  # age rule, form
    "residence_certificate",  # record certificate: purposes, minimum residence
    "volunteer_service_certificate",  # review certificate: review facts
    "elderly_meal_registration",  # renamed by a locality
    "rural_family_planning_reward",  # disabled by a locality
    "other_community_notice",  # slip
    *(f"{tag}_notice" for tag in BANNED),
)
TAGS = (
    "!!int ", "!!bool ", "!!float ", "!!str ", "!!null ", "!!set ", "!!map ", "!!seq ",
    "!!binary ", "!!timestamp ", "!!omap ", "!!pairs ", "!!merge ", "!!value ", "!local ",
    "!!python/object/apply:os.system ", "!!python/name:os.system ", "&a ", "*a ", "? ", "<<: ",
    "&b [", "*b\n", "{", "[", "- ", "%YAML 1.1\n", "---\n", "...\n",
)  # fmt: skip
VALUES = (
    "[x]", "{a: b}", "~", "yes", "no", "1e400", ".nan", ".inf", "-1", "0", "2026-01-01",
    "2026-13-45", "[female]", "[[female]]", "{}", "[]", "!!set {a}", "0b_", "0o9", "'", '"', "|",
    ">", "*a", "&a x", "9" * 30, "9" * 5000, "{min: [1]}", "{min: 200}", "{min: -1, max: -2}",
    "{any: []}", "{all: [veteran, nosuch]}", "{not: {not: {not: {}}}}", "[*a, *a]", "{<<: *a}",
    "\t", "\x07", "\ufeff", "{placeholder}", "{birth_date}", "{name", "}", "身份证明", "亲属关系",
    "{? [a]: b}", "!!binary AAAA", "2026-02-30", "0x_1", "+.5", "1_0", "<<",
)  # fmt: skip
LOCALITIES = (None, "wangyi", "yintai")
_NOT_AN_ITEM = re.compile(r"'([a-z0-9_]+)' is not an item id")
TODAY = date(2026, 3, 1)


def _blocks(lines: list[str], marker: str) -> dict[str, list[str]]:
    """Entries of a YAML list, keyed by the value after `marker` on each entry's first line."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        if line.startswith(marker):
            current = blocks.setdefault(line[len(marker) :].strip(), [])
        elif line and not line.startswith((" ", "\n", "#")):
            current = None
        if current is not None:
            current.append(line)
    return blocks


def small_catalogue(source: Path | None = None) -> str:
    """A few items of the bundled catalog.yaml, still its real text (parses in a few ms): ITEMS,
    and whatever items the rest of the file names (a list of frequent items, say)."""
    text = (source or bundled_catalog()).read_text(encoding="utf-8")
    head, rest = text.split("banned_certificates:\n", 1)
    banned_text, rest = rest.split("\ncategories:\n", 1)
    middle, items_text = rest.split("\nitems:\n", 1)
    banned = _blocks(banned_text.splitlines(keepends=True), "  - tag: ")
    items = _blocks(items_text.splitlines(keepends=True), "  - id: ")
    chosen = list(ITEMS)
    for _ in range(3):
        cut = (
            head
            + "banned_certificates:\n"
            + "".join("".join(banned[tag]) for tag in BANNED)
            + "\ncategories:\n"
            + middle
            + "\nitems:\n"
            + "".join("".join(items[item_id]) for item_id in chosen)
        )
        problems = parse_bytes(cut.encode("utf-8"), Path("catalog.yaml")).problems
        named = {m for p in problems for m in _NOT_AN_ITEM.findall(p) if m in items}
        if not named - set(chosen):
            return cut
        chosen += sorted(named - set(chosen))
    return cut


def hostile_yaml(c: Chooser) -> str:
    """A YAML document made to hurt a loader: alias bombs, deep nesting, keys of every kind."""
    how = c.integer(0, 4)
    if how == 0:  # billion laughs, in lists or as mapping keys
        levels, width = c.integer(2, 12), c.integer(2, 10)
        lines = ["l0: &l0 [lol]"]
        for n in range(1, levels):
            refs = ", ".join([f"*l{n - 1}"] * width)
            lines.append(f"l{n}: &l{n} [{refs}]" if c.integer(0, 1) else f"? &l{n} [{refs}]\n: x")
        lines.append(f"items: *l{levels - 1}")
        return "\n".join(lines) + "\n"
    if how == 1:
        depth = c.integer(1, 3000)
        return pick(c, ("[", "{a: ", "- ")) * depth + "x" + pick(c, ("]", "}", "")) * depth + "\n"
    if how == 2:
        return f"&a version: *a\nitems: &b [*b]\n? {pick(c, ('[a]', '{a: 1}', '!!set {a}'))}\n: 1\n"
    if how == 3:
        return "\n".join(f"{pick(c, TAGS)}{pick(c, VALUES)}: {pick(c, VALUES)}" for _ in range(5))
    return c.text(60)


class CatalogueCases:
    """Edited copies of one small catalogue."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.raw = text.encode("utf-8")

    def __call__(self, c: Chooser) -> bytes:
        """One catalogue file's bytes."""
        how = c.integer(0, 9)
        if how == 9:
            return hostile_yaml(c).encode("utf-8", "surrogatepass")
        if how == 8:
            return havoc(c, self.raw, max_ops=4)
        if how == 7:  # a hostile fragment spliced into the real file
            at = c.integer(0, len(self.lines))
            return "".join([*self.lines[:at], hostile_yaml(c), *self.lines[at:]]).encode()
        text = line_havoc(c, self.lines, VALUES, TAGS, max_ops=4)
        return text.encode("utf-16") if chance(c, 40) else text.encode("utf-8", "surrogatepass")


def residents() -> list[ResidentRecord]:
    """Three residents the rules tell apart: a 70-year-old local woman, a young tenant, a child."""
    base = dict(
        id=1, id_number="610202195603011228", name="王秀英", sex="female",
        birth_date=date(1956, 3, 1), nation="汉", phone=None, address="红旗街社区3号楼",
        community="红旗街社区", grid="第一网格", building="3", unit="2", room="401",
        household_id="H001", hukou_local=True, registered_since=date(1990, 5, 1),
        tags=frozenset(),
    )  # fmt: skip
    young = {**base, "sex": "male", "birth_date": date(1990, 1, 1), "hukou_local": False,
             "registered_since": date(2026, 1, 1), "tags": frozenset({"veteran"})}  # fmt: skip
    child = {**base, "birth_date": date(2017, 9, 1), "registered_since": date(2017, 9, 1)}
    return [ResidentRecord(**base), ResidentRecord(**young), ResidentRecord(**child)]  # type: ignore[arg-type]


RESIDENTS = residents()


def use_catalogue(catalog: Catalog) -> None:
    """What the kiosk does with a loaded catalogue: menus, eligibility, inputs and templates."""
    if not catalog.items:
        raise BadResultError("a catalogue without items loaded")
    for item in catalog.every_item:
        for resident in RESIDENTS:
            verdict = item.check_eligibility(resident, TODAY)
            if not isinstance(verdict.eligible, bool):
                raise BadResultError(f"{item.id}: eligibility {verdict!r}")
        item.placeholders()
        catalog.category(item.category)


def catalogue_parser(workdir: Path, source: Path | None = None) -> Parser:
    """Edited small catalogues through parse_bytes, then every locality's catalogue."""
    path = workdir / "catalog.yaml"

    def load(data: bytes) -> int:
        rewrite(path, data)
        source = read_source(path)  # what load_catalog does on a cache miss, locality by locality
        if isinstance(source, str):
            raise CatalogError([source])
        parsed = parse_bytes(source, path)
        if parsed.problems:
            if not all(p.startswith((path.name, str(path))) for p in parsed.problems):
                raise BadResultError(f"problems without the file's name: {parsed.problems[:3]!r}")
            raise CatalogError(parsed.problems)
        served = 0
        for locality in LOCALITIES:
            if locality is not None and locality not in parsed.localities:
                continue
            use_catalogue(catalog_of(parsed, locality, path))
            served += 1
        return served

    cases = CatalogueCases(small_catalogue(source))
    return Parser("catalog_yaml", "catalog.yaml edited, tagged, aliased, bombed -> Catalog",
                  cases, load)  # fmt: skip


def parsers(workdir: Path) -> list[Parser]:
    """The catalogue parser."""
    return [catalogue_parser(workdir)]
