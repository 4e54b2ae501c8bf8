"""Where a terminal keeps its key and its district bundle, and whether they are there at all.

Light on purpose (no cryptography): `kiosk run` asks `missing(key_dir)` before its first window
so that a terminal never set up exits with one line, while the full check of the key and its
certificate (forms.certified) runs in the background after the first screen.
"""

from __future__ import annotations

from pathlib import Path

KEY_NAME = "signing_key"  # a terminal's key; the district root uses ROOT_NAME in its own dir
ROOT_NAME = "root_key"
PRIVATE_FILE = f"{KEY_NAME}.pem"
PUBLIC_FILE = f"{KEY_NAME}.pub.pem"
LOCK_FILE = f"{KEY_NAME}.lock"
TRUST_FILE = "trust.json"
REQUEST_FILE = "signing_key.request.json"

NEXT_STEPS = (
    "run `kiosk keys request` here, `kiosk keys certify REQUEST` on the district's root machine "
    "(set up once with `kiosk keys init-root`), then `kiosk keys install BUNDLE` here"
)


def missing(key_dir: Path) -> str | None:
    """One line naming what this terminal lacks before it may issue, with the steps; None when
    both its key and a district bundle are installed (whether they are valid is checked later)."""
    key_dir = Path(key_dir)
    if not (key_dir / PRIVATE_FILE).is_file():
        return f"no signing key in {key_dir}: {NEXT_STEPS}"
    if not (key_dir / TRUST_FILE).is_file():
        return f"the signing key has no certificate (no {key_dir / TRUST_FILE}): {NEXT_STEPS}"
    return None
