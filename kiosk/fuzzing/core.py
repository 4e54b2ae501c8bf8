"""What every fuzzed parser shares: the property, the choosers, the settings and the tally.

The property, for every parser that reads the outside world: whatever the input, the parser
returns a result that passes its own sanity check, or raises an error of the project's tree
(`civic.errors.BilingualError`: KioskError, CardReaderError, FormsError, ...). Any other
exception (ValueError, KeyError, RecursionError, MemoryError, ...) is an *escape*.

A parser's cases come from one generator written against `Chooser`, with two backends: `Drawn`
(hypothesis draws: the tests run it under `CI`, derandomized and without an example database,
and shrink an escape to a small input) and `Seeded` (random.Random: `kiosk bench --fuzz`
generates 100,000+ cases per parser at the parser's own speed; case n is seed n, so any escape
it counts can be generated again).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civic.errors import BilingualError

T = TypeVar("T")
TREE: tuple[type[BaseException], ...] = (BilingualError,)

settings.register_profile(
    "kiosk-fuzz-ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CI = settings.get_profile("kiosk-fuzz-ci")


class Chooser(Protocol):
    """Where a generator's choices come from."""

    def integer(self, low: int, high: int) -> int:
        """A whole number in low..high (simplest: low)."""

    def binary(self, max_size: int, min_size: int = 0) -> bytes:
        """Arbitrary bytes."""

    def text(self, max_size: int) -> str:
        """Arbitrary text (any code point but surrogates)."""


def pick(c: Chooser, options: Sequence[T]) -> T:
    """One of `options` (simplest: the first)."""
    return options[c.integer(0, len(options) - 1)]


def chance(c: Chooser, one_in: int) -> bool:
    """True about once in `one_in` choices (simplest: False).

    Generators keep to one rule: the simplest choices (all zeros: what hypothesis shrinks
    towards) make the undamaged input, so a shrunk failure shows the least damage that fails."""
    return c.integer(0, one_in - 1) == one_in - 1


class Drawn:
    """Choices drawn by hypothesis (shrinkable)."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        """st.integers."""
        return self.draw(st.integers(low, high))

    def binary(self, max_size: int, min_size: int = 0) -> bytes:
        """st.binary."""
        return self.draw(st.binary(min_size=min_size, max_size=max_size))

    def text(self, max_size: int) -> str:
        """st.text."""
        return self.draw(st.text(max_size=max_size))


class Seeded:
    """Choices from random.Random(seed): fast, and the same for the same seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        """Uniform, but the ends (often the interesting values) twice as likely."""
        if high > low and self.rng.random() < 0.1:
            return self.rng.choice((low, high))
        return self.rng.randint(low, high)

    def binary(self, max_size: int, min_size: int = 0) -> bytes:
        """Uniform bytes of a uniform length."""
        return self.rng.randbytes(self.rng.randint(min_size, max_size))

    def text(self, max_size: int) -> str:
        """ASCII, CJK, anything up to U+FFFF, or astral characters; never a surrogate."""
        out = []
        for _ in range(self.rng.randint(0, max_size)):
            top = self.rng.choice((0x7F, 0x7F, 0x9FFF, 0xFFFF, 0x10FFFF))
            point = self.rng.randint(0 if top == 0x7F else 0x4E00 if top == 0x9FFF else 0, top)
            out.append(chr(point) if not 0xD800 <= point <= 0xDFFF else "?")
        return "".join(out)


class Simplest:
    """Every choice at its simplest: a generator's undamaged input (tests check it is valid,
    so the fuzzing starts from inputs that parse all the way through)."""

    def integer(self, low: int, high: int) -> int:
        """The low end."""
        return low

    def binary(self, max_size: int, min_size: int = 0) -> bytes:
        """Zero bytes."""
        return bytes(min_size)

    def text(self, max_size: int) -> str:
        """Nothing."""
        return ""


Generator = Callable[[Chooser], Any]


def rewrite(path: Path, data: bytes) -> None:
    """Replace a scratch file's bytes (unlinking first: truncating a file in place makes some
    file systems flush it, ~4 ms a case)."""
    path.unlink(missing_ok=True)
    path.write_bytes(data)


class BadResultError(AssertionError):
    """A parser returned, but what it returned breaks its own contract."""


@dataclass(frozen=True)
class Parser:
    """One parser of outside input: how its cases are made and how one is run."""

    name: str
    what: str
    generate: Generator
    parse: Callable[[Any], object]  # raises only TREE errors; BadResultError for a bad result

    @property
    def cases(self) -> st.SearchStrategy[Any]:
        """The cases as a hypothesis strategy."""
        generate = self.generate
        return st.composite(lambda draw: generate(Drawn(draw)))()


def outcome(parser: Parser, case: object) -> str:
    """'ok' or 'refused' (an error of the tree); any other exception propagates."""
    try:
        parser.parse(case)
    except TREE:
        return "refused"
    return "ok"


def check(parser: Parser, examples: int) -> Callable[[], None]:
    """A test function: `examples` CI cases of `parser`, drawn and shrunk by hypothesis."""

    @settings(CI, max_examples=examples)
    @given(parser.cases)
    def test(case: object) -> None:
        outcome(parser, case)

    return test


@dataclass
class Tally:
    """What a long run of one parser found."""

    name: str
    cases: int = 0
    ok: int = 0
    refused: int = 0
    escapes: int = 0
    bad_results: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    samples: list[str] = field(default_factory=list)  # the first few escapes, for the log
    kinds: dict[str, int] = field(default_factory=dict)  # escape type -> how many

    @property
    def rate(self) -> float:
        """Cases per second."""
        return self.cases / self.seconds if self.seconds else 0.0

    def record(self, parser: Parser, number: int) -> None:
        """Generate case `number` (its seed), run it and count what happened; never raises."""
        case = parser.generate(Seeded(number))
        start = time.perf_counter()
        try:
            parser.parse(case)
        except TREE:
            self.refused += 1
        except BadResultError as exc:
            self.bad_results += 1
            self._keep(exc, number, case)
        except Exception as exc:  # the point of fuzzing: count it, keep going
            self.escapes += 1
            self._keep(exc, number, case)
        else:
            self.ok += 1
        self.slowest = max(self.slowest, time.perf_counter() - start)
        self.cases += 1

    def _keep(self, exc: BaseException, number: int, case: object) -> None:
        where = exc.__traceback__
        while where is not None and where.tb_next is not None:
            where = where.tb_next
        kind = type(exc).__name__
        if where is not None:
            code = where.tb_frame.f_code
            kind += f" at {Path(code.co_filename).name}:{where.tb_lineno} ({code.co_name})"
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if len(self.samples) < 5:
            shown = repr(case)
            shown = shown if len(shown) <= 300 else shown[:297] + "..."
            self.samples.append(f"seed {number}: {type(exc).__name__}: {str(exc)[:200]} <- {shown}")


def run_long(parser: Parser, cases: int, first: int = 0) -> Tally:
    """Cases `first` .. `first + cases - 1` of `parser`, each from its own seed."""
    tally = Tally(parser.name)
    start = time.perf_counter()
    for number in range(first, first + cases):
        tally.record(parser, number)
    tally.seconds = time.perf_counter() - start
    return tally


def assert_clean(tally: Tally) -> None:
    """AssertionError naming the first escapes and bad results (with their seeds), if any."""
    if tally.escapes or tally.bad_results:
        found = f"{tally.escapes} escapes, {tally.bad_results} bad results"
        raise AssertionError(
            f"{tally.name}: {found} in {tally.cases} cases:\n" + "\n".join(tally.samples)
        )
