"""`kiosk verify-page export DIR` and `kiosk verify-server [--host H] [--port P]`: the page a
phone opens from a document's QR code, as files for any web server or served with void status."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PAGE_FILES = ("index.html", "verify.js", "style.css", "sw.js")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `verify-page export` and `verify-server`."""
    p = sub.add_parser("verify-page", help="the document verification page (核验页面)")
    page_sub = p.add_subparsers(dest="page_command", metavar="ACTION", required=True)
    export = page_sub.add_parser("export", help="write the page and trust bundle into DIR")
    export.add_argument("dir", type=Path, metavar="DIR")
    export.set_defaults(handler=_export)
    server = sub.add_parser("verify-server", help="serve the page, trust and void status")
    server.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    server.add_argument("--port", type=int, default=8470, help="default 8470")
    server.set_defaults(handler=_serve)


def _export(args: argparse.Namespace) -> int:
    from forms.errors import FormsError
    from kiosk.cli import config_from_args
    from kiosk.verify_server import WEB_DIR, build_service, page_path

    config = config_from_args(args)
    out: Path = args.dir
    try:
        service = build_service(config)
        trust = service.trust_json()
        voids = service.voids_json()
    except FormsError as exc:
        print(f"{exc.message_zh} / {exc.detail}", file=sys.stderr)
        return 1
    if not out.exists():
        out.mkdir(parents=True)
        out.chmod(0o755)  # the CLI's umask is 077; a web server must read it
    for name in PAGE_FILES:
        _write(out / name, (WEB_DIR / name).read_bytes())
    _write(out / "trust.json", trust)
    if voids is not None:
        _write(out / "voids.json", voids)
    print(
        f"已导出核验页面 / page written to {out} ({len(PAGE_FILES) + 1 + (voids is not None)} files)"
    )
    print(
        f"请发布在 / publish it at {config.verify.base_url} (path {page_path(config.verify.base_url)})"
    )
    if voids is None:
        print("无作废名单 / no void list: this machine has no voids key or register")
    return 0


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o644)  # for the web server


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from kiosk.cli import config_from_args
    from kiosk.verify_server import build_service, create_app, page_path

    config = config_from_args(args)
    service = build_service(config)
    if service.register is None:
        print("无法打开登记库 / no register: /status answers 503", file=sys.stderr)
    if service.signer is None:
        print("无作废名单签名密钥 / no voids key: offline phones get no void list", file=sys.stderr)
    app = create_app(config, service)
    path = page_path(config.verify.base_url)
    print(f"核验页面 / verification page: http://{args.host}:{args.port}{path}")
    # access_log off: a status request names a serial; nothing else is worth keeping
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")
    return 0
