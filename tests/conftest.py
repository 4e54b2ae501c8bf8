"""Suite-wide settings: Qt runs offscreen; every test gets its own data directory; the
markers `make test-fast` leaves out (postgres, stacks, slow), given here in one place; and the
PostgreSQL pass (KIOSK_TEST_DATABASE=postgresql, see tests/databases.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.databases import BACKENDS, DATABASE_ENV, Templates, drop_database, url_of

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# fixtures that start a real outside stack: pcscd, cupsd, a pty emulator
STACK_FIXTURES = {
    "pcscd",
    "pcscd_daemon",
    "vcard",
    "sam_emulator",
    "private_cupsd",
    "cupsd",
    "kiosk_cups",
    "pdf_queue",
    "emulator",
    "emulator58",
    "thermal",
}
POSTGRES_FIXTURES = {"pg_url"}
# modules that run the kiosk or other processes of their own, or race real processes
STACK_MODULES = {
    "test_entry_points.py",
    "test_migrate_race.py",
    "test_read_card_cli.py",
    "test_file_crash.py",
    "test_keys.py",
    "test_page_chromium.py",  # headless Chromium against a live verify server
    "test_imports.py",
    "test_cli_errors.py",
    "test_cage.py",
    "test_fifty_terminals.py",  # fifty terminal processes, a helper that forks them
    "test_outages.py",  # a throwaway PostgreSQL cluster stopped and started
    "test_least_privilege.py",  # psql, pg_dump, pg_restore
}
# modules that take seconds: hypothesis runs of thousands of cases, every item rendered
SLOW_MODULES = {
    "test_fuzz.py",
    "test_profile_fuzz.py",
    "test_config_validation.py",
    "test_every_item_renders.py",
    "test_printing.py",
    "test_session_ui.py",
    "test_render.py",
    "test_cache.py",
    "test_hardening.py",
    "test_cli_and_bench.py",
    "test_fonts.py",
    "test_fifty_terminals.py",
}


# the run's database (`config` and `seeded_db` stand on it): on the PostgreSQL pass only the tests
# using it run again; a conftest opts in by building its config on `database_url`
DATABASE_FIXTURES = {"database_url"}


def pytest_addoption(parser: pytest.Parser) -> None:
    """--database: which database `config` and `seeded_db` stand on in this run."""
    parser.addoption(
        "--database",
        choices=BACKENDS,
        default=os.environ.get(DATABASE_ENV) or "sqlite",
        help=f"sqlite (default) or postgresql: the PostgreSQL pass (also ${DATABASE_ENV})",
    )


def pytest_configure(config: pytest.Config) -> None:
    """The marker for tests about SQLite itself (files, pragmas): left out of the PostgreSQL pass."""
    config.addinivalue_line(
        "markers", "sqlite_only: about SQLite itself; not on the PostgreSQL pass"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test postgres / stacks / slow from the fixtures it uses and its module; on the
    PostgreSQL pass keep only the tests on the run's database (the others ran on the first pass)."""
    if config.getoption("--database") == "postgresql":
        kept, left = [], []
        for item in items:
            fixtures = set(getattr(item, "fixturenames", ()))
            on_run_database = bool(fixtures & DATABASE_FIXTURES) and not (
                fixtures & POSTGRES_FIXTURES or item.get_closest_marker("sqlite_only")
            )
            (kept if on_run_database else left).append(item)
            if on_run_database:
                item.add_marker(pytest.mark.postgres)
        if left:
            config.hook.pytest_deselected(items=left)
        items[:] = kept
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        module = item.path.name
        if fixtures & POSTGRES_FIXTURES or "postgres" in item.name:
            item.add_marker(pytest.mark.postgres)
        if (
            fixtures & STACK_FIXTURES
            or module in STACK_MODULES
            or item.get_closest_marker("pcsc")
            or item.get_closest_marker("cups")
        ):
            item.add_marker(pytest.mark.stacks)
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def pg_templates() -> Iterator[Templates]:
    """Template databases for the PostgreSQL pass, made on first use, dropped at the end."""
    templates = Templates()
    yield templates
    templates.drop()


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The run's database for one test: None on the SQLite pass (the config's own file); on the
    PostgreSQL pass a fresh database migrated to head (seeded too when the test asks for
    seeded_db), dropped afterwards."""
    if request.config.getoption("--database") != "postgresql":
        yield None
        return
    templates: Templates = request.getfixturevalue("pg_templates")
    name = templates.clone(seeded="seeded_db" in request.fixturenames)
    try:
        yield url_of(name)
    finally:
        drop_database(name)
