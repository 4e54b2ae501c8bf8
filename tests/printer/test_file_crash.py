"""The file printer under failure: killed mid-write, disk full, a directory that refuses files."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from printer.base import JobState
from printer.file import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    DiskFullError,
    FilePrinter,
    OutputNotWritableError,
    _publish,
    write_document,
)

REPO = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n%small\n%%EOF\n"
BIG_MB = 64
# A child that writes one big PDF through the file printer; the test kills it mid-write.
WRITER = f"""
import sys
from printer.file import FilePrinter
data = b"%PDF-1.4\\n" + b"0" * ({BIG_MB} << 20) + b"\\n%%EOF\\n"
FilePrinter(sys.argv[1]).print(data, title="居住证明")
"""


def _big_pdf() -> bytes:
    return b"%PDF-1.4\n" + b"0" * (BIG_MB << 20) + b"\n%%EOF\n"


def _kill_at_first_file(out: Path) -> bool:
    """Start the writer, SIGKILL it as soon as anything appears in `out`; True if it was still
    running then (the kill landed mid-job)."""
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(out)], cwd=REPO)
    try:
        while child.poll() is None and not any(out.iterdir()):
            time.sleep(0.0005)
        running = child.poll() is None
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    return running


def test_a_writer_killed_mid_job_leaves_no_pdf_or_a_whole_one(tmp_path: Path) -> None:
    """GIVEN a process writing a 64 MB PDF WHEN it is SIGKILLed the moment a file appears in the
    output directory (3 times) THEN every .pdf there is whole (all bytes, ends with %%EOF), and
    the next job removes the dead writer's temp file and still gets the plain name."""
    whole = _big_pdf()
    landed = 0
    for round_ in range(3):
        out = tmp_path / f"round{round_}"
        out.mkdir()
        landed += _kill_at_first_file(out)
        left = sorted(out.glob("*.pdf"))
        for pdf in left:
            assert pdf.stat().st_size == len(whole), f"truncated {pdf.name}"
            assert pdf.read_bytes() == whole
        job = FilePrinter(out).print(PDF, title="居住证明")
        assert job.job_id is not None
        assert Path(job.job_id).name == ("居住证明-1.pdf" if left else "居住证明.pdf")
        assert Path(job.job_id).read_bytes() == PDF
        assert not [p.name for p in out.iterdir() if p.name.endswith(TEMP_SUFFIX)]
    assert landed, "the kill never landed while the writer was running"


def test_files_are_written_0600(tmp_path: Path) -> None:
    """GIVEN a job WHEN written THEN the PDF is readable by its owner only (resident data)."""
    job = FilePrinter(tmp_path).print(PDF, title="证明")
    assert job.job_id is not None
    assert stat.S_IMODE(Path(job.job_id).stat().st_mode) == 0o600


def _full_disk_at(monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    """Make the disk fill up: os.write after its first 1000 bytes, or os.fsync, fails ENOSPC.

    (No tiny filesystem can be mounted for the tests, so the failing call is simulated.)
    """
    real_write = os.write
    written: list[int] = []

    def write(fd: int, data: bytes | memoryview) -> int:
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(fd)
        return real_write(fd, bytes(data[:1000]))

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if call == "write":
        monkeypatch.setattr(os, "write", write)
    else:
        monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_a_full_disk_is_a_disk_full_error_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    """GIVEN a disk that fills up during the write (or at fsync) WHEN a job prints
    THEN DiskFullError saying so in Chinese first, the job failed after being sent, and the
    directory holds no file at all (no partial PDF, no temp file)."""
    _full_disk_at(monkeypatch, call)
    seen: list[JobState] = []
    with pytest.raises(DiskFullError) as caught:
        FilePrinter(tmp_path).print(
            b"%PDF-1.4\n" + b"0" * 5000, title="证明", on_progress=lambda j: seen.append(j.state)
        )
    monkeypatch.undo()
    zh, en = caught.value.resident_message
    assert zh.startswith("存储空间已满") and "disk is full" in en
    assert "No space left" in caught.value.detail
    assert seen == [JobState.QUEUED, JobState.SENT, JobState.FAILED]
    assert caught.value.job is not None and caught.value.job.state is JobState.FAILED
    assert list(tmp_path.iterdir()) == []


def test_write_document_replaces_whole_or_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN an existing output file WHEN write_document succeeds THEN it holds the new bytes,
    0600; WHEN the disk fills up THEN DiskFullError and the previous file is untouched."""
    target = tmp_path / "out" / "doc.pdf"
    write_document(target, PDF)
    assert target.read_bytes() == PDF and stat.S_IMODE(target.stat().st_mode) == 0o600
    _full_disk_at(monkeypatch, "write")
    with pytest.raises(DiskFullError):
        write_document(target, b"%PDF-1.4\n" + b"1" * 5000)
    monkeypatch.undo()
    assert target.read_bytes() == PDF
    assert sorted(p.name for p in target.parent.iterdir()) == ["doc.pdf"]


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory bind-mounted read-only onto itself: root cannot write there either."""
    directory = tmp_path / "ro"
    directory.mkdir()
    mounted = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(directory), str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount read-only here: {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["umount", str(directory)], check=True)


@pytest.mark.parametrize("kind", ["below a file", "read-only mount"])
def test_an_unwritable_directory_is_refused_with_a_typed_error(
    kind: str, request: pytest.FixtureRequest
) -> None:
    """GIVEN an output directory below a regular file, or on a read-only mount (the tests run as
    root, which ignores 0500) WHEN a job prints, or write_document writes there
    THEN OutputNotWritableError with the Chinese message first, and nothing is written."""
    if kind == "below a file":
        directory = Path("/dev/null/out")
    else:
        directory = request.getfixturevalue("read_only_dir")
    with pytest.raises(OutputNotWritableError) as caught:
        FilePrinter(directory).print(PDF, title="证明")
    assert caught.value.resident_message[0].startswith("文件输出目录无法写入")
    assert caught.value.job is not None
    assert caught.value.job.history == [JobState.QUEUED, JobState.FAILED]
    with pytest.raises(OutputNotWritableError):
        write_document(directory / "doc.pdf", PDF)
    if directory.is_dir():
        assert list(directory.iterdir()) == []


def test_only_dead_writers_temp_files_are_swept(tmp_path: Path) -> None:
    """GIVEN a temp file of a process that has exited and one of this (live) process
    WHEN a job prints THEN the dead one is removed and the live one kept."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = tmp_path / f"{TEMP_PREFIX}{gone.pid}-abc{TEMP_SUFFIX}"
    live = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-def{TEMP_SUFFIX}"
    for path in (dead, live):
        path.write_bytes(b"%PDF-1.4\npartial")
    FilePrinter(tmp_path).print(PDF, title="证明")
    assert not dead.exists() and live.exists()


def test_without_hard_links_the_name_is_still_never_reused(tmp_path: Path) -> None:
    """GIVEN a filesystem without hard links (link fails EPERM, as on FAT) and a taken name
    WHEN a finished temp file is published THEN it gets the next free name by rename."""
    (tmp_path / "证明.pdf").write_bytes(b"first")
    tmp = tmp_path / "finished.part"
    tmp.write_bytes(PDF)

    def no_links(src: Path, dst: Path) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    path = _publish(tmp, tmp_path, "证明", link=no_links)
    assert path == tmp_path / "证明-1.pdf" and path.read_bytes() == PDF
    assert (tmp_path / "证明.pdf").read_bytes() == b"first" and not tmp.exists()
