"""Card readers: resident ID cards through SAM readers, social security cards over PC/SC.

A library with no knowledge of the kiosk app: a reader yields an `Identity`.
"""

from card_reader.base import (
    CardReaderError,
    CardType,
    Identity,
    Reader,
    ReaderState,
    Sex,
)

__all__ = [
    "CardReaderError",
    "CardType",
    "Identity",
    "Reader",
    "ReaderState",
    "Sex",
]
