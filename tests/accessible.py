"""Pressing and reading controls the way assistive technology does: through Qt's accessibility
interface (QAccessible), not through Python calls on the widget."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot


def accessible_press(qtbot: QtBot, button: QAbstractButton, action: str = "Press") -> None:
    """Press through Qt's accessibility interface, as assistive technology does. Press is an
    animated click (it lands a moment later); Toggle flips a checkable button at once."""
    iface = QAccessible.queryAccessibleInterface(button)
    assert iface is not None
    actions = iface.actionInterface()
    assert actions is not None
    names = actions.actionNames()
    if button.isCheckable():
        assert names.index("Toggle") < names.index("Press"), names
    assert action in names, names
    if action == "Press":
        with qtbot.waitSignal(button.clicked, timeout=2000):
            actions.doAction(action)
    else:
        actions.doAction(action)


def accessible_name(widget: QWidget) -> str:
    """What a screen reader announces for `widget`."""
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None
    return iface.text(QAccessible.Text.Name)
