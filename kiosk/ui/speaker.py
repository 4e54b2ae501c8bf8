"""Speaks any message offline: rendered on a worker thread (kiosk.voice), played by `aplay` in a
QProcess. The UI thread never waits: not for espeak-ng, not for the player.

Public API (all methods are called on the UI thread and return at once):

    speaker = Speaker(data_dir / "voice", VoiceSettings(), enabled=True, locale="zh_CN")
    speaker.say(message)                   # a Message (anything with .zh and .en)
    speaker.say("请取走您的身份证", "Please take your ID card", locale="en_US", chime=True)
    speaker.prewarm(messages)              # render ahead (after the first paint)
    speaker.repeat()                       # 重听: the last say() again, at today's volume
    speaker.stop()                         # silence now; a pending render is dropped
    speaker.tone()                         # the short attention chime alone
    speaker.set_volume(0.5); speaker.volume        # 0.0..1.0, for the next prompt
    speaker.set_muted(True); speaker.muted         # 静音: stops the current prompt too
    speaker.locale = "en_US"               # the default for say() without locale=
    speaker.playing                        # Signal(str): a WAV path, once the player started
    speaker.close()                        # stop the worker and the player (at shutdown)

Rules: a new say() (or stop, mute, tone) cuts the current prompt off at once (the player is
killed); a render that finishes after a newer request is dropped, never played late. A cached
prompt starts from the UI thread without touching the worker (a memory lookup, then the
player's fork). Text failing `kiosk.voice.speakable` (long digit runs, ID patterns) is never
spoken: logged once, silence instead. No espeak-ng, no aplay or no sound device: silent, one
log line each, never an exception. QtMultimedia would need the 417 MB PySide6-Addons wheel.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import shutil
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QProcess, QSocketNotifier, Signal

from kiosk.voice import Clip, Utterance, VoiceCache, VoiceSettings, choose, speakable

log = logging.getLogger(__name__)


class Bilingual(Protocol):
    """Anything with Chinese and English text (kiosk.view.Message)."""

    @property
    def zh(self) -> str:
        """Chinese text."""
        ...

    @property
    def en(self) -> str:
        """English text."""
        ...


@dataclass(frozen=True)
class _Job:
    clip: Clip | None  # None: the worker's stop sentinel
    seq: int | None = None  # a say()'s number, to drop it if a newer one came; None: prewarm
    touch: Path | None = None  # only record a cache hit on disk


URGENT, AHEAD, LAST = 0, 1, 2  # job priorities: say() first, prewarm after; LAST ends the worker
Jobs = queue.PriorityQueue[tuple[int, int, _Job]]


@dataclass
class _Latest:
    """The newest say()'s number, shared with the worker (an int swap is atomic)."""

    seq: int = 0


class _Worker:
    """The render thread's half. It holds no Qt object and no reference to the Speaker: results
    go into a queue and a byte down a pipe wakes the UI thread, so the Speaker is always
    destroyed on the UI thread, whichever thread lets go of it last."""

    def __init__(self, cache: VoiceCache, jobs: Jobs, latest: _Latest, wake_fd: int) -> None:
        self.cache, self.jobs, self.latest, self.wake_fd = cache, jobs, latest, wake_fd
        self.results: queue.SimpleQueue[tuple[int, str]] = queue.SimpleQueue()

    def run(self) -> None:
        """Render jobs in priority order until the sentinel; report each say()'s file."""
        try:
            self.cache.load()
            while True:
                _, _, job = self.jobs.get()
                if job.clip is None:
                    return
                if job.touch is not None:
                    self.cache.touch(job.touch)
                elif job.seq is None or job.seq == self.latest.seq:  # else: superseded, skip
                    path = self._produce(job.clip)
                    if job.seq is not None:
                        self.results.put((job.seq, "" if path is None else str(path)))
                        self._wake()
        except OSError as exc:
            log.warning("voice cache %s unusable (%s): speech is off", self.cache.folder, exc)
        finally:
            os.close(self.wake_fd)

    def _produce(self, clip: Clip) -> Path | None:
        try:
            return self.cache.produce(clip)
        except Exception:  # a bug must not end speech for the day: this prompt stays silent
            log.exception("voice prompt not made")
            return None

    def _wake(self) -> None:
        try:
            os.write(self.wake_fd, b"!")
        except BlockingIOError:  # the pipe is full of wake-ups: the UI thread will read anyway
            pass
        except BrokenPipeError:  # the speaker has closed: nobody to tell
            pass


class Speaker(QObject):
    """Speaks bilingual messages in the resident's language; see the module docstring."""

    playing = Signal(str)

    def __init__(
        self,
        folder: Path,
        settings: VoiceSettings | None = None,
        *,
        enabled: bool = True,
        locale: str = "zh_CN",
        volume: float = 1.0,
    ) -> None:
        super().__init__()
        self.settings = settings or VoiceSettings()
        self.cache = VoiceCache(folder, self.settings)
        self.locale = locale
        self._volume = _clamp(volume)
        self._muted = False
        self._latest = _Latest()
        self._last: tuple[Utterance, bool] | None = None
        self._process: QProcess | None = None
        self._warned: set[str] = set()
        self._order = itertools.count()
        self._jobs: Jobs = queue.PriorityQueue()
        self._player = shutil.which(self.settings.player) if enabled else None
        self._worker: _Worker | None = None
        self._wake_fd = -1
        if not enabled:
            return
        if self._player is None:
            self._warn("player", "%s not found: the kiosk is silent", self.settings.player)
            return
        self._wake_fd, write_fd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._notifier = QSocketNotifier(self._wake_fd, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wake)
        self._worker = _Worker(self.cache, self._jobs, self._latest, write_fd)
        threading.Thread(target=self._worker.run, name="voice", daemon=True).start()
        # dropped without close(): the worker still ends (the finalizer holds no Speaker)
        weakref.finalize(self, self._jobs.put, (LAST, -1, _Job(None)))

    # --- what the screens call ---------------------------------------------------------------

    def say(
        self,
        zh: str | Bilingual,
        en: str | None = None,
        *,
        locale: str | None = None,
        chime: bool = False,
    ) -> None:
        """Speak a message in `locale` (default: self.locale), cutting off the current one;
        with `chime`, the attention tone first."""
        zh_text, en_text = (zh, en) if isinstance(zh, str) else (zh.zh, zh.en)
        utterance = choose(zh_text, en_text, locale or self.locale, self.settings)
        if utterance is not None and not speakable(utterance.text):
            self._warn("guard", "a prompt with a long number or an ID pattern was not spoken")
            utterance = None
        if utterance is None:
            self._last = None
            self.stop()
            return
        self._last = (utterance, chime)
        self._request(Clip(utterance, self._gain(), chime))

    def repeat(self) -> None:
        """Say the last message again (at the volume set now)."""
        if self._last is not None:
            utterance, chime = self._last
            self._request(Clip(utterance, self._gain(), chime))

    def tone(self) -> None:
        """Play the short attention chime (the card-left reminder), cutting off the current one."""
        self._request(Clip(None, self._gain()))

    def stop(self) -> None:
        """Silence now: kill the player, drop any render still pending for a say()."""
        self._latest.seq += 1
        process, self._process = self._process, None
        if process is not None and process.state() != QProcess.ProcessState.NotRunning:
            _let_go(process)
            process.kill()

    def prewarm(self, messages: Iterable[Bilingual]) -> None:
        """Render every message in both languages, behind any say(), so each later starts at
        once. Messages the guard refuses are skipped."""
        if self._worker is None:
            return
        gain = self._gain() or 100
        seen: set[Utterance] = set()
        for message in messages:
            for locale in ("zh_CN", "en_US"):
                utterance = choose(message.zh, message.en, locale, self.settings)
                if utterance is None or utterance in seen or not speakable(utterance.text):
                    continue
                seen.add(utterance)
                self._jobs.put((AHEAD, next(self._order), _Job(Clip(utterance, gain))))

    @property
    def volume(self) -> float:
        """0.0 (silent) .. 1.0 (as rendered)."""
        return self._volume

    def set_volume(self, volume: float) -> None:
        """Set the volume for the next prompt (clamped to 0.0..1.0)."""
        self._volume = _clamp(volume)

    @property
    def muted(self) -> bool:
        """True while 静音 is on."""
        return self._muted

    def set_muted(self, muted: bool) -> None:
        """Mute (stopping the current prompt) or unmute (the next prompt is heard)."""
        self._muted = muted
        if muted:
            self.stop()

    def close(self) -> None:
        """Stop the player and the worker thread (no wait for a render in progress; a killed
        player is reaped, a few ms, so none outlives the speaker)."""
        self.stop()
        for process in self.findChildren(QProcess):
            if process.state() != QProcess.ProcessState.NotRunning:
                process.waitForFinished(200)
        self._jobs.put((LAST, next(self._order), _Job(None)))
        if self._worker is not None:
            self._worker = None
            self._notifier.setEnabled(False)
            os.close(self._wake_fd)

    # --- the UI-thread half ------------------------------------------------------------------

    def _gain(self) -> int:
        return round(self._volume * 100)

    def _request(self, clip: Clip) -> None:
        self.stop()
        if self._worker is None or self._muted or clip.gain <= 0:
            return
        path = self.cache.find(clip)
        if path is not None:
            self._play(path)
            self._jobs.put((URGENT, next(self._order), _Job(clip, touch=path)))
        else:
            self._jobs.put((URGENT, next(self._order), _Job(clip, seq=self._latest.seq)))

    def _on_wake(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(self._wake_fd, 512):
                pass
        worker = self._worker
        while worker is not None and not worker.results.empty():
            seq, path = worker.results.get()
            if seq == self._latest.seq and path and not self._muted:
                self._play(Path(path))

    def _play(self, path: Path) -> None:
        if self._player is None:
            return
        device = ["-D", self.settings.device] if self.settings.device else []
        process = QProcess(self)
        process.setStandardOutputFile(QProcess.nullDevice())
        process.started.connect(partial(self.playing.emit, str(path)))
        process.errorOccurred.connect(partial(self._failed, process))
        process.finished.connect(partial(self._finished, process))
        self._process = process
        process.start(self._player, ["-q", *device, str(path)])

    def _failed(self, process: QProcess, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._warn("player", "%s could not start: the kiosk is silent", self.settings.player)
            self._player = None
            if process is self._process:
                self._process = None
            with contextlib.suppress(RuntimeError):
                process.deleteLater()

    def _finished(self, process: QProcess, code: int, status: QProcess.ExitStatus) -> None:
        if status == QProcess.ExitStatus.NormalExit and code != 0:
            said = bytes(process.readAllStandardError().data()).decode(errors="replace")
            last = said.strip().splitlines()[-1:] or ["no message"]
            self._warn("device", "%s failed (%s): no sound device?", self.settings.player, last[0])
        if process is self._process:
            self._process = None
        with contextlib.suppress(RuntimeError):  # already gone with the speaker at shutdown
            process.deleteLater()

    def _warn(self, what: str, message: str, *args: object) -> None:
        if what in self._warned:
            log.debug(message, *args)
        else:
            self._warned.add(what)
            log.warning(message, *args)


def _let_go(process: QProcess) -> None:
    """Cut a player off from the speaker's Python slots: once killed it only deletes itself.
    (A killed player whose finished signal reached a Python slot while the speaker was being
    destroyed crashed the interpreter: Qt reaps a running child in its destructor.)"""
    for signal in (process.started, process.finished, process.errorOccurred):
        with contextlib.suppress(RuntimeError, TypeError):
            signal.disconnect()
    process.finished.connect(process.deleteLater)


def _clamp(volume: float) -> float:
    return min(1.0, max(0.0, float(volume)))
