"""Plays voice prompts through `aplay` (ALSA) in a QProcess: never blocks the screen, a new prompt
cuts the old one off, and a kiosk without a sound card or aplay stays silent (logged once).

QtMultimedia would need the 417 MB PySide6-Addons wheel to play a WAV file; aplay does it.
"""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal

from kiosk.voice import VoicePrompts

log = logging.getLogger(__name__)

PLAYER = "aplay"


class Speaker(QObject):
    """say(key) plays a prepared prompt; prompts are rendered on a background thread at start."""

    _ready = Signal(dict)

    def __init__(self, prompts: VoicePrompts, enabled: bool = True) -> None:
        super().__init__()
        self.prompts = prompts
        self.enabled = enabled
        self.files: dict[str, Path] = {}
        self.last: str | None = None
        self.player = shutil.which(PLAYER) if enabled else None
        self._process: QProcess | None = None
        self._ready.connect(self._set_files)
        if enabled and self.player is None:
            log.warning("%s not installed: voice prompts are silent", PLAYER)
        if enabled:
            threading.Thread(
                target=lambda: self._ready.emit(prompts.prepare()), name="voice", daemon=True
            ).start()

    def _set_files(self, files: dict[str, Path]) -> None:
        self.files = dict(files)

    def say(self, key: str) -> None:
        """Play one prompt, interrupting the previous one."""
        self.last = key
        path = self.files.get(key)
        if not self.enabled or self.player is None or path is None:
            return
        self.stop()
        process = QProcess(self)
        process.errorOccurred.connect(self._failed)
        process.finished.connect(process.deleteLater)  # reaped by Qt, never waited for here
        process.start(self.player, ["-q", str(path)])
        self._process = process

    def stop(self) -> None:
        """Cut the current prompt off (asynchronously: the UI never waits for the player)."""
        process, self._process = self._process, None
        if process is not None and process.state() != QProcess.ProcessState.NotRunning:
            process.kill()

    def _failed(self, error: QProcess.ProcessError) -> None:
        log.warning("voice prompt not played (%s): voice off", error.name)
        self.enabled = False
