"""What every fault test checks after injecting its fault: the words on the kiosk window (Chinese
first, English too, a way back) and a line in the staff log (kiosk.log, as `kiosk run` writes it).

The kiosk fixtures (`start_kiosk`, `seeded_db`, `config`, `kiosk_cups`) live in
tests/kiosk/conftest.py; a fault module imports them from here so one list stays in one place.
"""

from __future__ import annotations

import logging
import re
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from kiosk.commands.run import log_to_files
from kiosk.view import Message, SessionView, Step

LOGGERS = ("kiosk", "card_reader", "printer", "forms")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def staff_log(tmp_path: Path) -> Iterator[Path]:
    """The staff log exactly as `kiosk run` sets it up (`log_to_files`) in a directory of its own;
    its handlers are removed afterwards."""
    watched = [logging.getLogger(name) for name in LOGGERS]
    before = {id(h) for lg in watched for h in lg.handlers}
    folder = tmp_path / "staff-log"
    log_to_files(folder)
    yield folder / "logs" / "kiosk.log"
    for lg in watched:
        for handler in [h for h in lg.handlers if id(h) not in before]:
            lg.removeHandler(handler)
            handler.close()


def log_lines(path: Path, pattern: str, *, since: int = 0) -> list[str]:
    """Lines of the staff log from byte `since` on that match the regular expression."""
    if not path.exists():
        return []
    with path.open("rb") as handle:
        handle.seek(since)
        text = handle.read().decode("utf-8", "replace")
    found = re.compile(pattern)
    return [line for line in text.splitlines() if found.search(line)]


def log_size(path: Path) -> int:
    """Where the staff log ends now (to look only at what a fault adds)."""
    return path.stat().st_size if path.exists() else 0


def visible_text(widget: QWidget) -> str:
    """Every label and button text the resident can see on the window."""
    parts = [w.text() for w in widget.findChildren(QLabel) if w.isVisible() and w.text()]
    parts += [w.text() for w in widget.findChildren(QAbstractButton) if w.isVisible()]
    return "\n".join(parts)


def visible_buttons(widget: QWidget) -> list[str]:
    """The texts of the enabled buttons she can press now."""
    return [
        b.text()
        for b in widget.findChildren(QAbstractButton)
        if b.isVisible() and b.isEnabled() and b.text()
    ]


def assert_bilingual(message: Message | tuple[str, str], shown: str) -> None:
    """The message is on screen in Chinese and in English (Chinese first: the zh_CN locale)."""
    zh, en = (message.zh, message.en) if isinstance(message, Message) else message
    assert CJK.search(zh), f"no Chinese in {zh!r}"
    assert en and en.isascii() and re.search(r"[A-Za-z]{3}", en), f"no English in {en!r}"
    assert zh in shown, f"{zh!r} is not on screen:\n{shown}"
    assert en in shown, f"{en!r} is not on screen:\n{shown}"
    assert shown.index(zh) < shown.index(en), "English before Chinese"


@dataclass
class ViewLog:
    """Every SessionView the window was given, with the monotonic time it arrived (UI thread)."""

    views: list[tuple[float, SessionView]] = field(default_factory=list)

    def __call__(self, view: SessionView) -> None:
        self.views.append((time.monotonic(), view))

    def first_after(self, start: float, test: Callable[[SessionView], bool]) -> float | None:
        """When a view passing `test` first arrived at or after `start`."""
        for at, view in self.views:
            if at >= start and test(view):
                return at
        return None

    def steps(self) -> list[Step]:
        """The steps shown, without repeats."""
        seen: list[Step] = []
        for _at, view in self.views:
            if not seen or seen[-1] != view.step:
                seen.append(view.step)
        return seen


def watch_views(running: Any) -> ViewLog:
    """Record every view the session emits from now on."""
    views = ViewLog()
    running.session.view_changed.connect(views)
    return views


@dataclass(frozen=True)
class Figures:
    """Recovery times of a fault run, in seconds, for the report (never asserted on)."""

    name: str
    seconds: tuple[float, ...]

    def line(self) -> str:
        """One line: count, median, 90th percentile, max, and how many beat a target of 2 s."""
        values = sorted(self.seconds)
        if not values:
            return f"{self.name}: no figures"
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        within = sum(1 for v in values if v <= 2.0)
        return (
            f"{self.name}: n={len(values)} median={statistics.median(values):.3f}s "
            f"p90={p90:.3f}s max={values[-1]:.3f}s within_2s={within}/{len(values)}"
        )


def report(figures: Figures, tmp_path: Path) -> str:
    """Print the figures (pytest -s shows them) and keep them beside the test's files."""
    line = figures.line()
    print(line)
    (tmp_path / f"{figures.name}.txt").write_text(
        line + "\n" + "\n".join(f"{s:.4f}" for s in figures.seconds) + "\n", encoding="utf-8"
    )
    return line
