"""The data directory holds the register (every full ID number and phone), logs and printed PDFs:
it is the owner's alone, 0700 folders and 0600 files. Created that way, and tightened at start
when an older install (or a copy) left it readable by others."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
OTHERS = 0o077  # group and other permission bits
# Folders inside the data dir whose files are tightened too (the register sits at the top).
PRIVATE_SUBDIRS = ("logs", "printed")


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) 0700, or tighten an existing one others can read."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    tighten(path)
    return path


def tighten(path: Path) -> bool:
    """Drop group and other permissions from one file or folder; True if it changed.

    Symbolic links and shared folders (sticky bit, like /tmp; `/`; the home directory) are left
    alone with a warning: a misconfigured data dir must not lock other users out of them."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    mode = stat.S_IMODE(info.st_mode)
    if stat.S_ISLNK(info.st_mode) or not mode & OTHERS:
        return False
    if stat.S_ISDIR(info.st_mode) and _shared(path, mode):
        log.warning("%s is a shared folder readable by others: not a private data dir", path)
        return False
    try:
        os.chmod(path, mode & ~OTHERS)
    except OSError as exc:
        log.warning("%s is readable by other users and cannot be tightened: %s", path, exc)
        return False
    log.warning("%s was readable by other users (%03o): now %03o", path, mode, mode & ~OTHERS)
    return True


def _shared(path: Path, mode: int) -> bool:
    if mode & stat.S_ISVTX:
        return True
    shared = [Path("/")]
    with contextlib.suppress(RuntimeError):  # no home directory: nothing more to protect
        shared.append(Path.home().resolve())
    return path.resolve() in shared


def secure_data_dir(data_dir: Path, database_url: str) -> None:
    """Make the data dir private: create it 0700; tighten it, the SQLite register (with its
    -wal/-shm/-journal files) and the files of logs/ and printed/ if others can read them."""
    ensure_private_dir(data_dir)
    register = sqlite_file(database_url)
    if register is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            tighten(register.with_name(register.name + suffix))
    for name in PRIVATE_SUBDIRS:
        folder = data_dir / name
        if folder.is_dir() and not folder.is_symlink():
            tighten(folder)
            for child in folder.iterdir():
                tighten(child)


def sqlite_file(url: str) -> Path | None:
    """The file behind a sqlite:///FILE URL (None for other databases and in-memory SQLite)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    name = url[len(prefix) :].split("?", 1)[0]
    if not name or name == ":memory:":
        return None
    return Path(name)
