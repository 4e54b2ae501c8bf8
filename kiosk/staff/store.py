"""Transactions for the staff services: database errors leave as KioskErrors, never raw."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.errors import RecordError
from kiosk.staff.errors import ConflictError

log = logging.getLogger(__name__)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success, rolled back on any error. A unique-key collision is a
    ConflictError, any other database failure a RecordError."""
    try:
        with sessions.begin() as session:
            yield session
    except IntegrityError as exc:
        log.warning("staff change refused by the database: %s", type(exc.orig).__name__)
        raise ConflictError(type(exc).__name__) from exc
    except SQLAlchemyError as exc:
        log.error("database unreachable: %s", type(exc).__name__)
        raise RecordError(type(exc).__name__) from exc


@contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session for reads only; a database failure is a RecordError."""
    try:
        with sessions() as session:
            yield session
    except SQLAlchemyError as exc:
        log.error("database unreachable: %s", type(exc).__name__)
        raise RecordError(type(exc).__name__) from exc
