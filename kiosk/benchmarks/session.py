"""The resident's first wait: from her card on the reader to the menu painted."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.bench import Measurement
from kiosk.config import Config

if TYPE_CHECKING:
    from card_reader.simulated import SimulatedReader
    from kiosk.catalog import Catalog, CatalogItem
    from kiosk.residents import ResidentRecord
    from kiosk.ui.launch import RunningKiosk

REPEAT = 30


def _pump(predicate: Callable[[], bool], timeout: float) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    app = QCoreApplication.instance()
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting after {timeout:g} s")
        if app is not None:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def _stamp(into: list[float]) -> None:
    into.append(time.perf_counter())


@contextmanager
def _demo_kiosk(
    config: Config, size: tuple[int, int]
) -> Iterator[tuple[RunningKiosk, SimulatedReader]]:
    """The real kiosk on a scratch demo register with a simulated reader, its window shown at
    `size` (offscreen without a display) and ready; stopped afterwards."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from card_reader.simulated import SimulatedReader
    from kiosk.app import build_kiosk
    from kiosk.benchmarks.issuing import scratch_config
    from kiosk.demo import seed_and_report
    from kiosk.ui.launch import qt_app, start_kiosk

    with tempfile.TemporaryDirectory() as tmp:
        qt_app()
        kiosk = build_kiosk(
            scratch_config(config, Path(tmp)),
            reader_uri="sim://",
            migrate=True,
            create_key=True,
            after_prepare=seed_and_report,
        )
        running = start_kiosk(kiosk, voice=False)
        running.window.resize(*size)
        running.window.show()
        try:
            _pump(lambda: running.session.view.ready, 120)
            reader = kiosk.reader
            assert isinstance(reader, SimulatedReader)
            yield running, reader
        finally:
            running.stop()
            running.window.close()


def card_to_menu(config: Config) -> Measurement:
    """Card placed on the (simulated) reader -> the menu painted, through the real watcher
    thread, bridge, worker lookup (SQLite, demo register) and window."""
    from kiosk.demo import featured_residents
    from kiosk.demo_cards import identity_of
    from kiosk.ui.probe import PaintWatch
    from kiosk.view import Step

    samples: list[float] = []
    with _demo_kiosk(config, (1600, 1000)) as (running, reader):
        window, session = running.window, running.session
        card = identity_of(featured_residents(running.core)[0], date.today())
        for n in range(3 + REPEAT):
            painted: list[float] = []
            PaintWatch(window.menu, partial(_stamp, painted))
            start = time.perf_counter()
            reader.place(card)
            _pump(partial(bool, painted), 30)
            if n >= 3:
                samples.append((painted[0] - start) * 1000)
            reader.remove()
            _pump(lambda: session.step == Step.WAITING, 30)
    samples.sort()
    return Measurement(
        "card_to_menu",
        statistics.median(samples),
        "ms",
        p99=samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))],
        note="sim reader, SQLite demo register, offscreen window at 1600x1000",
    )


def touches_to_print(config: Config) -> Measurement:
    """Touches from the menu to printing for ten items without questions, pressed on the real
    window the way she would: its category (unless it opens first), page turns, the item,
    打印, 确认打印. Reports the worst of the ten (goal ≤ 4) and the median in the note."""
    from kiosk.demo import featured_residents
    from kiosk.demo_cards import identity_of
    from kiosk.view import Step

    counts: dict[str, int] = {}
    with _demo_kiosk(config, (1920, 1080)) as (running, reader):
        window, session = running.window, running.session
        resident = featured_residents(running.core)[0]
        card = identity_of(resident, date.today())
        catalog = running.core.catalog
        for item in _most_used_without_questions(catalog, resident):
            reader.place(card)
            _pump(lambda: session.step == Step.MENU, 30)
            menu = window.menu
            touches = 0
            if item.id not in menu.item_buttons and item.id not in catalog.frequent:
                menu.category_group.button(menu.category_ids.index(item.category)).click()
                touches += 1
            while item.id not in menu.item_buttons:
                menu.pager.next.click()
                touches += 1
            menu.item_buttons[item.id].click()
            touches += 1
            if session.step == Step.ITEM:  # an item with copies to choose has its screen
                window.item.print_button.click()
                touches += 1
            _pump(lambda: session.view.draft is not None, 30)
            window.confirm.confirm_button.click()
            touches += 1
            _pump(lambda: session.step in (Step.DONE, Step.ERROR), 60)
            counts[item.id] = touches
            reader.remove()
            session.finish()
            session.skip_rating()
            _pump(lambda: session.step == Step.WAITING, 30)
    values = sorted(counts.values())
    return Measurement(
        "touches_to_print",
        float(values[-1]),
        "touches",
        note=f"worst of the {len(values)} most used items without questions (常用 first, then "
        f"catalogue order); median {statistics.median(values):g};"
        f" {', '.join(f'{k}={v}' for k, v in counts.items())}",
    )


def _most_used_without_questions(catalog: Catalog, resident: ResidentRecord) -> list[CatalogItem]:
    """Ten items she may have that ask nothing: the 常用 ones first (the catalogue's ranking of
    what residents come for), then in catalogue order."""
    today = date.today()
    ranked = [catalog.item(i) for i in catalog.frequent]
    ranked += [i for i in catalog.items if i.id not in catalog.frequent]
    return [
        i
        for i in ranked
        if not i.inputs and i.check_eligibility(resident, today, "resident").eligible
    ][:10]
