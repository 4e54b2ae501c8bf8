"""`kiosk keys ...`: signing keys under a district root.

On the root machine: `init-root`, `certify REQUEST`, `revoke KEY_ID --reason`. On a terminal (or
the verify server): `request`, `install BUNDLE`, `status`. A terminal's private key never leaves
it: the request holds its public half, signed by it. `init` and `export` are the single-key
commands of installations before certificates (legacy; see the README's migration steps).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forms.trust import KeyCertificate
    from kiosk.config import Config


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `keys init-root|request|certify|install|revoke|status|init|export`."""
    p = sub.add_parser("keys", help="document signing keys under the district root (签名密钥)")
    keys_sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    root = keys_sub.add_parser("init-root", help="create the district root key (root machine)")
    root.add_argument("--root-dir", type=Path, help="default: <key dir>/root")
    root.set_defaults(handler=_init_root)
    req = keys_sub.add_parser("request", help="a new terminal key and its certificate request")
    req.add_argument("--purpose", choices=("documents", "voids"), default="documents")
    req.add_argument("--out", type=Path, help="also write the request here")
    req.add_argument(
        "--retire-legacy",
        action="store_true",
        help="move an uncertified (legacy) key's public half to trusted/ and delete its private half",
    )
    req.set_defaults(handler=_request)
    cert = keys_sub.add_parser("certify", help="certify a terminal's REQUEST (root machine)")
    cert.add_argument("request", type=Path)
    cert.add_argument("--days", type=int, default=730, help="validity (default 730)")
    cert.add_argument("--root-dir", type=Path, help="default: <key dir>/root")
    cert.add_argument("--out", type=Path, help="the bundle to install (default: beside REQUEST)")
    cert.set_defaults(handler=_certify)
    inst = keys_sub.add_parser("install", help="install a district bundle (trust.json)")
    inst.add_argument("bundle", type=Path)
    inst.add_argument("--root-fingerprint", help="refuse unless the bundle's root is this one")
    inst.add_argument("--replace-root", action="store_true", help="switch to another root")
    inst.set_defaults(handler=_install)
    rev = keys_sub.add_parser("revoke", help="revoke a key (root machine)")
    rev.add_argument("key_id", metavar="KEY_ID")
    rev.add_argument("--reason", required=True)
    rev.add_argument("--root-dir", type=Path, help="default: <key dir>/root")
    rev.set_defaults(handler=_revoke)
    keys_sub.add_parser("status", help="this machine's key, certificate and trust").set_defaults(
        handler=_status
    )
    init = keys_sub.add_parser("init", help="legacy: one uncertified key pair")
    init.add_argument("--force", action="store_true", help="replace an existing key pair")
    init.set_defaults(handler=_init)
    export = keys_sub.add_parser("export", help="print the public key and/or its fingerprint")
    which = export.add_mutually_exclusive_group()
    which.add_argument("--pem", action="store_true", help="only the public key as PEM")
    which.add_argument("--fingerprint", action="store_true", help="only the fingerprint")
    export.set_defaults(handler=_export)


def _fail(exc: Exception) -> int:
    from civic.errors import BilingualError

    if isinstance(exc, BilingualError):
        print(f"{exc.message_zh} / {exc.detail}", file=sys.stderr)
    else:
        print(str(exc), file=sys.stderr)
    return 1


def _config(args: argparse.Namespace) -> Config:
    from kiosk.cli import config_from_args

    return config_from_args(args)


def _root_dir(args: argparse.Namespace, config: Config) -> Path:
    given: Path | None = args.root_dir
    return given if given is not None else config.key_dir / "root"


def _describe(cert: KeyCertificate) -> str:
    demo = "（演示 / demo）" if cert.demo else ""
    return (
        f"{cert.key_id} {cert.purpose} 终端 {cert.terminal_id} 社区 {cert.community}"
        f"（{cert.community_code}）{cert.not_before}..{cert.not_after}{demo}"
    )


def _init_root(args: argparse.Namespace) -> int:
    from forms.district import TRUST_FILE, DistrictRoot
    from forms.errors import FormsError

    root_dir = _root_dir(args, _config(args))
    try:
        root = DistrictRoot.init(root_dir)
    except FormsError as exc:
        return _fail(exc)
    print(f"已生成区级根密钥 / district root created: {root_dir} (private key 0600)")
    print(f"根密钥指纹 / root fingerprint: {root.key_id}  (publish it: terminals compare it)")
    print(f"分发文件 / bundle to hand out: {root_dir / TRUST_FILE}")
    return 0


def _request(args: argparse.Namespace) -> int:
    from datetime import datetime

    from forms.certified import load_bundle
    from forms.district import REQUEST_FILE, make_request, write_json
    from forms.errors import FormsError
    from forms.keys import PRIVATE_FILE, load_signing_key

    config = _config(args)
    key_dir, t = config.key_dir, config.terminal
    try:
        if (key_dir / PRIVATE_FILE).exists():
            key = load_signing_key(key_dir)
            legacy = key.fingerprint not in load_bundle(key_dir).certificates
            if legacy and not (key_dir / REQUEST_FILE).exists():
                if not args.retire_legacy:
                    print(
                        f"{key_dir / PRIVATE_FILE} is an uncertified (legacy) key {key.fingerprint}: "
                        "give --retire-legacy to keep its public half in trusted/ (old documents "
                        "keep verifying) and make a new key for this terminal",
                        file=sys.stderr,
                    )
                    return 1
                _retire(key_dir, key.fingerprint)
        key = load_signing_key(key_dir, create=True)
        signed = make_request(
            key,
            purpose=args.purpose,
            terminal_id=t.id,
            community_code=t.community_code,
            community=t.community,
            issuer=t.issuer,
            now=datetime.now().replace(microsecond=0),
        )
        paths = [key_dir / REQUEST_FILE, *([args.out] if args.out else [])]
        for path in paths:
            write_json(path, signed.to_json(), mode=0o644 if path != paths[0] else 0o600)
    except FormsError as exc:
        return _fail(exc)
    print(f"密钥 / key {key.fingerprint} ({args.purpose}) 终端 {t.id} 社区 {t.community_code}")
    print(f"证书申请 / request: {', '.join(str(p) for p in paths)}")
    print("请交区级根密钥机签发 / take it to the root machine: kiosk keys certify REQUEST")
    return 0


def _retire(key_dir: Path, key_id: str) -> None:
    """Keep a legacy key's public half as a trusted legacy key; delete its private half."""
    from forms.keys import PRIVATE_FILE, PUBLIC_FILE, TRUSTED_DIR, load_signing_key

    public = load_signing_key(key_dir).public_pem().encode("ascii")
    trusted = key_dir / TRUSTED_DIR
    trusted.mkdir(mode=0o700, exist_ok=True)
    (trusted / f"legacy-{key_id}.pub.pem").write_bytes(public)
    (key_dir / PRIVATE_FILE).unlink()
    (key_dir / PUBLIC_FILE).unlink(missing_ok=True)
    print(f"旧密钥已停用 / legacy key {key_id} retired: public half in {trusted}")


def _certify(args: argparse.Namespace) -> int:
    from datetime import date

    from forms.district import DistrictRoot, KeyRequest, read_json, write_json
    from forms.errors import FormsError
    from forms.signed import Signed

    config = _config(args)
    try:
        root = DistrictRoot.open(_root_dir(args, config))
        request = KeyRequest.parse(Signed.from_json(read_json(args.request)))
        before = root.store()
        cert = root.certify(request, today=date.today(), days=args.days)
        out = args.out or args.request.with_name(f"{request.terminal_id}.trust.json")
        write_json(out, root.store().to_json(), mode=0o644)
    except FormsError as exc:
        return _fail(exc)
    print(f"已签发 / certified: {_describe(cert)}")
    for other in before.certificates.values():
        same = other.terminal_id == cert.terminal_id and other.key_id != cert.key_id
        if same and before.revocation(other.key_id) is None:
            print(f"注意 / note: {other.key_id} of the same terminal is still trusted: "
                  f"kiosk keys revoke {other.key_id} --reason 更换密钥")  # fmt: skip
    print(f"请在终端安装 / install on the terminal: kiosk keys install {out}")
    return 0


def _install(args: argparse.Namespace) -> int:
    from forms.certified import install
    from forms.district import read_json
    from forms.errors import FormsError
    from forms.keys import PRIVATE_FILE, load_signing_key
    from forms.trust import TrustStore

    config = _config(args)
    try:
        bundle = TrustStore.from_json(read_json(args.bundle))
        if args.root_fingerprint and args.root_fingerprint.upper() not in bundle.roots:
            print(f"根密钥不符 / the bundle's root is {', '.join(bundle.roots)}", file=sys.stderr)
            return 1
        own = load_signing_key(config.key_dir) if (config.key_dir / PRIVATE_FILE).exists() else None
        done = install(
            config.key_dir,
            bundle,
            own_key=own,
            community_code=config.terminal.community_code,
            replace_root=args.replace_root,
        )
    except FormsError as exc:
        return _fail(exc)
    for root in done.store.roots.values():
        print(f"信任根密钥 / trusting root {root.key_id}: compare with the published fingerprint")
    revoked = sum(len(r.entries) for r in done.store.revocations.values())
    print(f"证书 / certificates: {len(done.store.certificates)}, 已吊销 / revoked: {revoked}")
    if done.own is not None:
        print(f"本机密钥 / this machine's key: {_describe(done.own)}")
    elif own is not None:
        print(f"本机密钥 {own.fingerprint} 不在其中 / this machine's key is not certified in it")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from datetime import datetime

    from forms.district import TRUST_FILE, DistrictRoot
    from forms.errors import FormsError

    config = _config(args)
    key_id = args.key_id.upper()
    root_dir = _root_dir(args, config)
    try:
        root = DistrictRoot.open(root_dir)
        listed = root.revoke(key_id, args.reason, datetime.now().replace(microsecond=0))
    except FormsError as exc:
        return _fail(exc)
    print(f"已吊销 / revoked {key_id}: {args.reason} ({len(listed.entries)} keys on the list)")
    print(f"请分发 / hand out {root_dir / TRUST_FILE}: kiosk keys install on every terminal and")
    print("the verify server, then kiosk verify-page export for static copies of the page")
    return 0


def _status(args: argparse.Namespace) -> int:
    from forms.certified import load_trust
    from forms.errors import FormsError
    from forms.keys import PRIVATE_FILE, load_signing_key

    config = _config(args)
    try:
        store = load_trust(config.key_dir)
        own = None
        if (config.key_dir / PRIVATE_FILE).exists():
            own = load_signing_key(config.key_dir)
    except FormsError as exc:
        return _fail(exc)
    if own is None:
        print("本机无签名密钥 / no signing key on this machine")
    elif own.fingerprint in store.certificates:
        print(f"本机密钥 / this machine's key: {_describe(store.certificates[own.fingerprint])}")
        if store.revocation(own.fingerprint):
            print("  已吊销 / REVOKED")
    else:
        print(f"本机密钥 {own.fingerprint} 未认证 / not certified (legacy or awaiting a bundle)")
    for root in store.roots.values():
        print(f"根密钥 / root {root.key_id}{' (demo)' if root.demo else ''}")
    print(f"证书 / certificates: {len(store.certificates)}; 直接信任 / legacy keys: "
          f"{', '.join(store.direct) or '-'}")  # fmt: skip
    return 0


def _init(args: argparse.Namespace) -> int:
    from forms.errors import KeyFileError
    from forms.keys import PRIVATE_FILE, PUBLIC_FILE, generate

    key_dir = _config(args).key_dir
    try:
        key = generate(key_dir, overwrite=args.force)
    except KeyFileError as exc:
        return _fail(exc)
    print(f"已生成签名密钥 / signing key created: {key_dir / PRIVATE_FILE} (0600)")
    print(f"公钥 / public key: {key_dir / PUBLIC_FILE}")
    print(f"密钥指纹 / fingerprint: {key.fingerprint}")
    print("未经根密钥认证 / not certified: kiosk run needs `kiosk keys request` and a certificate")
    return 0


def _export(args: argparse.Namespace) -> int:
    from forms.errors import KeyFileError
    from forms.keys import PUBLIC_FILE, fingerprint, load_public_key_file, load_signing_key
    from forms.keys import public_pem as to_pem

    key_dir = _config(args).key_dir
    try:
        if (key_dir / PUBLIC_FILE).is_file():
            public = load_public_key_file(key_dir / PUBLIC_FILE)
        else:
            public = load_signing_key(key_dir).public_key
    except KeyFileError as exc:
        return _fail(exc)
    if not args.pem:
        print(fingerprint(public))
    if not args.fingerprint:
        print(to_pem(public), end="")
    return 0
