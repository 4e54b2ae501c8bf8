"""What the resident sees and hears on the running kiosk, for the window tests: her card on the
simulated reader, the visible text, the controls on screen, and every prompt the window says."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from card_reader.simulated import SimulatedReader
from kiosk.config import Config
from kiosk.demo_cards import identity_of
from kiosk.residents import ResidentRecord
from kiosk.ui.launch import RunningKiosk
from kiosk.ui.speaker import Speaker
from kiosk.view import Message, Step

FULL_HD = (1920, 1080)
_TAGS = re.compile(r"<[^>]+>")


def sim(running: RunningKiosk) -> SimulatedReader:
    """The kiosk's simulated reader, to place and take cards."""
    reader = running.kiosk.reader
    assert isinstance(reader, SimulatedReader)
    return reader


def featured(config: Config, index: int = 0) -> ResidentRecord:
    """One of the demo register's featured residents."""
    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.repositories import ResidentRepository

    engine = make_engine(config.database.url)
    with session_factory(engine)() as s:
        resident = ResidentRepository(s).sample(5)[index]
    engine.dispose()
    return resident


def full_size(running: RunningKiosk, qtbot: QtBot) -> None:
    """The production size: 1920×1080."""
    running.window.resize(*FULL_HD)
    qtbot.waitUntil(lambda: running.window.size().width() == FULL_HD[0], timeout=5_000)
    QApplication.processEvents()


def card_on(running: RunningKiosk, qtbot: QtBot, resident: ResidentRecord) -> None:
    """She places her card; the menu greets her."""
    sim(running).place(identity_of(resident, date.today()))
    qtbot.waitUntil(lambda: running.session.step == Step.MENU, timeout=15_000)
    QApplication.processEvents()


def plain_text(text: str) -> str:
    """A rich-text button's words without the markup."""
    return _TAGS.sub(" ", text).replace("&nbsp;", " ")


def shown(widget: QWidget) -> list[QWidget]:
    """Every label and button she can see in `widget`."""
    found: list[QWidget] = [w for w in widget.findChildren(QLabel) if w.isVisible()]
    found += [w for w in widget.findChildren(QAbstractButton) if w.isVisible()]
    return found


def visible_text(widget: QWidget) -> str:
    """Every label and button text on screen, as the resident reads it."""
    parts = []
    for w in shown(widget):
        if isinstance(w, QLabel | QAbstractButton):
            parts.append(plain_text(w.text()))
    return "\n".join(parts)


def buttons(widget: QWidget) -> list[QAbstractButton]:
    """The buttons she can see."""
    return [b for b in widget.findChildren(QAbstractButton) if b.isVisible()]


@dataclass
class SpeechLog:
    """The window's real Speaker, with every say() written down (what she hears)."""

    speaker: Speaker
    said: list[tuple[str, str, bool]] = field(default_factory=list)  # (zh, en, chime)

    @property
    def volume(self) -> float:
        """The real speaker's volume."""
        return self.speaker.volume

    @property
    def muted(self) -> bool:
        """The real speaker's mute."""
        return self.speaker.muted

    def say(
        self,
        zh: Message,
        en: str | None = None,
        *,
        locale: str | None = None,
        chime: bool = False,
    ) -> None:
        """Write it down, then speak it."""
        self.said.append((zh.zh, zh.en, chime))
        self.speaker.say(zh, en, locale=locale, chime=chime)

    def repeat(self) -> None:
        """Say the last message again."""
        self.speaker.repeat()

    def set_volume(self, volume: float) -> None:
        """Louder or softer."""
        self.speaker.set_volume(volume)

    def set_muted(self, muted: bool) -> None:
        """Silence, or sound again."""
        self.speaker.set_muted(muted)

    def heard(self) -> str:
        """Everything said so far, both languages."""
        return "\n".join(f"{zh} / {en}" for zh, en, _ in self.said)


def listen(running: RunningKiosk) -> SpeechLog:
    """From now on, write down everything the window says."""
    log = SpeechLog(running.speaker)
    running.window.speaker = log
    return log
