"""The staff home screen: one big tile per task, with how much waits in each."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.ui.staff.parts import relabel, sbutton, slabel
from kiosk.ui.staff.services import Services, Staff
from kiosk.ui.staff.words import bi

TILES = ("desk", "review", "diagnostics", "stats", "calls")
COUNT_WORDS = {"desk": "queue_count", "review": "pending_count", "calls": "calls_count"}


@dataclass(frozen=True)
class Waiting:
    """How much waits for staff: papers to reprint, applications to review, open calls."""

    desk: int
    review: int
    calls: int


def waiting(services: Services) -> Waiting:
    """Count what waits (worker thread)."""
    from kiosk.staff.calls import open_calls

    return Waiting(
        desk=len(services.desk.queue()),
        review=len(services.review.pending()),
        calls=len(open_calls(services.core.sessions, services.terminal_id)),
    )


class HomeScreen(QWidget):
    """补打与作废 · 审核申请 · 设备诊断 · 统计 · 呼叫提醒."""

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 30, 60, 30)
        self.title = slabel(bi("choose_task", " · "), "staffTitle")
        box.addWidget(self.title)
        grid = QGridLayout()
        grid.setSpacing(24)
        self.tiles = {}
        for index, key in enumerate(TILES):
            tile = sbutton(bi(key), "staffTile")
            tile.clicked.connect(lambda _c=False, key=key: self.staff.go(key))
            grid.addWidget(tile, *divmod(index, 3))
            self.tiles[key] = tile
        box.addLayout(grid)
        box.addStretch(1)

    def enter(self) -> None:
        """Shown: count what waits."""
        self.staff.run(waiting, self.show_waiting)

    def show_waiting(self, counts: Waiting) -> None:
        """Put the counts on the tiles."""
        numbers = {"desk": counts.desk, "review": counts.review, "calls": counts.calls}
        for key, words in COUNT_WORDS.items():
            n = numbers[key]
            text = f"{bi(key)}\n{bi(words, ' · ', n=n)}"
            relabel(self.tiles[key], text)
        for key in ("diagnostics", "stats"):
            relabel(self.tiles[key], bi(key))
        calls = self.tiles["calls"]
        calls.setObjectName("staffTileAlert" if counts.calls else "staffTile")
        calls.style().unpolish(calls)
        calls.style().polish(calls)
