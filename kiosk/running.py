"""The running kiosk's parts that live beside the window: the backend that builds the Core on
the worker after the first paint, and the Kiosk that starts, retries and stops it all."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk import collector
from kiosk.app import Core, build_core
from kiosk.config import Config
from kiosk.errors import KioskError, RecordError
from kiosk.messages import DATABASE_LOST, OUT_OF_SERVICE
from kiosk.view import Draft, Preview

if TYPE_CHECKING:
    import subprocess

    from card_reader.base import Reader
    from card_reader.emulators import EmulatorController
    from card_reader.qt import ReaderBridge
    from forms.fonts import FontSet
    from kiosk.backend import IssueRequest, ProgressListener
    from kiosk.catalog import Catalog, CatalogItem
    from kiosk.devices import PrinterMonitor
    from kiosk.health import HealthWatch, Vitals
    from kiosk.issuing import IssuedDocument
    from kiosk.jobs import Jobs
    from kiosk.residents import ResidentRecord
    from kiosk.session import KioskSession
    from printer.base import PrinterStatus, PrintJob

log = logging.getLogger(__name__)


class PreparedBackend:
    """The session's backend for the UI: builds the Core on the worker thread (its first job),
    then answers every call with it. Jobs run in order, so nothing reaches it unprepared."""

    def __init__(
        self,
        config: Config,
        *,
        migrate: bool,
        create_key: bool,
        after_prepare: Callable[[Core], None] | None = None,
    ) -> None:
        self.config = config
        self.migrate = migrate
        self.create_key = create_key
        self.after_prepare = after_prepare
        self._core: Core | None = None

    def prepare(self) -> Core:
        """Build (or return) the Core, close what a previous run left mid-way and audit the
        configuration it starts with. Worker thread."""
        from kiosk.audit import record_startup

        if self._core is None:
            core = build_core(self.config, migrate=self.migrate, create_key=self.create_key)
            try:
                core.issuer.reconcile()
                record_startup(core)
                if self.after_prepare is not None:
                    self.after_prepare(core)
            except BaseException:
                core.close()
                raise
            self._core = core
        return self._core

    @property
    def core(self) -> Core:
        """The Core; RecordError while start-up has not finished (or failed)."""
        if self._core is None:
            raise RecordError("the kiosk is not ready yet")
        return self._core

    def replace_catalog(self, catalog: Catalog) -> None:
        """Serve from `catalog` from now on (staff reloaded it; the caller tells the session)."""
        from dataclasses import replace

        self._core = replace(self.core, catalog=catalog)

    def lookup(self, id_number: str) -> ResidentRecord | None:
        """See Core.lookup."""
        return self.core.lookup(id_number)

    def staff_for_card(self, id_number: str) -> str | None:
        """See Core.staff_for_card."""
        return self.core.staff_for_card(id_number)

    def issue(
        self,
        resident: ResidentRecord,
        item: CatalogItem,
        inputs: Mapping[str, str],
        *,
        copies: int,
        card_type: str,
    ) -> IssuedDocument:
        """See Core.issue."""
        return self.core.issue(resident, item, inputs, copies=copies, card_type=card_type)

    def print(self, issued: IssuedDocument, on_progress: ProgressListener) -> PrintJob:
        """See Core.print."""
        return self.core.print(issued, on_progress)

    def preview(self, pdf: bytes) -> Preview | None:
        """See Core.preview."""
        return self.core.preview(pdf)

    def draft(self, request: IssueRequest) -> Draft:
        """See Core.draft."""
        return self.core.draft(request)

    def call_staff(self, screen: str) -> None:
        """See Core.call_staff."""
        self.core.call_staff(screen)

    def rate(self, item_id: str, serial: str | None, level: int, reasons: tuple[str, ...]) -> None:
        """See Core.rate."""
        self.core.rate(item_id, serial, level, reasons)

    def log_session(self, started: datetime, ended: datetime, reason: str, issued: int) -> None:
        """See Core.log_session."""
        self.core.log_session(started, ended, reason, issued)

    def close(self) -> None:
        """Release the database, if it was opened."""
        if self._core is not None:
            self._core.close()


RETRY_SECONDS = (2.0, 5.0, 10.0, 30.0)  # start-up retries after a failure, then every 30 s


@dataclass
class Kiosk:
    """The running kiosk without its window, as build_kiosk made it."""

    config: Config
    session: KioskSession
    jobs: Jobs
    backend: PreparedBackend
    reader: Reader | None
    bridge: ReaderBridge | None
    emulator: EmulatorController | None = None
    poll_interval: float = 5.0
    monitor: PrinterMonitor | None = None
    health: HealthWatch | None = None
    last_session_at: datetime | None = None
    on_ready: list[Callable[[Core], None]] = field(default_factory=list)
    font_copies: bool = False  # build the lean font copies in the background once ready
    font_build: subprocess.Popen[bytes] | None = None
    _attempts: int = 0
    _preparing: bool = False
    _stopped: bool = False

    def start(self, *, prepare: bool = True) -> None:
        """Watch the reader and (unless told to wait: see `prepare`) get ready in the background.
        Returns at once."""
        if self.bridge is not None:
            self.bridge.start()
        if prepare:
            self.prepare()

    def prepare(self) -> None:
        """Start getting ready on the worker (once; later calls do nothing)."""
        if not self._preparing:
            self._preparing = True
            self._prepare()

    @property
    def core(self) -> Core:
        """The Core, once ready (RecordError before)."""
        return self.backend.core

    def stop(self) -> None:
        """Stop threads and timers and release devices and the database. A start-up retry
        still pending, or a preparation finishing after this, starts nothing."""
        self._stopped = True
        collector.resume()
        self.session.shutdown()
        if self.health is not None:
            self.health.stop()
        if self.monitor is not None:
            self.monitor.stop()
        if self.bridge is not None:
            self.bridge.stop()
        self.jobs.stop()
        if self.emulator is not None:
            self.emulator.stop()
        self.backend.close()

    def _prepare(self) -> None:
        if self._stopped:
            return
        self.jobs.submit(self.backend.prepare, self._ready, self._not_ready)

    def _ready(self, core: Core) -> None:
        from kiosk.devices import PrinterMonitor

        if self._stopped:
            return
        log.info("kiosk %s ready", self.config.terminal.id)
        self.session.ready(core.catalog)  # first: a card is served from here on
        if self.monitor is None:
            session, jobs = self.session, self.jobs

            def relay(role: str, status: PrinterStatus) -> None:
                jobs.post(lambda: session.printer_changed(role, status))

            self.monitor = PrinterMonitor(core.printers, relay, interval=self.poll_interval)
            self.monitor.start()
        if self.health is None:
            self.health = self._watch_health(core)
        # the faces are parsed on first use: do it now, beside the worker, not in her first print
        threading.Thread(target=_warm_fonts, args=(core.fonts,), name="fonts", daemon=True).start()
        for listener in self.on_ready:
            listener(core)
        if self.font_copies and self.font_build is None:
            self.jobs.submit(self._start_font_build, self._font_build_started, self._font_failed)
        collector.resume()

    def _start_font_build(self) -> subprocess.Popen[bytes] | None:
        from kiosk.document_fonts import prepare_in_background

        return prepare_in_background(self.config)  # worker thread: it reads and hashes files

    def _font_build_started(self, process: subprocess.Popen[bytes] | None) -> None:
        self.font_build = process

    def _font_failed(self, exc: Exception) -> None:
        log.warning("lean font copies not built: %s", exc)  # the whole faces serve meanwhile

    def _watch_health(self, core: Core) -> HealthWatch:
        from kiosk.health import HealthWatch

        session, jobs, backend = self.session, self.jobs, self.backend

        def ended(_reason: str) -> None:
            self.last_session_at = datetime.now()

        session.session_ended.connect(ended)
        watch = HealthWatch(
            core,
            self._vitals,
            on_lost=lambda: jobs.post(lambda: session.out_of_service(DATABASE_LOST)),
            on_back=lambda: jobs.post(lambda: session.ready(backend.core.catalog)),
        )
        watch.start()
        return watch

    def _vitals(self) -> Vitals:
        """What the heartbeat reports, from the session's last view (read on the health thread:
        views are immutable, so reading the current one is safe)."""
        from kiosk.health import Vitals

        view = self.session.view
        reader = view.reader.value if view.reader is not None else "unknown"
        printers = {"a4": view.printers.a4, "slip": view.printers.slip}
        return Vitals(reader, printers, self.last_session_at)

    def _not_ready(self, exc: Exception) -> None:
        from PySide6.QtCore import QTimer

        if self._stopped:
            return
        delay = RETRY_SECONDS[min(self._attempts, len(RETRY_SECONDS) - 1)]
        self._attempts += 1
        if isinstance(exc, KioskError):
            log.error("kiosk not ready (%s); retrying in %.0f s", exc.detail, delay)
        else:
            log.error("kiosk not ready; retrying in %.0f s", delay, exc_info=exc)
        self.session.out_of_service(OUT_OF_SERVICE)
        collector.resume()  # not ready for a while: collect as usual meanwhile
        QTimer.singleShot(round(delay * 1000), self._prepare)


def _warm_fonts(fonts: FontSet) -> None:
    from forms.errors import FontMissingError

    try:
        fonts.warm()
    except FontMissingError as exc:  # printing will say so; staff read it here first
        log.error("fonts not usable: %s", exc.detail)
