"""Printer suite fixtures: a real cupsd with a cups-pdf queue, ESC/POS emulators on ptys, slip PDFs.

cupsd: our own `/usr/sbin/cupsd -f` with its own configuration, spool and port in a temp dir
(the system scheduler and other test sessions are never touched), stopped by its pid at the end.
"""

from __future__ import annotations

import io
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from printer.emulators.escpos_emulator import EscposEmulator

T = TypeVar("T")

CUPSD = "/usr/sbin/cupsd"
QUEUE = "KIOSK_PDF"
PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
CUPS_PDF_OUT = Path.home() / "PDF"  # cups-pdf writes ~/PDF/<title>*-job_<N>.pdf
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SLIP_SIZE = (576 / 203 * 72, 864 / 203 * 72)  # points: 576 x 864 dots at 203 dpi

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


def _run(*args: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)


def wait_until(predicate: Callable[[], T], timeout: float, interval: float = 0.05) -> T:
    """Poll `predicate` until it returns something truthy or `timeout` passes; return the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


@dataclass(frozen=True)
class Cups:
    """Our own scheduler: where it listens, its files, and the cups-pdf queue on it."""

    server: str  # host:port for `-h` and cups://QUEUE?server=
    root: Path
    queue: str = QUEUE

    def uri(self, queue: str | None = None, **params: object) -> str:
        """cups://QUEUE?server=...&params for the printer registry."""
        query = "&".join([f"server={self.server}", *(f"{k}={v}" for k, v in params.items())])
        return f"cups://{queue or self.queue}?{query}"

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        """A CUPS client tool (lp, lpstat, lpadmin, cancel, cupsenable, ...) aimed at our cupsd."""
        return _run(tool, "-h", self.server, *args)

    def job_attributes(self, number: str | int, test: str = "get-job-attributes.test") -> str:
        """`ipptool -tv` output for one job."""
        return _run("ipptool", "-tv", f"ipp://{self.server}/jobs/{number}", test).stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def cupsd() -> Iterator[Cups]:
    """A private `cupsd -f` (own config, spool and port under a temp dir; the system's CUPS is
    left alone and parallel test sessions do not meet), stopped by its pid at the end."""
    if not (Path(CUPSD).exists() and shutil.which("lp") and shutil.which("ipptool")):
        pytest.skip("CUPS (cups, cups-bsd, ipptool) is not installed")
    root = Path(tempfile.mkdtemp(prefix="kiosk-cupsd-"))
    root.chmod(0o755)  # filters run as lp and must reach the spool
    for sub in ("spool", "cache", "state", "log"):
        (root / sub).mkdir()
    (root / "tmp").mkdir(mode=0o770)
    shutil.chown(root / "tmp", group="lp")
    (root / "tmp").chmod(0o1770)
    (root / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=root))
    process = None
    try:
        for _attempt in range(3):  # the free port may be taken between the check and cupsd
            port = _free_port()
            (root / "cupsd.conf").write_text(CUPSD_CONF.format(port=port))
            cups = Cups(f"127.0.0.1:{port}", root)
            process = subprocess.Popen(
                [CUPSD, "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            up = wait_until(
                lambda p=process, c=cups: (
                    p.poll() is not None or "scheduler is running" in c.run("lpstat", "-r").stdout
                ),
                15,
                0.1,
            )
            if up and process.poll() is None:
                break
            process.wait(5)
        else:
            pytest.fail(f"cupsd did not come up; see {root}/log/error_log")
        yield cups
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pdf_queue(cupsd: Cups) -> Cups:
    """The cups-pdf queue KIOSK_PDF on our cupsd."""
    done = cupsd.run("lpadmin", "-p", QUEUE, "-v", "cups-pdf:/", "-E", "-m", PPD)
    if done.returncode != 0:
        pytest.fail(f"lpadmin failed: {done.stderr}")
    return cupsd


@pytest.fixture
def cups(pdf_queue: Cups) -> Iterator[Cups]:
    """KIOSK_PDF enabled and accepting before the test and again after it, whatever the test did."""
    for command in ("cupsenable", "cupsaccept"):
        pdf_queue.run(command, QUEUE)
    yield pdf_queue
    for command in ("cupsenable", "cupsaccept"):
        pdf_queue.run(command, QUEUE)


@pytest.fixture
def emulator() -> Iterator[EscposEmulator]:
    """An 80 mm ESC/POS printer emulator on a fresh pty."""
    with EscposEmulator(576) as emu:
        yield emu


@pytest.fixture
def emulator58() -> Iterator[EscposEmulator]:
    """A 58 mm ESC/POS printer emulator on a fresh pty."""
    with EscposEmulator(384) as emu:
        yield emu


def make_slip_pdf(width_pt: float = SLIP_SIZE[0], height_pt: float = SLIP_SIZE[1]) -> bytes:
    """A realistic queue slip: CJK text, rules, a QR-like block, white space between sections."""
    pdfmetrics.registerFont(TTFont("TestZenHei", FONT, subfontIndex=0))
    buf = io.BytesIO()
    c = canvas.Canvas(
        buf, pagesize=(width_pt, height_pt), initialFontName="TestZenHei", invariant=True
    )
    left = 3 * mm
    y = height_pt - 9 * mm
    c.setFont("TestZenHei", 14)
    c.drawCentredString(width_pt / 2, y, "红旗街社区服务站 办事回执")
    y -= 8 * mm
    c.setFont("TestZenHei", 9)
    for line in (
        "流水号：WY-20260115-000123",
        "事项：居住证明（补打第1次）",
        "办理时间：2026-01-15 09:41",
        "请携带身份证原件到二号窗口盖章。",
        "地址：王益区红旗街道党群服务中心一楼",
    ):
        c.drawString(left, y, line)
        y -= 5 * mm
    c.setLineWidth(0.7)
    c.line(left, y, width_pt - left, y)
    y -= 30 * mm
    rng = random.Random(6)
    cell, n = 1.1 * mm, 25
    x0 = (width_pt - n * cell) / 2
    for row in range(n):
        for col in range(n):
            finder = ((row < 7 or row >= n - 7) and col < 7) or (row < 7 and col >= n - 7)
            if finder or rng.random() < 0.5:
                c.rect(x0 + col * cell, y + (n - row) * cell - 8 * mm, cell, cell, stroke=0, fill=1)
    y -= 14 * mm
    c.drawCentredString(width_pt / 2, y, "扫码查验真伪 Scan to verify")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="session")
def slip_pdf() -> bytes:
    """An 80 mm slip PDF (about 576 x 864 dots)."""
    return make_slip_pdf()


@pytest.fixture(scope="session")
def slip58_pdf() -> bytes:
    """A 58 mm slip PDF."""
    return make_slip_pdf(384 / 203 * 72, 640 / 203 * 72)
