"""Serials: `<community code>-<YYYYMMDD>-<sequence>`, unique even when terminals issue at once."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.repositories import IssuanceRepository


def _allocate_concurrently(url: str, workers: int = 8, each: int = 10) -> list[str]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    serials: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def terminal() -> None:
        barrier.wait()
        for _ in range(each):
            for _attempt in range(20):  # SQLite may say "database is locked": a terminal retries
                try:
                    with sessions.begin() as session:
                        serial = IssuanceRepository(session).next_serial(
                            "610202001", date(2026, 11, 25)
                        )
                    break
                except Exception as exc:
                    if "locked" not in str(exc):
                        raise
            with lock:
                serials.append(serial)

    threads = [threading.Thread(target=terminal) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    engine.dispose()
    return serials


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_terminals_never_share_a_serial(backend: str, tmp_path, request) -> None:  # type: ignore[no-untyped-def]
    """GIVEN eight terminals allocating at the same moment on one database, the first of the day
    among them WHEN each takes ten serials THEN all 80 are distinct and run 00001..00080."""
    url = (
        f"sqlite:///{tmp_path / 'k.sqlite3'}"
        if backend == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    serials = _allocate_concurrently(url)
    assert len(serials) == 80
    assert sorted(serials) == [f"610202001-20261125-{n:05d}" for n in range(1, 81)]
