"""A ResidentRecord in a log line or a traceback shows who, never the full number or contact."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from kiosk.residents import ResidentRecord

RESIDENT = ResidentRecord(
    id=7,
    id_number="61020219430308000X",
    name="张秀兰",
    sex="female",
    birth_date=date(1943, 3, 8),
    nation="汉",
    phone="13800001234",
    address="王益区红旗街1号",
    community="红旗街社区",
    grid="红旗街社区第01网格",
    building="3",
    unit="2",
    room="301",
    household_id="WY01",
    hukou_local=True,
    registered_since=date(1990, 10, 11),
    tags=frozenset({"pensioner"}),
)


def test_repr_is_masked() -> None:
    """GIVEN a resident WHEN repr'd THEN the masked number and the name, no number/phone/address."""
    text = repr(RESIDENT)
    assert "610202********000X" in text
    assert "张秀兰" in text
    for secret in (
        "61020219430308000X",
        "19430308",  # the birth date is what the mask hides
        "1943",
        "13800001234",
        "王益区红旗街1号",
        "301",
    ):
        assert secret not in text


def test_a_logged_resident_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("kiosk.test").info("resident %r, in a list %s", RESIDENT, [RESIDENT])
    assert "61020219430308000X" not in caplog.text
    assert "13800001234" not in caplog.text
    assert "610202********000X" in caplog.text
