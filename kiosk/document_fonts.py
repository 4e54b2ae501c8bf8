"""The faces this terminal sets its documents in: lean copies when they are built, else whole.

The copies (forms.font_subset: GB 2312, the catalogue's and the layouts' characters) live in
the data directory's cache (<data>/cache/fonts), a fifth of the memory of the whole faces. A
terminal builds them by itself: `kiosk fonts prepare` at installation, or, if they are missing
or stale (the catalogue or a font package changed), the running kiosk starts that build in a
low-priority process of its own once it is ready, and uses the copies from its next start.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

from forms import font_subset
from forms.fonts import SANS_PATH, SONG_PATH, FontSet, load_fonts
from kiosk.config import Config

log = logging.getLogger(__name__)


def copies_dir(config: Config) -> Path:
    """Where the lean copies are kept."""
    return config.cache_dir / "fonts"


def _plans(config: Config) -> list[font_subset.SubsetPlan]:
    text = _text(config)
    return [font_subset.plan(path, copies_dir(config), text) for path in (SONG_PATH, SANS_PATH)]


def copies_current(config: Config) -> bool:
    """True when both copies are built for these fonts, this catalogue and these layouts."""
    return _current(config, _plans(config))


def _current(config: Config, plans: list[font_subset.SubsetPlan]) -> bool:
    try:
        return font_subset.current(plans, copies_dir(config))
    except OSError:  # a font file gone: load_fonts names the package
        return False


def load_document_fonts(config: Config) -> FontSet:
    """The lean copies (falling back on the whole faces per document) if current, else the
    whole faces. FontMissingError if a font package is missing."""
    whole = load_fonts()
    plans = _plans(config)  # the catalogue read and hashed once
    if not _current(config, plans):
        return whole
    song, sans = (plan.dest for plan in plans)
    return load_fonts(song, sans, whole=whole)


def prepare(config: Config) -> list[Path]:
    """Build the copies here and now (`kiosk fonts prepare`); their paths."""
    return font_subset.build_subsets((SONG_PATH, SANS_PATH), copies_dir(config), _text(config))


def _text(config: Config) -> str:
    """The catalogue's text ("" if unreadable: the catalogue loader says what is wrong)."""
    try:
        return config.catalog_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def prepare_in_background(config: Config) -> subprocess.Popen[bytes] | None:
    """Start building the copies in a low-priority process of its own (the subsetter holds a
    whole face in memory while it works), unless they are current; its output goes to the
    kiosk's log folder; a thread waits for it and logs how it ended. None if nothing needed
    doing."""
    if copies_current(config):
        return None
    logs = config.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    command = ["nice", "-n", "10", sys.executable, "-m", "forms.font_subset"]  # after hers, always
    command += [str(copies_dir(config))]
    command += [str(SONG_PATH), str(SANS_PATH), "--text", str(config.catalog_path)]
    with (logs / "font-subsets.log").open("ab") as out:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                close_fds=True,
            )
        except OSError as exc:
            log.warning("font copies not started: %s", exc)
            return None
    log.info("building lean font copies in %s (pid %d)", copies_dir(config), process.pid)
    threading.Thread(target=_reap, args=(process,), name="font-copies", daemon=True).start()
    return process


def _reap(process: subprocess.Popen[bytes]) -> None:
    """Wait for the build (no zombie left behind) and tell staff how it ended."""
    code = process.wait()
    if code == 0:
        log.info("lean font copies built: documents use them from the next start")
    else:
        log.warning("lean font copies failed (exit %d): see logs/font-subsets.log", code)
