"""The staff mode controller: entry, sign-in, idle and resident-card logout, and the worker jobs
every staff screen runs through.

Entry is from the attract screen only (a resident's visit is never interrupted): a staff card
(KioskSession.staff_card names the member) opens the PIN pad; a 3-second hold in a corner of
the attract screen opens the name picker, then the PIN pad. Lockouts are the backend's
(kiosk.staff.accounts): the pad shows the tries left, or the lock and when it ends. Staff mode
closes after 2 minutes without a touch, when a resident's card starts a visit (her session
then goes on as usual), and on 退出登录; every logout is audited with its reason.

Time is injected (`StaffOptions`: the clock the backend uses, the timers for the hold and the
idle logout), so tests move it by hand. Slow work never runs on the UI thread: `run` sends it to
the kiosk's worker and delivers the result back, unless staff mode ended meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from civic.errors import BilingualError
from kiosk.timing import TimerFactory, qt_timers
from kiosk.ui.staff.gesture import HOLD_SECONDS, StaffTouches
from kiosk.ui.staff.services import Services
from kiosk.ui.staff.words import word
from kiosk.view import Message, SessionView, Step

if TYPE_CHECKING:
    from card_reader.base import ReaderState
    from kiosk.catalog import Catalog
    from kiosk.running import Kiosk
    from kiosk.staff.accounts import StaffMember
    from kiosk.ui.main_window import KioskWindow
    from kiosk.ui.staff.layer import StaffLayer

log = logging.getLogger(__name__)

T = TypeVar("T")
IDLE_SECONDS = 120.0
# the steps at which staff mode may stay open: the attract screen, and a card being read (a
# staff card read again must not close it; a resident's goes on to her menu, which does)
QUIET_STEPS = (Step.WAITING, Step.READING)


@dataclass(frozen=True)
class StaffOptions:
    """What staff mode is given rather than takes: the clock and timers, and its durations."""

    clock: Callable[[], datetime] = datetime.now
    timers: TimerFactory | None = None  # None: Qt timers
    idle_seconds: float = IDLE_SECONDS
    hold_seconds: float = HOLD_SECONDS


class StaffMode(QObject):
    """Staff maintenance mode over the kiosk `window` of `kiosk`."""

    signed_in_changed = Signal(bool)

    def __init__(
        self, kiosk: Kiosk, window: KioskWindow, options: StaffOptions | None = None
    ) -> None:
        super().__init__(window)
        self.kiosk = kiosk
        self.session = kiosk.session
        self.jobs = kiosk.jobs
        self.window = window
        self.options = options or StaffOptions()
        timers = self.options.timers or qt_timers(self)
        self._idle = timers(self._on_idle)
        self._hold = timers(self.corner_entry)
        self._member: StaffMember | None = None
        self._entry = False  # the name picker or the PIN pad is showing
        self._via = "pin_pad"
        self._generation = 0  # bumped at every close: late results of a closed mode are dropped
        self._running = 0
        self._layer: StaffLayer | None = None
        self.touches = StaffTouches(
            window.waiting,
            self._hold,
            may_hold=self._may_enter,
            is_open=lambda: self.is_open,
            touched=self.touched,
            hold_seconds=self.options.hold_seconds,
        )
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.touches)
        self.session.staff_card.connect(self.card_entry)
        self.session.view_changed.connect(self._on_view)

    # --- what others read -------------------------------------------------------------------
    @property
    def member(self) -> StaffMember | None:
        """Who is signed in (None: nobody)."""
        return self._member

    @property
    def signed_in(self) -> bool:
        """True while a member of staff is signed in (the lockdown lets the window close)."""
        return self._member is not None

    @property
    def is_open(self) -> bool:
        """True while the layer shows (entry or signed in)."""
        return self._entry or self._member is not None

    @property
    def busy(self) -> bool:
        """True while a staff job is on the worker."""
        return self._running > 0

    @property
    def community_code(self) -> str:
        """This terminal's community code."""
        return self.kiosk.config.terminal.community_code

    @property
    def layer(self) -> StaffLayer:
        """The staff layer (built on first use, never before the first paint)."""
        if self._layer is None:
            from kiosk.ui.staff.layer import StaffLayer

            host = self.window.centralWidget()
            assert host is not None  # KioskWindow sets its root in __init__
            layer = StaffLayer(host, self)
            layer.home_requested.connect(lambda: self.go("home"))
            layer.logout_requested.connect(
                lambda: self.logout("button" if self.signed_in else "cancel")
            )
            layer.names.picked.connect(lambda name: self._ask_pin(name, "pin_pad"))
            layer.names.cancelled.connect(lambda: self.logout("cancel"))
            layer.pin.submitted.connect(self._submit_pin)
            layer.pin.cancelled.connect(lambda: self.logout("cancel"))
            self._layer = layer
        return self._layer

    def now(self) -> datetime:
        """The injected clock's time."""
        return self.options.clock()

    # --- entry ------------------------------------------------------------------------------
    def _may_enter(self) -> bool:
        return not self.is_open and self.session.step == Step.WAITING

    def corner_entry(self) -> None:
        """The corner was held long enough: the name picker (with the terminal's lock, if any)."""
        if not self._may_enter():
            return
        log.info("staff entry by the corner gesture")
        self._entry = True
        self.layer.names.show_names([], None)
        self.layer.open("names")
        self.touched()

        def names(services: Services) -> tuple[datetime | None, list[str]]:
            accounts = services.accounts
            return accounts.entry_locked_until(), accounts.names()

        self.run(names, lambda found: self.layer.names.show_names(found[1], found[0]))

    def card_entry(self, name: str) -> None:
        """A staff card at the attract screen: that member's PIN pad."""
        if self.signed_in or self.session.step != Step.WAITING:
            log.info("staff card ignored: staff mode is open or a visit is on")
            return
        self._ask_pin(name, "card")

    def _ask_pin(self, name: str, via: str) -> None:
        self._entry, self._via = True, via
        self.layer.pin.ask(name)
        self.layer.open("pin")
        self.touched()

    def _submit_pin(self, name: str, pin: str) -> None:
        via = self._via
        self.run(
            lambda s: s.accounts.login(name, pin, via=via), self._signed_in, self.layer.pin.refused
        )

    def _signed_in(self, member: StaffMember) -> None:
        log.info("staff %s signed in", member.name)
        self._entry, self._member = False, member
        self.go("home")
        self.touched()
        self.signed_in_changed.emit(True)

    # --- leaving ----------------------------------------------------------------------------
    def logout(self, reason: str) -> None:
        """Close staff mode (audited when someone was signed in): idle, resident_card, button,
        cancel."""
        if not self.is_open:
            return
        member, self._member, self._entry = self._member, None, False
        self._generation += 1
        self._idle.stop()
        if self._layer is not None:
            self._layer.close_layer()
        if member is None:
            return
        log.info("staff %s signed out (%s)", member.name, reason)
        self.jobs.submit(
            lambda: self._services(None).accounts.logout(member, reason),
            lambda _none: None,
            lambda exc: log.error("staff logout not audited: %s", type(exc).__name__),
        )
        self.signed_in_changed.emit(False)

    def touched(self) -> None:
        """A touch while open: the idle logout starts counting again."""
        if self.is_open:
            self._idle.start(self.options.idle_seconds)

    def _on_idle(self) -> None:
        self.logout("idle")

    def _on_view(self, view: SessionView) -> None:
        if self.is_open and view.step not in QUIET_STEPS:
            self.logout("resident_card")  # her visit started: it goes on as usual

    # --- what the screens use (kiosk.ui.staff.services.Staff) -------------------------------
    def run(
        self,
        work: Callable[[Services], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run `work` with the staff services on the worker; `done(result)` or `failed(exc)`
        (default: say why) on the UI thread, unless staff mode closed meanwhile."""
        generation, reader = self._generation, self.session.view.reader
        self._busy(1)

        def ok(result: T) -> None:
            self._busy(-1)
            if generation == self._generation:
                done(result)

        def bad(exc: Exception) -> None:
            self._busy(-1)
            if generation != self._generation:
                return
            if not isinstance(exc, BilingualError):
                log.error("staff job failed", exc_info=exc)
            (failed or self.fail)(exc)

        self.jobs.submit(lambda: work(self._services(reader)), ok, bad)

    def say(self, message: Message, kind: str = "info") -> None:
        """One line under the staff bar."""
        if self._layer is not None:
            self._layer.say(message, kind)

    def fail(self, exc: BaseException) -> None:
        """Say why something failed."""
        from kiosk.ui.staff.parts import error_words  # Qt's namespace: not before the first paint

        self.say(error_words(exc), "error")

    def go(self, screen: str) -> None:
        """Show a task screen (signed in only)."""
        member = self._member
        if member is None:
            return
        role = word(f"role_{member.role.value}")
        who = word("signed_in", name=member.name)
        shown = f"{who.zh}（{role.zh}） · {who.en} ({role.en})"
        self.layer.open(screen, who=shown, signed_in=True)

    # --- plumbing ---------------------------------------------------------------------------
    def _services(self, reader: ReaderState | None) -> Services:
        """The staff services of the Core as it is now (worker thread)."""
        return Services(
            self.kiosk.backend.core,
            self.options.clock,
            reader_state=reader,
            swap_catalog=self._swap_catalog,
        )

    def _swap_catalog(self, catalog: Catalog) -> None:
        """An accepted reload (worker thread): into the backend now, to the session next."""
        self.kiosk.backend.replace_catalog(catalog)
        self.jobs.post(lambda: self.session.ready(catalog))

    def _busy(self, delta: int) -> None:
        self._running = max(0, self._running + delta)
        if self._layer is not None:
            self._layer.busy(self._running > 0)

    def detach(self) -> None:
        """Stop listening (the kiosk is stopping): close staff mode, remove the filter."""
        self.logout("stop")
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.touches)
        self._hold.stop()
