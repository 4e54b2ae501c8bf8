"""The kiosk log as staff see it: the last errors, ID numbers masked."""

from __future__ import annotations

import re
from pathlib import Path

from civic.idnumber import mask_in_text

RECENT_ERRORS = 20
_LOG_ERROR = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (ERROR|CRITICAL) ")
_TAIL_BYTES = 1_000_000


def recent_errors(log_dir: Path, limit: int = RECENT_ERRORS) -> tuple[str, ...]:
    """The last `limit` ERROR/CRITICAL lines of kiosk.log and its rotations, newest last, with
    ID numbers masked (the first line of each: tracebacks stay in the file)."""
    found: list[str] = []
    for index in range(0, 6):  # kiosk.log, kiosk.log.1 ... .5 (RotatingFileHandler)
        path = log_dir / ("kiosk.log" if index == 0 else f"kiosk.log.{index}")
        lines = [line for line in _tail(path) if _LOG_ERROR.match(line)]
        found = lines + found
        if len(found) >= limit:
            break
    return tuple(mask_in_text(line) for line in found[-limit:])


def _tail(path: Path) -> list[str]:
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - _TAIL_BYTES))
            data = handle.read()
    except OSError:
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    return lines[1:] if len(data) >= _TAIL_BYTES else lines  # the first may be cut
