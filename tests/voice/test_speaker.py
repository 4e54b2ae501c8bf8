"""The speaker with pytest-qt: never blocks the UI, interrupts cleanly, drops stale renders,
mutes, scales the volume, and stays silent (one log line) without its programs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from kiosk.ui.speaker import Speaker
from kiosk.view import Message
from kiosk.voice import Clip, VoiceSettings, choose
from tests.voice.conftest import SLOW_MARK, Rig, alive, peak

MakeSpeaker = Callable[..., Speaker]
TAKE_CARD = Message("请取走您的身份证", "Please take your ID card")
MENU = Message("请选择要办理的事项", "Please choose a service")


def _file_of(speaker: Speaker, message: Message, locale: str = "zh_CN", gain: int = 100) -> Path:
    utterance = choose(message.zh, message.en, locale, speaker.settings)
    assert utterance is not None
    return speaker.cache.folder / Clip(utterance, gain).name(speaker.settings.engine)


def _wait_played(qtbot: QtBot, rig: Rig, count: int) -> None:
    qtbot.waitUntil(lambda: len(rig.played()) >= count)


def test_say_returns_while_a_slow_engine_is_still_rendering(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker
) -> None:
    """GIVEN an engine held at a gate WHEN say() is called THEN it returns while the engine is
    still held, the event loop keeps running during the render, and the prompt plays once the
    engine finishes."""
    speaker = make_speaker()
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    speaker.say(f"{SLOW_MARK}慢地说", "slowly")
    assert not (rig.folder / "released").exists()  # say() did not wait for the engine
    qtbot.waitUntil(lambda: (rig.folder / "waiting").exists())
    before = len(ticks)
    qtbot.waitUntil(lambda: len(ticks) > before + 3)  # the UI thread runs during the render
    assert rig.played() == [] and not (rig.folder / "released").exists()
    rig.open_gate()
    _wait_played(qtbot, rig, 1)
    assert rig.played()[0][1].name.endswith(".wav")
    timer.stop()


def test_a_new_prompt_kills_the_playing_one(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker
) -> None:
    """GIVEN a prompt playing WHEN another is said THEN the first player process is ended and
    the second one plays the new file."""
    speaker = make_speaker()
    with qtbot.waitSignal(speaker.playing):
        speaker.say(TAKE_CARD)
    _wait_played(qtbot, rig, 1)
    first_pid, first_file = rig.played()[0]
    assert alive(first_pid)
    speaker.say(MENU)
    qtbot.waitUntil(lambda: not alive(first_pid))
    _wait_played(qtbot, rig, 2)
    second_pid, second_file = rig.played()[1]
    assert second_file == _file_of(speaker, MENU) != first_file and alive(second_pid)
    speaker.stop()
    qtbot.waitUntil(lambda: not alive(second_pid))


def test_a_render_finishing_after_a_newer_say_is_dropped(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker
) -> None:
    """GIVEN a slow render under way WHEN a cached prompt is said meanwhile THEN it plays at
    once, and the slow one, when its render ends, is never played (no stale prompt)."""
    speaker = make_speaker()
    speaker.say(MENU)
    _wait_played(qtbot, rig, 1)
    stale = Message(f"{SLOW_MARK}的旧提示", "old")
    speaker.say(stale)
    qtbot.waitUntil(lambda: (rig.folder / "waiting").exists())
    speaker.say(MENU)  # cached: straight from the UI thread
    _wait_played(qtbot, rig, 2)
    rig.open_gate()
    qtbot.waitUntil(lambda: _file_of(speaker, stale).exists())
    speaker.say(TAKE_CARD)  # rendered after the stale one on the same worker: its marker
    _wait_played(qtbot, rig, 3)
    files = [path for _, path in rig.played()]
    menu, card = _file_of(speaker, MENU), _file_of(speaker, TAKE_CARD)
    assert files == [menu, menu, card]


def test_repeat_plays_the_last_prompt_again(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker
) -> None:
    """GIVEN a prompt said WHEN 重听 THEN the same prompt plays again, with no new render."""
    speaker = make_speaker()
    speaker.say(TAKE_CARD)
    _wait_played(qtbot, rig, 1)
    speaker.repeat()
    _wait_played(qtbot, rig, 2)
    assert rig.played()[0][1] == rig.played()[1][1] == _file_of(speaker, TAKE_CARD)
    assert len(rig.renders()) == 1


def test_mute_stops_the_sound_and_keeps_it_off_until_unmuted(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker
) -> None:
    """GIVEN a prompt playing WHEN 静音 THEN its player ends and prompts said while muted are
    never played; after unmuting the next prompt plays."""
    speaker = make_speaker()
    speaker.say(TAKE_CARD)
    _wait_played(qtbot, rig, 1)
    pid = rig.played()[0][0]
    speaker.set_muted(True)
    assert speaker.muted
    qtbot.waitUntil(lambda: not alive(pid))
    speaker.say(MENU)
    speaker.tone()
    speaker.repeat()
    speaker.set_muted(False)
    speaker.say(TAKE_CARD)
    _wait_played(qtbot, rig, 2)
    assert [path for _, path in rig.played()] == [_file_of(speaker, TAKE_CARD)] * 2


def test_volume_changes_the_played_samples(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker
) -> None:
    """GIVEN a prompt played at full volume WHEN the volume is halved and it is repeated THEN
    the file the player gets has half the peak amplitude."""
    speaker = make_speaker()
    assert speaker.volume == 1.0
    speaker.say(TAKE_CARD)
    _wait_played(qtbot, rig, 1)
    speaker.set_volume(0.5)
    speaker.repeat()
    _wait_played(qtbot, rig, 2)
    loud, soft = peak(rig.copy(0)), peak(rig.copy(1))
    assert loud > 10_000 and abs(soft - loud // 2) <= 1
    speaker.set_volume(3.0)
    assert speaker.volume == 1.0


def test_english_residents_hear_english(qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker) -> None:
    """GIVEN the English locale THEN the English text is rendered and played."""
    speaker = make_speaker(locale="en_US")
    speaker.say(TAKE_CARD)
    _wait_played(qtbot, rig, 1)
    assert rig.renders() == [TAKE_CARD.en]
    speaker.say("请稍候", "Please wait", locale="zh_CN")
    _wait_played(qtbot, rig, 2)
    assert rig.renders()[-1] == "请稍候"


def test_the_chime_plays_alone_or_before_a_prompt(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker
) -> None:
    """GIVEN the card-left reminder WHEN tone() and say(chime=True) THEN the tone plays, and
    the chimed prompt is longer than the prompt by the chime."""
    speaker = make_speaker()
    speaker.tone()
    _wait_played(qtbot, rig, 1)
    speaker.say(TAKE_CARD, chime=True)
    _wait_played(qtbot, rig, 2)
    speaker.say(TAKE_CARD)
    _wait_played(qtbot, rig, 3)
    sizes = [rig.copy(n).stat().st_size for n in range(3)]
    assert sizes[1] == sizes[0] + sizes[2] - 44 + 2 * (22050 // 4)


def test_prewarm_renders_ahead_so_later_prompts_need_no_render(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker
) -> None:
    """GIVEN messages prewarmed in both languages WHEN each is said THEN no render happens:
    every prompt comes from the cache. A message the guard refuses is not even rendered."""
    speaker = make_speaker()
    messages = [TAKE_CARD, MENU, Message("号码610202195803121234", "number 610202195803121234")]
    speaker.prewarm(messages)
    qtbot.waitUntil(lambda: len(rig.renders()) == 4 and speaker.cache.size[0] == 4)
    for n, message in enumerate(messages[:2] * 2):
        speaker.say(message, locale="en_US" if n >= 2 else "zh_CN")
        _wait_played(qtbot, rig, n + 1)
    assert len(rig.renders()) == 4
    assert not any("6102" in text for text in rig.renders())


def test_an_id_number_is_never_spoken(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN text with an ID number WHEN said THEN nothing is rendered or played, the current
    prompt stops, one warning (without the number) is logged, and the next prompt plays."""
    speaker = make_speaker()
    speaker.say(MENU)
    _wait_played(qtbot, rig, 1)
    pid = rig.played()[0][0]
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.speaker"):
        speaker.say("您的号码是610202195803121234")
        speaker.say("Number 61020219580312123X", "Number 61020219580312123X", locale="en_US")
    qtbot.waitUntil(lambda: not alive(pid))
    speaker.repeat()  # nothing to repeat: the refused prompt replaced the last one
    speaker.say(TAKE_CARD)
    _wait_played(qtbot, rig, 2)
    assert [path for _, path in rig.played()] == [
        _file_of(speaker, MENU),
        _file_of(speaker, TAKE_CARD),
    ]
    assert not any("6102" in text for text in rig.renders())
    assert len(caplog.records) == 1 and "6102" not in caplog.text


def test_no_player_means_silence_and_one_log_line(
    rig: Rig, make_speaker: MakeSpeaker, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN no aplay WHEN prompts, repeats and tones are asked for THEN no exception and
    exactly one warning."""
    with caplog.at_level(logging.WARNING):
        speaker = make_speaker(rig.settings(player="/nonexistent/aplay"))
        for _ in range(3):
            speaker.say(TAKE_CARD)
            speaker.repeat()
            speaker.tone()
        speaker.prewarm([MENU])
    assert len(caplog.records) == 1 and "aplay" in caplog.records[0].getMessage()


def test_no_engine_means_silent_prompts_one_log_line_and_the_tone_still_plays(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN no espeak-ng WHEN prompts are said THEN silence and one warning; the attention
    tone, made in Python, still plays."""
    with caplog.at_level(logging.WARNING):
        speaker = make_speaker(rig.settings(engine="/nonexistent/espeak-ng"))
        for message in (TAKE_CARD, MENU, TAKE_CARD):
            speaker.say(message)
        speaker.tone()
        _wait_played(qtbot, rig, 1)
    assert rig.played()[0][1].name.startswith("tone-")
    assert len(caplog.records) == 1 and "espeak-ng" in caplog.records[0].getMessage()


def test_a_player_without_a_sound_device_is_one_log_line(
    qtbot: QtBot, rig: Rig, make_speaker: MakeSpeaker, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN an aplay that cannot open a device THEN each prompt is tried, one warning quotes
    aplay's reason, and nothing raises."""
    speaker = make_speaker(rig.settings(player=str(rig.no_device)))
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.speaker"):
        for message in (TAKE_CARD, MENU, TAKE_CARD):
            with qtbot.waitSignal(speaker.playing):
                speaker.say(message)
        qtbot.waitUntil(lambda: len(caplog.records) >= 1)
        qtbot.wait(50)  # let the other players' exits arrive: they must not log again
    assert len(caplog.records) == 1 and "audio open error" in caplog.text


def test_a_disabled_speaker_starts_nothing(rig: Rig, make_speaker: MakeSpeaker) -> None:
    """GIVEN voice off in the config THEN say, tone and prewarm do nothing at all."""
    speaker = make_speaker(enabled=False)
    speaker.prewarm([MENU])
    speaker.say(MENU)
    speaker.tone()
    assert rig.renders() == [] and rig.played() == []


def test_settings_default_to_the_kiosk_programs() -> None:
    """The defaults run espeak-ng and aplay by name, Mandarin in the pinyin voice."""
    s = VoiceSettings()
    assert (s.engine, s.player, s.zh_voice, s.en_voice) == (
        "espeak-ng",
        "aplay",
        "cmn-latn-pinyin",
        "en",
    )
