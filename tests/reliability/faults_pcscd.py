"""A pcscd of our own that can be killed and restarted without touching anybody else's.

Other sessions on the machine run the system pcscd (socket and pid file in /run/pcscd, vpcd on
TCP 35963/35964) and refuse to start theirs while a process named `pcscd` runs
(`card_reader.emulators.pcscd.running_pid`). This one is invisible to them:

* it runs in a mount namespace of its own (`unshare --mount`) where /run/pcscd is a private
  directory, so its socket and pid file never appear in the real /run/pcscd; clients reach it
  through `PCSCLITE_CSOCK_NAME` (honoured by pcsc-lite's client library, read once per process:
  set it before the process first talks to PC/SC);
* its reader configuration is a private `-c` directory naming a vpcd reader "Faults PCD" on a
  free port pair;
* it is started through a symlink named `pcscd-faults`, so its process name is not `pcscd`.

It is stopped or killed only by the pid it started.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from card_reader.emulators.pcscd import list_readers

PCSCD = "/usr/sbin/pcscd"
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
READER = "Faults PCD"
SOCKET_ENV = "PCSCLITE_CSOCK_NAME"
# inside the namespace: /run/pcscd is the private run dir, then exec pcscd from its symlink
START = 'mount --bind "$1" /run/pcscd && exec "$2" --foreground -c "$3"'


def free_port_pair(first: int = 36100, last: int = 38000) -> int:
    """A TCP port p with p and p + 1 free on every address (vpcd listens on 0.0.0.0)."""
    for port in range(first, last, 2):
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("0.0.0.0", port))
                b.bind(("0.0.0.0", port + 1))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair for a private vpcd")


def unavailable() -> str | None:
    """Why a private pcscd cannot run here (None: it can)."""
    if os.geteuid() != 0:
        return "a private pcscd needs root (a mount namespace for its /run/pcscd)"
    for need in (PCSCD, VPCD_DRIVER):
        if not Path(need).exists():
            return f"{need} missing: apt-get install pcscd vsmartcard-vpcd"
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is missing"
    probe = subprocess.run(
        ["unshare", "--mount", "true"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return f"mount namespaces are not permitted here: {probe.stderr.strip()}"
    return None


class PrivatePcscd:
    """Our own `pcscd --foreground` under `root`, its vpcd reader on `port` and `port + 1`."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.run_dir = root / "run"
        self.conf_dir = root / "reader.conf.d"
        self.binary = root / "pcscd-faults"
        self.log_path = root / "pcscd.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def socket_path(self) -> Path:
        """Where clients find it: PCSCLITE_CSOCK_NAME."""
        return self.run_dir / "pcscd.comm"

    @property
    def pid(self) -> int | None:
        """Our process while it runs."""
        return self.process.pid if self.process and self.process.poll() is None else None

    def prepare(self) -> None:
        """Write the private configuration (once)."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        channel = f"0x{self.port:04X}"
        (self.conf_dir / "vpcd").write_text(
            f'FRIENDLYNAME "{READER}"\nDEVICENAME   /dev/null:{channel}\n'
            f"LIBPATH      {VPCD_DRIVER}\nCHANNELID    {channel}\n"
        )
        if not self.binary.exists():
            self.binary.symlink_to(PCSCD)
        Path("/run/pcscd").mkdir(parents=True, exist_ok=True)  # the mount point

    def launch(self) -> None:
        """Start pcscd and return at once (see wait_ready)."""
        if self.pid is not None:
            return
        self.prepare()
        for stale in (self.socket_path, self.run_dir / "pcscd.pid"):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    *("unshare", "--mount", "--propagation", "private", "sh", "-c", START, "sh"),
                    *(str(self.run_dir), str(self.binary), str(self.conf_dir)),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.starts += 1

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Until our reader is listed (this process must talk to our socket)."""
        if os.environ.get(SOCKET_ENV) != str(self.socket_path):
            raise RuntimeError(f"set {SOCKET_ENV}={self.socket_path} before using PC/SC")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"private pcscd exited; see {self.log_path}")
            if any(READER in name for name in list_readers()):
                return
            time.sleep(0.02)
        raise RuntimeError(f"private pcscd listed no {READER} reader; see {self.log_path}")

    def start(self) -> None:
        """Launch and wait until its reader is listed."""
        self.launch()
        self.wait_ready()

    def kill(self) -> None:
        """SIGKILL, as a crash: no clean-up of its own."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers. Safe to call twice."""
        self._end(signal.SIGTERM)

    def _end(self, how: signal.Signals) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(how)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
