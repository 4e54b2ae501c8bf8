"""The terminal's document faces: whole until the lean copies are built (`kiosk fonts prepare`,
or by the running kiosk itself in the background), lean from then on, whole again when stale."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from kiosk.cli import main
from kiosk.config import Config
from kiosk.document_fonts import copies_current, copies_dir, load_document_fonts
from tests.kiosk.conftest import StartKiosk

pytestmark = pytest.mark.slow  # each test builds the copies (~5-15 s of fontTools)


def _use(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the CLI at this config's data directory."""
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(config.data_dir))
    monkeypatch.setenv("KIOSK_PATHS_CATALOG", str(config.catalog_path))


def test_prepare_then_status_then_a_catalogue_change(
    config: Config,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """GIVEN a fresh terminal THEN documents use the whole faces and `kiosk fonts status` says
    so (exit 3); WHEN `kiosk fonts prepare` runs THEN the lean copies are used (status 0); WHEN
    the catalogue then changes THEN the copies are stale and the whole faces serve again."""
    _use(config, monkeypatch)
    assert "lean" not in repr(load_document_fonts(config))
    assert main(["fonts", "status"]) == 3
    assert "whole faces" in capsys.readouterr().out
    assert main(["fonts", "prepare"]) == 0
    out = capsys.readouterr().out
    assert "uming.ttf" in out and "wqy-zenhei.ttf" in out
    assert main(["fonts", "status"]) == 0
    assert "lean copies current" in capsys.readouterr().out
    assert "lean copies" in repr(load_document_fonts(config))
    changed = tmp_path_factory.mktemp("catalogue") / "catalog.yaml"
    changed.write_text(config.catalog_path.read_text(encoding="utf-8") + "\n# 新增\n", "utf-8")
    edited = replace(config, paths=replace(config.paths, catalog=str(changed)))
    assert not copies_current(edited)
    assert "lean" not in repr(load_document_fonts(edited))


def test_the_running_kiosk_builds_its_copies_once_ready(
    seeded_db: Config,
    start_kiosk: StartKiosk,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """GIVEN a terminal without copies WHEN its kiosk becomes ready THEN it builds them in a
    process of its own (the kiosk serves meanwhile), logs it, and they are current after."""
    caplog.set_level(logging.INFO, logger="kiosk")
    running = start_kiosk(seeded_db, font_copies=True)
    assert running.session.view.ready
    qtbot.waitUntil(lambda: running.kiosk.font_build is not None, timeout=10_000)
    process = running.kiosk.font_build
    assert process is not None
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=300_000)
    assert process.returncode == 0
    assert copies_current(seeded_db)
    assert (copies_dir(seeded_db) / "uming.ttf").is_file()
    messages = [r.getMessage() for r in caplog.records]
    assert any("building lean font copies" in m for m in messages)


def test_a_kiosk_with_current_copies_builds_nothing(
    seeded_db: Config, start_kiosk: StartKiosk, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN copies already current WHEN the kiosk becomes ready THEN no build is started and
    its documents are set in the copies."""
    _use(seeded_db, monkeypatch)
    assert main(["fonts", "prepare"]) == 0
    running = start_kiosk(seeded_db, font_copies=True)
    assert running.session.view.ready
    qtbot.wait(500)  # the worker has answered by now
    assert running.kiosk.font_build is None
    assert "lean copies" in repr(running.kiosk.core.fonts)
