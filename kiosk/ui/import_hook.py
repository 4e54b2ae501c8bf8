"""A cheaper answer to the question PySide6 asks of every module imported after it.

shiboken6 replaces `__import__` and, for each newly imported module, calls
`shibokensupport.feature._mod_uses_pyside(module)` to learn whether that module may switch
PySide features (`from __feature__ import snake_case`). It answers with
`inspect.getsource(module)`, which scans sys.modules and keeps the whole source text of every
module in linecache: after SQLAlchemy, pydantic and reportlab, about 14 MB held for the life
of the kiosk and some 30-100 ms of its start-up.

`lighten()` puts in a function with the same answer (does the module's source file mention
"PySide6"?) that reads the file once and keeps nothing. If a PySide6 release no longer has
that function, it changes nothing.
"""

from __future__ import annotations

import sys
from types import ModuleType

_HOOK_MODULE = "shibokensupport.feature"
_HOOK = "_mod_uses_pyside"


def uses_pyside(module: ModuleType) -> bool:
    """True when the module's source file mentions PySide6 (False: no source, or unreadable)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def lighten() -> bool:
    """Import PySide6 (its hook comes with it) and replace the hook's source scan; True if it
    was replaced (now or before)."""
    import PySide6  # noqa: F401  # installs shiboken's import hook

    feature = sys.modules.get(_HOOK_MODULE)
    if feature is None or not callable(getattr(feature, _HOOK, None)):
        return False
    setattr(feature, _HOOK, uses_pyside)
    return True
