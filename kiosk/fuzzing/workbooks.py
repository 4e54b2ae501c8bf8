"""Register imports, XLSX: real workbook bytes, then corrupt ones.

Most cases are workbooks assembled here part by part (the zip members a spreadsheet program
writes: shared strings, styles with date formats, cells typed as strings, numbers, dates, booleans,
errors and formulas), so the XML of any part can be damaged before it is zipped: attributes
changed (r="A0", t="x", s="999"), elements cut or repeated, an entity bomb in a DOCTYPE, bytes
flipped. Some are written by openpyxl itself; some have their zip damaged or a part missing.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from kiosk.fuzzing.core import Chooser, Parser, chance, pick
from kiosk.fuzzing.mutate import havoc
from kiosk.fuzzing.registers import CsvCase, import_parser, options, table

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/></Types>'
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{REL_NS}"><sheets>'
    '<sheet name="居民花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}>'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)
BOMB = (
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
)
XML_EDITS = (
    ('r="A', 'r="A0'), ('r="B', 'r="ZZZZZ'), ('r="C', 'r="C99999999999'), ('t="s"', 't="x"'),
    ('t="s"', 't="n"'), ('t="n"', 't="b"'), ('t="b"', 't="d"'), (' s="1"', ' s="999"'),
    (' s="1"', ' s="-1"'), ("<v>", "<v>abc"), ("<v>", "<v>1e999"), ("<v>", "<v>-99999999"),
    ('count="3"', 'count="-1"'), ('numFmtId="14"', 'numFmtId="999999"'), ("<si>", "<si><si>"),
    ("</row>", "</row></row>"), ("<row", "<row r=\"0\""), ("<sheets>", "<sheets><sheet/>"),
    ('sheetId="1"', 'sheetId="x"'), ('Target="worksheets/sheet1.xml"', 'Target="../../etc/x"'),
    ('Target="sharedStrings.xml"', 'Target="sheet1.xml"'), ("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>'),
    ('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-16"?>'),
    ("<t>", "<t>&#0;"), ("<t>", "<t>&#xD800;"), ("<t>", "<t>&nosuch;"), ("<f>", "<f>INDIRECT("),
)  # fmt: skip
MEMBERS = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
           "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "_rels/.rels")  # fmt: skip


def column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell_xml(c: Chooser, ref: str, value: str, strings: list[str]) -> str:
    """One cell, typed as a spreadsheet program might have typed it."""
    how = c.integer(0, 9)
    digits = value.replace(".", "", 1).replace("-", "", 1)
    if how == 1 and digits.isdigit() and digits.isascii() and len(value) < 40:
        return f'<c r="{ref}" t="n"><v>{float(value)!r}</v></c>'  # 6.10202195603011e+17
    if how == 2:
        return f'<c r="{ref}" s="{pick(c, (1, 2))}"><v>{c.integer(-10, 80000)}</v></c>'  # a date
    if how == 3:
        return f'<c r="{ref}" t="b"><v>{c.integer(0, 1)}</v></c>'
    if how == 4:
        return f'<c r="{ref}" t="e"><v>#DIV/0!</v></c>'
    if how == 5:
        return f'<c r="{ref}" t="str"><f>1/0</f><v>{escape(value)}</v></c>'
    if how == 6:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    if how == 7:
        return f'<c r="{ref}" t="d"><v>{pick(c, ("2026-03-01", "2026-02-30", "x"))}</v></c>'
    strings.append(value)
    return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'


def _xml_safe(text: str) -> str:
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def parts(c: Chooser, rows: list[list[str]]) -> dict[str, str]:
    """The zip members of a workbook holding `rows`."""
    strings: list[str] = []
    lines = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            cell_xml(c, f"{column_name(i)}{r}", _xml_safe(v)[:40000], strings)
            for i, v in enumerate(row)
        )
        lines.append(f'<row r="{r}">{cells}</row>')
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{"".join(lines)}</sheetData></worksheet>'
    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{len(strings)}">{shared}</sst>',
        "xl/worksheets/sheet1.xml": sheet,
    }


def damage_part(c: Chooser, text: str) -> bytes:
    """A member's XML with edits, a bomb, a cut or flipped bytes."""
    for _ in range(c.integer(1, 3)):
        how = c.integer(0, 4)
        if how <= 1:
            old, new = pick(c, XML_EDITS)
            text = text.replace(old, new, 1 if how == 0 else -1)
        elif how == 2:
            text = text.replace("?>", "?>" + BOMB, 1).replace("<t>", "<t>&f;", 1)
        elif how == 3:
            text = text[: c.integer(0, len(text))]
    raw = text.encode("utf-8")
    return havoc(c, raw, max_ops=3) if chance(c, 3) else raw


def zipped(members: dict[str, bytes]) -> bytes:
    """The members in a zip, as spreadsheet programs write them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def by_openpyxl(rows: list[list[str]]) -> bytes:
    """The rows in a workbook openpyxl writes (its own parts and layout)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append([_xml_safe(v) for v in row] + [datetime(2026, 3, 1), 3.0, True])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def workbook_bytes(c: Chooser) -> bytes:
    """A workbook's bytes: assembled (its parts maybe damaged), written by openpyxl, or with
    its zip damaged."""
    rows = table(c)
    if chance(c, 10):
        return by_openpyxl(rows)
    members = {name: text.encode("utf-8") for name, text in parts(c, rows).items()}
    how = c.integer(0, 5)
    if 1 <= how <= 3:
        name = pick(c, MEMBERS)
        members[name] = damage_part(c, members[name].decode("utf-8"))
    elif how == 4:
        del members[pick(c, MEMBERS)]
    data = zipped(members)
    return havoc(c, data, max_ops=3) if how == 5 else data


def xlsx_case(c: Chooser) -> CsvCase:
    """A workbook and its import options."""
    return CsvCase(workbook_bytes(c), options(c))


def parsers(workdir: Path) -> list[Parser]:
    """The XLSX import parser."""
    return [
        import_parser("xlsx_import", "register XLSX (typed cells, damaged parts and zips) -> import",
                      workdir / "register.xlsx", xlsx_case),
    ]  # fmt: skip
