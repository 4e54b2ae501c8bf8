"""A printer that writes PDFs into a directory: `file:///dir`, the demo default.

Each job becomes `<dir>/<title>.pdf`; an existing file is never overwritten (`<title>-1.pdf`,
`<title>-2.pdf`, ...). Copies are recorded on the job, the file is written once.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlparse

from printer.base import (
    JobListener,
    JobState,
    PrinterError,
    PrinterNotReadyError,
    PrinterState,
    PrinterStatus,
    PrintFailedError,
    PrintJob,
    fail,
    notify,
)

_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')
MAX_TITLE = 120


def safe_filename(title: str) -> str:
    """A title as a file name: no path separators or control characters, never empty or hidden."""
    name = _UNSAFE.sub("_", title).strip(" .")[:MAX_TITLE]
    return name or "kiosk"


class FilePrinter:
    """Writes each job's PDF into `directory` (created on the first job if missing)."""

    def __init__(self, directory: Path | str, uri: str | None = None) -> None:
        self.directory = Path(directory)
        self.uri = uri or self.directory.as_uri()

    @classmethod
    def from_uri(cls, uri: str) -> FilePrinter:
        """Build from `file:///absolute/dir`."""
        parts = urlparse(uri)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or not parts.path:
            raise PrinterError(f"{uri!r}: expected file:///absolute/directory")
        if parts.query:
            raise PrinterError(f"{uri!r}: file printers take no parameters")
        return cls(unquote(parts.path), uri)

    def status(self) -> PrinterStatus:
        """READY if the directory is (or can be created) writable; ERROR otherwise. Never raises."""
        target = self.directory
        if target.exists() and not target.is_dir():
            return PrinterStatus(
                PrinterState.ERROR,
                f"{target} is not a directory / 输出路径不是目录",
                ("other-error",),
            )
        existing = target
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
            return PrinterStatus(
                PrinterState.ERROR, f"{existing} is not writable / 输出目录不可写", ("other-error",)
            )
        return PrinterStatus(PrinterState.READY, f"writing PDFs to {target}")

    def print(
        self,
        document: bytes,
        copies: int = 1,
        title: str = "kiosk",
        on_progress: JobListener | None = None,
    ) -> PrintJob:
        """Write the PDF to `<dir>/<title>.pdf` (or `<title>-N.pdf`); job_id is the path written."""
        job = PrintJob(self.uri, title, copies)
        notify(job, JobState.QUEUED, on_progress)
        if not document.startswith(b"%PDF-"):
            status = PrinterStatus(PrinterState.ERROR, "not a PDF document", ("other-error",))
            raise fail(job, PrintFailedError, "not a PDF document", status, on_progress)
        status = self.status()
        if not status.can_print:
            raise fail(job, PrinterNotReadyError, status.staff_message, status, on_progress)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path, handle = self._create(safe_filename(title))
            job.job_id = str(path)
            notify(job, JobState.SENT, on_progress)
            with handle:
                handle.write(document)
        except OSError as exc:
            status = PrinterStatus(PrinterState.ERROR, f"cannot write: {exc}", ("other-error",))
            raise fail(job, PrintFailedError, status.staff_message, status, on_progress) from None
        job.status = PrinterStatus(PrinterState.READY, f"written to {path}")
        notify(job, JobState.DONE, on_progress)
        return job

    def _create(self, stem: str) -> tuple[Path, BinaryIO]:
        """Open a new file exclusively ("x"), so two jobs never share or overwrite one."""
        for n in range(10000):
            path = self.directory / (f"{stem}.pdf" if n == 0 else f"{stem}-{n}.pdf")
            try:
                return path, open(path, "xb")  # closed by the caller
            except FileExistsError:
                continue
        raise OSError(f"too many files named {stem}*.pdf in {self.directory}")
