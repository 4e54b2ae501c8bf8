"""`kiosk run` builds only its own command tree (its first screen waits for nothing else)."""

from __future__ import annotations

from kiosk.cli import build_parser, quick_module


def test_quick_commands_are_found_past_global_options() -> None:
    """GIVEN argv with global options WHEN it names run or demo THEN only kiosk.commands.run is
    needed; a value of --config or --db is never taken for the command; others need all."""
    assert quick_module(["run"]) == "kiosk.commands.run"
    assert quick_module(["--db", "sqlite:///x", "-v", "demo", "--headless"]) == "kiosk.commands.run"
    assert quick_module(["--config", "run", "render", "x"]) is None
    assert quick_module(["render", "residence_certificate"]) is None
    assert quick_module([]) is None


def test_the_quick_tree_parses_run_like_the_whole_tree() -> None:
    """GIVEN the quick tree and the whole tree WHEN both parse `run --windowed` THEN they agree."""
    quick = build_parser(("kiosk.commands.run",)).parse_args(["run", "--windowed"])
    whole = build_parser().parse_args(["run", "--windowed"])
    assert (quick.command, quick.windowed, quick.handler) == (
        whole.command,
        whole.windowed,
        whole.handler,
    )
