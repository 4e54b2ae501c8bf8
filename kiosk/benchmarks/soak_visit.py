"""One resident's visit, driven on the real window (kiosk.benchmarks.soak): her card on the
emulated reader, the buttons she presses, the card taken away, and a check that nothing of her
is left once the kiosk is back at the attract screen."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kiosk.benchmarks.soak_devices import WAIT_SECONDS, Devices
from kiosk.timing import ManualClock

if TYPE_CHECKING:
    from card_reader.base import Identity
    from kiosk.ui.launch import RunningKiosk

SCENARIOS = (
    "browse",
    "exit",
    "timeout",
    "stranger",
    "draft",
    "expired",
    "browse",
    "unreadable",
    "exit",
    "print",
)


@dataclass(frozen=True)
class Visitor:
    """A demo resident with her card and the two papers she may print (A4 and slip)."""

    card: Identity
    expired: Identity
    a4_item: str
    slip_item: str


class Visit:
    """Drives the real window the way a resident would: cards on the reader, buttons pressed."""

    def __init__(
        self,
        running: RunningKiosk,
        devices: Devices,
        timers: ManualClock,
        visitors: Sequence[Visitor],
    ) -> None:
        self.running = running
        self.visitors = visitors
        self.devices = devices
        self.timers = timers
        self.printed = 0
        self.last: Visitor | None = None  # who came last
        self.stranger = _stranger()
        from PySide6.QtCore import QEventLoop, QTimer

        # one loop and one timer for every pump: QTimer.singleShot(ms, callable) left small
        # blocks behind (tracemalloc: ~450 of ~50 B per site every 500 visits), the soak's own
        # growth, not the kiosk's
        self._loop = QEventLoop()
        self._tick = QTimer()
        self._tick.setSingleShot(True)
        self._tick.setInterval(2)
        self._tick.timeout.connect(self._loop.quit)

    def pump(self, done: Callable[[], bool], what: str) -> None:
        """Run the event loop until `done()`; a hang is an error naming the step it stopped at.

        A real loop (exec), as under `kiosk run`: processEvents() alone never runs the
        deleteLater() of widgets the screens replace, and they would pile up."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not done():
            if time.monotonic() > deadline:
                view = self.running.session.view
                raise RuntimeError(f"stuck at {view.step} waiting for {what}: {view.message.zh}")
            self._tick.start()
            self._loop.exec()

    def pause(self, seconds: float) -> None:
        """Let the event loop run for `seconds`."""
        deadline = time.monotonic() + seconds
        self.pump(lambda: time.monotonic() > deadline, "a moment")

    def at(self, *steps: str) -> Callable[[], bool]:
        """A predicate: the session is at one of `steps`."""
        session = self.running.session
        return lambda: session.step in steps

    def place(self, card: Identity, *, expect: str = "menu", unreadable: bool = False) -> None:
        """Put a card on the reader and wait for the screen it leads to."""
        if unreadable:
            self.devices.insert_unreadable(card)
        else:
            self.devices.insert(card)
        self.pump(self.at(expect), expect)

    def leave(self) -> None:
        """Take the card away; the kiosk goes back to the attract screen."""
        self.devices.remove()
        self.pump(self.at("waiting"), "the attract screen")

    def open_item(self, item_id: str) -> None:
        """Its category, its page, the item: as she would find it on the menu (an item that asks
        nothing opens straight on its draft, the confirm screen)."""
        window = self.running.window
        window.menu.show_item_page(item_id)
        window.menu.item_buttons[item_id].click()
        self.pump(self.at("item", "confirm"), f"item {item_id}")

    def draft(self) -> None:
        """打印 on the item screen (if it shows), then wait for the draft to confirm."""
        session = self.running.session
        if session.step == "item":
            self.running.window.item.print_button.click()
        self.pump(lambda: session.view.draft is not None, "the draft")

    # --- the scenarios -------------------------------------------------------------------
    def browse(self, who: Visitor) -> None:
        """Look at another category and its next page, then take the card (card_removed)."""
        self.place(who.card)
        menu = self.running.window.menu
        menu.category_group.button(1).click()
        if menu.pager.next.isEnabled():
            menu.pager.next.click()
        self.leave()

    def exit(self, who: Visitor) -> None:
        """退出 -> 是，退出 (cancel), then 请取走您的身份证 until the card goes."""
        self.place(who.card)
        self.running.window.menu.exit_button.click()
        self.running.window.overlay.yes.click()
        self.pump(self.at("card_left"), "请取走您的身份证")
        self.leave()

    def timeout(self, who: Visitor) -> None:
        """An item left open: the idle time, the 30-second countdown, 已超时, the card left."""
        self.place(who.card)
        self.open_item(who.a4_item)
        session = self.running.session
        self.timers.advance(session.idle_timeout)
        self.timers.advance(session.warn_seconds + 1)
        self.pump(self.at("timed_out"), "已超时")
        self.timers.advance(10)
        self.pump(self.at("card_left"), "请取走您的身份证")
        self.leave()

    def stranger_card(self, _who: Visitor) -> None:
        """A card nobody registered: 未找到, and away."""
        self.place(self.stranger, expect="error")
        self.leave()

    def expired_card(self, who: Visitor) -> None:
        """An expired card: refused by the reader's checks."""
        self.place(who.expired, expect="error")
        self.leave()

    def unreadable_card(self, who: Visitor) -> None:
        """A card whose read fails."""
        self.place(who.card, expect="error", unreadable=True)
        self.leave()

    def edit_draft(self, who: Visitor) -> None:
        """A draft on the confirm screen, 返回修改 (and 返回), and the card taken at the menu."""
        self.place(who.card)
        self.open_item(who.a4_item)
        self.draft()
        self.running.window.confirm.edit_button.click()
        self.pump(self.at("item", "menu"), "返回修改")  # an item asking nothing: the menu
        if self.running.session.step == "item":
            self.running.window.item.back_button.click()
        self.pump(self.at("menu"), "the menu")
        self.leave()

    def print_paper(self, who: Visitor) -> None:
        """A paper printed (A4 and slip in turn), 完成, five stars, the card taken."""
        window = self.running.window
        self.place(who.card)
        self.open_item(who.a4_item if self.printed % 2 == 0 else who.slip_item)
        self.draft()
        window.confirm.confirm_button.click()
        self.pump(self.at("done", "error"), "the paper")
        if self.running.session.step != "done":
            raise RuntimeError(f"printing failed: {self.running.session.view.message.zh}")
        self.printed += 1
        window.done.button.click()
        self.pump(self.at("rating"), "好差评")
        window.rating.level_buttons[5].click()
        self.pump(self.at("card_left"), "请取走您的身份证")
        self.leave()

    def run(self, scenario: str, who: Visitor) -> None:
        """One session of the named scenario; afterwards nothing of her may be left."""
        self.last = who
        {
            "browse": self.browse,
            "exit": self.exit,
            "timeout": self.timeout,
            "stranger": self.stranger_card,
            "expired": self.expired_card,
            "unreadable": self.unreadable_card,
            "draft": self.edit_draft,
            "print": self.print_paper,
        }[scenario](who)
        self.check_clean()

    def check_clean(self) -> None:
        """At the attract screen with nothing of the visit left in the view or the menu."""
        view = self.running.session.view
        left = [
            name
            for name, value in (
                ("resident", view.resident),
                ("item", view.item),
                ("draft", view.draft),
                ("preview", view.preview),
                ("issued", view.issued),
                ("greeting", self.running.window.menu.greeting.text()),
            )
            if value
        ]
        if view.step != "waiting" or left:
            raise RuntimeError(f"session not ended clean: {view.step}, left {left}")


def _stranger() -> Identity:
    from kiosk.demo_cards import stranger_card

    return stranger_card(date.today())
