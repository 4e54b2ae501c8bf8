"""The composition root: the one place that picks drivers and wires the kiosk together.

`build_core(config)` gives the CLI everything but the screen and the card reader, checked once.
`build_kiosk(config)` gives the UI the whole running kiosk without its window: worker, session,
reader, and a backend that builds the Core on the worker thread after the first screen is up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from card_reader.base import ReaderState
from kiosk.backend import page_count
from kiosk.config import Config
from kiosk.errors import ConfigError, RecordError
from kiosk.view import Draft, Preview

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from forms.fonts import FontSet
    from forms.keys import SigningKey
    from kiosk.backend import IssueRequest, ProgressListener
    from kiosk.catalog import Catalog, CatalogItem
    from kiosk.db.visits import VisitRepository
    from kiosk.issuing import IssuedDocument, Issuer
    from kiosk.jobs import Jobs
    from kiosk.residents import ResidentRecord
    from kiosk.running import Kiosk
    from kiosk.timing import TimerFactory
    from printer.base import Printer, PrintJob

log = logging.getLogger(__name__)

ReaderEmulator = Literal["sam", "pcsc"]


@dataclass(frozen=True)
class Core:
    """Everything but the screen and the card reader: the CLI's kiosk, and the UI's backend."""

    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    catalog: Catalog
    fonts: FontSet
    signing_key: SigningKey
    printers: Mapping[str, Printer]
    issuer: Issuer

    def lookup(self, id_number: str) -> ResidentRecord | None:
        """The resident holding this card, or None; RecordError if the database is unreachable."""
        from sqlalchemy.exc import SQLAlchemyError

        from kiosk.db.repositories import ResidentRepository

        try:
            with self.sessions() as session:
                return ResidentRepository(session).by_id_number(id_number)
        except SQLAlchemyError as exc:
            log.error("database unreachable: %s", type(exc).__name__)
            raise RecordError(type(exc).__name__) from exc

    def staff_for_card(self, id_number: str) -> str | None:
        """The enabled staff member holding this card (their name), or None."""
        from sqlalchemy.exc import SQLAlchemyError

        from kiosk.staff.accounts import StaffAccounts

        try:
            member = StaffAccounts.for_core(self).staff_for_card(id_number)
        except SQLAlchemyError as exc:
            raise RecordError(type(exc).__name__) from exc
        return member.name if member is not None else None

    def issue(
        self,
        resident: ResidentRecord,
        item: CatalogItem,
        inputs: Mapping[str, str],
        *,
        copies: int,
        card_type: str,
    ) -> IssuedDocument:
        """Record, render and sign one document."""
        return self.issuer.issue(resident, item, inputs, copies=copies, card_type=card_type)

    def print(self, issued: IssuedDocument, on_progress: ProgressListener) -> PrintJob:
        """Print on the printer of the document's paper and record the outcome."""
        role = "a4" if issued.record.paper == "a4" else "slip"
        return self.issuer.print(issued, self.printers[role], on_progress=on_progress)

    def preview(self, pdf: bytes) -> Preview | None:
        """A small picture of the first page for the screen (None if it cannot be drawn)."""
        try:
            from forms.preview import render_preview

            image = render_preview(pdf, dpi=60)
        except Exception:  # a preview is a nicety: never stop printing for it
            log.exception("preview failed")
            return None
        return Preview(image.width, image.height, image.tobytes("raw", "RGB"))

    def draft(self, request: IssueRequest) -> Draft:
        """The paper she would get (unsigned, unrecorded) with her answers as printed."""
        pdf = self.issuer.draft(
            request.resident,
            request.item,
            request.inputs,
            copies=request.copies,
            card_type=request.card_type,
        )
        shown = request.item.display_inputs(request.inputs)
        answers = tuple((spec.label_zh, shown.get(spec.id, "")) for spec in request.item.inputs)
        return Draft(self.preview(pdf), answers, request.copies, page_count(pdf))

    def call_staff(self, screen: str) -> None:
        """Record a call for staff from this terminal, audited."""
        self._record_visit(
            "staff_call",
            screen,
            lambda visits, now: visits.add_call(self.config.terminal.id, screen, now),
        )

    def rate(self, item_id: str, serial: str | None, level: int, reasons: tuple[str, ...]) -> None:
        """Store a rating; no resident identity is kept with it."""
        self._record_visit(
            None,
            item_id,
            lambda visits, now: visits.add_rating(
                self.config.terminal.id, item_id, serial, level, reasons, now
            ),
        )

    def log_session(self, started: datetime, ended: datetime, reason: str, issued: int) -> None:
        """One line per session, without the resident."""
        self._record_visit(
            None,
            reason,
            lambda visits, _now: visits.log_session(
                self.config.terminal.id, started, ended, reason, issued
            ),
        )

    def _record_visit(
        self,
        audit_kind: str | None,
        subject: str,
        write: Callable[[VisitRepository, datetime], object],
    ) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from kiosk.db.repositories import AuditRepository
        from kiosk.db.visits import VisitRepository

        now = datetime.now()
        try:
            with self.sessions.begin() as session:
                write(VisitRepository(session), now)
                if audit_kind is not None:
                    AuditRepository(session).record(
                        terminal_id=self.config.terminal.id,
                        actor="resident",
                        kind=audit_kind,
                        subject=subject,
                        now=now,
                        detail={},
                    )
        except SQLAlchemyError as exc:
            raise RecordError(type(exc).__name__) from exc

    def close(self) -> None:
        """Release the database."""
        self.engine.dispose()


def prepare_database(config: Config, *, migrate: bool) -> Engine:
    """Engine for config.database.url, migrated to head (SQLite: automatically; otherwise if asked)."""
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.db.engine import make_engine
    from kiosk.db.migrate import current_revision, head_revision, schema_is_current, upgrade

    engine = make_engine(config.database.url)
    try:
        if schema_is_current(engine):  # one query; Alembic is imported only to migrate
            return engine
        revision = current_revision(engine)
        if revision != head_revision():
            if migrate or engine.dialect.name == "sqlite":
                log.info("migrating database from %s to %s", revision, head_revision())
                upgrade(engine)
            else:
                raise ConfigError(
                    "database.url",
                    f"schema is at {revision}, not {head_revision()}: run `kiosk db upgrade`",
                )
    except SQLAlchemyError as exc:
        engine.dispose()
        raise RecordError(f"cannot open the database ({type(exc).__name__})") from exc
    return engine


def load_catalog(config: Config) -> Catalog:
    """The validated catalogue; a broken file is a refusal to start (ConfigError -> exit 2)."""
    from kiosk.catalog import load_catalog as load
    from kiosk.errors import CatalogError

    try:
        return load(config.catalog_path, config.terminal.locality, cache_dir=config.cache_dir)
    except CatalogError as exc:
        shown = "\n  ".join(exc.problems[:20])
        raise ConfigError("paths.catalog", f"{config.catalog_path} is broken:\n  {shown}") from exc


def load_signing_key(config: Config, *, create: bool) -> SigningKey:
    """This terminal's certified signing key, linking its documents to verify.base_url.

    `create` (the demo, `kiosk render`): a fresh key directory gets a key certified by a local
    demo root, with no manual step. Otherwise the key must be certified by the district root
    for this community (`kiosk keys request` / `certify` / `install`): ConfigError if not.
    """
    from dataclasses import replace
    from datetime import date

    from forms import certified

    t = config.terminal
    try:
        if create:
            key, _cert = certified.demo_certified_key(
                config.key_dir,
                terminal_id=t.id,
                community_code=t.community_code,
                community=t.community,
                issuer=t.issuer,
                today=date.today(),
            )
        else:
            key, _cert = certified.certified_key(
                config.key_dir, community_code=t.community_code, today=date.today()
            )
    except (FileNotFoundError, certified.NotCertifiedError) as exc:
        raise ConfigError("paths.key_dir", certified.not_ready_line(config.key_dir, exc)) from None
    return replace(key, verify_url=config.verify.base_url)


def open_printers(config: Config) -> dict[str, Printer]:
    """Printer drivers by role; the same URI for both roles shares one driver."""
    from printer.registry import open_printer

    opened: dict[str, Printer] = {}
    printers = {}
    for role, uri in (("a4", config.printers.a4), ("slip", config.printers.slip)):
        if uri not in opened:
            opened[uri] = open_printer(uri)
        printers[role] = opened[uri]
    return printers


def build_core(
    config: Config, *, migrate: bool = False, create_key: bool = False, printers: bool = True
) -> Core:
    """Database, catalogue, fonts, key, printers and the issuer, checked once at start."""
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.db.engine import session_factory
    from kiosk.db.repositories import TerminalRepository
    from kiosk.document_fonts import load_document_fonts
    from kiosk.issuing import Issuer
    from kiosk.outcomes import OutcomeJournal

    catalog = load_catalog(config)
    signing_key = load_signing_key(config, create=create_key)
    fonts = load_document_fonts(config)
    engine = prepare_database(config, migrate=migrate)
    sessions = session_factory(engine)
    journal = OutcomeJournal(config.data_dir / "print-outcomes.jsonl")
    core = Core(
        config=config,
        engine=engine,
        sessions=sessions,
        catalog=catalog,
        fonts=fonts,
        signing_key=signing_key,
        printers=open_printers(config) if printers else {},
        issuer=Issuer(
            config, sessions, signing_key=signing_key, fonts=fonts, journal=journal, catalog=catalog
        ),
    )
    try:
        with sessions.begin() as session:
            TerminalRepository(session).touch(
                config.terminal.id, config.terminal.name, config.terminal.community, datetime.now()
            )
    except SQLAlchemyError as exc:
        log.warning("terminal not registered: %s", type(exc).__name__)
    return core


def build_kiosk(
    config: Config,
    *,
    emulator: ReaderEmulator | None = None,
    reader_uri: str | None = None,
    migrate: bool = False,
    create_key: bool = False,
    jobs: Jobs | None = None,
    timers: TimerFactory | None = None,
    poll_interval: float = 5.0,
    reader_poll: float = 0.2,
    after_prepare: Callable[[Core], None] | None = None,
    font_copies: bool = False,
) -> Kiosk:
    """The whole kiosk but its window, from a Config: worker, session, reader and backend.

    Call on the UI thread after the QApplication exists, then `start()`. `emulator` runs the
    real sam/pcsc driver against the project's emulator (the demo); `reader_uri` overrides the
    configured reader (None: config.reader.uri); `after_prepare(core)` runs on the worker once
    the Core is built (the demo seeds its register there); `font_copies`: once ready, build the
    lean copies of the document faces in the background if they are missing or stale (`kiosk
    run` and the demo; tests start many kiosks and leave it off). Long because it is the composition
    root: every part is made and wired here, in one place, on purpose.
    """
    from card_reader.qt import ReaderBridge
    from card_reader.registry import open_reader
    from kiosk.jobs import ThreadJobs
    from kiosk.running import Kiosk, PreparedBackend
    from kiosk.session import KioskSession
    from kiosk.timing import qt_timers

    backend = PreparedBackend(
        config, migrate=migrate, create_key=create_key, after_prepare=after_prepare
    )
    worker = jobs if jobs is not None else ThreadJobs()
    session = KioskSession(
        backend=backend,
        jobs=worker,
        timers=timers or qt_timers(),
        idle_timeout=config.ui.idle_timeout,
        result_timeout=config.ui.result_timeout,
        locale=config.ui.locale,
    )
    controller = None
    uri = reader_uri or config.reader.uri
    if emulator is not None:
        from card_reader.emulators import start as start_emulator

        uri, controller = start_emulator(emulator)
    reader = open_reader(uri)
    bridge = ReaderBridge(reader, poll=reader_poll)
    bridge.card_read.connect(session.card_read)
    bridge.read_failed.connect(session.read_failed)
    bridge.card_removed.connect(session.card_removed)
    bridge.state_changed.connect(lambda state: session.reader_changed(ReaderState(state)))
    return Kiosk(
        config=config,
        session=session,
        jobs=worker,
        backend=backend,
        reader=reader,
        bridge=bridge,
        emulator=controller,
        poll_interval=poll_interval,
        font_copies=font_copies,
    )
