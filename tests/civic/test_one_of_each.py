"""The shared conventions have one implementation each, in civic: no package keeps a copy."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk", "forms", "printer", "card_reader", "tools")
SHARED = ("mask_id_number", "check_char", "has_valid_check", "cn_date")


def definitions() -> list[tuple[str, str]]:
    """(module path, function name) for every top-level or nested def of a shared name."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in SHARED:
                    found.append((str(path.relative_to(ROOT)), node.name))
    return found


def test_no_package_reimplements_a_civic_function() -> None:
    assert definitions() == []
