"""The questions an item asks at the terminal: Choice, ItemInput, and how answers are checked."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from civic.dates import cn_date
from kiosk.errors import MissingInputError

InputType = Literal["choice", "date", "number", "yesno", "text"]

YES_WORDS = {"yes", "y", "true", "1", "是", "有"}
NO_WORDS = {"no", "n", "false", "0", "否", "无"}
DEFAULT_TEXT_LIMIT = 60


class Frozen(BaseModel):
    """Base of the catalogue's models: immutable, unknown keys refused, ids or aliases accepted."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class AnswerError(MissingInputError):
    """An answer to one input is missing or invalid; `field` is the input id."""

    def __init__(self, field: str, detail: str, *, zh: str, en: str) -> None:
        super().__init__(detail, zh=zh, en=en)
        self.field = field


class Choice(Frozen):
    """One answer of a choice input: a stable id and its labels."""

    id: str
    label_zh: str = Field(alias="zh", min_length=1)
    label_en: str = Field(alias="en", min_length=1)
    basis: str | None = None  # a purpose's basis: an id in legal_bases (certificates need one)

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("choice id must be text (quote yes/no/on/off)")
        return str(value) if isinstance(value, int) else value

    @property
    def value(self) -> str:
        """The value stored and passed back (same as id)."""
        return self.id


class ItemInput(Frozen):
    """A question the resident answers at the terminal (touch-friendly types first)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        coerce_numbers_to_str=True,
        defer_build=True,
    )

    id: str
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    type: InputType
    choices: tuple[Choice, ...] = ()
    required: bool = False
    default: str | None = None
    min: int | str | None = None  # number: value; text: -; date: ISO date or "today"
    max: int | str | None = None  # number: value; text: length; date: ISO date or "today"
    empty_text: str = ""  # printed when an optional input is left empty
    hint: str = ""  # one plain sentence shown under the question

    @field_validator("default", mode="before")
    @classmethod
    def _default_text(cls, value: object) -> object:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value

    def choice(self, value: str) -> Choice | None:
        """The choice with this id (or Chinese label), if any."""
        for c in self.choices:
            if value in (c.id, c.label_zh):
                return c
        return None

    def display(self, value: str | None) -> str:
        """The printable Chinese text of a stored value (choice label, 是/否, 2026年1月2日)."""
        text = "" if value is None else str(value).strip()
        if not text:
            return self.empty_text
        if self.type == "choice":
            found = self.choice(text)
            return found.label_zh if found else text
        if self.type == "yesno":
            low = text.lower()
            return "是" if low in YES_WORDS else "否" if low in NO_WORDS else text
        if self.type == "date":
            try:
                return cn_date(date.fromisoformat(text))
            except ValueError:
                return text
        return text

    def normalise(self, raw: str | None, today: date | None = None) -> str:
        """Validate one answer; '' when optional and empty. Raises AnswerError (a
        MissingInputError naming the field). The catalogue's default fills an answer not given
        at all (None), never one she skipped on purpose ('' from 不填)."""
        text = "" if raw is None else str(raw).strip()
        if raw is None and self.default is not None:
            text = str(self.default)
        if not text:
            if self.required:
                raise self._error("请填写", "Please fill in", "required")
            return ""
        if self.type == "choice":
            return self._choice_answer(text)
        if self.type == "yesno":
            return self._yesno_answer(text)
        if self.type == "number":
            return self._number_answer(text)
        if self.type == "date":
            return self._date_answer(text, today or date.today())
        limit = as_int(self.max) or DEFAULT_TEXT_LIMIT
        if len(text) > limit:
            raise self._error(f"最多{limit}个字", f"At most {limit} characters", "too long")
        return text

    def _choice_answer(self, text: str) -> str:
        found = self.choice(text)
        if found is None:
            raise self._error("请重新选择", "Please choose again", f"not a choice: {text!r}")
        return found.id

    def _yesno_answer(self, text: str) -> str:
        low = text.lower()
        if low in YES_WORDS:
            return "yes"
        if low in NO_WORDS:
            return "no"
        raise self._error("请选择是或否", "Please answer yes or no", f"not yes/no: {text!r}")

    def _number_answer(self, text: str) -> str:
        try:
            number = int(text)
        except ValueError:
            raise self._error(
                "请填写整数", "Please enter a whole number", f"not a number: {text!r}"
            ) from None
        low, high = as_int(self.min), as_int(self.max)
        if (low is not None and number < low) or (high is not None and number > high):
            raise self._error(
                f"请填写{low}到{high}之间的数", "The number is out of range", f"{number}"
            )
        return str(number)

    def _date_answer(self, text: str, today: date) -> str:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise self._error(
                "日期有误", "The date is not valid", f"not a date: {text!r}"
            ) from None
        low, high = as_date(self.min, today), as_date(self.max, today)
        if (low and day < low) or (high and day > high):
            raise self._error("日期超出范围", "The date is out of range", day.isoformat())
        return day.isoformat()

    def _error(self, zh: str, en: str, detail: str) -> AnswerError:
        return AnswerError(
            self.id,
            f"{self.id}: {detail}",
            zh=f"{zh}：{self.label_zh}",
            en=f"{en}: {self.label_en}",
        )


def as_int(value: int | str | None) -> int | None:
    """A bound as a whole number, or None when absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_date(value: int | str | None, today: date) -> date | None:
    """A date bound ('today' or an ISO date) on `today`, or None when absent or not a date."""
    if value is None:
        return None
    if value == "today":
        return today
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
