"""Fakes for speech tests: an engine that writes a known WAV (counted, and held at a gate for
text containing 慢), and players that record what they were given. Real programs, not mocks:
the speaker runs them exactly as it runs espeak-ng and aplay."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.ui.speaker import Speaker
from kiosk.voice import VoiceSettings, read_wav

SLOW_MARK = "慢"  # the fake engine waits at the gate for any text containing it

ENGINE = r'''#!{python}
"""espeak-ng's interface (-v VOICE -s SPEED -w FILE, text on stdin), a 0.2 s tone as output."""
import math, os, sys, time, wave
from array import array
args = sys.argv[1:]
out = args[args.index("-w") + 1]
text = sys.stdin.buffer.read().decode()
folder = {folder!r}
with open(os.path.join(folder, "renders"), "a") as log:
    log.write(text.replace("\n", " ") + "\n")
if {slow!r} in text:
    open(os.path.join(folder, "waiting"), "w").close()
    deadline = time.monotonic() + 10
    while not os.path.exists(os.path.join(folder, "gate")) and time.monotonic() < deadline:
        time.sleep(0.02)
    open(os.path.join(folder, "released"), "w").close()
samples = array("h", (int(20000 * math.sin(2 * math.pi * 440 * n / 22050)) for n in range(4410)))
with wave.open(out, "wb") as wav:
    wav.setnchannels(1); wav.setsampwidth(2); wav.setframerate(22050)
    wav.writeframes(samples.tobytes())
'''

PLAYER = """#!/bin/sh
# aplay's interface (-q [-D DEVICE] FILE): note the pid and a copy of the file, then "play"
for last; do :; done
n=$(wc -l < "{folder}/played" 2>/dev/null || echo 0)
cp "$last" "{folder}/copy-$n.wav"
echo "$$ $last" >> "{folder}/played"
exec sleep 30
"""

NO_DEVICE = """#!/bin/sh
echo "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default" >&2
echo "aplay: main:831: audio open error: No such file or directory" >&2
exit 1
"""


def _script(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@dataclass
class Rig:
    """The fakes' folder and what they recorded."""

    folder: Path
    engine: Path
    player: Path
    no_device: Path

    def settings(
        self,
        *,
        engine: str | None = None,
        player: str | None = None,
        max_files: int = 2000,
        max_bytes: int = 50 * 1024 * 1024,
    ) -> VoiceSettings:
        """VoiceSettings running the fakes (or the given programs), with the given bounds."""
        return VoiceSettings(
            engine=engine or str(self.engine),
            player=player or str(self.player),
            max_files=max_files,
            max_bytes=max_bytes,
        )

    def played(self) -> list[tuple[int, Path]]:
        """(pid, file) for every player started, in order."""
        log = self.folder / "played"
        if not log.exists():
            return []
        rows = [line.split(" ", 1) for line in log.read_text().splitlines()]
        return [(int(pid), Path(path)) for pid, path in rows]

    def copy(self, n: int) -> Path:
        """The n-th played file as the player received it."""
        return self.folder / f"copy-{n}.wav"

    def renders(self) -> list[str]:
        """The texts the engine was asked to render, in order."""
        log = self.folder / "renders"
        return log.read_text().splitlines() if log.exists() else []

    def open_gate(self) -> None:
        """Let a held render (text with 慢) finish."""
        (self.folder / "gate").touch()


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    """The fake engine and players in a fresh folder; stray fake players ended afterwards."""
    folder = tmp_path / "fakes"
    folder.mkdir()
    engine = ENGINE.format(python=sys.executable, folder=str(folder), slow=SLOW_MARK)
    made = Rig(
        folder,
        _script(folder / "fake-espeak", engine),
        _script(folder / "fake-aplay", PLAYER.format(folder=folder)),
        _script(folder / "no-device-aplay", NO_DEVICE),
    )
    yield made
    made.open_gate()
    for pid, _ in made.played():  # only the fake players this test started, by their pid
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def make_speaker(tmp_path: Path, rig: Rig) -> Iterator[Callable[..., Speaker]]:
    """Speakers on the fakes with a fresh cache dir each; closed after the test."""
    made: list[Speaker] = []

    def make(
        settings: VoiceSettings | None = None, *, locale: str = "zh_CN", enabled: bool = True
    ) -> Speaker:
        folder = tmp_path / f"voice{len(made)}"
        speaker = Speaker(folder, settings or rig.settings(), locale=locale, enabled=enabled)
        made.append(speaker)
        return speaker

    yield make
    for speaker in made:
        speaker.close()


def alive(pid: int) -> bool:
    """True while the process runs (a zombie waiting to be reaped counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def peak(path: Path) -> int:
    """The largest absolute sample of a WAV."""
    samples, _ = read_wav(path)
    return max(abs(s) for s in samples)
