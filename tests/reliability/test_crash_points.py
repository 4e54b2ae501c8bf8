"""civic.crashpoints itself: the KIOSK_CRASH_AT spec, a no-op when unset, SIGKILL at the Nth
hit of the named point when set (in a real child process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from civic.crashpoints import CRASH_ENV, parse_crash_spec
from tests.reliability.crash_terminal import REPO

CHILD = """
from civic.crashpoints import crashpoint
for hit in range(3):
    crashpoint("other")
    crashpoint("here")
    print("after", hit, flush=True)
"""


@pytest.mark.parametrize(
    ("spec", "armed"),
    [
        ("", {}),
        ("here", {"here": 1}),
        ("here:3, there", {"here": 3, "there": 1}),
        ("here:0,here:x,:2,,there:2", {"there": 2}),
    ],
)
def test_spec(spec: str, armed: dict[str, int]) -> None:
    """GIVEN a KIOSK_CRASH_AT value THEN the points it arms and their hit counts (malformed
    entries dropped, never an error)."""
    assert parse_crash_spec(spec) == armed


def child(spec: str | None) -> subprocess.CompletedProcess[str]:
    """Run CHILD with KIOSK_CRASH_AT=spec (unset for None)."""
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if spec is not None:
        env[CRASH_ENV] = spec
    return subprocess.run(
        [sys.executable, "-c", CHILD], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("spec", [None, "", "elsewhere", "here:4"])
def test_unarmed_points_do_nothing(spec: str | None) -> None:
    """GIVEN no variable, an empty one, another point's name, or a count never reached
    THEN the process runs to its end."""
    proc = child(spec)
    assert proc.returncode == 0 and proc.stdout.split("\n")[:3] == ["after 0", "after 1", "after 2"]


def test_the_nth_hit_is_sigkilled() -> None:
    """GIVEN KIOSK_CRASH_AT=here:2 THEN the process dies by SIGKILL at the second hit, saying
    so on stderr, with nothing after it run."""
    proc = child("here:2")
    assert proc.returncode == -signal.SIGKILL
    assert proc.stdout == "after 0\n"
    assert "crashpoint here: SIGKILL pid" in proc.stderr
