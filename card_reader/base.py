"""The reader contract: Identity, reader states, the Reader protocol and the error tree."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Protocol

from civic.errors import BilingualError
from civic.idnumber import mask_id_number


class CardType(enum.StrEnum):
    """Kinds of card the kiosk accepts."""

    RESIDENT = "resident"
    HK_MO_TW_PERMIT = "hk_mo_tw_permit"
    FOREIGN_PERMANENT = "foreign_permanent"
    SOCIAL_SECURITY = "social_security"


class Sex(enum.StrEnum):
    """Sex as printed on the card (GB/T 2261.1 codes 1, 2; anything else is unknown)."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class ReaderState(enum.StrEnum):
    """What a reader is doing, for the screen and for staff (cf. eid-viewer's states)."""

    NO_SERVICE = "no_service"  # pcscd not running
    NO_READER = "no_reader"  # unplugged or not found
    READY = "ready"  # waiting for a card
    CARD_PRESENT = "card_present"
    READING = "reading"
    ERROR = "error"


@dataclass(frozen=True)
class Identity:
    """The holder's particulars as read from a card. The photo is never part of it."""

    card_type: CardType
    id_number: str
    name: str | None
    sex: Sex = Sex.UNKNOWN
    english_name: str | None = None
    nation: str | None = None  # "汉", without 族
    birth_date: date | None = None
    address: str | None = None
    issuer: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None  # None = 长期 (long-term)
    pass_number: str | None = None
    issue_count: int | None = None
    nationality: str | None = None  # ISO 3166 alpha-3
    card_number: str | None = None

    @property
    def masked_id(self) -> str:
        """The ID number as it may be shown or logged."""
        return mask_id_number(self.id_number)

    def is_expired(self, on: date) -> bool:
        """True when the card's validity ended before `on`."""
        return self.valid_until is not None and self.valid_until < on

    def to_json(self, show_full: bool = False) -> dict[str, str | None]:
        """The `kiosk read-card --json` shape: fixed keys, ISO dates, absent values null."""
        out: dict[str, str | None] = {}
        for key in JSON_KEYS:
            value = getattr(self, key)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, enum.Enum):
                value = str(value.value)
            out[key] = value
        if not show_full:
            out["id_number"] = self.masked_id
        return out

    def redacted(self) -> Identity:
        """A copy safe to log: masked number, no address, no birth date (it is what the mask hides)."""
        return replace(self, id_number=self.masked_id, address=None, birth_date=None)

    def __repr__(self) -> str:  # never leak the full number through a log line or traceback
        shown = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.name not in _UNSHOWN
        )
        return f"Identity(id_number={self.masked_id!r}, {shown})"


# Not in repr: the number (shown masked), the address, and the birth date, which is exactly the
# part of a resident number the mask hides.
_UNSHOWN = ("id_number", "address", "birth_date")

JSON_KEYS = (
    "card_type",
    "id_number",
    "name",
    "english_name",
    "sex",
    "nation",
    "birth_date",
    "address",
    "issuer",
    "valid_from",
    "valid_until",
    "card_number",
    "pass_number",
    "nationality",
)


class CardReaderError(BilingualError):
    """Base of every reader failure; each subclass knows what the resident is told.

    `code` keeps the device's own status (PC/SC return code, GA 467 SW3, APDU status word);
    `state` is the ReaderState the failure leaves the reader in.
    """

    message_zh = "读卡失败，请重新放置身份证"
    message_en = "The card could not be read. Please place it again."
    state = ReaderState.ERROR

    def __init__(self, detail: str = "", *, code: int | None = None) -> None:
        super().__init__(detail)
        self.code = code


class ReaderServiceError(CardReaderError):
    """The PC/SC service (pcscd) is not running."""

    message_zh = "读卡服务未启动，请联系工作人员"
    message_en = "Card service not running. Please ask staff for help."
    state = ReaderState.NO_SERVICE


class NoReaderError(CardReaderError):
    """No reader is connected, or it vanished."""

    message_zh = "读卡器未连接，请联系工作人员"
    message_en = "The card reader is not connected. Please ask staff for help."
    state = ReaderState.NO_READER


class NoCardError(CardReaderError):
    """No card was presented in time."""

    message_zh = "未检测到证件，请将身份证放在读卡区"
    message_en = "No card found. Please place your ID card on the reader."
    state = ReaderState.READY


class CardRemovedError(CardReaderError):
    """The card was taken away during the read."""

    message_zh = "证件已移开，请重新放置并保持不动"
    message_en = "The card was moved. Please place it again and hold still."
    state = ReaderState.READY


class UnreadableCardError(CardReaderError):
    """The card answered, but not with data we can use."""

    message_zh = "无法读取该证件，请重新放置或联系工作人员"
    message_en = "This card cannot be read. Place it again or ask staff."
    state = ReaderState.CARD_PRESENT  # the reader is fine; the card is the problem


class UnsupportedCardError(CardReaderError):
    """A card type the kiosk does not handle."""

    message_zh = "不支持此类证件，请使用身份证"
    message_en = "This kind of card is not supported. Please use your ID card."
    state = ReaderState.CARD_PRESENT


class ExpiredCardError(CardReaderError):
    """The card's validity has ended."""

    message_zh = "证件已过有效期，请到派出所换领后再来办理"
    message_en = "This card has expired. Please renew it at the police station."
    state = ReaderState.CARD_PRESENT


class InvalidIdNumberError(CardReaderError):
    """The number fails the GB 11643 checks."""

    message_zh = "证件号码校验未通过，请联系工作人员"
    message_en = "The ID number on this card is not valid. Please ask staff."
    state = ReaderState.CARD_PRESENT


class ProtocolError(CardReaderError):
    """A malformed, corrupted or unexpected frame from the device."""


class ReaderFaultError(CardReaderError):
    """The reader reports a fault of its own (security module failed or not authorised)."""

    message_zh = "读卡器故障，请联系工作人员"
    message_en = "The card reader reports a fault. Please ask staff."


class ReaderConfigError(CardReaderError):
    """The reader URI names no known driver or has bad parameters."""

    message_zh = "读卡器配置错误，请联系工作人员"
    message_en = "The card reader is not configured correctly. Please ask staff."
    state = ReaderState.NO_READER


class ReaderTimeoutError(CardReaderError):
    """The device did not answer within its deadline."""

    message_zh = "读卡器无响应，请联系工作人员"
    message_en = "The card reader is not responding. Please ask staff."


StateListener = Callable[[ReaderState], None]
"""Told each state a driver enters (on the thread that drives the reader)."""

ReaderEvent = Identity | CardReaderError | ReaderState | None
"""What a ReaderWatcher passes with an event: see `card_reader.watch.ReaderWatcher`."""

ReaderListener = Callable[[str, ReaderEvent], None]


class Reader(Protocol):
    """What every driver offers. Drivers never import Qt; `card_reader.qt` bridges them."""

    uri: str

    def set_state_listener(self, listener: StateListener | None) -> None:
        """Call `listener` with every state the reader enters from now on; None stops it."""

    def open(self) -> None:
        """Claim the device; raises NoReaderError / ReaderServiceError."""

    def close(self) -> None:
        """Release the device. Safe to call twice."""

    def status(self) -> ReaderState:
        """The reader's state now."""

    def wait_for_card(self, timeout: float) -> Identity:
        """Block until a card is read (Identity) or raise a CardReaderError (NoCardError on timeout)."""

    def card_present(self) -> bool:
        """True while a card is on the reader."""

    def wait_for_removal(self, timeout: float) -> bool:
        """True once the card has left the reader, False if it is still there after `timeout`."""
