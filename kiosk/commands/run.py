"""`kiosk run` (production) and `kiosk demo` (embedded defaults, demo data, simulated reader)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
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
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("kiosk", "card_reader", "printer", "forms"):
        logging.getLogger(name).setLevel(logging.INFO)
        logging.getLogger(name).addHandler(handler)


def _run(args: argparse.Namespace) -> int:
    from card_reader.registry import open_reader
    from kiosk.app import build_core
    from kiosk.cli import config_from_args
    from kiosk.ui.launch import qt_app, start_kiosk
    from kiosk.ui.main_window import fit_to_screen

    config = config_from_args(args)
    log_to_files(config.data_dir)
    core = build_core(config)
    app = qt_app()
    reader = open_reader(config.reader.uri)
    running = start_kiosk(core, reader)
    fit_to_screen(running.window, config.ui.fullscreen and not args.windowed)
    log.info("kiosk %s running (reader %s)", config.terminal.id, config.reader.uri)
    try:
        return app.exec()
    finally:
        running.stop()
        core.close()


def _demo(args: argparse.Namespace) -> int:
    from kiosk.demo import has_display

    headless = args.headless or not has_display()
    scripted = headless or args.script
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print("没有图形显示（DISPLAY 未设置）：改为在后台演示一次完整办理流程。")
        print("No display (DISPLAY is not set): playing a scripted session offscreen instead.")
    from card_reader.registry import open_reader
    from kiosk.app import build_core
    from kiosk.cli import config_from_args
    from kiosk.demo import CardHand, featured_residents, play_script, seed, sim_hand
    from kiosk.ui.demo_panel import DemoPanel
    from kiosk.ui.launch import qt_app, start_kiosk
    from kiosk.ui.main_window import fit_to_screen

    config = config_from_args(args)
    log_to_files(config.data_dir)
    core = build_core(config, migrate=True, create_key=True)
    added = seed(core)
    if added:
        print(
            f"已生成演示居民 {added} 人 / seeded {added} demo residents into {config.database.url}"
        )
    emulator = None
    if args.reader_emulator:
        from card_reader.emulators import start as start_emulator

        uri, emulator = start_emulator(args.reader_emulator)
        reader = open_reader(uri)
        hand = CardHand(
            emulator.insert,
            emulator.insert_unreadable,
            emulator.remove,
        )
    else:
        reader = open_reader("sim://")
        hand = sim_hand(reader)
    residents = featured_residents(core)
    from kiosk.demo_cards import DemoCard

    app = qt_app()
    panel = (
        None
        if headless or args.no_panel
        else DemoPanel(hand.cards(residents, date.today()), DemoCard("取走身份证", hand.remove))
    )
    running = start_kiosk(core, reader, side_panel=panel, voice=not scripted and config.ui.voice)
    try:
        if scripted:
            running.window.resize(1600, 1000)
            running.window.show()
            out = args.out or config.data_dir / "demo-screens"
            result = play_script(running, hand, residents[0], out)
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
        if emulator is not None:
            emulator.stop()
        core.close()
