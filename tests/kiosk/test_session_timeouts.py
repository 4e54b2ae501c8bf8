"""Idle sessions: a warning first, then the session ends and the resident's data is gone."""

from __future__ import annotations

from datetime import date

from kiosk.app import build_core
from kiosk.config import Config
from kiosk.demo_cards import identity_of
from kiosk.session import KioskSession, Step


def _session(config: Config, idle: float):  # type: ignore[no-untyped-def]
    core = build_core(config, migrate=True, create_key=True)
    session = KioskSession(
        lookup=core.lookup,
        issuer=core.issuer,
        catalog=core.catalog,
        printers=core.printers,
        idle_timeout=idle,
        result_timeout=idle,
    )
    return core, session


def test_idle_resident_is_warned_then_the_session_ends(seeded_db: Config, qtbot) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a resident on the menu WHEN nobody touches the screen THEN she is warned (and a touch
    takes the warning back), and later the session ends with her data wiped."""
    core, session = _session(seeded_db, idle=1.5)
    try:
        resident = core.lookup("610202194303080024")
        session.card_read(identity_of(resident, date.today()))
        assert session.step == Step.MENU
        menu_message = session.message
        with qtbot.waitSignal(session.timeout_warning, timeout=3_000):
            pass
        assert "秒后将自动退出" in session.message[0]
        session.touch()
        assert session.message == menu_message and session.step == Step.MENU
        with qtbot.waitSignal(session.session_ended, timeout=5_000) as ended:
            pass
        assert ended.args == ["timeout"]
        assert (
            session.step == Step.WAITING and session.resident is None and session.identity is None
        )
    finally:
        core.close()


def test_touches_keep_the_session_alive(seeded_db: Config, qtbot) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a resident who keeps touching WHEN the idle time passes THEN the session goes on."""
    core, session = _session(seeded_db, idle=1.0)
    try:
        resident = core.lookup("610202194303080024")
        session.card_read(identity_of(resident, date.today()))
        for _ in range(8):
            qtbot.wait(250)
            session.touch()
        assert session.step == Step.MENU and session.resident is not None
    finally:
        core.close()
