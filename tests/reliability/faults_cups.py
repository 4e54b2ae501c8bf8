"""A private cupsd with a printer that runs out of paper, and our own queues on it.

`FaultCupsd` is `printer.emulators.cupsd.PrivateCupsd` (its own config, spool, port, stopped by
its pid) with a ServerBin of its own: the system's filters and backends, plus `faultpaper`, a
backend speaking the CUPS backend protocol for a printer whose paper runs out. It reports
`STATE: +media-empty-error` on stderr the way the ipp and usb backends relay a real printer's
state, and holds the job as a real printer does until paper is loaded (the `mode` file says
`ok` again) or the job is cancelled. That is all a CUPS driver can ever see of paper: the
printer's reasons while a job is on it; an idle queue knows nothing of its paper.

    with FaultCupsd() as cups:
        queue = cups.add_fault_queue("FAULTS_A4")   # raw queue on faultpaper:<dir>
        cups.paper("out" | "mid" | "ok")             # before the job / during it / loaded
"""

from __future__ import annotations

import os
from pathlib import Path

from printer.emulators.cupsd import CUPS_FILES_CONF, CupsdError, CupsServer, PrivateCupsd

SYSTEM_SERVERBIN = Path("/usr/lib/cups")
BACKEND = """#!/bin/sh
# faultpaper: a printer whose paper runs out (CUPS backend protocol: STATE:/INFO: on stderr)
[ $# -eq 0 ] && { echo 'direct faultpaper "Unknown" "Fault-injection printer"'; exit 0; }
dir=${DEVICE_URI#faultpaper:}
trap 'echo "$1" >> "$dir/cancelled"; exit 0' TERM
mode=$(cat "$dir/mode")
echo "$1" >> "$dir/started"
case "$mode" in
  mid) head -c 4096 > /dev/null   # the first part of the job goes through, then the paper ends
       echo "INFO: printing page 1" >&2 ;;
  ok|hold) echo "STATE: -media-empty-error" >&2 ;;  # at a job's start it says how it is
esac
if [ "$mode" = hold ]; then  # warming up: it holds the job and says nothing
  while [ "$(cat "$dir/mode")" = hold ]; do sleep 0.1; done
elif [ "$mode" != ok ]; then
  echo "STATE: +media-empty-error" >&2
  echo "INFO: Out of paper" >&2
  while [ "$(cat "$dir/mode")" != ok ]; do sleep 0.1; done
  echo "STATE: -media-empty-error" >&2
fi
cat > /dev/null
echo "$1" >> "$dir/printed"
exit 0
"""


class FaultCupsd(PrivateCupsd):
    """A PrivateCupsd whose backends include `faultpaper` (see the module docstring)."""

    def _prepare(self, root: Path) -> None:  # type: ignore[override]
        PrivateCupsd._prepare(root)
        serverbin = root / "serverbin"
        backends = serverbin / "backend"
        backends.mkdir(parents=True, exist_ok=True)
        for entry in SYSTEM_SERVERBIN.iterdir():
            if entry.name != "backend" and not (serverbin / entry.name).exists():
                (serverbin / entry.name).symlink_to(entry)
        for entry in (SYSTEM_SERVERBIN / "backend").iterdir():
            if not (backends / entry.name).exists():
                (backends / entry.name).symlink_to(entry)
        script = backends / "faultpaper"
        script.write_text(BACKEND)
        script.chmod(0o700)  # 0700: cupsd runs it as root, so it may read the state directory
        for directory in (serverbin, backends):
            directory.chmod(0o755)
        conf = CUPS_FILES_CONF.format(root=root).replace(
            f"ServerBin {SYSTEM_SERVERBIN}", f"ServerBin {serverbin}"
        )
        (root / "cups-files.conf").write_text(conf)
        self.state_dir = root / "faultpaper"
        self.state_dir.mkdir(exist_ok=True)
        self.paper("ok")

    def paper(self, mode: str) -> None:
        """ "ok" (loaded), "out" (empty before the job starts), "mid" (runs out during it) or
        "hold" (it takes the job and keeps it, saying nothing, until the mode changes)."""
        if mode not in ("ok", "out", "mid", "hold"):
            raise ValueError(mode)
        temporary = self.state_dir / "mode.new"
        temporary.write_text(mode)
        os.replace(temporary, self.state_dir / "mode")

    def forget_jobs(self) -> None:
        """Start the started / printed / cancelled lists afresh (a new queue, a new test)."""
        for name in ("started", "printed", "cancelled"):
            (self.state_dir / name).unlink(missing_ok=True)

    def started(self) -> list[str]:
        """Job ids that reached the printer."""
        path = self.state_dir / "started"
        return path.read_text().split() if path.exists() else []

    def printed(self) -> list[str]:
        """Job ids the printer finished."""
        path = self.state_dir / "printed"
        return path.read_text().split() if path.exists() else []

    def cancelled(self) -> list[str]:
        """Job ids cancelled while on the printer."""
        path = self.state_dir / "cancelled"
        return path.read_text().split() if path.exists() else []

    def add_fault_queue(self, name: str) -> CupsServer:
        """A raw queue `name` on the faultpaper printer, enabled and accepting."""
        done = self.server.run("lpadmin", "-p", name, "-v", f"faultpaper:{self.state_dir}", "-E")
        if done.returncode != 0:
            raise CupsdError(f"lpadmin -p {name} failed: {done.stderr.strip() or done.stdout}")
        for command in ("cupsenable", "cupsaccept"):
            self.server.run(command, name)
        return CupsServer(self.server.server, self.server.root, name)
