"""`kiosk fonts prepare`: build the lean copies of the document faces (kiosk.document_fonts)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `fonts prepare` and `fonts status`."""
    p = sub.add_parser("fonts", help="the faces documents are set in")
    fsub = p.add_subparsers(dest="fonts_command", metavar="ACTION", required=True)
    prepare = fsub.add_parser(
        "prepare", help="build lean copies of the faces (GB 2312 + the catalogue's characters)"
    )
    prepare.set_defaults(handler=_prepare)
    status = fsub.add_parser("status", help="say whether documents use the lean copies")
    status.set_defaults(handler=_status)


def _prepare(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args
    from kiosk.document_fonts import prepare

    config = config_from_args(args)
    try:
        built = prepare(config)
    except Exception as exc:  # OSError, fontTools' TTLibError: one line, no traceback
        print(
            f"字体子集生成失败 / font copies failed: {type(exc).__name__}: {exc}", file=sys.stderr
        )
        return 1
    for path in built:
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    return 0


def _status(args: argparse.Namespace) -> int:
    from kiosk.cli import config_from_args
    from kiosk.document_fonts import copies_current, copies_dir

    config = config_from_args(args)
    if copies_current(config):
        print(f"精简字体已就绪 / lean copies current in {copies_dir(config)}")
        return 0
    print(f"使用完整字体 / whole faces: no current copies in {copies_dir(config)}")
    return 3
