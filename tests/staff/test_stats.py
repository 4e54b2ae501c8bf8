"""Statistics against known data: every number counted by hand first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kiosk.catalog import Catalog, load_catalog
from kiosk.config import Config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.models import Issuance, PrintJobRecord, Rating, SessionLog, StaffCall, Terminal
from kiosk.db.repositories import ResidentRepository
from kiosk.staff.errors import StaffInputError
from kiosk.staff.stats import stats

pytestmark = pytest.mark.slow  # a seeded register and the whole Core per test (~1 s)
DAY = datetime(2026, 3, 2, 9, 0)
BEFORE = datetime(2026, 2, 27, 9, 0)  # outside the window


@pytest.fixture
def known(seeded_db: Config) -> Iterator[sessionmaker[Session]]:
    """Two terminals' issuances, print jobs, voids, sessions, calls and ratings."""
    engine = make_engine(seeded_db.database.url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        resident = ResidentRepository(session).sample(1)[0]
        for t in ("T1", "T2"):
            session.add(Terminal(id=t, name=t, community="红旗街社区", last_seen=DAY))
        session.flush()
        rows = [  # item, terminal, status, when, voided_at
            ("residence_certificate", "T1", "printed", DAY, None),
            ("residence_certificate", "T1", "print_failed", DAY, None),
            ("residence_certificate", "T2", "voided", DAY, DAY),
            ("senior_allowance", "T2", "printed", DAY, None),
            ("retired_item", "T1", "printed", DAY, None),  # no longer in the catalogue
            ("residence_certificate", "T1", "pending_review", DAY, None),  # not let out
            ("residence_certificate", "T1", "printed", BEFORE, None),  # before the window
        ]
        for n, (item, terminal, status, at, voided) in enumerate(rows):
            issuance = Issuance(
                serial=f"S-{n}", item_id=item, resident_id=resident.id, terminal_id=terminal,
                inputs={}, paper="a4", copies=1, created_at=at, status=status, reprints=0,
                voided_at=voided, document={},
            )  # fmt: skip
            session.add(issuance)
            session.flush()
            for reprint, state in [(0, "done" if status != "print_failed" else "failed")] + (
                [(1, "done"), (2, "unknown")] if n == 1 else []
            ):
                session.add(
                    PrintJobRecord(
                        issuance_id=issuance.id,
                        printer_uri="file:///x",
                        reprint=reprint,
                        state=state,
                        created_at=at,
                    )
                )
        for terminal, reason, issued in [("T1", "done", 1), ("T1", "timeout", 0), ("T1", "cancel", 0),
                                         ("T2", "card_removed", 0), ("T2", "timeout", 1), ("T2", "done", 2)]:  # fmt: skip
            session.add(
                SessionLog(
                    terminal_id=terminal, started_at=DAY, ended_at=DAY, reason=reason, issued=issued
                )
            )
        session.add(
            SessionLog(
                terminal_id="T1", started_at=BEFORE, ended_at=BEFORE, reason="timeout", issued=0
            )
        )
        session.add_all(
            [
                StaffCall(terminal_id="T1", at=DAY, screen="menu"),
                StaffCall(terminal_id="T2", at=BEFORE, screen="menu"),
            ]
        )
        for terminal, item, level in [("T1", "residence_certificate", 5), ("T1", "residence_certificate", 3),
                                      ("T1", "residence_certificate", 2), ("T2", "senior_allowance", 4),
                                      ("T2", "residence_certificate", 1)]:  # fmt: skip
            session.add(Rating(terminal_id=terminal, item_id=item, level=level, reasons=[], at=DAY))
        session.add(
            Rating(
                terminal_id="T1", item_id="residence_certificate", level=1, reasons=[], at=BEFORE
            )
        )
    yield sessions
    engine.dispose()


@pytest.fixture
def catalog(seeded_db: Config) -> Catalog:
    return load_catalog(seeded_db.catalog_path, seeded_db.terminal.locality)


def test_statistics_of_all_terminals(known: sessionmaker[Session], catalog: Catalog) -> None:
    """GIVEN the known data WHEN stats for 2026-03-01..03-02 THEN issued 5 (pending review and
    the earlier one left out), per item and category with names, 2 print failures (failed,
    unknown), 2 reprints, 1 void, 3 of 6 sessions abandoned, 1 call, satisfaction 3/5 overall,
    2/4 for the certificate, 1/1 for T2's item; per terminal 2/3 and 1/2."""
    s = stats(known, since=date(2026, 3, 1), until=date(2026, 3, 2), catalog=catalog)
    assert s.issued == 5
    items = {c.key: c for c in s.by_item}
    assert {k: c.count for k, c in items.items()} == {
        "residence_certificate": 3,
        "senior_allowance": 1,
        "retired_item": 1,
    }
    assert items["residence_certificate"].name == catalog.item("residence_certificate").name_zh
    assert items["retired_item"].name == "retired_item"
    categories = {c.key: c.count for c in s.by_category}
    cert, senior = (catalog.item(i).category for i in ("residence_certificate", "senior_allowance"))
    expected: dict[str, int] = {"—": 1}
    for category in (cert, cert, cert, senior):
        expected[category] = expected.get(category, 0) + 1
    assert categories == expected
    assert (s.print_failures, s.reprints, s.voids, s.staff_calls) == (2, 2, 1, 1)
    assert (s.sessions, s.abandoned) == (6, 3)
    assert dict(s.abandoned_by_reason) == {"timeout": 1, "cancel": 1, "card_removed": 1}
    assert (s.satisfaction.ratings, s.satisfaction.satisfied, s.satisfaction.rate) == (5, 3, 0.6)
    by_item = {x.key: (x.satisfied, x.ratings) for x in s.satisfaction_by_item}
    assert by_item == {"residence_certificate": (2, 4), "senior_allowance": (1, 1)}
    by_terminal = {x.key: (x.satisfied, x.ratings) for x in s.satisfaction_by_terminal}
    assert by_terminal == {"T1": (2, 3), "T2": (1, 2)}


def test_statistics_of_one_terminal_and_an_empty_window(known: sessionmaker[Session]) -> None:
    """GIVEN the known data WHEN stats for T2 only THEN only T2's rows; an empty window counts
    zero with no satisfaction rate; an inverted window is refused."""
    s = stats(known, since=date(2026, 3, 2), until=date(2026, 3, 2), terminal_id="T2")
    assert (s.issued, s.voids, s.print_failures, s.reprints, s.abandoned, s.staff_calls) == (
        2,
        1,
        0,
        0,
        1,
        0,
    )
    assert (s.satisfaction.satisfied, s.satisfaction.ratings) == (1, 2)
    assert s.by_category[0].key == "—"  # no catalogue given: no names
    empty = stats(known, since=date(2025, 1, 1), until=date(2025, 1, 2))
    assert empty.issued == 0 and empty.satisfaction.rate is None
    assert ("satisfaction", "all", "", "0", "0", "") in empty.csv_rows()
    with pytest.raises(StaffInputError):
        stats(known, since=date(2026, 3, 2), until=date(2026, 3, 1))
