"""Crash points: named places where a crash-consistency test has this process killed.

The reliability tests (tests/reliability/test_crash_*.py) prove that a kill at the worst moment
loses nothing: they run a real kiosk process with

    KIOSK_CRASH_AT=after_issuance_commit          # the first time that point is reached
    KIOSK_CRASH_AT=mid_render:2                   # the second time
    KIOSK_CRASH_AT=mid_pdf_write,mid_reprint      # whichever comes first

and the code calls `crashpoint("after_issuance_commit")` at that place. When the variable names
the point (and its count is reached) the process writes one line to stderr and sends itself
SIGKILL: no `finally`, no `atexit`, no flush, no rollback, exactly as a power cut or the OOM
killer leaves it. Then the test starts the real kiosk again and checks what it finds.

Harmless in production: the variable is read once, at the first call; unset (or empty) every
later call is one comparison and a return. Whoever can set a process's environment can kill it
anyway, so the variable gives nobody a power they did not have. Unknown names are ignored: a
point that moved or was renamed makes the test fail (the process is not killed), never the
kiosk. A leaf like the rest of `civic`: `card_reader`, `forms` and `printer` may call it.
"""

from __future__ import annotations

import os
import signal
import threading

CRASH_ENV = "KIOSK_CRASH_AT"

_armed: dict[str, int] | None = None  # name -> hits left before the kill; None: not read yet
_lock = threading.Lock()


def parse_crash_spec(text: str) -> dict[str, int]:
    """`name[:N][,name[:N]...]` -> {name: N} (N defaults to 1; malformed entries are dropped)."""
    armed: dict[str, int] = {}
    for entry in text.split(","):
        name, _, count = entry.strip().partition(":")
        if not name:
            continue
        try:
            hits = int(count) if count else 1
        except ValueError:
            continue
        if hits >= 1:
            armed[name] = hits
    return armed


def crashpoint(name: str) -> None:
    """SIGKILL this process if $KIOSK_CRASH_AT names `name` and this is its Nth hit; else nothing."""
    armed = _armed if _armed is not None else _load()
    if not armed or name not in armed:
        return
    with _lock:
        armed[name] -= 1
        if armed[name] > 0:
            return
    os.write(2, f"crashpoint {name}: SIGKILL pid {os.getpid()}\n".encode())
    os.kill(os.getpid(), signal.SIGKILL)


def _load() -> dict[str, int]:
    global _armed
    with _lock:
        if _armed is None:
            _armed = parse_crash_spec(os.environ.get(CRASH_ENV, ""))
        return _armed
