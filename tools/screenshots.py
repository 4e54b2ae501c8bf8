"""Every screen at 1920×1080 in a real X window under Xvfb, for docs/screenshots/ and the README.

Usage: .venv/bin/python tools/screenshots.py [OUT_DIR]   (default docs/screenshots)

Runs the kiosk in this process on a scratch data dir with the demo register, the simulated
reader and the file printer; drives it with real clicks where a resident would click, and
saves one PNG per screen, named for what it shows. Look at every one of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISPLAY = ":97"


def main() -> int:
    """Start Xvfb, shoot every screen, stop Xvfb."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    xvfb = subprocess.Popen(
        ["Xvfb", DISPLAY, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        os.environ["DISPLAY"] = DISPLAY
        os.environ.pop("QT_QPA_PLATFORM", None)
        with tempfile.TemporaryDirectory() as data:
            os.environ.update(KIOSK_PATHS_DATA_DIR=data, KIOSK_UI_VOICE="false")
            for path in Shooter(out).run():
                print(path)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    return 0


class Shooter:
    """Drives one kiosk through every screen and saves each."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.saved: list[Path] = []

    def run(self) -> list[Path]:
        """All the screens, in a resident's order."""
        from kiosk.app import build_kiosk
        from kiosk.config import load_config
        from kiosk.demo import DemoHand, featured_residents, seed_and_report
        from kiosk.ui.launch import qt_app, start_kiosk
        from kiosk.ui.main_window import fit_to_screen

        app = qt_app()
        config = load_config()
        kiosk = build_kiosk(
            config,
            reader_uri="sim://",
            migrate=True,
            create_key=True,
            after_prepare=seed_and_report,
        )
        self.running = start_kiosk(kiosk, voice=False)
        self.window, self.session = self.running.window, self.running.session
        fit_to_screen(self.window, fullscreen=True)
        app.processEvents()
        self.wait(lambda: self.session.view.ready, 120)
        self.hand = DemoHand.for_kiosk(kiosk)
        self.residents = featured_residents(self.running.core)
        try:
            self.visit()
            self.problems()
        finally:
            self.running.stop()
        return self.saved

    # --- the screens -----------------------------------------------------------------
    def visit(self) -> None:
        """A whole visit of an 83-year-old, then the other screens on the way."""
        from kiosk.demo_cards import identity_of
        from kiosk.view import Step

        window, session = self.window, self.session
        self.shot("attract")
        elder = self.residents[0]
        self.hand.place(identity_of(elder, date.today()))
        self.wait(lambda: session.step == Step.MENU)
        self.shot("menu")
        window.menu.pager.next.click()
        self.shot("menu-page-2")
        window.menu.show_category(self.running.core.catalog.categories[6].id)
        self.shot("menu-residence")
        session.next_text_scale()
        session.next_text_scale()
        self.shot("menu-large-text")
        session.next_text_scale()
        session.set_locale("en_US")
        self.shot("menu-english")
        session.set_locale("zh_CN")
        self.item_kinds(elder)
        session.choose_item("residence_certificate")
        self.wait(lambda: session.step == Step.ITEM)
        self.shot("item-choice")
        window.item.inputs["purpose"].set_value("school")
        window.item.print_button.click()
        self.wait(lambda: session.view.draft is not None)
        self.shot("confirm")
        window.confirm.confirm_button.click()
        self.wait(lambda: session.step == Step.PRINTING)
        self.shot("printing")
        self.wait(lambda: session.step == Step.DONE, 60)
        self.shot("done")
        window.done.button.click()
        self.wait(lambda: session.step == Step.RATING)
        self.shot("rating")
        session.rate(2)
        self.shot("rating-reasons")
        window.rating.skip.click()
        self.wait(lambda: session.step == Step.CARD_LEFT)
        self.shot("card-left")
        self.hand.remove()
        self.wait(lambda: session.step == Step.WAITING)
        self.hand.place(identity_of(elder, date.today()))
        self.wait(lambda: session.step == Step.MENU)
        session.call_staff()
        self.wait(lambda: session.view.staff_called)
        self.shot("call-staff")
        session.request_exit()
        self.shot("exit-confirm")
        session.answer_exit(False)
        session._on_warn()  # the idle countdown, now instead of in 60 s
        self.shot("timeout-countdown")
        session.end("timeout")
        self.shot("timed-out")
        self.hand.remove()
        self.wait(lambda: session.step == Step.WAITING)

    def item_kinds(self, elder: object) -> None:
        """An item showing each kind of question: choice, yes/no, date, number."""
        from kiosk.view import Step

        catalog = self.running.core.catalog
        for kind in ("date", "number", "yesno"):
            item = next(
                (
                    i
                    for i in catalog.items
                    if any(s.type == kind for s in i.inputs) and self.session.availability(i).ok
                ),
                None,
            )
            if item is None:
                continue
            self.session.choose_item(item.id)
            self.wait(lambda: self.session.step == Step.ITEM)
            self.window.item.show_question(next(s.id for s in item.inputs if s.type == kind))
            self.shot(f"item-{kind}")
            self.session.back()

    def problems(self) -> None:
        """What a resident reads when a card or the register fails her."""
        from kiosk.demo_cards import expired_card, stranger_card
        from kiosk.view import Step

        for name, place in (
            ("error-unknown-resident", lambda: self.hand.place(stranger_card(date.today()))),
            (
                "error-expired-card",
                lambda: self.hand.place(expired_card(self.residents[0], date.today())),
            ),
            ("error-unreadable-card", self.hand.unreadable),
        ):
            place()
            self.wait(lambda: self.session.step == Step.ERROR)
            self.shot(name)
            self.hand.remove()
            self.wait(lambda: self.session.step == Step.WAITING)
        self.paused()

    def paused(self) -> None:
        """The attract screen while the database is away, as the health watch leaves it (the
        outage itself is tested in tests/district/test_outage_screen.py)."""
        from kiosk.messages import DATABASE_LOST

        self.session.out_of_service(DATABASE_LOST)
        self.shot("service-paused")
        self.session.ready(self.running.core.catalog)

    # --- helpers ---------------------------------------------------------------------
    def wait(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        """Pump events until predicate() (RuntimeError after timeout)."""
        from PySide6.QtCore import QEventLoop
        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + timeout
        loop = QEventLoop()
        while not predicate():
            if time.monotonic() > deadline:
                raise RuntimeError(f"screenshots: gave up waiting at {self.session.step}")
            loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        QApplication.processEvents()

    def shot(self, name: str) -> None:
        """Let layouts settle, then save the whole window."""
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        end = time.monotonic() + 0.4
        while time.monotonic() < end:
            loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        path = self.out / f"{len(self.saved) + 1:02d}-{name}.png"
        self.window.grab().save(str(path))
        self.saved.append(path)


if __name__ == "__main__":
    sys.exit(main())
