"""The guard: no ID number, phone number or other long number is ever spoken in the hall."""

from __future__ import annotations

import pytest

from kiosk.voice import VoiceSettings, choose, speakable

REFUSED = [
    "您的身份证号码是610202195803121234",  # 18 digits
    "号码61020219580312123X，请核对",  # ID with the X check character
    "6102**********123X",  # masked as the screen shows it: still not read aloud
    "６１０２０２１９５８０３１２１２３４",  # full-width digits
    "请拨打13912345678",  # a mobile number
    "联系电话0919-3181234",  # dashes do not break a run
    "卡号 610 202 195",  # nor do spaces
    "编号六一零二零二",  # Chinese numerals read out one by one
    "Your number is 123456",
]
ALLOWED = [
    "请将身份证放在下方读卡区",
    "30秒后自动退出",
    "第1/2页",
    "2025年3月1日",
    "共12345人",  # five digits: a count, not an identifier
    "Page 1 of 2",
    "十一月二十日",
]


@pytest.mark.parametrize("text", REFUSED)
def test_long_numbers_and_id_patterns_are_refused(text: str) -> None:
    """GIVEN text carrying an identifier THEN the guard refuses it."""
    assert not speakable(text)


@pytest.mark.parametrize("text", ALLOWED)
def test_ordinary_messages_pass(text: str) -> None:
    """GIVEN a plain message with short numbers THEN the guard lets it through."""
    assert speakable(text)


def test_the_residents_language_is_chosen_and_falls_back() -> None:
    """GIVEN a bilingual message WHEN the locale is English THEN the English text in the English
    voice; Chinese otherwise; the other language when hers is empty; nothing when both are."""
    s = VoiceSettings()
    zh, en = "请取走您的身份证", "Please take  your ID card\n"
    assert choose(zh, en, "zh_CN", s) == choose(zh, None, "zh_CN", s)
    chinese = choose(zh, en, "zh_CN", s)
    assert chinese is not None and (chinese.voice, chinese.text) == (s.zh_voice, zh)
    english = choose(zh, en, "en_US", s)
    assert english is not None and (english.voice, english.text) == (
        s.en_voice,
        "Please take your ID card",
    )
    fallback = choose(zh, "", "en_US", s)
    assert fallback is not None and fallback.voice == s.zh_voice
    only_en = choose("", en, "zh_CN", s)
    assert only_en is not None and only_en.voice == s.en_voice
    assert choose(" ", None, "zh_CN", s) is None
