"""A private CUPS scheduler for tests, benchmarks and demos: real cupsd, nobody else's queues.

`PrivateCupsd` runs `/usr/sbin/cupsd -f` with its own configuration, spool, state and logs under
a temporary directory and its own port on 127.0.0.1, so the system's scheduler is never touched
and parallel test sessions never meet. It is stopped by the pid it started, never by name.

    with PrivateCupsd() as cups:                  # start() returns a CupsServer, as does .server
        cups.add_pdf_queue()                      # KIOSK_PDF, a cups-pdf queue
        printer = open_printer(cups.uri(timeout=30))
        ...
        cups.run("cupsdisable", "KIOSK_PDF")      # a stopped printer

cups-pdf writes its output to `~/PDF/<title>*-job_<N>.pdf` (see `CupsServer.pdf_output`); the
install does not create the queue, `add_pdf_queue` does. Needs the cups, cups-bsd,
cups-ipp-utils (ipptool) and printer-driver-cups-pdf packages.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

CUPSD = "/usr/sbin/cupsd"
PDF_QUEUE = "KIOSK_PDF"
CUPS_PDF_PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
CUPS_PDF_OUT = Path.home() / "PDF"  # cups-pdf.conf: Out ${HOME}/PDF (the submitting user is us)
START_TIMEOUT = 15.0  # seconds for cupsd to answer `lpstat -r`
TOOL_TIMEOUT = 10.0  # seconds for one client tool call

CUPSD_CONF = """Listen 127.0.0.1:{port}
LogLevel info
Browsing No
WebInterface No
DefaultAuthType None
ErrorPolicy retry-job
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
CUPS_FILES_CONF = """ServerRoot {root}
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
DocumentRoot /usr/share/cups/doc-root
User lp
Group lp
SystemGroup root
"""


class CupsdError(RuntimeError):
    """cupsd is not installed, did not come up, or refused to create a queue."""


def wait_until(predicate: Callable[[], T], timeout: float, interval: float = 0.05) -> T:
    """Poll `predicate` until it returns something truthy or `timeout` passes; return the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def missing_tools() -> list[str]:
    """What is missing to run a private cupsd (empty when everything is installed)."""
    missing = [] if Path(CUPSD).exists() else [CUPSD]
    return missing + [tool for tool in ("lp", "lpadmin", "ipptool") if shutil.which(tool) is None]


def _run(*args: str, timeout: float = TOOL_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class CupsServer:
    """A running scheduler as its clients see it: where it listens, its files, a default queue."""

    server: str  # host:port for `-h` and cups://QUEUE?server=
    root: Path  # ServerRoot: cupsd.conf, spool/, log/error_log, tmp/ (filters' TempDir)
    queue: str = PDF_QUEUE

    def uri(self, queue: str | None = None, **params: object) -> str:
        """`cups://QUEUE?server=host:port&params` for the printer registry."""
        query = "&".join([f"server={self.server}", *(f"{k}={v}" for k, v in params.items())])
        return f"cups://{queue or self.queue}?{query}"

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        """A CUPS client tool (lp, lpstat, lpadmin, cancel, cupsenable, ...) aimed at this cupsd."""
        return _run(tool, "-h", self.server, *args)

    def job_attributes(self, number: str | int, test: str = "get-job-attributes.test") -> str:
        """`ipptool -tv` output for one job."""
        return _run("ipptool", "-tv", f"ipp://{self.server}/jobs/{number}", test).stdout

    @staticmethod
    def pdf_output(title: str, number: str | int, *, since: float = 0.0) -> Path | None:
        """The file cups-pdf wrote for job `number` titled `title` (modified at or after `since`,
        a time.time() value, so files left by an earlier scheduler with the same job number are
        ignored), or None if it is not there (yet). cups-pdf escapes non-ASCII titles, so a
        title that is not plain ASCII is matched on the job number alone."""
        stem = title if title.isascii() and "/" not in title else ""
        found = [
            path
            for path in CUPS_PDF_OUT.glob(f"{stem}*-job_{number}.pdf")
            if path.stat().st_mtime >= since
        ]
        return max(found, key=lambda p: p.stat().st_mtime) if found else None


class PrivateCupsd:
    """Our own `cupsd -f` under a temporary ServerRoot on a free port; start(), use, stop().

    `root` (optional) is an empty directory to use as ServerRoot; by default one is made under
    the system temp dir and removed by stop().
    """

    def __init__(self, root: Path | None = None, *, start_timeout: float = START_TIMEOUT) -> None:
        self._given_root = root
        self.start_timeout = start_timeout
        self.pid: int | None = None
        self.info: CupsServer | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._root: Path | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> CupsServer:
        """Write the configuration, start cupsd and wait until it answers; CupsdError otherwise."""
        if self.info is not None:
            return self.info
        missing = missing_tools()
        if missing:
            raise CupsdError(f"CUPS is not installed: missing {', '.join(missing)}")
        root = self._given_root or Path(tempfile.mkdtemp(prefix="kiosk-cupsd-"))
        self._root = root
        self._prepare(root)
        try:
            for _attempt in range(3):  # the free port may be taken between the check and cupsd
                port = _free_port()
                (root / "cupsd.conf").write_text(CUPSD_CONF.format(port=port))
                info = CupsServer(f"127.0.0.1:{port}", root)
                process = subprocess.Popen(
                    [
                        CUPSD,
                        "-f",
                        "-c",
                        str(root / "cupsd.conf"),
                        "-s",
                        str(root / "cups-files.conf"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                self._process, self.pid = process, process.pid

                def settled(p: subprocess.Popen[bytes] = process, c: CupsServer = info) -> bool:
                    """cupsd exited, or says it is running."""
                    return (
                        p.poll() is not None
                        or "scheduler is running" in c.run("lpstat", "-r").stdout
                    )

                up = wait_until(settled, self.start_timeout, 0.1)
                if up and process.poll() is None:
                    self.info = info
                    return info
                self._stop_process()
            raise CupsdError(f"cupsd did not come up; see {root}/log/error_log")
        except BaseException:
            self.stop(keep_root=True)  # keep the logs of a failed start for the reader
            raise

    def stop(self, *, keep_root: bool = False) -> None:
        """Terminate our cupsd by its pid (SIGTERM, then SIGKILL) and remove its temporary root."""
        self._stop_process()
        self.info = None
        if self._root is not None and self._given_root is None and not keep_root:
            shutil.rmtree(self._root, ignore_errors=True)
        self._root = None

    def __enter__(self) -> PrivateCupsd:
        """Start on entering a with-block."""
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving a with-block."""
        self.stop()

    # -- using it -----------------------------------------------------------------------------

    @property
    def server(self) -> CupsServer:
        """The running server; CupsdError if not started."""
        if self.info is None:
            raise CupsdError("the private cupsd is not running: call start() first")
        return self.info

    def add_pdf_queue(self, name: str = PDF_QUEUE) -> CupsServer:
        """Create (or reset) the cups-pdf queue `name`, enabled and accepting; returns the server
        with `name` as its default queue."""
        done = self.server.run("lpadmin", "-p", name, "-v", "cups-pdf:/", "-E", "-m", CUPS_PDF_PPD)
        if done.returncode != 0:
            raise CupsdError(f"lpadmin -p {name} failed: {done.stderr.strip() or done.stdout}")
        for command in ("cupsenable", "cupsaccept"):
            self.server.run(command, name)
        return CupsServer(self.server.server, self.server.root, name)

    def uri(self, queue: str = PDF_QUEUE, **params: object) -> str:
        """`cups://QUEUE?server=host:port&params` for the printer registry."""
        return self.server.uri(queue, **params)

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        """A CUPS client tool (lp, lpstat, lpadmin, cancel, cupsenable, ...) aimed at our cupsd."""
        return self.server.run(tool, *args)

    # -- internals ----------------------------------------------------------------------------

    @staticmethod
    def _prepare(root: Path) -> None:
        root.chmod(0o755)  # filters run as lp and must reach the spool
        for sub in ("spool", "cache", "state", "log"):
            (root / sub).mkdir(exist_ok=True)
        tmp = root / "tmp"
        tmp.mkdir(mode=0o770, exist_ok=True)
        shutil.chown(tmp, group="lp")
        tmp.chmod(0o1770)
        (root / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=root))

    def _stop_process(self) -> None:
        process, self._process = self._process, None
        pid, self.pid = self.pid, None
        if process is None or pid is None or process.poll() is not None:
            return
        os.kill(pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            process.wait(5)
