"""`kiosk bench [--json] [NAME ...]`: run the benchmarks and report medians, p99 and ratios."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `bench`."""
    p = sub.add_parser("bench", help="measure speed (median, p99, ratio to a baseline)")
    p.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--list", action="store_true", help="list the benchmarks")
    p.add_argument("--fuzz", action="store_true", help="the long fuzzing run (100,000+ cases each)")
    p.add_argument("--soak", action="store_true", help="the long soak run (10,000 sessions)")
    p.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> int:
    from kiosk.bench import ALL, BENCHMARKS, FUZZ, SOAK, load
    from kiosk.cli import config_from_args

    if args.list:
        for name in ALL:
            print(name)
        return 0
    unknown = [n for n in args.names if n not in ALL]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(ALL)}")
        return 1
    chosen = list(args.names)
    chosen += list(FUZZ) if args.fuzz else []
    chosen += list(SOAK) if args.soak else []
    config = config_from_args(args)
    results = {}
    for name in chosen or list(BENCHMARKS):
        m = load(name)(config)
        results[name] = m.to_json()
        if not args.json:
            line = f"{name:32s} {m.value:10.2f} {m.unit}"
            if m.p99 is not None:
                line += f"   p99 {m.p99:.2f}"
            if m.baseline is not None:
                line += f"   baseline {m.baseline:.2f}   ratio {m.ratio:.3f}"
            if m.note:
                line += f"   ({m.note})"
            print(line, flush=True)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0
