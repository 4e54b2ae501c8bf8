"""PySide6's import hook, lightened: the same answer for every module, no source kept."""

from __future__ import annotations

from tests.fresh_process import probe_json

# Imports what the kiosk's worker imports, after PySide6 (with kiosk.ui first: lightened), then
# prints the hook's answers and what linecache holds. kiosk.ui itself is left out of "own":
# importing it lightens the hook.
PROBE = """
import json, linecache, sys
if sys.argv[1] == "lightened":
    import kiosk.ui
import PySide6.QtWidgets
import kiosk.app, kiosk.db.repositories, kiosk.catalog.cache, kiosk.issuing, card_reader.qt
answers = sys.modules["shibokensupport.feature"].pyside_feature_dict
held = sum(len(line) for entry in linecache.cache.values() if len(entry) > 2 for line in entry[2])
print(json.dumps({"answers": answers, "held": held}))
"""


def _probe(mode: str) -> dict[str, object]:
    result = probe_json(PROBE, mode)
    assert isinstance(result, dict)
    return result


def test_the_lightened_hook_gives_pyside_the_same_answers_and_keeps_no_source() -> None:
    """GIVEN the kiosk's imports after PySide6 WHEN its hook is lightened THEN every module gets
    the same answer as from PySide6's own scan (PySide6 0, SQLAlchemy -1), and linecache
    holds under a tenth of the source text it held (MBs of SQLAlchemy and pydantic)."""
    own, lightened = _probe("own"), _probe("lightened")
    own_answers = dict(own["answers"])  # type: ignore[call-overload]
    light_answers = dict(lightened["answers"])  # type: ignore[call-overload]
    assert len(own_answers) > 300  # every module the worker imports, asked about
    assert {name: light_answers.get(name) for name in own_answers} == own_answers
    assert own_answers["PySide6"] == 0 and own_answers["sqlalchemy"] == -1
    assert int(lightened["held"]) * 10 < int(own["held"])  # type: ignore[call-overload]
