"""The Qt binding the kiosk installs: the refcount bug of PySide6 6.12.0 must not come back.

On 6.12.0 every call of the static QCoreApplication.processEvents() (and QTest.qWait, and
sendPostedEvents) released one reference to None; a kiosk pumping events for a few minutes
(the demo's script, waits in benchmarks and tests) aborted with "Fatal Python error:
none_dealloc". pyproject.toml excludes that version; this test fails on it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication


def test_pumping_events_keeps_the_reference_to_none(qapp) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the installed PySide6 WHEN events are pumped 500 times THEN None keeps its references."""
    before = sys.getrefcount(None)
    for _ in range(500):
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) - before > -50
