"""Voice prompts: a fixed set of short sentences, spoken offline by espeak-ng into WAV files once.

Prompts never contain personal data (no names, no numbers): the hall is public.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import wave
from pathlib import Path

log = logging.getLogger(__name__)

PROMPTS: dict[str, str] = {
    "waiting": "请将身份证放在下方读卡区",
    "reading": "正在读卡，请不要移动身份证",
    "menu": "请选择要办理的事项",
    "item": "请确认后，按蓝色的打印按钮",
    "printing": "正在打印，请稍候",
    "done": "打印完成，请取走您的材料和身份证",
    "error": "办理遇到问题，请看屏幕提示，或联系工作人员",
    "timeout": "操作超时，已退出",
    "still_there": "您还需要时间吗？请点一下屏幕",
}


class VoicePrompts:
    """Renders PROMPTS to WAV files (cached by text) and says where each one is."""

    def __init__(self, cache_dir: Path, voice: str = "cmn", speed: int = 140) -> None:
        self.cache_dir = cache_dir
        self.voice = voice
        self.speed = speed
        self.engine = shutil.which("espeak-ng")

    def path(self, key: str) -> Path:
        """Where a prompt's WAV is (or will be)."""
        digest = hashlib.sha256(f"{self.voice}:{self.speed}:{PROMPTS[key]}".encode()).hexdigest()[
            :12
        ]
        return self.cache_dir / f"{key}-{digest}.wav"

    def prepare(self) -> dict[str, Path]:
        """Render every missing prompt; returns the ones available. Without espeak-ng: none, logged."""
        if self.engine is None:
            log.warning("espeak-ng not installed: voice prompts are off")
            return {}
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        ready = {}
        for key, text in PROMPTS.items():
            target = self.path(key)
            if not target.exists():
                tmp = target.with_suffix(".tmp")
                cmd = [self.engine, "-v", self.voice, "-s", str(self.speed), "-w", str(tmp), text]
                try:
                    subprocess.run(cmd, check=True, capture_output=True, timeout=30)
                    tmp.replace(target)
                except (OSError, subprocess.SubprocessError) as exc:
                    log.warning("voice prompt %s not rendered: %s", key, exc)
                    continue
            ready[key] = target
        return ready


def duration(path: Path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path)) as wav:
        frames: int = wav.getnframes()
        rate: int = wav.getframerate()
    return frames / rate
