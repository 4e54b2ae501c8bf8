"""The app's error tree. Library errors (card_reader, printer, forms) carry their own messages;
`resident_message` gives the (Chinese, English) text for any of them."""

from __future__ import annotations

from civic.errors import BilingualError


class KioskError(BilingualError):
    """Base of the app's own errors; each knows what a resident or operator is told."""

    message_zh = "系统暂时无法办理，请联系工作人员"
    message_en = "The kiosk cannot do this right now. Please ask staff."


class ConfigError(KioskError):
    """kiosk.toml or a KIOSK_* variable is wrong: names the key and the problem."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class CatalogError(KioskError):
    """catalog.yaml is broken; `problems` lists every finding with item id and line."""

    message_zh = "服务目录加载失败，请联系工作人员"
    message_en = "The service catalogue could not be loaded. Please ask staff."

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class RecordError(KioskError):
    """A database problem: unreachable, or a record missing or in the wrong state."""

    message_zh = "数据库暂时无法访问，请稍后再试或联系工作人员"
    message_en = "The records are not reachable right now. Please try later or ask staff."


class ResidentNotFoundError(RecordError):
    """The card holder is not in the community register."""

    message_zh = "未找到您的居民信息，请到服务窗口登记"
    message_en = "We could not find your record. Please register at the service desk."


class NotEligibleError(KioskError):
    """The resident may not have this item; the detail is the plain-words reason."""

    message_zh = "您暂不符合办理条件"
    message_en = "You do not meet the conditions for this service."


class MissingInputError(KioskError):
    """An item input the resident must give is missing or invalid."""

    message_zh = "信息填写不完整"
    message_en = "Some information is missing."


def resident_message(exc: BaseException) -> tuple[str, str]:
    """The (Chinese, English) message for any error, library or app; a safe default otherwise."""
    if isinstance(exc, BilingualError):
        return exc.resident_message
    return BilingualError.message_zh, BilingualError.message_en
