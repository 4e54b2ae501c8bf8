"""`kiosk run` (production) and `kiosk demo` (embedded defaults, demo data, simulated reader)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date
from pathlib import Path

from kiosk.config import Config
from kiosk.errors import ConfigError

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `run` and `demo`."""
    p = sub.add_parser("run", help="run the kiosk full-screen (production entry point)")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.set_defaults(handler=_run)
    d = sub.add_parser(
        "demo", help="run the kiosk windowed on embedded defaults with demo residents"
    )
    d.add_argument(
        "--reader-emulator",
        choices=("sam", "pcsc"),
        help="run the real sam/pcsc driver against the project's emulator instead of sim://",
    )
    d.add_argument("--headless", action="store_true", help="play the scripted session offscreen")
    d.add_argument(
        "--script", action="store_true", help="play the scripted session in the window, then exit"
    )
    d.add_argument("--no-panel", action="store_true", help="hide the demo card panel")
    d.add_argument(
        "--out", type=Path, help="where the headless demo puts screenshots (default: data dir)"
    )
    d.set_defaults(handler=_demo)


def log_to_files(data_dir: Path) -> None:
    """Staff-readable logs: kiosk INFO and above, rotated, in <data dir>/logs/kiosk.log."""
    from logging.handlers import RotatingFileHandler

    folder = data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        folder / "kiosk.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
    )
    from kiosk.cli import LOG_FORMAT, MaskingFormatter

    handler.setFormatter(MaskingFormatter(LOG_FORMAT))  # tracebacks too: no full ID number
    for name in ("kiosk", "card_reader", "printer", "forms"):
        logging.getLogger(name).setLevel(logging.INFO)
        logging.getLogger(name).addHandler(handler)


def preflight(config: Config, *, create_key: bool) -> None:
    """What `kiosk run` refuses at once, before any window (exit 2 with one line): a broken
    catalogue, a terminal without its key or its district bundle. Cheap when nothing changed
    (the catalogue cache says these bytes were validated; the key is only looked for). Whether
    the key is certified for this community, valid and not revoked is checked in the background
    after the first screen: until it is, the kiosk is out of service and says why in its log."""
    from forms.key_files import missing
    from kiosk.catalog.key import validated_before

    if not validated_before(config.catalog_path, config.terminal.locality, config.cache_dir):
        from kiosk.app import load_catalog

        load_catalog(config)  # validates, and caches for the next start
    if not create_key:
        lacking = missing(config.key_dir)
        if lacking is not None:
            raise ConfigError("paths.key_dir", lacking)


def _run(args: argparse.Namespace) -> int:
    from kiosk import collector

    collector.pause()  # until the kiosk is ready: start-up makes objects, not garbage
    from PySide6.QtCore import QTimer

    from kiosk.app import build_kiosk
    from kiosk.cli import config_from_args
    from kiosk.ui.launch import qt_app, start_kiosk
    from kiosk.ui.main_window import fit_to_screen
    from kiosk.ui.probe import PaintWatch

    config = config_from_args(args)
    log_to_files(config.data_dir)
    preflight(config, create_key=False)
    app = qt_app()
    kiosk = build_kiosk(config, font_copies=True)
    running = start_kiosk(kiosk)
    fit_to_screen(running.window, config.ui.fullscreen and not args.windowed)

    locked: list[bool] = []

    def lock_down() -> None:  # the window may close only while a member of staff is signed in
        from kiosk.ui import lockdown  # Qt's key tables: after the first paint, before any work

        if locked:
            return
        locked.append(True)
        lockdown.install(
            app,
            running.window,
            staff_mode=lambda: running.staff.signed_in,
            recover=lambda: running.session.end("crash"),
        )

    # installed after start_kiosk's watch, so it runs first: locked down before the worker starts
    PaintWatch(running.window, lambda: QTimer.singleShot(0, running.window, lock_down))
    QTimer.singleShot(1000, running.window, lock_down)  # a window that is never painted too
    log.info("kiosk %s starting (reader %s)", config.terminal.id, config.reader.uri)
    try:
        return app.exec()
    finally:
        running.stop()


def _demo(args: argparse.Namespace) -> int:
    from kiosk.demo import has_display

    headless = args.headless or not has_display()
    scripted = headless or args.script
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print("没有图形显示（DISPLAY 未设置）：改为在后台演示一次完整办理流程。")
        print("No display (DISPLAY is not set): playing a scripted session offscreen instead.")
    from kiosk.app import build_kiosk
    from kiosk.cli import config_from_args
    from kiosk.demo import DemoHand, play_script, seed_and_report
    from kiosk.ui.demo_panel import DemoPanel
    from kiosk.ui.launch import qt_app, start_kiosk
    from kiosk.ui.main_window import fit_to_screen

    config = config_from_args(args)
    log_to_files(config.data_dir)
    app = qt_app()
    kiosk = build_kiosk(
        config,
        emulator=args.reader_emulator,
        reader_uri="sim://",
        migrate=True,
        create_key=True,
        after_prepare=seed_and_report,
        font_copies=not scripted,
    )
    hand = DemoHand.for_kiosk(kiosk)
    panel = None if headless or args.no_panel else DemoPanel(hand)
    if panel is not None:
        kiosk.on_ready.append(lambda core: panel.show_cards(hand.cards(core, date.today())))
    running = start_kiosk(kiosk, side_panel=panel, voice=not scripted and config.ui.voice)
    try:
        if scripted:
            running.window.resize(1600, 1000)
            running.window.show()
            out = args.out or config.data_dir / "demo-screens"
            result = play_script(running, hand, out)
            print(f"证明编号 / serial: {result.serial}")
            print(f"PDF: {result.pdf}")
            for path in result.screenshots:
                print(f"screenshot: {path}")
            return 0
        fit_to_screen(running.window, fullscreen=False)
        print(
            "演示：按 F1–F5 放置演示居民的身份证，F12 取走。Demo: F1–F5 place a card, F12 removes it."
        )
        return app.exec()
    except RuntimeError as exc:
        print(f"演示失败 / demo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        running.stop()
