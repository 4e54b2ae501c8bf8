"""Plays voice prompts with QtMultimedia; silent (and logged) where there is no audio device."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal

from kiosk.voice import VoicePrompts

log = logging.getLogger(__name__)


class Speaker(QObject):
    """say(key) plays a prepared prompt; prompts are rendered on a background thread at start."""

    _ready = Signal(dict)

    def __init__(self, prompts: VoicePrompts, enabled: bool = True) -> None:
        super().__init__()
        self.prompts = prompts
        self.enabled = enabled
        self.files: dict[str, Path] = {}
        self.last: str | None = None
        self._effect = None
        self._ready.connect(self._set_files)
        if enabled:
            threading.Thread(
                target=lambda: self._ready.emit(prompts.prepare()), daemon=True
            ).start()

    def _set_files(self, files: dict) -> None:
        self.files = dict(files)

    def say(self, key: str) -> None:
        """Play one prompt (interrupting the previous one)."""
        self.last = key
        path = self.files.get(key)
        if not self.enabled or path is None:
            return
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:
            log.warning("QtMultimedia not available: voice off")
            self.enabled = False
            return
        if self._effect is None:
            self._effect = QSoundEffect(self)
        self._effect.stop()
        self._effect.setSource(QUrl.fromLocalFile(str(path)))
        self._effect.play()
