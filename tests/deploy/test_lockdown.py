"""The lockdown of `kiosk run` (kiosk.ui.lockdown), offscreen: no way out for a resident, no
context menu, and an exception in a slot is logged to kiosk.log and sends her back to attract.

The lockdown is installed inside each test body: pytest-qt and pytest put their own exception
hooks in place at the start of every test phase, so hooks set up by a fixture would be gone."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCloseEvent, QContextMenuEvent, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.commands.run import log_to_files
from kiosk.ui import lockdown
from kiosk.ui.lockdown import Lockdown, is_escape_key

ID_NUMBER = "610202195001010024"  # a demo resident's (valid check digit)
MASKED = "610202********0024"
Key = Qt.Key
Mod = Qt.KeyboardModifier
EXIT_KEYS = {
    "Esc": (Key.Key_Escape, Mod.NoModifier),
    "Alt+F4": (Key.Key_F4, Mod.AltModifier),
    "Ctrl+Q": (Key.Key_Q, Mod.ControlModifier),
    "Ctrl+W": (Key.Key_W, Mod.ControlModifier),
}


@dataclass
class Harness:
    """A kiosk-like window with a text input and two buttons; what the callbacks saw."""

    window: QMainWindow
    line: QLineEdit
    boom: QPushButton
    staff: bool = False
    recovered: int = 0
    gave_up: int = 0
    shortcuts: list[str] = field(default_factory=list)
    now: float = 1000.0

    def install(self, *, recover: Callable[[], None] | None = None) -> Lockdown:
        """Lock the harness's window down (staff mode read from `self.staff`)."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        return lockdown.install(
            app,
            self.window,
            staff_mode=lambda: self.staff,
            recover=recover or self.recover,
            give_up=self.give_up,
            clock=lambda: self.now,
        )

    def recover(self) -> None:
        """The recovery callback (the kiosk's returns the session to attract)."""
        self.recovered += 1

    def give_up(self) -> None:
        """The give-up callback (the kiosk's exits for systemd to restart it)."""
        self.gave_up += 1


@pytest.fixture
def harness(qtbot: QtBot) -> Harness:
    """The window shown, active, with a shortcut for each key that usually closes something."""
    window = QMainWindow()
    root = QWidget()
    column = QVBoxLayout(root)
    line = QLineEdit()
    boom = QPushButton("出错")
    column.addWidget(line)
    column.addWidget(boom)
    window.setCentralWidget(root)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    h = Harness(window, line, boom)
    for name in EXIT_KEYS:
        shortcut = QShortcut(QKeySequence(name), window)
        shortcut.activated.connect(lambda name=name: h.shortcuts.append(name))
    return h


@pytest.fixture
def kiosk_log(tmp_path: Path) -> Iterator[Path]:
    """The real kiosk log (`log_to_files`, as `kiosk run` sets it up) in a temporary data dir."""
    watched = [logging.getLogger(n) for n in ("kiosk", "card_reader", "printer", "forms")]
    before = {id(h) for lg in watched for h in lg.handlers}
    crash = logging.getLogger("kiosk.crash")
    # cli._log_traceback leaves "kiosk.crash" unpropagated after an in-process CLI failure
    propagate, crash.propagate = crash.propagate, True
    log_to_files(tmp_path)
    yield tmp_path / "logs" / "kiosk.log"
    crash.propagate = propagate
    for lg in watched:
        for handler in [h for h in lg.handlers if id(h) not in before]:
            lg.removeHandler(handler)
            handler.close()


def _right_click(window: QMainWindow, widget: QWidget) -> None:
    """A right click as the window system delivers it (the QWindow path makes the ContextMenu
    event; QTest on the widget itself would bypass that)."""
    handle = window.windowHandle()
    assert handle is not None
    pos = widget.mapTo(window, widget.rect().center())
    QTest.mouseClick(handle, Qt.MouseButton.RightButton, Mod.NoModifier, pos)


# --- close ---------------------------------------------------------------------------------
def test_a_close_is_refused_outside_staff_mode_and_accepted_in_it(
    qtbot: QtBot, harness: Harness
) -> None:
    """GIVEN the kiosk window locked down WHEN it is closed by code, by a close event and as the
    window system closes it THEN it stays visible; in staff mode the close goes through."""
    lock = harness.install()
    try:
        window = harness.window
        assert window.close() is False
        event = QCloseEvent()
        QApplication.sendEvent(window, event)
        assert not event.isAccepted()
        handle = window.windowHandle()
        assert handle is not None
        handle.close()  # what a window manager's close does: a spontaneous close event
        qtbot.wait(20)
        assert window.isVisible()

        harness.staff = True
        assert window.close() is True
        assert not window.isVisible()
    finally:
        lock.uninstall()


def test_uninstalled_the_window_closes_again(harness: Harness) -> None:
    """GIVEN a lockdown installed then uninstalled WHEN the window is closed THEN it closes (the
    refusal above is the lockdown's doing)."""
    harness.install().uninstall()
    assert harness.window.close() is True


# --- keys ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(EXIT_KEYS))
def test_exit_keys_do_nothing_outside_staff_mode(qtbot: QtBot, harness: Harness, name: str) -> None:
    """GIVEN a shortcut on Escape / Alt+F4 / Ctrl+Q / Ctrl+W WHEN the key is pressed in the text
    input THEN neither the shortcut nor the input sees it; in staff mode the shortcut fires."""
    key, modifiers = EXIT_KEYS[name]
    harness.line.setFocus()
    lock = harness.install()
    try:
        qtbot.keyClick(harness.line, key, modifiers)
        assert harness.shortcuts == []
        assert harness.window.isVisible()
        harness.staff = True
        qtbot.keyClick(harness.line, key, modifiers)
        assert harness.shortcuts == [name]
    finally:
        lock.uninstall()


def test_escape_does_not_dismiss_a_dialog(qtbot: QtBot, harness: Harness) -> None:
    """GIVEN a dialog open over the kiosk WHEN Escape is pressed THEN the dialog stays (Escape
    rejects a QDialog without the lockdown)."""
    lock = harness.install()
    dialog = QDialog(harness.window)
    qtbot.addWidget(dialog)
    try:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(dialog, Key.Key_Escape)
        assert dialog.isVisible()
    finally:
        lock.uninstall()
    qtbot.keyClick(dialog, Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_exit_key_rule() -> None:
    """GIVEN key combinations THEN only the ones that close or quit count as exit keys."""
    assert is_escape_key(Key.Key_Escape, Mod.NoModifier)
    assert is_escape_key(Key.Key_F4, Mod.AltModifier)
    assert is_escape_key(Key.Key_F4, Mod.ControlModifier)
    assert is_escape_key(Key.Key_Q, Mod.ControlModifier)
    assert is_escape_key(Key.Key_W, Mod.ControlModifier | Mod.ShiftModifier)
    assert not is_escape_key(Key.Key_F4, Mod.NoModifier)
    assert not is_escape_key(Key.Key_Q, Mod.NoModifier)
    assert not is_escape_key(Key.Key_W, Mod.AltModifier)
    assert not is_escape_key(Key.Key_1, Mod.ControlModifier)


# --- context menus and the cursor ----------------------------------------------------------
def test_a_right_click_on_a_text_input_opens_no_menu(qtbot: QtBot, harness: Harness) -> None:
    """GIVEN the lockdown WHEN a text input is right-clicked (also in staff mode) or sent a
    context-menu event THEN no menu opens; without the lockdown the same click opens Qt's edit
    menu (so the check can fail)."""
    lock = harness.install()
    try:
        _right_click(harness.window, harness.line)
        QApplication.sendEvent(
            harness.line,
            QContextMenuEvent(
                QContextMenuEvent.Reason.Keyboard,
                QPoint(5, 5),
                harness.line.mapToGlobal(QPoint(5, 5)),
            ),
        )
        harness.staff = True
        _right_click(harness.window, harness.line)
        qtbot.wait(20)
        assert QApplication.activePopupWidget() is None
    finally:
        lock.uninstall()
    _right_click(harness.window, harness.line)
    menu = QApplication.activePopupWidget()
    assert menu is not None and menu.objectName() == "qt_edit_menu"
    menu.close()


def test_the_pointer_is_hidden_and_comes_back(harness: Harness) -> None:
    """GIVEN the lockdown THEN the app-wide cursor is blank; uninstalled, the override is gone."""
    lock = harness.install()
    try:
        cursor = QApplication.overrideCursor()
        assert cursor is not None and cursor.shape() == Qt.CursorShape.BlankCursor
    finally:
        lock.uninstall()
    assert QApplication.overrideCursor() is None


# --- crashes -------------------------------------------------------------------------------
def _raise_with_id() -> None:
    raise ValueError(f"broken record for {ID_NUMBER}")


def test_pyside_sends_a_slot_exception_to_sys_excepthook(
    qtbot: QtBot, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a slot that raises WHEN its button is clicked THEN PySide6 calls sys.excepthook
    (what the lockdown's hook relies on)."""
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, _exc, _tb: seen.append(kind))
    harness.boom.clicked.connect(_raise_with_id)
    qtbot.mouseClick(harness.boom, Qt.MouseButton.LeftButton)
    assert seen == [ValueError]


def test_a_slot_exception_is_logged_and_the_kiosk_recovers(
    qtbot: QtBot, harness: Harness, kiosk_log: Path
) -> None:
    """GIVEN the lockdown and the kiosk log WHEN a button's slot raises THEN the traceback is in
    kiosk.log (ID number masked), the recovery callback runs, and the app keeps serving: the
    button works (and recovers) again."""
    harness.boom.clicked.connect(_raise_with_id)
    lock = harness.install()
    try:
        qtbot.mouseClick(harness.boom, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: harness.recovered == 1)
        qtbot.mouseClick(harness.boom, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: harness.recovered == 2)
    finally:
        lock.uninstall()
    assert harness.gave_up == 0 and harness.window.isVisible()
    text = kiosk_log.read_text(encoding="utf-8")
    assert "CRITICAL kiosk.crash: uncaught ValueError in the UI thread" in text
    assert "Traceback (most recent call last)" in text and "_raise_with_id" in text
    assert MASKED in text and ID_NUMBER not in text


def test_a_thread_that_dies_is_logged_and_recovery_runs_on_the_ui_thread(
    qtbot: QtBot, harness: Harness, kiosk_log: Path
) -> None:
    """GIVEN the lockdown WHEN a worker thread dies of an exception THEN it is logged with the
    thread's name and recovery runs on the UI thread."""
    threads: list[threading.Thread] = []

    def recover() -> None:
        threads.append(threading.current_thread())

    lock = harness.install(recover=recover)
    try:
        worker = threading.Thread(target=_raise_with_id, name="kiosk-worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(threads) == 1)
    finally:
        lock.uninstall()
    assert threads == [threading.main_thread()]
    text = kiosk_log.read_text(encoding="utf-8")
    assert "uncaught ValueError in kiosk-worker" in text and ID_NUMBER not in text


def test_crashes_in_a_loop_give_up_instead_of_recovering(qtbot: QtBot, harness: Harness) -> None:
    """GIVEN five crashes within a minute (injected clock) THEN the fifth gives up (the kiosk
    exits for systemd to restart it) instead of recovering; a minute later it recovers again."""
    harness.boom.clicked.connect(_raise_with_id)
    lock = harness.install()
    try:
        for _ in range(4):
            harness.now += 10
            qtbot.mouseClick(harness.boom, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: harness.recovered == 4)
        harness.now += 10
        qtbot.mouseClick(harness.boom, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: harness.gave_up == 1)
        assert harness.recovered == 4
        harness.now += 61
        qtbot.mouseClick(harness.boom, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: harness.recovered == 5)
    finally:
        lock.uninstall()
    assert harness.gave_up == 1


def test_a_recovery_that_fails_gives_up(qtbot: QtBot, harness: Harness) -> None:
    """GIVEN a recovery callback that itself raises WHEN a slot crashes THEN the lockdown gives
    up once instead of crashing and recovering in a loop."""
    calls: list[int] = []

    def broken_recover() -> None:
        calls.append(1)
        raise RuntimeError("the session is broken too")

    harness.boom.clicked.connect(_raise_with_id)
    lock = harness.install(recover=broken_recover)
    try:
        qtbot.mouseClick(harness.boom, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: harness.gave_up == 1)
        qtbot.wait(50)
    finally:
        lock.uninstall()
    assert calls == [1] and harness.gave_up == 1


def test_uninstall_restores_the_previous_hooks(harness: Harness) -> None:
    """GIVEN the hooks before WHEN the lockdown is installed and uninstalled THEN they are back."""
    before = (sys.excepthook, threading.excepthook)
    lock = harness.install()
    assert (sys.excepthook, threading.excepthook) != before
    lock.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_ordinary_typing_still_arrives(harness: Harness) -> None:
    """GIVEN the lockdown WHEN ordinary keys are typed into the text input THEN they arrive."""
    lock = harness.install()
    try:
        QTest.keyClicks(harness.line, "abc")
    finally:
        lock.uninstall()
    assert harness.line.text() == "abc"
