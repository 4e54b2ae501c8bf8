"""The screens after the attract screen, built after its first paint and wired to the session."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget

from kiosk.session import KioskSession
from kiosk.ui.confirm import ConfirmScreen
from kiosk.ui.item import ItemScreen
from kiosk.ui.menu import MenuScreen
from kiosk.ui.rating import RatingScreen
from kiosk.ui.result import MessageScreen, PrintingScreen, done_detail, error_detail
from kiosk.view import SessionView, Step


class Screens:
    """Menu, item, confirm, printing, done, rating, error; each follows the view."""

    def __init__(self, session: KioskSession, stack: QStackedWidget) -> None:
        self.menu = MenuScreen()
        self.item = ItemScreen()
        self.confirm = ConfirmScreen()
        self.printing = PrintingScreen()
        self.done = MessageScreen("✓", "doneText", "finish")
        self.rating = RatingScreen()
        self.error = MessageScreen("！", "errorText", "back")
        self._steps: dict[Step, QWidget] = {
            Step.MENU: self.menu,
            Step.ITEM: self.item,
            Step.CONFIRM: self.confirm,
            Step.PRINTING: self.printing,
            Step.DONE: self.done,
            Step.RATING: self.rating,
            Step.ERROR: self.error,
        }
        for screen in self._steps.values():
            stack.addWidget(screen)
        self.menu.item_chosen.connect(session.choose_item)
        self.menu.exit_requested.connect(session.request_exit)
        self.item.back_requested.connect(session.back)
        self.item.print_requested.connect(lambda values, copies: session.submit(values, copies))
        self.confirm.confirmed.connect(session.confirm)
        self.confirm.edit_requested.connect(session.edit)
        self.done.action.connect(session.finish)
        self.rating.rated.connect(session.rate)
        self.rating.reasons_given.connect(session.rate_reasons)
        self.rating.skipped.connect(session.skip_rating)
        self.error.action.connect(session.back)
        if session.view.step != Step.WAITING:
            self.show_view(session.view)

    def for_step(self, step: Step) -> QWidget | None:
        """The screen of a step past the attract screen (None: the attract screen shows it)."""
        return self._steps.get(step)

    def show_view(self, view: SessionView) -> None:
        """Let each screen follow the view (the hidden ones keep their state)."""
        self.menu.show_view(view)
        self.item.show_view(view)
        step = view.step
        # hidden, they would keep her draft and the picture of her paper: clear them as it goes
        if step == Step.CONFIRM or view.draft is None:
            self.confirm.show_view(view)
        if step == Step.PRINTING or view.preview is None:
            self.printing.show_view(view)
        if step == Step.DONE:
            self.done.show_view(view, done_detail(view), picture=True)
        elif step == Step.RATING:
            self.rating.show_view(view)
        elif step == Step.ERROR:
            self.error.show_view(view, error_detail(view))
