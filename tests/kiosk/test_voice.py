"""Voice prompts: spoken offline by espeak-ng into WAV files once, never with personal data."""

from __future__ import annotations

from pathlib import Path

from kiosk.voice import PROMPTS, VoicePrompts, duration


def test_every_prompt_is_rendered_once_and_long_enough(tmp_path: Path) -> None:
    """GIVEN espeak-ng WHEN prompts are prepared twice THEN each step has a WAV of a speakable
    length, and the second time nothing is rendered again."""
    prompts = VoicePrompts(tmp_path)
    ready = prompts.prepare()
    assert set(ready) == set(PROMPTS)
    for key, path in ready.items():
        seconds = duration(path)
        # Mandarin at 140 wpm-ish: roughly 0.15–0.4 s per character, never silence or a hang
        assert 0.1 * len(PROMPTS[key]) < seconds < 0.6 * len(PROMPTS[key]) + 1, (key, seconds)
    stamps = {p: p.stat().st_mtime_ns for p in ready.values()}
    assert prompts.prepare() == ready
    assert {p: p.stat().st_mtime_ns for p in ready.values()} == stamps


def test_prompts_carry_no_personal_data() -> None:
    """The hall is public: no placeholder, digit or name slot in any prompt."""
    for text in PROMPTS.values():
        assert "{" not in text and not any(ch.isdigit() for ch in text)
