"""Speech latency: say() called -> the player process started with the prompt's WAV.

Every message of the message table (kiosk.messages), in Chinese and in English, is said once
uncached (espeak-ng renders it on the speaker's worker, then the player starts) and once
cached (the file is found in memory and the player starts from the UI thread). The player is
the real aplay; on a machine without a sound card it plays to ALSA's `null` device, which
needs none. The stamp is QProcess.started: the moment aplay runs with the file (sound
follows after ALSA's buffer, a few ms on a real card). The espeak-ng render alone is timed
too, on a fresh cache, to show where an uncached prompt's time goes.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.bench import Measurement
from kiosk.config import Config
from kiosk.view import Message

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

WARMUP = 3


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _wait(signal: SignalInstance, timeout_ms: int) -> None:
    """Run the event loop (blocked in poll, as in the kiosk: the worker gets the GIL) until
    `signal` fires; RuntimeError after the timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    fired: list[bool] = []

    def done(*_: object) -> None:
        fired.append(True)
        loop.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    signal.connect(done)
    timer.start(timeout_ms)
    loop.exec()
    signal.disconnect(done)
    if not fired:
        raise RuntimeError(f"gave up waiting after {timeout_ms} ms")


def _null_device() -> str | None:
    """ALSA's `null` device if aplay lists it (it needs no sound card), else the default."""
    try:
        listing = subprocess.run(["aplay", "-L"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return "null" if "null" in listing.stdout.split() else None


def _messages() -> list[Message]:
    from kiosk import messages

    table = list(messages.every_message())
    table.append(messages.unavailable("需要本人到社区服务窗口办理"))
    table.append(messages.missing("上一份工作哪天结束", "When did your last job end"))
    return table


def prompt_latency(config: Config) -> Measurement:
    """Cached prompt: say() -> aplay started (value, p99); uncached (render + start) and the
    render alone in the note. Every table message, both languages."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.ui.launch import qt_app
    from kiosk.ui.speaker import Speaker
    from kiosk.voice import Clip, VoiceCache, VoiceSettings, choose

    if shutil.which("aplay") is None or shutil.which("espeak-ng") is None:
        return Measurement("prompt_latency", 0.0, "ms", note="aplay or espeak-ng not installed")
    qt_app()
    device = _null_device()
    settings = VoiceSettings(device=device)
    prompts = [(m, locale) for m in _messages() for locale in ("zh_CN", "en_US")]
    stamps: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        speaker = Speaker(Path(tmp) / "voice", settings)
        speaker.playing.connect(lambda _path: stamps.append(time.perf_counter()))
        try:

            def timed(message: Message, locale: str) -> float:
                count = len(stamps)
                start = time.perf_counter()
                speaker.say(message, locale=locale)
                if len(stamps) == count:  # not started within say() itself
                    _wait(speaker.playing, 30_000)
                return (stamps[count] - start) * 1000

            for message, locale in prompts[:WARMUP]:  # fork/exec paths, espeak-ng data paged in
                timed(Message(message.zh + "。", message.en + "."), locale)
            uncached = [timed(m, locale) for m, locale in prompts]
            cached = [timed(m, locale) for m, locale in prompts]
        finally:
            speaker.close()
        cache = VoiceCache(Path(tmp) / "render-only", settings)
        cache.load()
        render = []
        for message, locale in prompts:
            utterance = choose(message.zh, message.en, locale, settings)
            assert utterance is not None
            start = time.perf_counter()
            cache.produce(Clip(utterance))
            render.append((time.perf_counter() - start) * 1000)
    where = f"aplay -D {device}" if device else "aplay on the default device"
    return Measurement(
        "prompt_latency",
        statistics.median(cached),
        "ms",
        p99=_p99(cached),
        note=(
            f"cached; uncached (render + start) median {statistics.median(uncached):.1f} ms, "
            f"p99 {_p99(uncached):.1f} ms; espeak-ng render alone median "
            f"{statistics.median(render):.1f} ms; {len(prompts)} prompts (message table, zh + en), "
            f"{where}, to the player process started"
        ),
    )
