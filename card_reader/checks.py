"""The checks every card passes before the kiosk acts on it: validity and the ID number."""

from __future__ import annotations

import logging
import re
from datetime import date

from card_reader.base import (
    CardType,
    ExpiredCardError,
    Identity,
    InvalidIdNumberError,
    Sex,
)
from card_reader.idnumber import parse_id_number

log = logging.getLogger(__name__)

# 2017 foreign permanent resident permits: 3-letter country code + 12 digits.
_OLD_FOREIGN_PERMIT = re.compile(r"[A-Z]{3}\d{12}")


def check_identity(identity: Identity, today: date) -> Identity:
    """Return `identity` if it may be used on `today`; ExpiredCardError / InvalidIdNumberError otherwise.

    Every 18-character number must pass GB 11643 (check character, region, birth date) and
    agree with the birth date and sex printed on the card. Invalid numbers are logged masked.
    """
    try:
        _check_number(identity)
    except InvalidIdNumberError as exc:
        log.warning("refused %s card: %s", identity.card_type.value, exc.detail)
        raise
    if identity.is_expired(today):
        log.info(
            "refused expired %s card %s (valid until %s)",
            identity.card_type.value,
            identity.masked_id,
            identity.valid_until,
        )
        raise ExpiredCardError(f"{identity.masked_id}: valid until {identity.valid_until}")
    return identity


def _check_number(identity: Identity) -> None:
    number = identity.id_number
    masked = identity.masked_id
    if len(number) != 18:
        if identity.card_type is CardType.FOREIGN_PERMANENT and _OLD_FOREIGN_PERMIT.fullmatch(
            number
        ):
            return
        raise InvalidIdNumberError(f"{masked}: expected 18 characters, got {len(number)}")
    info = parse_id_number(number)
    if identity.card_type is CardType.HK_MO_TW_PERMIT and number[:6] not in (
        "810000",
        "820000",
        "830000",
    ):
        raise InvalidIdNumberError(f"{masked}: permit number must start 810000/820000/830000")
    if identity.birth_date is not None and identity.birth_date != info.birth_date:
        raise InvalidIdNumberError(f"{masked}: birth date differs from the card")
    if identity.sex is not Sex.UNKNOWN and identity.sex is not info.sex:
        raise InvalidIdNumberError(f"{masked}: sex differs from the card")
