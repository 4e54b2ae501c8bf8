"""What the staff screens may ask of the kiosk, and how: the `Staff` seam the controller gives
every screen, and `Services`, the staff services of the current Core.

A `Services` is made on the worker thread for each job (from the Core as it is then: a reloaded
catalogue is in the next job's), so nothing here runs on the UI thread but the callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from card_reader.base import ReaderState
    from kiosk.app import Core
    from kiosk.catalog import Catalog
    from kiosk.review import ReviewService
    from kiosk.staff.accounts import StaffAccounts, StaffMember
    from kiosk.staff.desk import IssuanceDesk
    from kiosk.staff.reload import CatalogReload
    from kiosk.view import Message

T = TypeVar("T")
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Services:
    """The staff services of one Core, at the injected clock. Worker thread only."""

    core: Core
    clock: Clock
    reader_state: ReaderState | None = None
    swap_catalog: Callable[[Catalog], None] | None = None

    @property
    def accounts(self) -> StaffAccounts:
        """Staff entry and logout."""
        from kiosk.staff.accounts import StaffAccounts

        return StaffAccounts.for_core(self.core, clock=self.clock)

    @property
    def desk(self) -> IssuanceDesk:
        """Search, reprint, void."""
        from kiosk.staff.desk import IssuanceDesk

        return IssuanceDesk.for_core(self.core, clock=self.clock)

    @property
    def review(self) -> ReviewService:
        """The review queue of this terminal's community."""
        from kiosk.review import ReviewService

        return ReviewService.for_core(self.core, clock=self.clock)

    @property
    def terminal_id(self) -> str:
        """This terminal."""
        return self.core.config.terminal.id

    def item_name(self, item_id: str) -> str:
        """An item's Chinese name in the catalogue in use (its id if it is gone)."""
        catalog = self.core.catalog
        return catalog.item(item_id).name_zh if item_id in catalog else item_id

    def reload_catalog(self, actor: str) -> CatalogReload:
        """重新加载目录: reload, audit, and put an accepted catalogue into the running kiosk."""
        from kiosk.staff.reload import reload_for_staff

        result = reload_for_staff(
            self.core.catalog,
            cache_dir=self.core.config.cache_dir,
            sessions=self.core.sessions,
            terminal_id=self.terminal_id,
            actor=actor,
            now=self.clock(),
        )
        if result.changed and self.swap_catalog is not None:
            self.swap_catalog(result.catalog)
        return result


class Staff(Protocol):
    """What a staff screen may do: run a job, say something, go to another screen."""

    @property
    def member(self) -> StaffMember | None:
        """Who is signed in (None during entry)."""
        ...

    def run(
        self,
        work: Callable[[Services], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run `work` on the worker; `done` (or `failed`, default: say why) on the UI thread,
        unless staff mode ended meanwhile."""

    @property
    def community_code(self) -> str:
        """This terminal's community code (the first part of its serials)."""
        ...

    def now(self) -> datetime:
        """The injected clock's time."""
        ...

    def say(self, message: Message, kind: str = "info") -> None:
        """One line under the staff bar (kind: ok, error, info)."""

    def fail(self, exc: BaseException) -> None:
        """Say why something failed."""

    def go(self, screen: str) -> None:
        """Show another screen (home, desk, review, diagnostics, stats, calls)."""
