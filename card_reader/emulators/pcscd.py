"""Start and stop a private `pcscd --foreground` (with the vpcd driver) for tests, benchmarks
and the demo. Only the process started here is ever stopped, by its pid."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import IO

from smartcard import scard

PID_FILE = Path("/run/pcscd/pcscd.pid")
SOCKET = Path("/run/pcscd/pcscd.comm")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_pid() -> int | None:
    """The pid of a running pcscd (its pid file, else a process named pcscd), or None."""
    try:
        pid = int(PID_FILE.read_text().strip().strip("\x00").strip())
        if _alive(pid):
            return pid
    except (OSError, ValueError):
        pass
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "pcscd":
                return int(comm.parent.name)
        except (OSError, ValueError):
            continue
    return None


def list_readers(timeout: float = 0.0) -> list[str]:
    """Reader names pcscd offers now ([] if the service is down)."""
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return []
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        return list(readers) if hresult == scard.SCARD_S_SUCCESS else []
    finally:
        scard.SCardReleaseContext(context)


class PcscDaemon:
    """A pcscd we own: start() waits until the vpcd readers are listed, stop() ends it by pid."""

    def __init__(self, binary: str | None = None, *, log_path: Path | None = None) -> None:
        self.binary = binary or shutil.which("pcscd") or "/usr/sbin/pcscd"
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """Our process id while it runs."""
        return self.process.pid if self.process and self.process.poll() is None else None

    def start(self, timeout: float = 10.0) -> None:
        """Start pcscd in the foreground and wait for its readers; RuntimeError if it cannot."""
        if self.pid is not None:
            return
        other = running_pid()
        if other is not None:
            raise RuntimeError(f"another pcscd (pid {other}) is already running")
        if not Path(self.binary).exists():
            raise RuntimeError(f"{self.binary} not found: apt-get install pcscd vsmartcard-vpcd")
        # a stale socket or pid file from a killed daemon blocks a new one
        for stale in (SOCKET, PID_FILE):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        with contextlib.ExitStack() as files:
            out: IO[bytes] | int = subprocess.DEVNULL
            if self.log_path:
                out = files.enter_context(open(self.log_path, "ab"))  # pcscd keeps its own copy
            self.process = subprocess.Popen(
                [self.binary, "--foreground"],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"pcscd exited with status {self.process.returncode}")
            if any("Virtual PCD" in name for name in list_readers()):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("pcscd started but listed no Virtual PCD reader")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop our pcscd (SIGTERM, then SIGKILL) and wait for it. Safe to call twice."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)

    def restart(self) -> None:
        """Stop and start again."""
        self.stop()
        self.start()

    def __enter__(self) -> PcscDaemon:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
