"""A corrupt catalog.yaml on reload, under the real kiosk window (issue 14, part B 2).

The reload runs the way 重新加载目录 runs it from the maintenance screen: `Services.reload_catalog`
on the kiosk's worker thread, an accepted catalogue swapped into the backend and then the session
(kiosk/ui/staff/mode.py `_swap_catalog`). Unit level (the problems' YAML lines, the audit event):
tests/staff/test_diagnostics.py and tests/catalog/test_items.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.catalog import Catalog
from kiosk.config import Config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.repositories import ResidentRepository
from kiosk.demo_cards import identity_of
from kiosk.demo_data import seed_demo
from kiosk.messages import MENU
from kiosk.staff.reload import CatalogReload
from kiosk.ui.launch import RunningKiosk
from kiosk.ui.staff.diagnostics import reload_words
from kiosk.ui.staff.services import Services
from kiosk.view import Step
from tests.kiosk.conftest import StartKiosk, make_config
from tests.reliability.faults_support import (
    assert_bilingual,
    log_lines,
    log_size,
    staff_log,  # noqa: F401
    visible_text,
)

pytestmark = [pytest.mark.slow]

SOURCE = Path(__file__).resolve().parents[2] / "catalog.yaml"


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2 + 1]  # cut inside a multi-byte character, as a full disk does


CORRUPTIONS: dict[str, Callable[[Path, bytes], None]] = {
    "truncated": lambda path, good: path.write_bytes(_truncated(good)),
    "yaml_syntax": lambda path, good: path.write_bytes(good.replace(b"items:\n", b"items: [\n", 1)),
    "binary": lambda path, good: path.write_bytes(bytes(range(256)) * 64),
    "empty": lambda path, good: path.write_bytes(b""),
    "deleted": lambda path, good: path.unlink(),
    "alias_bomb": lambda path, good: path.write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
            for p, n in zip("abcdefg", "bcdefgh", strict=True)
        )
    ),
}


def reload_on_worker(running: RunningKiosk, qtbot) -> CatalogReload:  # type: ignore[no-untyped-def]
    """重新加载目录 as the maintenance screen does it: on the worker, swapping an accepted one in."""
    kiosk, session = running.kiosk, running.session

    def swap(catalog: Catalog) -> None:
        kiosk.backend.replace_catalog(catalog)
        kiosk.jobs.post(lambda: session.ready(catalog))

    results: list[CatalogReload | Exception] = []
    services = Services(kiosk.backend.core, datetime.now, swap_catalog=swap)
    kiosk.jobs.submit(lambda: services.reload_catalog("staff:王芳"), results.append, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=60_000)
    result = results[0]
    assert isinstance(result, CatalogReload), result
    return result


@pytest.fixture
def own_catalog(tmp_path: Path) -> tuple[Config, Path]:
    """A kiosk config whose catalogue is a copy we may break, on a seeded register."""
    path = tmp_path / "catalog" / "catalog.yaml"
    path.parent.mkdir()
    shutil.copyfile(SOURCE, path)
    config = make_config(tmp_path / "data", KIOSK_PATHS_CATALOG=str(path))
    engine = make_engine(config.database.url)
    upgrade(engine)
    with session_factory(engine).begin() as db:
        seed_demo(ResidentRepository(db), datetime(2026, 1, 2, 9, 0))
    engine.dispose()
    return config, path


@pytest.mark.parametrize("corrupt", sorted(CORRUPTIONS))
def test_corrupt_catalogue_on_reload_keeps_serving_the_old_one(  # type: ignore[no-untyped-def]
    corrupt: str,
    own_catalog: tuple[Config, Path],
    start_kiosk: StartKiosk,
    staff_log: Path,  # noqa: F811
    qtbot,
) -> None:
    """GIVEN a resident on the menu WHEN staff reload a catalog.yaml that is broken (cut short,
    bad YAML, binary, empty, deleted, an alias bomb) THEN the reload is refused in both
    languages with the file's problem, the staff log has an ERROR line, the kiosk keeps the
    catalogue it had and she goes on and prints; WHEN the file is mended THEN the reload is
    taken and her menu is still there."""
    config, path = own_catalog
    running = start_kiosk(config)
    session = running.session
    with running.core.sessions() as db:
        resident = ResidentRepository(db).sample(1)[0]
    running.kiosk.reader.place(identity_of(resident, date.today()))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: session.step == Step.MENU, timeout=15_000)
    before = running.core.catalog
    good = path.read_bytes()
    CORRUPTIONS[corrupt](path, good)
    mark = log_size(staff_log)

    result = reload_on_worker(running, qtbot)
    assert not result.accepted and result.catalog is before and result.problems
    said, problems = reload_words(result)
    assert said.zh and said.en and problems
    assert log_lines(staff_log, r"ERROR .*catalogue reload by staff:王芳 refused", since=mark)
    assert running.core.catalog is before and session.view.catalog is before
    assert session.step == Step.MENU and MENU.zh in visible_text(running.window)
    assert session.choose_item("residence_certificate")
    assert session.submit({"purpose": "school"})
    qtbot.waitUntil(lambda: session.view.draft is not None, timeout=30_000)
    assert session.confirm()
    qtbot.waitUntil(lambda: session.step == Step.DONE, timeout=30_000)

    path.write_bytes(good + b"\n# mended\n")
    mended = reload_on_worker(running, qtbot)
    assert mended.accepted and mended.changed
    qtbot.waitUntil(lambda: session.view.catalog is mended.catalog, timeout=10_000)
    assert running.core.catalog is mended.catalog
    assert session.step in (Step.DONE, Step.RATING)  # her visit was not disturbed
    assert_bilingual(said, f"{said.zh}\n{said.en}")
