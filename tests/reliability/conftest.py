"""Fixtures for the reliability tests: the app's own (a config in a temporary data dir on the
run's database, the seeded demo register, a fresh PostgreSQL database, a private cupsd with a
cups-pdf queue), shared rather than copied."""

from __future__ import annotations

from tests.kiosk import conftest as app

config = app.config
seeded_db = app.seeded_db
pg_url = app.pg_url
kiosk_cups = app.kiosk_cups
start_kiosk = app.start_kiosk
