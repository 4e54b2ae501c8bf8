"""Every word the kiosk shows or says, Chinese first, English second: one table.

Session messages are constants (`MENU`, `CONFIRM`, ...); screen labels live in `LABELS` by key
(`label("print")`). A message never holds a name or an ID number: it is spoken aloud in a
public hall. Catalogue words (item names, reasons) come from catalog.yaml.
"""

from __future__ import annotations

from kiosk.view import Message

# --- what the session tells her, step by step -------------------------------------------------
WAITING = Message("请将身份证放在下方读卡区", "Please place your ID card on the reader below")
READING = Message("正在读取身份证，请不要移动", "Reading your card, please hold still")
MENU = Message("请选择要办理的事项", "Please choose a service")
ITEM = Message("看清楚后，请按蓝色的“打印”按钮", "When you are ready, press the blue Print button")
DRAFTING = Message("正在生成预览，请稍候", "Preparing the preview, please wait")
CONFIRM = Message("请核对内容，无误请按“确认打印”", "Please check it, then press Confirm and print")
PRINTING = Message("正在打印，请稍候", "Printing, please wait")
DONE = Message("打印完成，请取走您的材料", "Done. Please take your papers")
DONE_REVIEW = Message(
    "打印完成，请取走申请，交给窗口工作人员审核",
    "Done. Please take the application to the service desk for review",
)
RATING = Message("请为本次服务评价，也可以跳过", "Please rate this service, or skip")
RATING_REASONS = Message("请选择不满意的原因", "Please tell us what went wrong")
THANKS = Message("谢谢您的评价", "Thank you for your rating")
CARD_LEFT = Message("请取走您的身份证", "Please take your ID card")
TIMED_OUT = Message("已超时退出，信息已清除", "Timed out: your information has been cleared")
STILL_THERE = Message(
    "您还需要时间吗？请按“我还需要时间”", "Do you need more time? Press More time"
)
EXIT_ASK = Message("确定退出吗？", "Do you want to leave?")
STAFF_CALLED = Message("已通知工作人员，请在这里稍候", "Staff have been called. Please wait here")
STAFF_CALL_FAILED = Message(
    "呼叫未能发出，请到服务窗口找工作人员", "The call did not go through: please go to the desk"
)
MISSING = Message("还有必填的项目没有填写", "Some questions still need an answer")
SAVED_FOR_REPRINT = Message(
    "您的材料已保存，工作人员可以为您补打", "Your document is saved: staff can reprint it"
)
NOT_READY = Message("正在准备，请稍候", "Getting ready, please wait")
OUT_OF_SERVICE = Message("暂停服务，请联系工作人员", "Service paused. Please ask staff for help")
DATABASE_LOST = Message(
    "暂停服务：暂时连不上数据库，正在自动重连，请稍候",
    "Service paused: the database cannot be reached. Reconnecting, please wait",
)


def unavailable(reason: str) -> Message:
    """An item she cannot start, with the catalogue's plain-words reason."""
    return Message(f"暂不能办理：{reason}", f"Not available: {reason}")


def missing(label_zh: str, label_en: str) -> Message:
    """The first required question she has not answered."""
    return Message(f"请填写：{label_zh}", f"Please answer: {label_en}")


# --- what the screens say on their buttons and headings ---------------------------------------
LABELS: dict[str, Message] = {
    "title": Message("自助服务终端", "Self-service kiosk"),
    "steps": Message(
        "① 放身份证　　② 选择事项　　③ 取走证明", "1 Place card   2 Choose   3 Take your paper"
    ),
    "next": Message("下一步", "Next"),
    "print": Message("打印", "Print"),
    "back": Message("返回", "Back"),
    "exit": Message("退出", "Exit"),
    "yes_exit": Message("是，退出", "Yes, leave"),
    "no_stay": Message("不，继续办理", "No, stay"),
    "confirm": Message("确认打印", "Confirm and print"),
    "edit": Message("返回修改", "Change answers"),
    "finish": Message("完成", "Finish"),
    "prev_page": Message("上一页", "Previous"),
    "next_page": Message("下一页", "Next page"),
    "page": Message("第{n}/{of}页", "Page {n} of {of}"),
    "more_time": Message("我还需要时间", "More time"),
    "call_staff": Message("呼叫工作人员", "Call staff"),
    "staff_called": Message("已呼叫工作人员", "Staff called"),
    "repeat": Message("重听", "Repeat"),
    "volume": Message("音量", "Volume"),
    "mute": Message("静音", "Mute"),
    "unmute": Message("取消静音", "Sound on"),
    "large_text": Message("大字", "Text size"),
    "language": Message("English", "中文"),
    "skip": Message("跳过", "Skip"),
    "copies": Message("份数", "Copies"),
    "serial": Message("编号", "Serial"),
    "next_step": Message("下一步：交给", "Next: take it to"),
    "your_answers": Message("您的回答", "Your answers"),
    "no_questions": Message("本事项无需填写", "No questions for this service"),
    "skipped": Message("不填", "Not answered"),
    "pages": Message("共{n}页", "{n} page(s)"),
    "unavailable": Message("不能办理", "Not available"),
    "printer_ok": Message("打印机正常", "Printers ready"),
    "count": Message("共{n}项", "{n} services"),
    "greeting": Message("{name}，您好！", "Hello, {name}"),
    "seconds_left": Message("{n}秒后自动退出", "Leaving in {n} seconds"),
}

# 好差评 (GB/T 39734-2020): five levels, best first; the two lowest ask why
RATING_LEVELS: tuple[tuple[int, Message], ...] = (
    (5, Message("非常满意", "Very satisfied")),
    (4, Message("满意", "Satisfied")),
    (3, Message("基本满意", "Mostly satisfied")),
    (2, Message("不满意", "Dissatisfied")),
    (1, Message("非常不满意", "Very dissatisfied")),
)
RATING_REASON_CHOICES: tuple[tuple[str, Message], ...] = (
    ("waited", Message("等太久", "Waited too long")),
    ("unclear", Message("看不懂", "Hard to understand")),
    ("printing", Message("打印有问题", "Printing problem")),
    ("other", Message("其他", "Other")),
)


def label(key: str, locale: str = "zh_CN", **values: object) -> str:
    """A screen label in the locale, with {placeholders} filled."""
    words = LABELS[key]
    text = words.en if locale == "en_US" else words.zh
    return text.format(**values) if values else text


def every_message() -> list[Message]:
    """Every fixed message (for speech pre-rendering)."""
    fixed = [value for value in globals().values() if isinstance(value, Message)]
    return fixed + [m for _, m in RATING_LEVELS] + [m for _, m in RATING_REASON_CHOICES]
