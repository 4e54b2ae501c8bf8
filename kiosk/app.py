"""The composition root: the one place that picks drivers and wires the kiosk together."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import current_revision, head_revision, upgrade
from kiosk.db.repositories import ResidentRepository, TerminalRepository
from kiosk.errors import ConfigError, RecordError
from kiosk.issuing import Issuer
from kiosk.residents import ResidentRecord

log = logging.getLogger(__name__)


@dataclass
class Core:
    """Everything but the screen and the card reader: usable from the CLI and from the UI."""

    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    catalog: Any
    fonts: Any
    signing_key: Any
    printers: dict[str, Any] = field(default_factory=dict)
    issuer: Issuer | None = None

    def lookup(self, id_number: str) -> ResidentRecord | None:
        """The resident holding this card, or None; RecordError if the database is unreachable."""
        try:
            with self.sessions() as session:
                return ResidentRepository(session).by_id_number(id_number)
        except SQLAlchemyError as exc:
            log.error("database unreachable: %s", type(exc).__name__)
            raise RecordError(type(exc).__name__) from exc

    def close(self) -> None:
        """Release the database."""
        self.engine.dispose()


def prepare_database(config: Config, *, migrate: bool) -> Engine:
    """Engine for config.database.url, migrated to head (SQLite: automatically; otherwise if asked)."""
    engine = make_engine(config.database.url)
    try:
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
        raise ConfigError(
            "database.url", f"cannot open the database ({type(exc).__name__}: {exc})"
        ) from exc
    return engine


def load_catalog(config: Config) -> Any:
    """The validated catalogue; a broken file is a refusal to start (ConfigError -> exit 2)."""
    from kiosk.catalog import load_catalog as load
    from kiosk.errors import CatalogError

    try:
        return load(config.catalog_path, config.terminal.locality)
    except CatalogError as exc:
        shown = "\n  ".join(exc.problems[:20])
        raise ConfigError("paths.catalog", f"{config.catalog_path} is broken:\n  {shown}") from exc


def load_signing_key(config: Config, *, create: bool) -> Any:
    """The district signing key from key_dir; created on first demo run, required in production."""
    from forms import keys

    try:
        return keys.load_signing_key(config.key_dir)
    except FileNotFoundError:
        if not create:
            raise ConfigError(
                "paths.key_dir", f"no signing key in {config.key_dir}: run `kiosk keys init`"
            ) from None
        log.info("creating a signing key in %s", config.key_dir)
        return keys.generate(config.key_dir)


def open_printers(config: Config) -> dict[str, Any]:
    """Printer drivers by role; the same URI for both roles shares one driver."""
    from printer.registry import open_printer

    opened: dict[str, Any] = {}
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
    from forms.fonts import load_fonts

    catalog = load_catalog(config)
    engine = prepare_database(config, migrate=migrate)
    sessions = session_factory(engine)
    core = Core(
        config=config,
        engine=engine,
        sessions=sessions,
        catalog=catalog,
        fonts=load_fonts(),
        signing_key=load_signing_key(config, create=create_key),
        printers=open_printers(config) if printers else {},
    )
    core.issuer = Issuer(config, sessions, catalog, signing_key=core.signing_key, fonts=core.fonts)
    try:
        with sessions.begin() as session:
            TerminalRepository(session).touch(
                config.terminal.id, config.terminal.name, config.terminal.community, datetime.now()
            )
    except SQLAlchemyError as exc:
        log.warning("terminal not registered: %s", exc)
    return core
