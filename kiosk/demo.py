"""`kiosk demo`: the kiosk on embedded defaults with demo residents and a simulated card reader.

With a display it opens the window; without one it plays a scripted session offscreen and
prints where the PDF and the screenshots are, so even a headless server shows the product working.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from card_reader.base import Identity
from card_reader.simulated import SimulatedReader
from kiosk.app import Core
from kiosk.db.repositories import IssuanceRepository, ResidentRepository
from kiosk.demo_cards import DemoCard, expired_card, identity_of, stranger_card
from kiosk.demo_data import FEATURED, seed_demo
from kiosk.residents import ResidentRecord
from kiosk.running import Kiosk
from kiosk.ui.inputs import ChoiceInput
from kiosk.view import Step

if TYPE_CHECKING:
    from kiosk.ui.launch import RunningKiosk

log = logging.getLogger(__name__)

SCRIPT_ITEM = "residence_certificate"


def has_display() -> bool:
    """True when a window can be shown (X11 or Wayland)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def seed(core: Core) -> int:
    """Seed the demo register on first run; returns how many residents were added."""
    with core.sessions.begin() as session:
        return seed_demo(ResidentRepository(session), datetime.now())


def seed_and_report(core: Core) -> None:
    """The demo's after-prepare step (worker thread): seed, and say so on the terminal."""
    added = seed(core)
    if added:
        url = core.config.database.url
        print(f"已生成演示居民 {added} 人 / seeded {added} demo residents into {url}", flush=True)


def featured_residents(core: Core) -> list[ResidentRecord]:
    """The demo's well-known residents (first in the register)."""
    with core.sessions() as session:
        return ResidentRepository(session).sample(len(FEATURED))


class DemoHand:
    """Puts demo cards on whatever reader the demo runs: the simulator or an emulator."""

    def __init__(
        self,
        place: Callable[[Identity], None],
        unreadable: Callable[[], None],
        remove: Callable[[], None],
    ) -> None:
        self.place = place
        self.unreadable = unreadable
        self.remove = remove

    @classmethod
    def for_kiosk(cls, kiosk: Kiosk) -> DemoHand:
        """The hand for the kiosk's emulator, or for its simulated reader."""
        if kiosk.emulator is not None:
            emulator = kiosk.emulator
            return cls(emulator.insert, emulator.insert_unreadable, emulator.remove)
        reader = kiosk.reader
        if not isinstance(reader, SimulatedReader):
            raise RuntimeError("the demo needs sim:// or an emulator")
        return cls(reader.place, reader.place_unreadable, reader.remove)

    def cards(self, core: Core, today: date) -> list[DemoCard]:
        """Demo panel buttons: each featured resident, then the problem cards."""
        residents = featured_residents(core)
        cards = [
            DemoCard(
                f"{r.name}（{r.age_on(today)}岁）",
                partial(self._place_card, identity_of(r, today)),
            )
            for r in residents
        ]
        if residents:
            expired = expired_card(residents[0], today)
            cards.append(DemoCard("过期的身份证", partial(self._place_card, expired)))
        cards.append(DemoCard("未登记的人", partial(self._place_card, stranger_card(today))))
        cards.append(DemoCard("读不出的卡", self.unreadable))
        return cards

    def _place_card(self, identity: Identity) -> None:
        self.place(identity)


@dataclass
class ScriptResult:
    """What the headless demo produced."""

    pdf: Path | None = None
    serial: str = ""
    screenshots: list[Path] = field(default_factory=list)


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Run the Qt event loop until predicate() or timeout."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if predicate():
            return True
        time.sleep(0.01)
    QApplication.processEvents()
    return predicate()


def play_script(running: RunningKiosk, hand: DemoHand, out_dir: Path) -> ScriptResult:
    """A featured resident's card -> residence certificate -> file printer, a screenshot per screen.
    Long because it is the demo's script, one step after another, read top to bottom."""
    out_dir.mkdir(parents=True, exist_ok=True)
    session, window = running.session, running.window
    result = ScriptResult()

    def shot(name: str) -> None:
        wait_until(lambda: False, 0.3)  # let layouts settle
        path = out_dir / f"{len(result.screenshots) + 1:02d}-{name}.png"
        window.grab().save(str(path))
        result.screenshots.append(path)

    def reach(step: Step, timeout: float = 60.0) -> None:
        if not wait_until(lambda: session.step == step, timeout):
            raise RuntimeError(
                f"demo stopped at {session.step} waiting for {step}: {session.view.message.zh}"
            )

    if not wait_until(lambda: session.view.ready, 120):
        raise RuntimeError(f"the kiosk did not get ready: {session.view.out_of_service}")
    reach(Step.WAITING)
    shot("waiting")
    resident = featured_residents(running.core)[0]
    hand.place(identity_of(resident, date.today()))
    reach(Step.MENU)
    shot("menu")
    item = running.core.catalog.item(SCRIPT_ITEM)
    window.menu.show_category(item.category)
    shot("category")
    session.choose_item(SCRIPT_ITEM)
    reach(Step.ITEM)
    purpose = window.item.inputs.get("purpose")
    if isinstance(purpose, ChoiceInput):
        with contextlib.suppress(ValueError):
            purpose.choose("子女入学")
    shot("item")
    window.item.print_button.click()
    reach(Step.CONFIRM)
    wait_until(lambda: session.view.draft is not None or session.step != Step.CONFIRM, 30)
    shot("confirm")
    window.confirm.confirm_button.click()
    wait_until(lambda: session.step in (Step.PRINTING, Step.DONE, Step.ERROR), 10)
    if session.step == Step.PRINTING:
        wait_until(lambda: session.view.preview is not None or session.step != Step.PRINTING, 15)
        shot("printing")
    wait_until(lambda: session.step in (Step.DONE, Step.ERROR), 60)
    shot("done" if session.step == Step.DONE else "error")
    issued = session.view.issued
    if session.step != Step.DONE or issued is None:
        raise RuntimeError(f"demo print failed: {session.view.message.zh}")
    result.serial = issued.serial
    with running.core.sessions() as db:
        jobs = IssuanceRepository(db).jobs(issued.serial)
    for job in jobs:
        if job.device_job_id and Path(job.device_job_id).exists():
            result.pdf = Path(job.device_job_id)
    window.done.button.click()
    reach(Step.RATING)
    shot("rating")
    window.rating.skip.click()
    reach(Step.CARD_LEFT)
    shot("card_left")
    hand.remove()
    reach(Step.WAITING)
    return result
