"""Speech files: any message rendered offline by espeak-ng into a WAV, cached and bounded.

The Qt-free core behind `kiosk.ui.speaker.Speaker` (which plays the files):

- `choose(zh, en, locale, settings) -> Utterance | None`: which text, voice and speed to speak.
- `speakable(text) -> bool`: the guard. Text with 6+ digits in a row (digit separators such as
  spaces or dashes do not break a run) or an 18-character ID pattern (digits, X, masking stars)
  is never spoken: the hall is public, and no name or ID number may be heard in it.
- `VoiceCache(folder, settings)`: WAV files keyed by (engine, voice, speed, text) in `folder`
  (0700, files 0600), least recently used evicted past `max_files` / `max_bytes`.
  `find(clip)` is a memory lookup (safe on the UI thread); `produce(clip)` renders what is
  missing (espeak-ng, then the volume and chime variants) and belongs on a worker thread.
- `Clip(utterance, gain, chime)`: one playable file: speech (or, with no utterance, the
  attention tone) at a volume in percent, optionally after the tone.

Why the gain is applied here: aplay cannot scale, and the PCM samples are scaled in Python
(`array`, 16-bit) when a volume variant is first needed (tens of ms for a long prompt, on the
worker). That needs no sox at run time, gives exact, testable samples, and the variant is
cached like the prompt, so a cached prompt at any volume starts without any work.

Why `cmn-latn-pinyin` and not `cmn`: espeak-ng 1.51 (Debian 12) `cmn` turns every character
into pinyin with a tone digit and then reads that pinyin as English ("请" -> "king three");
`cmn-latn-pinyin` speaks the same dictionary as Mandarin, with tone sandhi.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import wave
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from kiosk.datadir import ensure_private_dir

log = logging.getLogger(__name__)

# a run of 6+ digits (ASCII, full-width or Chinese numerals), separators allowed between them
_NUMBER_RUN = re.compile(
    r"[0-9０-９〇零一二三四五六七八九](?:[ \-–—._/·]?[0-9０-９〇零一二三四五六七八九]){5,}"
)
# an ID number as printed or masked: 17 digits or stars, then a digit, X or star
_ID_PATTERN = re.compile(r"[0-9０-９*＊]{17}[0-9０-９XxＸ*＊]")
TONE_VERSION = "chime-1"  # bump when the tone's sound changes: the cache key follows
SAMPLE_RATE = 22050  # espeak-ng's rate; the tone is made at the same rate to be joined to speech


@dataclass(frozen=True)
class VoiceSettings:
    """How speech is made and played: engine and player commands, voices, cache bounds."""

    engine: str = "espeak-ng"  # a command name on PATH or a path
    player: str = "aplay"
    device: str | None = None  # ALSA device for `aplay -D` (None: the default device)
    zh_voice: str = "cmn-latn-pinyin"
    zh_speed: int = 150  # words per minute; espeak-ng's 175 is hurried for an elderly listener
    en_voice: str = "en"
    en_speed: int = 150
    max_files: int = 2000
    max_bytes: int = 50 * 1024 * 1024


@dataclass(frozen=True)
class Utterance:
    """One text in one voice at one speed: what espeak-ng renders."""

    voice: str
    speed: int
    text: str


@dataclass(frozen=True)
class Clip:
    """One playable file: an utterance (None: the attention tone) at `gain` percent, optionally
    preceded by the tone (`chime`)."""

    utterance: Utterance | None
    gain: int = 100
    chime: bool = False

    def name(self, engine: str) -> str:
        """The cache file name: a hash of (engine, voice, speed, text), then gain and chime."""
        if self.utterance is None:
            stem = "tone-" + hashlib.sha256(TONE_VERSION.encode()).hexdigest()[:8]
        else:
            u = self.utterance
            key = f"{Path(engine).name}\0{u.voice}\0{u.speed}\0{u.text}"
            stem = hashlib.sha256(key.encode()).hexdigest()[:32]
        if self.gain != 100:
            stem += f"-g{self.gain}"
        if self.chime and self.utterance is not None:
            stem += "-c"
        return stem + ".wav"

    def base(self) -> Clip:
        """The same sound at full volume and without the chime (what variants are made from)."""
        return Clip(self.utterance)


def speakable(text: str) -> bool:
    """False for text that may carry an ID or phone number (see the module docstring)."""
    return _NUMBER_RUN.search(text) is None and _ID_PATTERN.search(text) is None


def choose(zh: str, en: str | None, locale: str, settings: VoiceSettings) -> Utterance | None:
    """The text to speak in the resident's language (the other one if hers is empty)."""
    zh_text, en_text = " ".join(zh.split()), " ".join((en or "").split())
    if en_text and (locale.lower().startswith("en") or not zh_text):
        return Utterance(settings.en_voice, settings.en_speed, en_text)
    if zh_text:
        return Utterance(settings.zh_voice, settings.zh_speed, zh_text)
    return None


def tone_samples(rate: int = SAMPLE_RATE) -> array[int]:
    """A two-note chime (880 Hz then 660 Hz, 0.45 s, half of full scale) with soft edges."""
    samples: array[int] = array("h")
    for freq, seconds in ((880.0, 0.18), (660.0, 0.27)):
        count = int(rate * seconds)
        fade = int(rate * 0.012)
        for n in range(count):
            edge = min(1.0, n / fade, (count - 1 - n) / fade)
            samples.append(int(16383 * edge * math.sin(2 * math.pi * freq * n / rate)))
    return samples


def scaled(samples: array[int], gain: int) -> array[int]:
    """16-bit samples at `gain` percent (0..100: never clips)."""
    if gain >= 100:
        return array("h", samples)
    return array("h", [s * gain // 100 for s in samples])


def read_wav(path: Path) -> tuple[array[int], int]:
    """A mono 16-bit WAV's samples and rate (ValueError for any other format)."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise ValueError(f"{path.name}: not mono 16-bit")
        rate = wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    samples: array[int] = array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples, rate


def write_wav(path: Path, samples: array[int], rate: int) -> None:
    """Write mono 16-bit samples to `path` (created 0600: speech files are the kiosk's own)."""
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(data.tobytes())


class VoiceCache:
    """Speech and tone WAVs in one private folder, LRU-bounded; safe to share between the UI
    thread (`find`) and one worker thread (`load`, `produce`, `touch`)."""

    def __init__(self, folder: Path, settings: VoiceSettings | None = None) -> None:
        self.folder = folder
        self.settings = settings or VoiceSettings()
        self.engine = shutil.which(self.settings.engine)
        self._lock = threading.Lock()
        self._index: OrderedDict[str, int] = OrderedDict()  # name -> size, oldest first
        self._bytes = 0
        self._warned = False

    def load(self) -> None:
        """Index the folder's files, oldest use first (file mtimes), and drop stray temp files.
        A missing engine is logged here, once: the worker calls this as it starts."""
        if self.engine is None:
            self._warn("%s not found: speech is off (the tone still plays)", self.settings.engine)
        ensure_private_dir(self.folder)
        found: list[tuple[int, str, int]] = []
        for entry in os.scandir(self.folder):
            if entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
            elif entry.name.endswith(".wav") and entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                found.append((info.st_mtime_ns, entry.name, info.st_size))
        with self._lock:
            for _, name, size in sorted(found):
                self._remember(name, size)
        self._evict()

    def find(self, clip: Clip) -> Path | None:
        """The clip's file if it is cached (a memory lookup, no disk access), marked as used."""
        name = clip.name(self.settings.engine)
        with self._lock:
            if name not in self._index:
                return None
            self._index.move_to_end(name)
        return self.folder / name

    def touch(self, path: Path) -> None:
        """Record a use on disk (the file's mtime), so the LRU order survives a restart."""
        with contextlib.suppress(OSError):
            os.utime(path)

    def produce(self, clip: Clip) -> Path | None:
        """The clip's file, rendered and cached first if missing; None (logged once) if it
        cannot be made. Slow (espeak-ng, sample scaling): call it on a worker thread."""
        found = self.find(clip)
        if found is not None:
            return found
        try:
            if clip.utterance is None:
                samples, rate = scaled(tone_samples(), clip.gain), SAMPLE_RATE
            else:
                base = clip.base()
                source = self.find(base) or self._render(base)
                if source is None:
                    return None
                if base == clip:
                    return source
                samples, rate = read_wav(source)
                if clip.chime:
                    samples = tone_samples(rate) + array("h", bytes(rate // 4 * 2)) + samples
                samples = scaled(samples, clip.gain)
            return self._store(clip.name(self.settings.engine), samples, rate)
        except (OSError, ValueError, EOFError, wave.Error) as exc:
            self._warn("a voice prompt could not be made (%s): that prompt stays silent", exc)
            return None

    def _render(self, clip: Clip) -> Path | None:
        utterance = clip.utterance
        if utterance is None:
            return None
        if self.engine is None:  # said once, in load()
            return None
        name = clip.name(self.settings.engine)
        target = self.folder / name
        tmp = self._tmp(name)
        # created 0600 before espeak-ng writes into it (it truncates, keeping the mode)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        command = [self.engine, "-v", utterance.voice, "-s", str(utterance.speed), "-w", str(tmp)]
        try:
            # the text goes in on stdin, never on a command line other users could list
            subprocess.run(
                command, input=utterance.text.encode(), check=True, capture_output=True, timeout=60
            )
            if tmp.stat().st_size <= 44:  # a bare WAV header: nothing was said
                raise ValueError(f"{self.settings.engine} produced no sound")
            tmp.replace(target)
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            self._warn("%s failed (%s): that prompt stays silent", self.settings.engine, exc)
            return None
        self._add(name, target.stat().st_size)
        return target

    def _store(self, name: str, samples: array[int], rate: int) -> Path:
        target, tmp = self.folder / name, self._tmp(name)
        write_wav(tmp, samples, rate)
        tmp.replace(target)
        self._add(name, target.stat().st_size)
        return target

    def _tmp(self, name: str) -> Path:
        ensure_private_dir(self.folder)
        return self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"

    def _add(self, name: str, size: int) -> None:
        with self._lock:
            self._remember(name, size)
        self._evict(keep=name)

    def _remember(self, name: str, size: int) -> None:
        self._bytes += size - self._index.get(name, 0)
        self._index[name] = size
        self._index.move_to_end(name)

    def _evict(self, keep: str | None = None) -> None:
        limits = self.settings
        victims = []
        with self._lock:
            while len(self._index) > limits.max_files or self._bytes > limits.max_bytes:
                name = next(iter(self._index))
                if name == keep:  # the newest file alone over the byte limit: keep it anyway
                    break
                self._bytes -= self._index.pop(name)
                victims.append(name)
        for name in victims:
            with contextlib.suppress(OSError):
                (self.folder / name).unlink()

    def _warn(self, message: str, *args: object) -> None:
        if not self._warned:
            self._warned = True
            log.warning(message, *args)
        else:
            log.debug(message, *args)

    @property
    def size(self) -> tuple[int, int]:
        """(files, bytes) the cache holds now."""
        with self._lock:
            return len(self._index), self._bytes
