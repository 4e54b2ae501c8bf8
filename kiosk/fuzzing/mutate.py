"""Mutations that reach deep: a valid input changed a little parses far before it fails.

Byte havoc (flips, interesting bytes, inserted, deleted, duplicated and spliced runs, cuts) for
binary inputs; line havoc (lines dropped, repeated, swapped, re-indented; values and tokens put
where values go) for the text formats (YAML, TOML, CSV).
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.fuzzing.core import Chooser, chance, pick

INTERESTING_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x20, 0x0A, 0x0D, 0xAA, 0x96, 0x69)
# Text that breaks parsers: numbers at and past the limits, odd whitespace and digits, quotes,
# escapes, unusual code points, very long runs.
INTERESTING_TEXT = (
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e999",
    "-1e999",
    "inf",
    "nan",
    "9" * 30,
    "9" * 5000,
    "0x10",
    "0b_",
    "1_000",
    "１２３",  # full-width digits
    "²³⁴",
    "٣",  # an Arabic-Indic digit
    "\x00",
    "\t",
    "\r\n",
    "\u2028",
    "\ufeff",
    "\u3000",
    "'",
    '"',
    "\\",
    "\\u0000",
    "%s%n",
    "{}",
    "[]",
    "~",
    "null",
    "true",
    "yes",
    "长期",
    "王秀英",
    "𠀀",
    "x" * 300,
)
HAVOC = ("flip", "set", "insert", "delete", "dup", "splice", "cut")


def havoc(c: Chooser, seed: bytes, pool: Sequence[bytes] = (), max_ops: int = 4) -> bytes:
    """`seed` after 0 to `max_ops` byte mutations (splices take runs from `pool`)."""
    data = bytearray(seed)
    for _ in range(c.integer(0, max_ops)):
        op = pick(c, HAVOC)
        at = c.integer(0, len(data))
        i = min(at, len(data) - 1)
        if op == "flip" and data:
            data[i] ^= 1 << c.integer(0, 7)
        elif op == "set" and data:
            data[i] = pick(c, INTERESTING_BYTES) if c.integer(0, 1) else c.integer(0, 255)
        elif op == "insert":
            data[at:at] = c.binary(8, min_size=1)
        elif op == "delete":
            del data[at : at + c.integer(1, 16)]
        elif op == "dup" and data:
            end = min(len(data), at + c.integer(1, 32))
            data[at:at] = data[max(0, end - 32) : end]
        elif op == "splice" and pool:
            other = pick(c, pool)
            start = c.integer(0, len(other))
            data[at:at] = other[start : start + c.integer(1, 64)]
        elif op == "cut":
            del data[at:]
    return bytes(data)


def text_value(c: Chooser, extra: Sequence[str] = ()) -> str:
    """Interesting text, one of `extra`, or short arbitrary text."""
    how = c.integer(0, 2)
    if how == 0 and extra:
        return pick(c, extra)
    return pick(c, INTERESTING_TEXT) if how < 2 else c.text(12)


def value_positions(line: str) -> list[int]:
    """Where a value may start on a line: after `: `, `- `, `= ` or a comma."""
    after_marks = [i + 2 for i in range(len(line)) if line.startswith((": ", "- ", "= "), i)]
    return after_marks + [i + 1 for i, ch in enumerate(line) if ch == ","]


LINE_EDITS = ("value", "value", "token", "del", "dup", "swap", "indent")


def line_havoc(
    c: Chooser,
    lines: Sequence[str],
    values: Sequence[str],
    tokens: Sequence[str] = (),
    max_ops: int = 3,
    min_ops: int = 1,
) -> str:
    """The text of `lines` (each ending in a newline) after `min_ops` to `max_ops` line edits:
    `values` (or arbitrary text) replace what follows a value position, `tokens` go in before."""
    out = list(lines)
    for _ in range(c.integer(min_ops, max_ops)):
        if not out:
            out.append(text_value(c, values) + "\n")
            continue
        kind = pick(c, LINE_EDITS)
        i = c.integer(0, len(out) - 1)
        line = out[i]
        positions = value_positions(line)
        if kind == "del":
            del out[i]
        elif kind == "dup":
            out.insert(c.integer(0, len(out)), line)
        elif kind == "swap":
            j = c.integer(0, len(out) - 1)
            out[i], out[j] = out[j], out[i]
        elif kind == "indent":
            out[i] = pick(c, ("", " ", "  ", "    ", "\t")) + line.lstrip(" ")
        elif positions and kind == "value":
            at = pick(c, positions)
            out[i] = line[:at] + text_value(c, values) + "\n"
        elif positions and tokens:
            at = pick(c, positions)
            out[i] = line[:at] + pick(c, tokens) + line[at:]
    return "".join(out)


def encoded(c: Chooser, text: str, encodings: Sequence[str]) -> bytes:
    """`text` in one of `encodings` (unencodable characters replaced), maybe byte-damaged."""
    raw = text.encode(pick(c, encodings), "replace")
    return havoc(c, raw, max_ops=2) if chance(c, 5) else raw


def junk(c: Chooser, depth: int = 0) -> object:
    """Any JSON-like value, nested at most 3 deep."""
    kind = c.integer(0, 6 if depth < 3 else 4)
    if kind == 0:
        return None
    if kind == 1:
        return c.integer(0, 1) == 1
    if kind == 2:
        return c.integer(-(2**70), 2**70)
    if kind == 3:
        return pick(c, (0.5, -0.0, float("inf"), float("nan"), 1e308))
    if kind == 4:
        return c.text(6)
    if kind == 5:
        return [junk(c, depth + 1) for _ in range(c.integer(0, 3))]
    return {c.text(4): junk(c, depth + 1) for _ in range(c.integer(0, 3))}
