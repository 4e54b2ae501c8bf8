"""Fuzzing every parser that reads the outside world (issue 14, part B 3).

One generator per parser, shared by the tests (through hypothesis, shrinking what fails) and by
`kiosk bench --fuzz` (100,000+ seeded cases per parser). The property is the same everywhere: a
valid result or an error of the project's tree (civic.errors.BilingualError), nothing else.

    frames     GA 467 byte streams, text blocks, the SAM driver on a scripted line
    apdu       PC/SC card profiles (JSON) and APDU answers through them
    configs    kiosk.toml and KIOSK_* variables
    catalogue  catalog.yaml (edits, tags, anchors, alias bombs, rule values)
    registers  register CSV imports;  workbooks: XLSX imports (real and corrupt workbooks)
    payloads   signed QR payloads (kiosk verify) and trust bundles
    page       the verification page's own parser (verify.js) in headless Chromium
"""

from __future__ import annotations

from pathlib import Path

from kiosk.fuzzing.core import Parser, Seeded


def all_parsers(workdir: Path) -> list[Parser]:
    """Every Python-side parser, with its scratch files under `workdir`."""
    from kiosk.fuzzing import apdu, catalogue, configs, frames, payloads, registers, workbooks

    return [
        *frames.parsers(),
        *apdu.parsers(),
        *configs.parsers(workdir),
        *catalogue.parsers(workdir),
        *registers.parsers(workdir),
        *workbooks.parsers(workdir),
        *payloads.parsers(workdir),
    ]


def replay(name: str, seed: int, workdir: Path) -> object:
    """Parse case `seed` of parser `name` again, letting any exception out (for an escape that
    `kiosk bench --fuzz` reported by its seed)."""
    parser = next(p for p in all_parsers(workdir) if p.name == name)
    return parser.parse(parser.generate(Seeded(seed)))
