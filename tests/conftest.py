"""Suite-wide settings: Qt runs offscreen; every test gets its own data directory; and the
markers `make test-fast` leaves out (postgres, stacks, slow), given here in one place."""

from __future__ import annotations

import os

import pytest

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
}
POSTGRES_FIXTURES = {"pg_url"}
# modules that run the kiosk or other processes of their own, or race real processes
STACK_MODULES = {
    "test_entry_points.py",
    "test_migrate_race.py",
    "test_read_card_cli.py",
    "test_file_crash.py",
    "test_keys.py",
    "test_imports.py",
    "test_cli_errors.py",
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
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test postgres / stacks / slow from the fixtures it uses and its module."""
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
