"""`kiosk run` locked down: no way out of the kiosk for a resident, and no crash that leaves her
at a desktop.

- The pointer is hidden (an app-wide blank override cursor: dialogs and popups too).
- A close of the kiosk window (the window manager's, Alt+F4, `QApplication.quit()`) is refused,
  and Escape, Alt+F4, Ctrl+Q, Ctrl+W and Ctrl+F4 are swallowed, unless `staff_mode()` says a
  member of staff is signed in. `QCoreApplication.exit(code)` still leaves: that is the way out
  for code that means it.
- No context menu anywhere: one app-wide event filter refuses every ContextMenu event, so a
  QLineEdit (or any widget made later) never shows "撤销 / 剪切 / 粘贴".
- An exception nobody caught (a Qt slot's goes to `sys.excepthook` under PySide6; a thread's
  to `threading.excepthook`) is logged with its traceback, ID numbers masked, to "kiosk.crash"
  (so kiosk.log and the journal), and `recover()` runs on the UI thread: the event loop keeps
  running. If recovery itself fails, or crashes come faster than `max_crashes` per
  `crash_window` seconds, `give_up()` runs instead (by default the process exits 70, and
  systemd starts a fresh kiosk).

It knows nothing of the session: the caller injects `staff_mode` and `recover`.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QCursor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from civic.idnumber import mask_in_text
from kiosk.ui.filters import never_raises

log = logging.getLogger("kiosk.crash")
status = logging.getLogger(__name__)

EXIT_CRASH_LOOP = 70  # EX_SOFTWARE: the launcher passes it on, systemd restarts the kiosk
MAX_CRASHES = 5
CRASH_WINDOW = 60.0  # seconds

Key = Qt.Key
Mod = Qt.KeyboardModifier
_CTRL_OR_ALT = Mod.ControlModifier | Mod.AltModifier
_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
SysHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]
ThreadHook = Callable[[threading.ExceptHookArgs], object]


def is_escape_key(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    """True for the keys that leave or close an application: Escape, Alt+F4 (and Ctrl+F4),
    Ctrl+Q, Ctrl+W."""
    if key == Key.Key_Escape:
        return True
    if key == Key.Key_F4:
        return bool(modifiers & _CTRL_OR_ALT)
    return key in (Key.Key_Q, Key.Key_W) and bool(modifiers & Mod.ControlModifier)


def masked_traceback(info: ExcInfo) -> str:
    """The formatted traceback with every 18-character ID number masked."""
    text = "".join(traceback.format_exception(*info))
    return mask_in_text(text)


class Lockdown(QObject):
    """The kiosk's lockdown; made by `install`, undone by `uninstall` (tests)."""

    _crashed = Signal()

    def __init__(
        self,
        app: QApplication,
        *,
        staff_mode: Callable[[], bool],
        recover: Callable[[], None],
        give_up: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_crashes: int = MAX_CRASHES,
        crash_window: float = CRASH_WINDOW,
    ) -> None:
        super().__init__(app)  # the app keeps it alive: the caller need not hold it
        self._app = app
        self._staff_mode = staff_mode
        self._recover = recover
        self._give_up = give_up or (lambda: QCoreApplication.exit(EXIT_CRASH_LOOP))
        self._clock = clock
        self._max_crashes = max_crashes
        self._crash_window = crash_window
        self._crash_times: deque[float] = deque()
        self._lock = threading.Lock()
        self._pending_give_up = False
        self._recovering = False
        self._guarded: list[QWidget] = []
        self._cursor_hidden = False
        self._previous_hooks: tuple[SysHook, ThreadHook] | None = None
        # always queued, also from the UI thread: recovery runs after the failing slot unwound
        self._crashed.connect(self._after_crash, Qt.ConnectionType.QueuedConnection)

    # --- install / uninstall ------------------------------------------------------------
    def activate(self, *, hide_cursor: bool = True) -> None:
        """Filter events app-wide, hide the pointer and take over the exception hooks."""
        self._app.installEventFilter(self)
        if hide_cursor and not self._cursor_hidden:
            self._app.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
            self._cursor_hidden = True
        if self._previous_hooks is None:
            self._previous_hooks = (sys.excepthook, threading.excepthook)
            sys.excepthook = self._sys_hook
            threading.excepthook = self._thread_hook

    def guard(self, window: QWidget) -> None:
        """Refuse closes of `window` outside staff mode (the kiosk window; add others here)."""
        if window not in self._guarded:
            self._guarded.append(window)

    def uninstall(self) -> None:
        """Undo everything `activate` did (hooks only if nobody replaced them since)."""
        self._app.removeEventFilter(self)
        if self._cursor_hidden:
            self._app.restoreOverrideCursor()
            self._cursor_hidden = False
        if self._previous_hooks is not None:
            old_sys, old_thread = self._previous_hooks
            if sys.excepthook == self._sys_hook:
                sys.excepthook = old_sys
            if threading.excepthook == self._thread_hook:
                threading.excepthook = old_thread
            self._previous_hooks = None
        self._guarded.clear()
        self.setParent(None)

    # --- events -------------------------------------------------------------------------
    @never_raises
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Refuse context menus always; closes of guarded windows and escape keys unless staff."""
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            return True
        if kind == QEvent.Type.Close and watched in self._guarded:
            if self._staff():
                return False
            log.info("close of the kiosk window refused (not in staff mode)")
            event.ignore()
            return True
        if kind in _KEY_EVENTS and isinstance(event, QKeyEvent) and self._is_exit_key(event):
            if self._staff():
                return False
            event.accept()  # a ShortcutOverride accepted, then dropped: no shortcut fires
            return True
        return False

    def _is_exit_key(self, event: QKeyEvent) -> bool:
        if is_escape_key(event.key(), event.modifiers()):
            return True
        return event.matches(QKeySequence.StandardKey.Close) or event.matches(
            QKeySequence.StandardKey.Quit
        )

    def _staff(self) -> bool:
        try:
            return bool(self._staff_mode())
        except Exception:  # a broken predicate keeps the kiosk closed, and says so
            log.exception("staff_mode() failed: treated as not in staff mode")
            return False

    # --- crashes ------------------------------------------------------------------------
    def _sys_hook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        self.handle_exception((kind, exc, tb), where="the UI thread")

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return  # a thread that exits on purpose (threading's own rule)
        name = args.thread.name if args.thread is not None else "unknown"
        self.handle_exception((args.exc_type, args.exc_value, args.exc_traceback), where=name)

    def handle_exception(self, info: ExcInfo, *, where: str) -> None:
        """Log an uncaught exception and schedule recovery (or giving up) on the UI thread.
        Safe from any thread; never raises."""
        if not issubclass(info[0], Exception):  # KeyboardInterrupt, SystemExit: not ours
            previous = self._previous_hooks[0] if self._previous_hooks else sys.__excepthook__
            previous(*info)
            return
        with self._lock:
            now = self._clock()
            self._crash_times.append(now)
            while self._crash_times and now - self._crash_times[0] > self._crash_window:
                self._crash_times.popleft()
            looping = self._recovering or len(self._crash_times) >= self._max_crashes
            self._pending_give_up = self._pending_give_up or looping
        then = "giving up (the kiosk restarts)" if looping else "back to the attract screen"
        log.critical(
            "uncaught %s in %s; %s\n%s", info[0].__name__, where, then, masked_traceback(info)
        )
        self._crashed.emit()

    @Slot()
    def _after_crash(self) -> None:
        with self._lock:
            give_up, self._pending_give_up = self._pending_give_up, False
        if give_up:
            self._give_up()
            return
        self._recovering = True  # a crash from here on means recovery cannot help: give up
        try:
            self._recover()
        except Exception as exc:
            self.handle_exception((type(exc), exc, exc.__traceback__), where="recovery")
        finally:
            self._recovering = False


def install(
    app: QApplication,
    window: QWidget,
    *,
    staff_mode: Callable[[], bool],
    recover: Callable[[], None],
    hide_cursor: bool = True,
    give_up: Callable[[], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Lockdown:
    """Lock `window` (the kiosk window) and the whole app down; see the module docstring."""
    lockdown = Lockdown(app, staff_mode=staff_mode, recover=recover, give_up=give_up, clock=clock)
    lockdown.guard(window)
    lockdown.activate(hide_cursor=hide_cursor)
    status.info("locked down: closes and exit keys refused outside staff mode, crashes recovered")
    return lockdown
