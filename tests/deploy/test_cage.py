"""`kiosk run` under cage, as deployed: deploy/kiosk-cage started as an unprivileged user with
cage's headless backend, the real `kiosk run` inside it, and a grim screenshot of the output.

cage refuses to run as root: as root the tests run cage as $KIOSK_TEST_USER, else `kiosk` if that
user exists, else `nobody`, with a Python that user can execute (Debian's /usr/bin/python3.11:
the python3.11 on PATH here lives under /root). Its venv borrows this checkout's site-packages
(a .pth file), so nothing is downloaded. Everything lives in one private folder under /tmp,
owned by that user and removed afterwards.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from kiosk.ui.style import RED

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "deploy" / "kiosk-cage"
DEBIAN_PYTHON = Path("/usr/bin/python3.11")
HEADLESS_OUTPUT = (1280, 720)  # wlroots' headless backend makes one output of this size
SCREENSHOT = ROOT / "docs" / "screenshots" / "deploy-cage-attract.png"
SAVE_ENV = "KIOSK_SAVE_SCREENSHOTS"  # set to 1 to refresh SCREENSHOT from this run
READY = re.compile(r" INFO kiosk\.running: kiosk \S+ ready$", re.MULTILINE)
NOT_READY = "kiosk not ready"
START_SECONDS = 120.0  # a bound for the kiosk to be ready, never an assertion on speed


@dataclass(frozen=True)
class Account:
    """Whom cage runs as, and the private folder it works in."""

    name: str
    uid: int
    gid: int
    base: Path

    def command(self, argv: Sequence[str | Path], **env: str | Path) -> list[str]:
        """`argv` as this user with exactly `env` (plus PATH, HOME, LANG): no root environment
        leaks in."""
        clean = {
            "PATH": "/usr/bin:/bin",
            "HOME": self.base / "home",
            "LANG": "C.UTF-8",
            **env,
        }
        line = ["env", "-i", *(f"{k}={v}" for k, v in clean.items()), *map(str, argv)]
        if os.geteuid() == 0:
            return ["runuser", "-u", self.name, "--", *line]
        return line

    def mkdir(self, name: str) -> Path:
        """A 0700 folder of this user's inside the base folder."""
        path = self.base / name
        path.mkdir(mode=0o700)
        os.chown(path, self.uid, self.gid)
        return path


def _user_name() -> str:
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    wanted = os.environ.get("KIOSK_TEST_USER")
    if wanted:
        return wanted
    try:
        pwd.getpwnam("kiosk")
    except KeyError:
        return "nobody"
    return "kiosk"


@pytest.fixture(scope="module")
def account() -> Iterator[Account]:
    """The unprivileged user and a private folder of theirs under /tmp (removed afterwards)."""
    for tool in ("cage", "grim", "Xwayland"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: apt-get install cage grim xwayland (make test does)")
    entry = pwd.getpwnam(_user_name())
    base = Path(tempfile.mkdtemp(prefix="kiosk-cage-", dir="/tmp"))
    os.chown(base, entry.pw_uid, entry.pw_gid)
    user = Account(entry.pw_name, entry.pw_uid, entry.pw_gid, base)
    user.mkdir("home")
    try:
        yield user
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def python(account: Account) -> Path:
    """A Python the user can execute that imports this checkout's kiosk: a venv of Debian's
    python3.11 (made by that user) whose .pth adds this test run's site-packages."""
    if not DEBIAN_PYTHON.exists():
        if os.geteuid() == 0:
            pytest.fail(f"{DEBIAN_PYTHON} is missing: apt-get install python3.11 python3-venv")
        return Path(sys.executable)
    venv = account.base / "venv"
    made = subprocess.run(
        account.command([DEBIAN_PYTHON, "-m", "venv", "--without-pip", venv]),
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    site = venv / "lib" / "python3.11" / "site-packages"
    borrowed = sysconfig.get_paths()["purelib"]
    (site / "borrow-test-venv.pth").write_text(
        f"import site; site.addsitedir({borrowed!r})\n", encoding="utf-8"
    )
    interpreter = venv / "bin" / "python"
    probe = subprocess.run(
        account.command(
            [interpreter, "-c", "import kiosk, PySide6.QtWidgets; print(kiosk.__file__)"]
        ),
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0, (
        f"{account.name} cannot import the kiosk from {ROOT} (is the checkout readable by "
        f"other users?): {probe.stderr}"
    )
    assert Path(probe.stdout.strip()).resolve() == ROOT / "kiosk" / "__init__.py"
    return interpreter


def _cage_env(runtime: Path, **extra: str | Path) -> dict[str, str | Path]:
    return {
        "XDG_RUNTIME_DIR": runtime,
        "WLR_BACKENDS": "headless",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "WLR_RENDERER": "pixman",
        **extra,
    }


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process group we started (runuser, the launcher, cage, the kiosk)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass(frozen=True)
class CageRun:
    """What the kiosk under cage showed, and where its files are."""

    screenshot: Path
    log: str


@pytest.fixture(scope="module")
def kiosk_under_cage(account: Account, python: Path) -> Iterator[CageRun]:
    """`deploy/kiosk-cage python -m kiosk run` as the user, on a fresh data dir with a certified
    signing key; once the kiosk is ready and the screen has settled, a grim screenshot of the output."""
    data, runtime = account.mkdir("data"), account.mkdir("runtime")
    kiosk_env = {"KIOSK_PATHS_DATA_DIR": data, "KIOSK_UI_VOICE": "false"}
    _certified_terminal_key(data, account)
    output = (account.base / "cage.out").open("wb")
    process = subprocess.Popen(
        account.command(
            [LAUNCHER, python, "-m", "kiosk", "run"],
            **_cage_env(runtime, **kiosk_env),
        ),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log = data / "logs" / "kiosk.log"
    try:
        _wait_ready(process, log, account)
        shot = _settled_screenshot(process, account, runtime)
        yield CageRun(shot, log.read_text(encoding="utf-8"))
    finally:
        _stop(process)
        output.close()


def _certified_terminal_key(data: Path, account: Account) -> None:
    """What an installer does once per terminal: a signing key certified by the district root
    (here a throwaway root outside the terminal's folders), installed in the key dir."""
    from datetime import date, datetime, timedelta

    from forms.certified import install
    from forms.district import DistrictRoot, KeyRequest, make_request
    from forms.keys import load_signing_key
    from forms.trust import PURPOSE_DOCUMENTS
    from kiosk.config import load_config

    config = load_config(None, env={"KIOSK_PATHS_DATA_DIR": str(data)})
    terminal = config.terminal
    key = load_signing_key(config.key_dir, create=True)
    root = DistrictRoot.init(Path(tempfile.mkdtemp(prefix="root-", dir=account.base)))
    request = make_request(
        key,
        purpose=PURPOSE_DOCUMENTS,
        terminal_id=terminal.id,
        community_code=terminal.community_code,
        community=terminal.community,
        issuer=terminal.issuer,
        now=datetime.now().replace(microsecond=0),
    )
    root.certify(KeyRequest.parse(request), today=date.today() - timedelta(days=1), days=30)
    install(config.key_dir, root.store(), own_key=key, community_code=terminal.community_code)
    for folder, _dirs, files in os.walk(data):
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            os.chown(name, account.uid, account.gid)


def _wait_ready(process: subprocess.Popen[bytes], log: Path, account: Account) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kiosk-cage exited {process.returncode}: {_tail(account, log)}")
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        if READY.search(text):
            return
        if NOT_READY in text:
            pytest.fail(f"the kiosk under cage is out of service: {_tail(account, log)}")
        time.sleep(0.2)
    pytest.fail(
        f"the kiosk was not ready under cage within {START_SECONDS:.0f} s: {_tail(account, log)}"
    )


def _tail(account: Account, log: Path) -> str:
    out = (account.base / "cage.out").read_text(encoding="utf-8", errors="replace")
    noise = "Basic output test failed"  # wlroots' headless backend, harmless
    lines = [line for line in out.splitlines() if noise not in line][-15:]
    kiosk_log = log.read_text(encoding="utf-8")[-2000:] if log.exists() else "(no kiosk.log)"
    return "\n".join(lines) + "\n--- kiosk.log ---\n" + kiosk_log


def _settled_screenshot(process: subprocess.Popen[bytes], account: Account, runtime: Path) -> Path:
    """grim as the user until two screenshots in a row are the same picture."""
    display = runtime / "wayland-0"
    assert display.exists(), f"cage made no Wayland socket: {sorted(runtime.iterdir())}"
    previous: bytes | None = None
    deadline = time.monotonic() + 60
    for n in range(1000):
        shot = account.base / f"shot-{n}.png"
        taken = subprocess.run(
            account.command(["grim", shot], XDG_RUNTIME_DIR=runtime, WAYLAND_DISPLAY=display.name),
            capture_output=True,
            text=True,
        )
        assert taken.returncode == 0, taken.stderr
        picture = Image.open(shot).convert("RGB")
        pixels = picture.tobytes()
        blank = picture.getextrema() == ((0, 0), (0, 0), (0, 0))  # cage's empty output
        if time.monotonic() > deadline or (pixels == previous and not blank):
            return shot
        previous = pixels
        assert process.poll() is None, "the kiosk left cage while on screen"
        time.sleep(0.5)
    return shot


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return (r, g, b)


def test_the_attract_screen_fills_cages_output(kiosk_under_cage: CageRun) -> None:
    """GIVEN `kiosk run` under cage as an unprivileged user WHEN it is ready THEN the screenshot
    is the whole output, the header's red band spans its full width from the very top row (no
    title bar, no decorations), and no pixel of cage's black background shows anywhere."""
    picture = Image.open(kiosk_under_cage.screenshot).convert("RGB")
    if os.environ.get(SAVE_ENV) == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        picture.save(SCREENSHOT)
    assert picture.size == HEADLESS_OUTPUT
    width, height = picture.size
    px = picture.load()
    assert px is not None
    red = _rgb(RED)
    top_band = {px[x, y] for x in range(width) for y in range(8)}
    assert top_band == {red}, (
        f"the top 8 rows are not all the header red: {top_band} {kiosk_under_cage.log[-3000:]}"
    )
    darkest = min(sum(px[x, y]) for x in range(0, width, 2) for y in range(0, height, 2))
    assert darkest > 3 * 16, "cage's black background shows: the window does not cover the output"
    assert "kiosk.ui.lockdown: locked down" in kiosk_under_cage.log  # `kiosk run` installed it
    assert "kiosk.crash" not in kiosk_under_cage.log


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="issue 10 point 6: once every screen is built the window's minimum size is about "
    "1348×1029, larger than cage's 1280×720 headless output, so the footer is cut off",
)
def test_the_whole_window_fits_the_output(kiosk_under_cage: CageRun) -> None:
    """GIVEN the same screenshot THEN nothing is cut off: the header ends in its red margin at the
    right edge (not in the middle of a button), and the bottom rows are one band across the full
    width (the footer), not the middle of a screen."""
    picture = Image.open(kiosk_under_cage.screenshot).convert("RGB")
    width, height = picture.size
    px = picture.load()
    assert px is not None
    header_right = {px[x, y] for x in range(width - 16, width) for y in range(8, 80)}
    assert header_right == {_rgb(RED)}, "the header is cut off at the right edge"
    bottom = {px[x, y] for x in range(width) for y in range(height - 6, height)}
    assert len(bottom) == 1, "the window is cut off at the bottom edge"


@pytest.mark.parametrize(("command", "status"), [("exit 0", 0), ("exit 3", 3), ("kill -9 $$", 137)])
def test_the_launcher_exits_with_the_kiosks_status(
    account: Account, command: str, status: int
) -> None:
    """GIVEN deploy/kiosk-cage running a command under headless cage WHEN the command ends THEN
    the launcher exits with the command's status (cage 0.1.4 itself always exits 0, which would
    hide a crash from Restart=on-failure)."""
    runtime = account.base / f"runtime-{status}"
    runtime.mkdir(mode=0o700)
    os.chown(runtime, account.uid, account.gid)
    done = subprocess.run(
        account.command([LAUNCHER, "/bin/sh", "-c", command], **_cage_env(runtime)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == status, done.stderr[-2000:]
    assert not list(runtime.glob("kiosk-status.*")), "the launcher left its status file behind"


def test_the_launcher_refuses_root_and_a_missing_runtime_dir(account: Account) -> None:
    """GIVEN no XDG_RUNTIME_DIR (or root) WHEN the launcher starts THEN it exits 2 naming why."""
    done = subprocess.run(
        account.command([LAUNCHER, "/bin/true"]), capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2 and "XDG_RUNTIME_DIR" in done.stderr
    if os.geteuid() == 0:
        as_root = subprocess.run(
            [str(LAUNCHER), "/bin/true"], capture_output=True, text=True, timeout=30
        )
        assert as_root.returncode == 2 and "root" in as_root.stderr
