"""Worker side of the key-creation race test: what a kiosk does at start, in a spawned process.

Kept apart from the test module so a spawned worker imports only `forms.keys`.
"""

from __future__ import annotations

from multiprocessing.synchronize import Barrier
from pathlib import Path

from forms.keys import load_signing_key

_barrier: Barrier | None = None


def init_worker(barrier: Barrier) -> None:
    """Pool initializer: remember the barrier every contender waits at."""
    global _barrier
    _barrier = barrier


def start_like_a_kiosk(key_dir: str) -> tuple[str, str]:
    """Wait for all contenders, then load the key, creating it when there is none (as
    kiosk.app.load_signing_key does). ("ok", fingerprint) or ("error", what was raised)."""
    assert _barrier is not None
    _barrier.wait(timeout=60)
    try:
        key = load_signing_key(Path(key_dir), create=True)
    except Exception as exc:
        return "error", f"{type(exc).__name__}: {exc}"
    return "ok", key.fingerprint
