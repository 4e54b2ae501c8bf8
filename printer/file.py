"""A printer that writes PDFs into a directory: `file:///dir`, the demo default.

Each job becomes `<dir>/<title>.pdf`; an existing file is never overwritten (`<title>-1.pdf`,
`<title>-2.pdf`, ...). Copies are recorded on the job, the file is written once.

Crash-consistent: the PDF is written to a hidden temp file in the same directory, fsynced, and
only then given its name (a hard link, which fails rather than replace a file, then the temp
name is removed), so a kill or power cut leaves no `.pdf` or a whole one, never a truncated
one. Files are 0600. A temp file left by a killed process is removed by the next job.
A full disk raises DiskFullError, a directory that cannot take files OutputNotWritableError;
neither leaves a partial file behind. `write_document` does the same for one named file
(`kiosk render --out`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from civic.crashpoints import crashpoint
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
MAX_NUMBERED = 10000
WRITE_CHUNK = 1 << 14  # bytes per write: a kill mid-document leaves a short temp file
TEMP_PREFIX = ".kiosk-"  # + pid + "-" + random + TEMP_SUFFIX
TEMP_SUFFIX = ".pdf.part"
_TEMP_NAME = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-.*{re.escape(TEMP_SUFFIX)}$")
_FULL = (errno.ENOSPC, errno.EDQUOT)
_NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.ENOENT)
_NO_HARD_LINKS = (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV)


class DiskFullError(PrintFailedError):
    """The disk (or quota) filled up while the PDF was written; nothing was kept."""

    message_zh = "存储空间已满，证明文件未能保存，请联系工作人员"
    message_en = "The disk is full: the document was not saved. Please ask staff."

    @property
    def resident_message(self) -> tuple[str, str]:
        """(Chinese, English): what went wrong, not the generic printer fault."""
        return self.message_zh, self.message_en


class OutputNotWritableError(PrinterNotReadyError):
    """The output directory cannot take files: not a directory, read-only, or no permission."""

    message_zh = "文件输出目录无法写入，证明文件未能保存，请联系工作人员"
    message_en = (
        "The output folder cannot be written to: the document was not saved. Please ask staff."
    )

    @property
    def resident_message(self) -> tuple[str, str]:
        """(Chinese, English): what went wrong, not the generic printer fault."""
        return self.message_zh, self.message_en


def safe_filename(title: str) -> str:
    """A title as a file name: no path separators or control characters, never empty or hidden."""
    name = _UNSAFE.sub("_", title).strip(" .")[:MAX_TITLE]
    return name or "kiosk"


def write_error(exc: OSError, where: Path) -> PrinterError:
    """The typed error for an OSError met while writing into `where` (no job attached)."""
    error, status = _classify(exc, where)
    return error(status.staff_message, status)


def write_document(path: Path, data: bytes) -> Path:
    """Write `data` to `path` crash-consistently (temp file, fsync, rename), replacing a file
    already there; the parent directory is created. Raises DiskFullError,
    OutputNotWritableError or PrintFailedError; no partial file is left either way."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _write_temp(path.parent, data)
        try:
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)
    except OSError as exc:
        raise write_error(exc, path.parent) from None
    return path


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
            raise fail(job, OutputNotWritableError, status.staff_message, status, on_progress)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _sweep_dead_temps(self.directory)
            tmp = _write_temp(
                self.directory, document, lambda: notify(job, JobState.SENT, on_progress)
            )
            try:
                path = _publish(tmp, self.directory, safe_filename(title))
            finally:
                tmp.unlink(missing_ok=True)
            _fsync_dir(self.directory)
        except OSError as exc:
            error, status = _classify(exc, self.directory)
            raise fail(job, error, status.staff_message, status, on_progress) from None
        job.job_id = str(path)
        job.status = PrinterStatus(PrinterState.READY, f"written to {path}")
        notify(job, JobState.DONE, on_progress)
        return job


def _classify(exc: OSError, where: Path) -> tuple[type[PrinterError], PrinterStatus]:
    if exc.errno in _FULL:
        message = f"disk full writing into {where}: {exc} / 磁盘空间已满"
        return DiskFullError, PrinterStatus(PrinterState.ERROR, message, ("other-error",))
    if exc.errno in _NOT_WRITABLE:
        message = f"cannot write into {where}: {exc} / 输出目录不可写"
        return OutputNotWritableError, PrinterStatus(PrinterState.ERROR, message, ("other-error",))
    message = f"cannot write into {where}: {exc} / 文件写入失败"
    return PrintFailedError, PrinterStatus(PrinterState.ERROR, message, ("other-error",))


def _write_temp(directory: Path, data: bytes, on_open: Callable[[], None] | None = None) -> Path:
    """A new hidden 0600 file in `directory` holding all of `data`, fsynced; removed on failure."""
    fd, name = tempfile.mkstemp(
        prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=directory
    )
    tmp = Path(name)
    try:
        try:
            if on_open is not None:
                on_open()
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view[:WRITE_CHUNK]) :]
                crashpoint("mid_pdf_write")  # part of the PDF in the temp file, not yet synced
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _publish(
    tmp: Path, directory: Path, stem: str, link: Callable[[Path, Path], None] = os.link
) -> Path:
    """Give the finished temp file the first free name `stem.pdf`, `stem-1.pdf`, ...

    A hard link is atomic and fails if the name is taken, so two jobs never share or overwrite
    a file. On a filesystem without hard links (FAT) a rename after a check is the fallback.
    """
    for n in range(MAX_NUMBERED):
        path = directory / (f"{stem}.pdf" if n == 0 else f"{stem}-{n}.pdf")
        try:
            link(tmp, path)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            if path.exists():
                continue
            os.rename(tmp, path)
        return path
    raise OSError(errno.EEXIST, f"too many files named {stem}*.pdf in {directory}")


def _fsync_dir(directory: Path) -> None:
    """Make the new name durable: without it a power cut may lose the directory entry."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sweep_dead_temps(directory: Path) -> None:
    """Remove temp files whose writing process is gone (killed mid-job)."""
    for entry in os.scandir(directory):
        match = _TEMP_NAME.match(entry.name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or _alive(pid):
            continue  # still being written
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OverflowError:
        return False
    return True
