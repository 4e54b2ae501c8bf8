"""The resident's session: the state machine (machine.py) and how a visit ends (ending.py)."""

from kiosk.session.machine import KioskSession
from kiosk.view import Step

__all__ = ["KioskSession", "Step"]
