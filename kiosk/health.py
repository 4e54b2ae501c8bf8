"""The running kiosk's health, on a thread of its own (never the UI thread, never behind a
print on the worker): the database is pinged every PING_SECONDS so that a lost server is
noticed within seconds, retried with backoff while it is away, and announced when it answers
again; the terminal's heartbeat is written every HEARTBEAT_SECONDS while it answers."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.exc import SQLAlchemyError

from kiosk.heartbeat import HEARTBEAT_SECONDS, HeartbeatSource, beat

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from printer.base import PrinterStatus

log = logging.getLogger(__name__)

PING_SECONDS = 2.0  # a refused or stopped server is noticed within this (plus the ping's timeout)
RETRY_SECONDS = (2.0, 4.0, 8.0, 15.0)  # while lost: the next ping after 2, 4, 8, then every 15 s


class HealthSource(HeartbeatSource, Protocol):
    """What is watched: the kiosk's Core."""

    @property
    def engine(self) -> Engine:
        """The district database."""
        ...


@dataclass(frozen=True)
class Vitals:
    """What the heartbeat reports besides the database: read from the session's last view."""

    reader_state: str
    printer_status: Mapping[str, PrinterStatus]
    last_session_at: datetime | None


class HealthWatch:
    """Pings and beats until stopped. `on_lost` and `on_back` are called from this thread, once
    per change; the caller delivers them to the UI thread."""

    def __init__(
        self,
        core: HealthSource,
        vitals: Callable[[], Vitals],
        *,
        on_lost: Callable[[], None],
        on_back: Callable[[], None],
        ping_seconds: float = PING_SECONDS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._core = core
        self._vitals = vitals
        self._on_lost = on_lost
        self._on_back = on_back
        self._ping_seconds = ping_seconds
        self._heartbeat_seconds = heartbeat_seconds
        self._clock = clock
        self._failures = 0
        self._next_beat = 0.0  # beat at once
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: Connection | None = None

    @property
    def lost(self) -> bool:
        """The last ping failed."""
        return self._failures > 0

    def check(self) -> float:
        """One round: ping (telling a change), then the heartbeat when it is due. Returns the
        seconds until the next round. Never raises."""
        try:
            self._ping()
        except SQLAlchemyError as exc:
            return self._failed(type(exc).__name__)
        except Exception as exc:  # a bug here must not end the watch: log it, keep watching
            log.error("database health check failed", exc_info=exc)
            return self._failed(type(exc).__name__)
        if self._failures:
            log.warning("database answers again after %d failed checks", self._failures)
            self._failures = 0
            self._next_beat = 0.0
            self._on_back()
        if self._clock() >= self._next_beat:
            self._beat()
        return self._ping_seconds

    def start(self) -> None:
        """Watch in the background (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="health", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """End the watch (a ping in hand finishes within its timeout)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._close()

    def _ping(self) -> None:
        """On the watch's own connection (so it never takes one the worker would use); a dead
        one (a terminated backend, a restarted server) is replaced once before the database
        counts as lost."""
        from kiosk.db.engine import ping_connection

        for attempt in (1, 2):
            try:
                if self._connection is None:
                    self._connection = self._core.engine.connect()
                ping_connection(self._connection)
                return
            except SQLAlchemyError:
                self._close()
                if attempt == 2:
                    raise

    def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):  # dead already: its socket is gone
                self._connection.close()
            self._connection = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._stop.wait(self.check())

    def _failed(self, reason: str) -> float:
        self._failures += 1
        if self._failures == 1:
            log.error("database lost (%s): service paused, retrying", reason)
            self._on_lost()
        return RETRY_SECONDS[min(self._failures - 1, len(RETRY_SECONDS) - 1)]

    def _beat(self) -> None:
        try:
            vitals = self._vitals()
            beat(
                self._core,
                reader_state=vitals.reader_state,
                printer_status=vitals.printer_status,
                last_session_at=vitals.last_session_at,
            )
        except Exception as exc:  # beat() logs database errors itself; anything else is a bug
            log.error("heartbeat failed", exc_info=exc)
        self._next_beat = self._clock() + self._heartbeat_seconds
