"""The speech file cache: rendered once, private, bounded (LRU), volume and chime variants."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import wave
from pathlib import Path

import pytest

from kiosk.voice import SAMPLE_RATE, Clip, Utterance, VoiceCache, VoiceSettings, read_wav
from tests.voice.conftest import Rig, peak

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")


def _say(text: str, voice: str = "cmn-latn-pinyin") -> Clip:
    return Clip(Utterance(voice, 150, text))


def _wavs(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*.wav")}


@needs_espeak
def test_real_espeak_renders_once_into_private_files(tmp_path: Path) -> None:
    """GIVEN espeak-ng WHEN a prompt is produced twice THEN one speakable WAV (0600 in a 0700
    folder), the same file the second time, and a different file for other words or voice."""
    cache = VoiceCache(tmp_path / "voice")
    cache.load()
    text = "请将身份证放在下方读卡区"
    first = cache.produce(_say(text))
    assert first is not None
    samples, rate = read_wav(first)
    assert 0.1 * len(text) < len(samples) / rate < 0.6 * len(text) + 1
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    stamp = first.stat().st_mtime_ns
    assert cache.produce(_say(text)) == first and first.stat().st_mtime_ns == stamp
    others = {cache.produce(_say("请选择要办理的事项")), cache.produce(_say(text, "en"))}
    assert first not in others and len(others) == 2


@needs_espeak
def test_the_mandarin_voice_speaks_mandarin_not_english_pinyin() -> None:
    """espeak-ng 1.51's `cmn` reads its own pinyin as English ("请" -> "king three"): the
    default Chinese voice must produce Mandarin phonemes only, no switch to English."""
    assert ESPEAK is not None
    text = "请将身份证放在下方读卡区，请选择要办理的事项"
    voice = VoiceSettings().zh_voice
    phonemes = subprocess.run(
        [ESPEAK, "-v", voice, "-x", "-q", text], capture_output=True, text=True, check=True
    ).stdout
    assert phonemes.strip() and "(en)" not in phonemes, phonemes


def test_the_cache_is_bounded_and_evicts_the_least_recently_used(tmp_path: Path, rig: Rig) -> None:
    """GIVEN room for three files WHEN five prompts are made, the first one used again in
    between THEN three files remain: the used one kept, the oldest unused ones gone."""
    cache = VoiceCache(tmp_path / "voice", rig.settings(max_files=3))
    cache.load()
    a, b, c, d, e = (_say(f"第{n}条提示") for n in "一二三四五")
    paths = {clip: cache.produce(clip) for clip in (a, b, c)}
    assert cache.find(a) == paths[a]  # a is used again: b is now the oldest
    cache.produce(d)
    cache.produce(e)
    assert cache.find(a) is not None and cache.find(b) is None and cache.find(c) is None
    assert _wavs(cache.folder) == {clip.name(cache.settings.engine) for clip in (a, d, e)}
    assert cache.size[0] == 3


def test_the_byte_bound_holds_too(tmp_path: Path, rig: Rig) -> None:
    """GIVEN room for about two of the fake's 8.8 kB files THEN never more than that on disk."""
    cache = VoiceCache(tmp_path / "voice", rig.settings(max_bytes=20_000))
    cache.load()
    for n in range(6):
        cache.produce(_say(f"提示{n}"))
    on_disk = sum(p.stat().st_size for p in cache.folder.glob("*.wav"))
    assert len(_wavs(cache.folder)) == 2 and on_disk <= 20_000 and cache.size[1] == on_disk


def test_a_restart_keeps_the_lru_order_and_drops_stray_temp_files(tmp_path: Path, rig: Rig) -> None:
    """GIVEN files used in the order b, a (mtimes) and a half-written temp file WHEN a new cache
    loads the folder with room for one more THEN the temp file is gone and b is evicted first."""
    folder = tmp_path / "voice"
    first = VoiceCache(folder, rig.settings())
    first.load()
    a, b, c = _say("甲"), _say("乙"), _say("丙")
    pa, pb = first.produce(a), first.produce(b)
    assert pa is not None and pb is not None
    os.utime(pb, ns=(1_000_000_000, 1_000_000_000))
    os.utime(pa, ns=(2_000_000_000, 2_000_000_000))
    (folder / ".x.wav.1.2.tmp").write_bytes(b"half")
    again = VoiceCache(folder, rig.settings(max_files=2))
    again.load()
    again.produce(c)
    assert not list(folder.glob("*.tmp"))
    assert again.find(b) is None and again.find(a) is not None and again.find(c) is not None


def test_volume_variants_scale_the_samples_and_the_chime_comes_first(
    tmp_path: Path, rig: Rig
) -> None:
    """GIVEN a rendered prompt WHEN made at 50 % and with the chime THEN the samples' peak is
    half, the chime variant is the tone + a pause longer, and the engine ran once."""
    cache = VoiceCache(tmp_path / "voice", rig.settings())
    cache.load()
    utterance = Utterance("cmn-latn-pinyin", 150, "请取走您的身份证")
    full, half = cache.produce(Clip(utterance)), cache.produce(Clip(utterance, 50))
    chimed = cache.produce(Clip(utterance, 100, chime=True))
    assert full is not None and half is not None and chimed is not None
    assert abs(peak(half) - peak(full) // 2) <= 1
    with wave.open(str(full)) as w1, wave.open(str(chimed)) as w2:
        extra = (w2.getnframes() - w1.getnframes()) / SAMPLE_RATE
    assert 0.6 < extra < 0.8  # 0.45 s chime + 0.25 s pause
    assert len(rig.renders()) == 1


def test_the_tone_is_made_without_any_engine(tmp_path: Path) -> None:
    """GIVEN no speech engine at all THEN the attention tone is still made: short, audible."""
    cache = VoiceCache(tmp_path / "voice", VoiceSettings(engine="/nonexistent/espeak-ng"))
    cache.load()
    tone = cache.produce(Clip(None))
    assert tone is not None
    samples, rate = read_wav(tone)
    assert 0.3 < len(samples) / rate < 0.6 and max(samples) > 10_000


def test_a_missing_engine_is_one_log_line_and_silence(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN no espeak-ng WHEN many prompts are asked for THEN None each time, one warning."""
    cache = VoiceCache(tmp_path / "voice", VoiceSettings(engine="/nonexistent/espeak-ng"))
    with caplog.at_level(logging.WARNING, logger="kiosk.voice"):
        cache.load()
        assert all(cache.produce(_say(f"提示{n}")) is None for n in range(5))
    assert len(caplog.records) == 1 and "espeak-ng" in caplog.records[0].getMessage()
