"""`kiosk keys init [--force]` and `kiosk keys export [--pem|--fingerprint]`: the district's
document signing key pair in the configured key directory."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `keys init` and `keys export`."""
    p = sub.add_parser("keys", help="document signing keys (签名密钥)")
    keys_sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    init = keys_sub.add_parser("init", help="create the signing key pair in the key directory")
    init.add_argument("--force", action="store_true", help="replace an existing key pair")
    init.set_defaults(handler=_init)
    export = keys_sub.add_parser("export", help="print the public key and/or its fingerprint")
    which = export.add_mutually_exclusive_group()
    which.add_argument("--pem", action="store_true", help="only the public key as PEM")
    which.add_argument("--fingerprint", action="store_true", help="only the fingerprint")
    export.set_defaults(handler=_export)


def _init(args: argparse.Namespace) -> int:
    from forms.errors import KeyFileError
    from forms.keys import PRIVATE_FILE, PUBLIC_FILE, generate
    from kiosk.cli import config_from_args

    key_dir = config_from_args(args).key_dir
    try:
        key = generate(key_dir, overwrite=args.force)
    except KeyFileError as exc:
        print(f"{exc.message_zh} / {exc.detail}", file=sys.stderr)
        return 1
    print(f"已生成签名密钥 / signing key created: {key_dir / PRIVATE_FILE} (0600)")
    print(f"公钥 / public key: {key_dir / PUBLIC_FILE}")
    print(f"密钥指纹 / fingerprint: {key.fingerprint}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from forms.errors import KeyFileError
    from forms.keys import PUBLIC_FILE, fingerprint, load_public_key_file, load_signing_key
    from forms.keys import public_pem as to_pem
    from kiosk.cli import config_from_args

    key_dir = config_from_args(args).key_dir
    try:
        if (key_dir / PUBLIC_FILE).is_file():
            public = load_public_key_file(key_dir / PUBLIC_FILE)
        else:
            public = load_signing_key(key_dir).public_key
    except KeyFileError as exc:
        print(f"{exc.message_zh} / {exc.detail}", file=sys.stderr)
        return 1
    if not args.pem:
        print(fingerprint(public))
    if not args.fingerprint:
        print(to_pem(public), end="")
    return 0
