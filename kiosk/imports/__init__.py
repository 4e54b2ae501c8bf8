"""Imports of the community register as the community systems export it: CSV (UTF-8 with or
without BOM, GBK/GB18030, UTF-16) or XLSX, title rows above the header, Chinese headers or
`--map`, every row checked, upserted by ID number in batches, all or nothing by default."""

from kiosk.imports.columns import ALIASES, COLUMNS, REQUIRED, Header, parse_map
from kiosk.imports.errors import ImportFileError
from kiosk.imports.run import ImportOptions, ImportResult, import_rows, run_import
from kiosk.imports.sources import open_source, text_source
from kiosk.imports.validate import Problem

__all__ = [
    "ALIASES",
    "COLUMNS",
    "REQUIRED",
    "Header",
    "ImportFileError",
    "ImportOptions",
    "ImportResult",
    "Problem",
    "import_rows",
    "open_source",
    "parse_map",
    "run_import",
    "text_source",
]
