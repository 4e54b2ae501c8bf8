"""Retention: ratings and session logs older than the configured days are deleted; issuances,
print jobs and audit events are never purged (they are the district's record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from kiosk.db.models import Rating, SessionLog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.config import RetentionConfig


@dataclass(frozen=True)
class Purge:
    """What a purge removed (or, for a dry run, would remove), and the cut-off dates."""

    ratings: int
    sessions: int
    ratings_before: datetime
    sessions_before: datetime


def purge(
    session: Session, retention: RetentionConfig, now: datetime, *, dry_run: bool = False
) -> Purge:
    """Delete ratings and session-log rows older than their retention, in the caller's
    transaction; with dry_run only count them."""
    ratings_before = now - timedelta(days=retention.ratings_days)
    sessions_before = now - timedelta(days=retention.sessions_days)
    old_ratings = Rating.at < ratings_before
    old_sessions = SessionLog.started_at < sessions_before
    if dry_run:
        ratings = session.scalar(select(func.count()).select_from(Rating).where(old_ratings))
        sessions = session.scalar(select(func.count()).select_from(SessionLog).where(old_sessions))
    else:
        conn = session.connection()  # a CursorResult: it counts the rows deleted
        ratings = conn.execute(delete(Rating).where(old_ratings)).rowcount
        sessions = conn.execute(delete(SessionLog).where(old_sessions)).rowcount
    return Purge(ratings or 0, sessions or 0, ratings_before, sessions_before)
