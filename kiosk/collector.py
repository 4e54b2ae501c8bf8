"""Python's cyclic garbage collector, paused while the kiosk starts.

Start-up creates some 130,000 long-lived objects (Qt wrappers, SQLAlchemy's and
pydantic's classes, the catalogue) and no garbage worth collecting; with the collector on, each
few hundred allocations trigger a pass over them (about a tenth of the start-up's CPU). `kiosk
run` pauses it first thing; once the kiosk is ready (or known not to be), `resume()` collects
moves what start-up made out of the collector's sight (gc.freeze: later passes during her
visit skip the start-up's objects) and switches it back on.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collection until `resume()` (a no-op if it is already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what start-up made and collect automatically again; a no-op unless `pause()`
    switched the collector off."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    """Whether `pause()` has the collector switched off."""
    return _paused
