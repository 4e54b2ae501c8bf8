"""The one bilingual error base: every package's error tree stands on civic.errors.BilingualError."""

from __future__ import annotations

import pytest

from card_reader.base import CardReaderError, NoReaderError, ReaderState
from civic.errors import BilingualError
from forms.errors import FontMissingError, FormsError
from kiosk.errors import ConfigError, KioskError, ResidentNotFoundError, resident_message
from printer.base import PrinterError, PrinterState, PrinterStatus


def test_the_base_carries_both_languages_and_a_staff_detail() -> None:
    error = BilingualError("pool exhausted", zh="请稍候", en="Please wait")
    assert error.resident_message == ("请稍候", "Please wait")
    assert error.detail == str(error) == "pool exhausted"
    assert BilingualError.message_zh == "系统暂时无法办理，请联系工作人员"  # the class is untouched
    assert BilingualError().detail == BilingualError.message_en


@pytest.mark.parametrize("base", [CardReaderError, FormsError, PrinterError, KioskError])
def test_every_package_base_is_bilingual(base: type[Exception]) -> None:
    assert issubclass(base, BilingualError)
    assert "resident_message" not in vars(base) or base is PrinterError  # no copies of the base


def test_card_reader_errors_keep_their_code_and_state() -> None:
    error = NoReaderError("ttyUSB0 gone", code=0x8010_0017)
    assert (error.detail, error.code, error.state) == (
        "ttyUSB0 gone",
        0x8010_0017,
        ReaderState.NO_READER,
    )
    assert error.resident_message == (NoReaderError.message_zh, NoReaderError.message_en)
    assert CardReaderError().detail == CardReaderError.message_en


def test_printer_errors_speak_for_their_status() -> None:
    status = PrinterStatus(PrinterState.PAPER_OUT, "tray 1 empty")
    error = PrinterError("job 7 held", status)
    assert error.resident_message[0] == "打印机缺纸，暂不能打印，请联系工作人员"
    assert (error.detail, error.job) == ("job 7 held", None)
    assert PrinterError("no status").status.state is PrinterState.ERROR


def test_forms_errors_read_chinese_first() -> None:
    error = FontMissingError("uming.ttc not found")
    assert str(error) == f"{FontMissingError.message_zh} / uming.ttc not found"
    assert error.resident_message == (FontMissingError.message_zh, FontMissingError.message_en)


def test_kiosk_errors_keep_their_fields() -> None:
    error = ConfigError("reader.uri", "unknown scheme")
    assert (error.key, error.problem, error.detail) == (
        "reader.uri",
        "unknown scheme",
        "reader.uri: unknown scheme",
    )


class LooksBilingual(Exception):
    """Not a BilingualError, whatever attribute it carries."""

    resident_message = ("假的", "fake")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            ResidentNotFoundError(),
            (ResidentNotFoundError.message_zh, ResidentNotFoundError.message_en),
        ),
        (NoReaderError("x"), (NoReaderError.message_zh, NoReaderError.message_en)),
        (
            PrinterError("x", PrinterStatus(PrinterState.COVER_OPEN)),
            ("打印机盖未关好，请联系工作人员", "Printer cover open. Please ask staff."),
        ),
        (FontMissingError(), (FontMissingError.message_zh, FontMissingError.message_en)),
        (ValueError("boom"), (BilingualError.message_zh, BilingualError.message_en)),
        (LooksBilingual(), (BilingualError.message_zh, BilingualError.message_en)),
    ],
)
def test_resident_message_of_any_error(exc: BaseException, expected: tuple[str, str]) -> None:
    """GIVEN any exception WHEN the screen asks what to say THEN its own words, or the default."""
    assert resident_message(exc) == expected
