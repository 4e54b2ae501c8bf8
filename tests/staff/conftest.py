"""Fixtures for staff mode: a migrated database, a hand-moved clock, cheap argon2 parameters,
staff accounts, and a Core that issues real documents on the demo register."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kiosk.app import Core, build_core
from kiosk.config import Config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.repositories import ResidentRepository
from kiosk.issuing import IssuedDocument
from kiosk.residents import ResidentRecord
from kiosk.staff.accounts import StaffAccounts
from kiosk.staff.pins import PinHasher
from tests.kiosk import conftest as app

# the app's fixtures, shared rather than copied: a config in a temporary data dir on the run's
# database, the seeded demo register, a fresh PostgreSQL database
config = app.config
seeded_db = app.seeded_db
pg_url = app.pg_url

STAFF_ID = "610202198005060277"  # valid GB 11643 numbers, not in the demo register
OTHER_ID = "610202198507080649"
THIRD_ID = "61020319900102013X"
PIN = "739146"
CHEAP = PinHasher(time_cost=1, memory_cost=8, parallelism=1)  # same algorithm, fast for tests


@dataclass
class Clock:
    """Time that moves only when a test says so."""

    now: datetime = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(config: Config) -> Iterator[sessionmaker[Session]]:
    """Sessions on the config's database, migrated to head."""
    engine = make_engine(config.database.url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def accounts(db: sessionmaker[Session], config: Config, clock: Clock) -> StaffAccounts:
    return StaffAccounts(db, config.terminal, clock=clock, hasher=CHEAP)


@pytest.fixture
def core(seeded_db: Config) -> Iterator[Core]:
    """The CLI's Core on the seeded register (a key created, no printers opened)."""
    built = build_core(seeded_db, create_key=True, printers=False)
    yield built
    built.close()


def answers(core: Core, item_id: str) -> Mapping[str, str]:
    """The first choice for every choice input of an item (enough to issue it)."""
    item = core.catalog.item(item_id)
    return {spec.id: spec.choices[0].value for spec in item.inputs if spec.choices}


def eligible_resident(core: Core, item_id: str) -> ResidentRecord:
    """A demo resident who may have the item today."""
    item = core.catalog.item(item_id)
    today = core.issuer.clock().date()
    with core.sessions() as session:
        for resident in ResidentRepository(session).sample(200):
            if item.check_eligibility(resident, today, "resident").eligible:
                return resident
    raise AssertionError(f"no demo resident may have {item_id}")


def issue(core: Core, item_id: str = "residence_certificate") -> IssuedDocument:
    """Record, render and sign one real document (not printed)."""
    return core.issuer.issue(
        eligible_resident(core, item_id), core.catalog.item(item_id), answers(core, item_id)
    )
