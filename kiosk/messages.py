"""What the resident is told, Chinese first, English below: one table for the session's words."""

from __future__ import annotations

from kiosk.view import Message

MENU_MESSAGE = Message(
    "请选择要办理的事项。点上面的类别，可以看到更多事项",
    "Please choose a service. Tap a category above to see more.",
)
ITEM_MESSAGE = Message(
    "看清楚后，请按蓝色的“打印”按钮", "When you are ready, press the blue Print button."
)
PRINTING_MESSAGE = Message("正在打印，请稍候", "Printing, please wait")
TIMEOUT_MESSAGE = Message("操作超时，已退出", "Timed out; the session has ended.")
