"""The import itself: header found, every row checked, valid rows upserted by ID number in
batches inside one transaction (all or nothing unless `partial`), problems streamed out as they
are found. Memory stays bounded: one batch of rows and one ID per row seen (for duplicates)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from civic.crashpoints import crashpoint
from kiosk.imports.columns import HEADER_SEARCH_ROWS, REQUIRED, Header, find_header, read_header
from kiosk.imports.errors import ImportFileError
from kiosk.imports.sources import CSV_ERROR_LINE, CsvRowError, Row, Source, open_source
from kiosk.imports.validate import Problem, check_row

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.db.repositories import ResidentData

BATCH = 1000
KEPT_PROBLEMS = 200  # kept in the result for the screen; every one goes to on_problem
ProblemListener = Callable[[Problem], None]
ProgressListener = Callable[[int, float | None], None]  # rows read, fraction of the file
SessionOpener = Callable[[], "Session"]  # opens the register's database when first needed


@dataclass(frozen=True)
class ImportOptions:
    """How to read the file and what to do with it."""

    mapping: Mapping[str, str] = field(default_factory=dict)  # source header -> our field
    header_row: int | None = None  # 1-based; None: found below any title rows
    encoding: str | None = None  # None: detected
    partial: bool = False  # import the valid rows even when some are rejected
    dry_run: bool = False  # check every row, change nothing
    batch: int = BATCH
    today: date | None = None  # when a date becomes "future" (default: the real date)


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a refusal, would have done)."""

    valid: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first KEPT_PROBLEMS
    header: Header | None = None
    encoding: str | None = None
    kind: str = ""
    committed: bool = False


def run_import(
    path: Path,
    options: ImportOptions,
    open_session: SessionOpener | None,
    now: datetime,
    *,
    on_problem: ProblemListener | None = None,
    progress: ProgressListener | None = None,
) -> ImportResult:
    """Import `path` into the register (`open_session` None: a dry run). ImportFileError when
    the file is refused whole; SQLAlchemyError from the database (then nothing changed).

    The database is opened when the first batch is ready to be written: an import refused in
    its first rows never touches it."""
    source = open_source(path, options.encoding)
    return import_rows(source, options, open_session, now, on_problem=on_problem, progress=progress)


def import_rows(
    source: Source,
    options: ImportOptions,
    open_session: SessionOpener | None,
    now: datetime,
    *,
    on_problem: ProblemListener | None = None,
    progress: ProgressListener | None = None,
    on_valid: Callable[[ResidentData], None] | None = None,
) -> ImportResult:
    """run_import on rows already opened; `on_valid` sees each valid row (tests, parse_csv)."""
    result = ImportResult(encoding=source.encoding, kind=source.kind)
    opener = None if options.dry_run else open_session
    importer = _Importer(options, result, now, opener, on_problem, on_valid)
    rows = source.rows
    try:
        header, rows = _header(rows, options)
    except CsvRowError as exc:
        importer.problem(Problem(exc.line, "", "", _csv_error(exc)))
        return result
    result.header = header
    missing = [c for c in REQUIRED if c not in header.positions]
    if missing:
        importer.problem(Problem(header.line, "", "", f"missing columns: {', '.join(missing)}"))
        return result
    try:
        importer.check_all(rows, header, progress, source.fraction)
        importer.finish()
    finally:
        importer.close()
    return result


def _csv_error(exc: CsvRowError) -> str:
    return f"{CSV_ERROR_LINE} ({exc.reason}); the rows after it were not read"


def _header(rows: Iterator[Row], options: ImportOptions) -> tuple[Header, Iterator[Row]]:
    """The header and the rows after it."""
    if options.header_row is not None:
        for line, cells in rows:
            if line == options.header_row:
                return read_header(line, cells, options.mapping), rows
            if line > options.header_row:
                break
        raise ImportFileError(
            f"--header-row {options.header_row}: the file has no such row", zh="表头行不存在"
        )
    first = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    header = find_header(first, options.mapping)
    after = [(line, cells) for line, cells in first if line > header.line]
    return header, itertools.chain(after, rows)


class _Importer:
    """One pass over the rows: check, remember IDs seen, write full batches while nothing
    stops the import, then commit or roll back."""

    def __init__(
        self,
        options: ImportOptions,
        result: ImportResult,
        now: datetime,
        open_session: SessionOpener | None,
        on_problem: ProblemListener | None,
        on_valid: Callable[[ResidentData], None] | None = None,
    ) -> None:
        self.options = options
        self.result = result
        self.now = now
        self.open_session = open_session
        self.on_problem = on_problem
        self.on_valid = on_valid
        self.today = options.today or date.today()
        self.seen: dict[str, int] = {}
        self.batch: list[ResidentData] = []
        self.session: Session | None = None

    def problem(self, problem: Problem) -> None:
        """Count, keep (the first few) and pass on one problem."""
        self.result.rejected += 1
        if len(self.result.problems) < KEPT_PROBLEMS:
            self.result.problems.append(problem)
        if self.on_problem is not None:
            self.on_problem(problem)

    def check_all(
        self,
        rows: Iterator[Row],
        header: Header,
        progress: ProgressListener | None,
        fraction: Callable[[], float | None],
    ) -> None:
        """Check every row, writing full batches."""
        read = 0
        try:
            for line, cells in rows:
                if all(c is None or str(c).strip() == "" for c in cells):
                    continue  # blank rows: spreadsheets end with a few
                read += 1
                self._row(line, cells, header)
                if len(self.batch) >= self.options.batch:
                    self._flush()
                    if progress is not None:
                        progress(read, fraction())
        except CsvRowError as exc:
            self.problem(Problem(exc.line, "", "", _csv_error(exc)))
        self._flush()
        if progress is not None:
            progress(read, 1.0)

    def finish(self) -> None:
        """Commit what was written, unless a rejected row makes it all or nothing."""
        if self.session is None:
            return
        if self.result.rejected and not self.options.partial:
            self.session.rollback()
            self.result.inserted = self.result.updated = 0
        else:
            self.session.commit()
            self.result.committed = True

    def close(self) -> None:
        """Release the session (rolling back anything not committed)."""
        if self.session is not None:
            self.session.close()

    def _row(self, line: int, cells: list[object], header: Header) -> None:
        by_field = {f: cells[i] if i < len(cells) else None for f, i in header.positions.items()}
        problem, data = check_row(line, by_field, header.names, self.today)
        if data is not None and data.id_number in self.seen:
            first = self.seen[data.id_number]
            column = header.names.get("id_number", "id_number")
            problem = Problem(line, "id_number", column, f"duplicate of line {first}", _mask(data))
        if problem is not None:
            self.problem(problem)
            return
        assert data is not None
        self.seen[data.id_number] = line
        self.result.valid += 1
        self.batch.append(data)
        if self.on_valid is not None:
            self.on_valid(data)

    def _flush(self) -> None:
        writing = self.open_session is not None and (
            self.options.partial or not self.result.rejected
        )
        if writing and self.batch:
            from kiosk.db.repositories import ResidentRepository

            if self.session is None:
                assert self.open_session is not None
                self.session = self.open_session()
            inserted, updated = ResidentRepository(self.session).upsert_many(self.batch, self.now)
            self.result.inserted += inserted
            self.result.updated += updated
            crashpoint("mid_import_batch")  # a batch written, the import's transaction open
        self.batch.clear()


def _mask(data: ResidentData) -> str:
    from civic.idnumber import mask_id_number

    return mask_id_number(data.id_number)
