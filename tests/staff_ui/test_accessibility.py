"""Every staff screen keeps the rules for staff screens: text of 24 px or more, touch targets of
64 px or more, and an accessible name on every control that says what it shows."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

from kiosk.ui.staff.words import MIN_TARGET, MIN_TEXT

from .conftest import Staffed, click, corner_press, release
from .helpers import issue, resident_for

pytestmark = pytest.mark.slow  # the whole kiosk, worker and window per test (~2 s)


def problems(screen: QWidget) -> list[str]:
    """What on `screen` breaks the rules (empty: nothing)."""
    found = []
    for widget in screen.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit) and (
            isinstance(widget, QAbstractButton) or widget.text()
        ):
            size = widget.font().pixelSize()
            if size < MIN_TEXT:
                found.append(f"{type(widget).__name__} {widget.objectName()} text {size}px")
        if isinstance(widget, QAbstractButton | QLineEdit):
            name = widget.accessibleName()
            if not name:
                found.append(f"{type(widget).__name__} {widget.objectName()} has no name")
            if widget.height() < MIN_TARGET or widget.width() < MIN_TARGET:
                found.append(f"{name}: {widget.width()}×{widget.height()} px")
        if isinstance(widget, QAbstractButton) and widget.text():
            name = widget.accessibleName()
            words = [w for w in re.findall(r"[\w\u4e00-\u9fff]+", widget.text())]
            if not all(word in name for word in words):  # a symbol (⌫) may be said in words
                found.append(f"{name!r} does not say {widget.text()!r}")
    return found


@pytest.mark.parametrize(
    "screen", ["home", "desk", "issuance", "review", "case", "diagnostics", "stats", "calls"]
)
def test_every_staff_screen_keeps_text_targets_and_names(staffed: Staffed, screen: str) -> None:
    """GIVEN each staff screen with something on it WHEN it shows THEN no text is under 24 px,
    no control under 64 px, and every control's accessible name says what it shows."""
    paper = issue(staffed)
    volunteer = resident_for(staffed.core, "volunteer_service_certificate",
                             lambda p: "volunteer" in p.tags)  # fmt: skip
    issue(staffed, "volunteer_service_certificate", printed=False, resident=volunteer)
    staffed.add_staff()
    staffed.sign_in()
    layer, qtbot = staffed.layer, staffed.qtbot
    target = {"issuance": "desk", "case": "review"}.get(screen, screen)
    if target != "home":
        click(qtbot, layer.home.tiles[target])
    staffed.wait_idle()
    if screen == "issuance":
        layer.desk.search.type_digits("".join(paper.serial.split("-")[1:]))
        click(qtbot, layer.desk.search.search)
        staffed.wait_idle()
        click(qtbot, layer.desk.rows.button_for(paper.serial))
    if screen == "case":
        click(qtbot, layer.review.rows.button_for(layer.review.cases[0].serial))
    assert problems(layer) == []


def test_the_entry_screens_keep_them_too(staffed: Staffed) -> None:
    """GIVEN the name picker and the PIN pad WHEN they show THEN the same rules hold."""
    staffed.add_staff()
    attract = staffed.running.window.waiting
    corner_press(staffed.qtbot, attract)
    staffed.time.wait(3)
    release(staffed.qtbot, attract)
    staffed.wait_idle()
    assert problems(staffed.layer) == []
    click(staffed.qtbot, staffed.layer.names.names.button_for("王丽"))
    assert problems(staffed.layer) == []
