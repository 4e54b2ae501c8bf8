"""The restart side of the crash tests: `kiosk run`, as a terminal starts it, watched from inside.

    python -m tests.reliability.crash_restart REPORT.json

runs the real `kiosk run --windowed` (kiosk.cli.main: preflight, the composition root, the
window, the start-up reconcile on the worker) with one addition, a timer on the UI thread that
waits until the kiosk is ready (or out of service) and its reader has reported, then writes
what the screen shows to REPORT.json and ends the event loop with `QCoreApplication.exit(0)`
(the way out lockdown leaves open). The crash tests read the report; they never touch the
kiosk's own code paths.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

READY_SECONDS = 120.0  # start-up on a busy 2-core machine, migrations included
READER_SECONDS = 10.0  # after ready: the reader's first state


def visible_text(widget: QWidget) -> list[str]:
    """Every label and button text on screen, as the resident would read it."""
    parts = [w.text() for w in widget.findChildren(QLabel) if w.isVisible() and w.text()]
    parts += [w.text() for w in widget.findChildren(QAbstractButton) if w.isVisible() and w.text()]
    return parts


class Watcher:
    """Polls the kiosk window until there is something to report, then reports and exits."""

    def __init__(self, report: Path) -> None:
        self.report = report
        self.started = time.monotonic()
        self.ready_at: float | None = None
        self.timer = QTimer()
        self.timer.timeout.connect(self.look)
        self.timer.start(50)

    def look(self) -> None:
        """One look at the window; write the report once the kiosk has settled."""
        from kiosk.ui.main_window import KioskWindow

        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, KioskWindow)]
        now = time.monotonic()
        if not windows:
            if now - self.started > READY_SECONDS:
                self.finish({"timeout": "no kiosk window"}, 3)
            return
        window = windows[0]
        view = window.session.view
        settled = view.ready or view.out_of_service is not None
        if settled and self.ready_at is None:
            self.ready_at = now
        waited_reader = self.ready_at is not None and now - self.ready_at > READER_SECONDS
        if settled and (view.reader is not None or waited_reader):
            window.repaint()
            screen = window.stack.currentWidget()
            self.finish(
                {
                    "step": view.step.value,
                    "ready": view.ready,
                    "out_of_service": view.out_of_service.zh if view.out_of_service else None,
                    "reader": view.reader.value if view.reader else None,
                    "resident": view.resident is not None,
                    "screen": screen.objectName() if screen is not None else None,
                    "hero": window.waiting.hero.text(),
                    "reader_text": window.waiting.reader.text(),
                    "text": visible_text(window),
                },
                0,
            )
        elif now - self.started > READY_SECONDS:
            self.finish({"timeout": f"not ready: step {view.step.value}"}, 3)

    def finish(self, report: dict[str, object], code: int) -> None:
        """Write the report and leave the event loop with `code`."""
        self.timer.stop()
        self.report.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        QCoreApplication.exit(code)


def main(argv: list[str]) -> int:
    """`kiosk run --windowed` with a Watcher; the kiosk's exit code."""
    from kiosk.cli import main as kiosk_main
    from kiosk.ui.launch import qt_app

    qt_app()  # the QApplication `kiosk run` will find and use
    watcher = Watcher(Path(argv[0]))
    try:
        return kiosk_main(["run", "--windowed", *argv[1:]])
    finally:
        watcher.timer.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
