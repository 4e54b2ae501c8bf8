"""Every word the staff screens show, Chinese first and English after (staff read both), and the
staff layer's stylesheet: denser than the resident's, never under 24 px text or 64 px targets."""

from __future__ import annotations

from kiosk.ui.style import BLUE, EDGE, GREEN, GREY, INK, PAPER, RED, SHADE
from kiosk.view import Message

MIN_TEXT = 24  # px: the smallest staff text
MIN_TARGET = 64  # px: the smallest staff touch target

WORDS: dict[str, Message] = {
    "mode": Message("工作人员维护", "Staff maintenance"),
    "home": Message("主页", "Home"),
    "logout": Message("退出登录", "Sign out"),
    "cancel": Message("取消", "Cancel"),
    "ok": Message("确定", "OK"),
    "back": Message("返回", "Back"),
    "working": Message("正在处理，请稍候", "Working, please wait"),
    "signed_in": Message("已登录：{name}", "Signed in: {name}"),
    "role_staff": Message("工作人员", "staff"),
    "role_admin": Message("管理员", "administrator"),
    "choose_task": Message("请选择要做的事", "Choose a task"),
    # entry
    "pick_name": Message("请选择您的姓名", "Choose your name"),
    "no_accounts": Message("没有可用的工作人员账号", "No staff accounts are enabled"),
    "enter_pin": Message("{name}，请输入密码", "{name}, enter your PIN"),
    "pin_digits": Message("已输入{n}位", "{n} digit(s) entered"),
    "delete": Message("删除", "Delete"),
    "clear": Message("清除", "Clear"),
    "sign_in": Message("登录", "Sign in"),
    "locked_until": Message("已锁定至{until}", "Locked until {until}"),
    "entry_locked": Message(
        "本机工作人员登录已锁定至{until}", "Staff sign-in on this terminal is locked until {until}"
    ),
    # home
    "desk": Message("补打与作废", "Reprint and void"),
    "review": Message("审核申请", "Review applications"),
    "diagnostics": Message("设备诊断", "Diagnostics"),
    "stats": Message("统计", "Statistics"),
    "calls": Message("呼叫提醒", "Staff calls"),
    "queue_count": Message("待处理{n}件", "{n} to handle"),
    "pending_count": Message("待审核{n}件", "{n} pending"),
    "calls_count": Message("未确认{n}条", "{n} open"),
    # desk
    "queue": Message("待补打（打印失败、未完成）", "To reprint (failed, unfinished)"),
    "queue_button": Message("待补打队列", "Reprint queue"),
    "any_time": Message("不限", "Any time"),
    "search_serial": Message("按编号", "By serial"),
    "search_id": Message("按身份证后4位", "By last 4 ID digits"),
    "search_item": Message("按事项", "By item"),
    "today": Message("今天", "Today"),
    "days7": Message("近7天", "7 days"),
    "days30": Message("近30天", "30 days"),
    "search": Message("查找", "Search"),
    "results": Message("查找结果：{n}件", "Found: {n}"),
    "none_found": Message("没有找到", "Nothing found"),
    "all_names": Message("全部姓名", "All names"),
    "row": Message(
        "{serial}　{item}　{name} {masked}\n{status}　{copies}份　补打{reprints}次　{at}",
        "{serial}  {item}  {name} {masked}\n{status}  {copies} copies  {reprints} reprints  {at}",
    ),
    "reprint": Message("补打", "Reprint"),
    "void": Message("作废", "Void"),
    "reprint_reason": Message("补打原因", "Why reprint"),
    "void_reason": Message("作废原因", "Why void"),
    "note": Message("说明（可选）", "Note (optional)"),
    "note_needed": Message("选择“其他”时请选一条说明", "With Other, choose a note"),
    "reprinted": Message("已补打：{serial}（补打{n}）", "Reprinted: {serial} (copy {n})"),
    "voided": Message("已作废：{serial}", "Voided: {serial}"),
    "not_reprintable": Message("该证明不能补打", "This document cannot be reprinted"),
    # review
    "review_queue": Message("待审核申请", "Applications awaiting review"),
    "applicant": Message("申请人", "Applicant"),
    "answers": Message("居民填写", "The resident's answers"),
    "facts": Message("请据本社区记录填写", "Fill in from the committee's records"),
    "approve": Message("审核通过并打印", "Approve and print"),
    "reject": Message("不予出具", "Reject"),
    "reject_reason": Message("不予出具的理由", "Reason for rejecting"),
    "approved": Message("已审核通过并打印：{serial}", "Approved and printed: {serial}"),
    "approved_unprinted": Message(
        "已审核通过，但打印失败，可在“补打与作废”中补打：{serial}",
        "Approved, but printing failed: reprint it under Reprint and void: {serial}",
    ),
    "rejected": Message("已不予出具：{serial}", "Rejected: {serial}"),
    "no_pending": Message("没有待审核的申请", "No applications awaiting review"),
    # diagnostics
    "refresh": Message("刷新", "Refresh"),
    "reader": Message("读卡器", "Card reader"),
    "printers": Message("打印机", "Printers"),
    "test_page": Message("打印测试页", "Test page"),
    "test_printed": Message("测试页已发送（{state}）", "Test page sent ({state})"),
    "database": Message("数据库", "Database"),
    "catalog": Message("服务目录", "Catalogue"),
    "reload": Message("重新加载目录", "Reload the catalogue"),
    "reload_ok": Message("目录已重新加载：{items}项", "Catalogue reloaded: {items} items"),
    "reload_same": Message("目录没有变化", "The catalogue has not changed"),
    "reload_refused": Message(
        "新目录有错误，未采用，继续使用原目录：", "The new catalogue is broken and was refused:"
    ),
    "admin_only": Message(
        "重新加载目录须由管理员操作", "Only an administrator may reload the catalogue"
    ),
    "key": Message("签名密钥", "Signing key"),
    "disk": Message("剩余空间", "Free disk"),
    "version": Message("软件版本", "Version"),
    "errors": Message("最近的错误", "Recent errors"),
    "no_errors": Message("没有错误记录", "No errors logged"),
    "healthy": Message("一切正常", "All healthy"),
    "unhealthy": Message("有需要处理的问题", "Something needs attention"),
    # calls
    "open_calls": Message("未确认的呼叫", "Open staff calls"),
    "no_calls": Message("没有未确认的呼叫", "No open calls"),
    "acknowledge": Message("确认", "Acknowledge"),
    "acknowledged": Message("已确认呼叫 #{id}", "Call #{id} acknowledged"),
    "call_row": Message(
        "#{id}　{at}　{terminal}\n画面 Screen：{screen}", "#{id}  {at}  {terminal}\n{screen}"
    ),
    # statistics
    "window": Message("{since} 至 {until}", "{since} to {until}"),
    "this_terminal": Message("本机", "This terminal"),
    "all_terminals": Message("全部终端", "All terminals"),
    "issued": Message("出具", "Issued"),
    "print_failures": Message("打印失败", "Print failures"),
    "reprints": Message("补打", "Reprints"),
    "voids": Message("作废", "Voids"),
    "sessions": Message("办理人次", "Sessions"),
    "abandoned": Message("中途放弃", "Abandoned"),
    "staff_calls": Message("呼叫工作人员", "Staff calls"),
    "satisfaction": Message("满意率（好差评）", "Satisfaction"),
    "by_category": Message("按分类", "By category"),
    "by_item": Message("按事项", "By item"),
    "satisfaction_item": Message("按事项满意率", "Satisfaction by item"),
    "by_terminal": Message("按终端满意率", "By terminal"),
    "prev": Message("上一页", "Previous"),
    "next": Message("下一页", "Next"),
    "page": Message("第{n}/{of}页", "Page {n}/{of}"),
}


def word(key: str, **values: object) -> Message:
    """The words under `key`, with {placeholders} filled in both languages."""
    words = WORDS[key]
    if not values:
        return words
    return Message(words.zh.format(**values), words.en.format(**values))


def bi(key: str, sep: str = "\n", **values: object) -> str:
    """Chinese, then English (on a second line by default): what a staff button shows."""
    words = word(key, **values)
    return f"{words.zh}{sep}{words.en}"


def both(message: Message, sep: str = " · ") -> str:
    """Any Message as one bilingual line."""
    if not message.en or message.en == message.zh:
        return message.zh
    return f"{message.zh}{sep}{message.en}"


def staff_stylesheet() -> str:
    """The staff layer's own rules (set on the layer: they win over the application's)."""
    text, small = f"{MIN_TEXT + 2}px", f"{MIN_TEXT}px"
    target = f"{MIN_TARGET}px"
    return f"""
    QWidget {{ font-size: {text}; color: {INK}; background: {PAPER}; }}
    QLabel {{ background: transparent; }}
    #staffBar, #staffBar QWidget {{ background: {GREEN}; }}
    #staffBar QLabel {{ color: white; font-size: 30px; font-weight: bold; }}
    #staffBar QPushButton {{ color: white; background: {GREEN}; border: 3px solid white; }}
    QPushButton {{ font-size: {text}; min-height: {target}; min-width: {target};
        padding: 2px 14px; border-radius: 10px; border: 3px solid {BLUE}; background: white;
        color: {BLUE}; }}
    QPushButton:pressed {{ background: #D3E3FD; }}
    QPushButton:checked {{ background: {BLUE}; color: white; font-weight: bold; }}
    QPushButton:disabled {{ color: {GREY}; border-color: {EDGE}; background: {SHADE}; }}
    QPushButton#staffPrimary {{ background: {BLUE}; color: white; font-weight: bold; }}
    QPushButton#staffPrimary:disabled {{ background: {EDGE}; color: white; }}
    QPushButton#staffDanger {{ border-color: {RED}; color: {RED}; font-weight: bold; }}
    QPushButton#staffDanger:disabled {{ color: {GREY}; border-color: {EDGE}; }}
    QPushButton#staffRow {{ text-align: left; color: {INK}; border-color: {EDGE};
        padding: 4px 14px; }}
    QPushButton#staffRow:checked {{ background: #D3E3FD; color: {INK}; border-color: {BLUE};
        border-width: 4px; }}
    QPushButton#staffTile {{ min-height: 180px; font-size: 34px; font-weight: bold; }}
    QPushButton#staffKey {{ min-height: 80px; min-width: 96px; font-size: 36px;
        font-weight: bold; color: {INK}; border-color: {EDGE}; }}
    QLabel#staffTitle {{ font-size: 36px; font-weight: bold; }}
    QLabel#staffHeading {{ font-size: 28px; font-weight: bold; color: {INK}; }}
    QLabel#staffSmall {{ font-size: {small}; color: {GREY}; }}
    QLabel#staffPin, QLabel#staffEntry {{ font-size: 56px; font-weight: bold; min-height: 80px;
        border: 3px solid {EDGE}; border-radius: 10px; background: white; padding: 0 10px; }}
    QLabel#staffEntry {{ font-size: 36px; }}
    QLabel#staffNumber {{ font-size: 48px; font-weight: bold; color: {INK}; }}
    QLabel#staffKeyLabel {{ font-size: {small}; font-weight: bold; color: {GREY}; }}
    QPushButton#keypadKey, QPushButton#keypadAction {{ padding: 2px 4px; min-width: 96px; }}
    QPushButton#staffTileAlert {{ min-height: 180px; font-size: 34px; font-weight: bold;
        border-color: {RED}; color: {RED}; }}
    QLabel#staffError {{ font-size: {text}; font-weight: bold; color: {RED}; }}
    QLabel#staffOk {{ font-size: {text}; font-weight: bold; color: {GREEN}; }}
    QLabel#staffInfo {{ font-size: {text}; color: {INK}; }}
    QLineEdit {{ font-size: {text}; min-height: {target}; border: 3px solid {EDGE};
        border-radius: 8px; background: white; }}
    """
