"""The garbage collector paused while `kiosk run` starts: back on once the kiosk is ready or
known not to be, never left off."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from kiosk import collector
from kiosk.config import Config
from tests.kiosk.conftest import StartKiosk


@pytest.fixture
def collecting() -> Iterator[None]:
    """The collector on before and after, whatever the test did."""
    assert gc.isenabled()
    yield
    collector.resume()
    gc.enable()


def test_pause_then_resume_switches_the_collector_off_and_on(collecting: None) -> None:
    """GIVEN the collector on WHEN paused THEN it is off; WHEN resumed THEN on again, with what
    existed frozen (a later full pass skips it)."""
    collector.pause()
    assert not gc.isenabled() and collector.paused()
    before = gc.get_freeze_count()
    collector.resume()
    assert gc.isenabled() and not collector.paused()
    assert gc.get_freeze_count() > before
    gc.unfreeze()


def test_resume_never_switches_on_a_collector_someone_else_switched_off(collecting: None) -> None:
    """GIVEN a collector switched off by someone else WHEN resume() THEN it stays off."""
    gc.disable()
    collector.pause()  # already off: not ours to switch back on
    collector.resume()
    assert not gc.isenabled()


def test_a_kiosk_started_with_the_collector_paused_turns_it_back_on_when_ready(
    collecting: None, seeded_db: Config, start_kiosk: StartKiosk
) -> None:
    """GIVEN the collector paused as `kiosk run` does WHEN the kiosk becomes ready THEN it is
    collecting again."""
    collector.pause()
    running = start_kiosk(seeded_db)
    assert running.session.view.ready
    assert gc.isenabled() and not collector.paused()
    gc.unfreeze()


def test_a_kiosk_that_cannot_get_ready_collects_meanwhile(
    collecting: None, seeded_db: Config, start_kiosk: StartKiosk
) -> None:
    """GIVEN the collector paused and a catalogue the kiosk cannot read WHEN it starts THEN it is
    out of service, and collecting again."""
    from dataclasses import replace

    missing = str(seeded_db.data_dir / "missing.yaml")
    broken = replace(seeded_db, paths=replace(seeded_db.paths, catalog=missing))
    collector.pause()
    running = start_kiosk(broken)
    assert running.session.view.out_of_service is not None
    assert gc.isenabled()
    gc.unfreeze()
