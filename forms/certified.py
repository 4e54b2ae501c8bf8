"""A terminal's side of keys under a root: the installed trust, its own certificate, demo setup.

    key_dir/trust.json     the district bundle `kiosk keys install` put there (forms.trust)
    key_dir/trust.lock     held while a demo terminal certifies itself

`certified_key` is what an issuing terminal loads: its key and a certificate fit for today.
`demo_certified_key` makes a demo terminal whole on a fresh directory with no manual steps: a
local demo root (key_dir/demo-root) certifies the terminal's key; production refuses such keys.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from forms.district import (
    DEMO_ROOT_DIR,
    REQUEST_FILE,
    TRUST_FILE,
    DistrictRoot,
    KeyRequest,
    make_request,
    read_json,
    write_json,
)
from forms.errors import KeyFileError
from forms.key_files import NEXT_STEPS
from forms.keys import ROOT_NAME, SigningKey, load_public_keys, load_signing_key
from forms.signed import TrustError
from forms.trust import PURPOSE_DOCUMENTS, KeyCertificate, TrustStore


def load_bundle(key_dir: Path) -> TrustStore:
    """key_dir/trust.json (an empty store if there is none)."""
    path = Path(key_dir) / TRUST_FILE
    return TrustStore.from_json(read_json(path)) if path.is_file() else TrustStore()


def load_trust(key_dir: Path) -> TrustStore:
    """What this machine trusts: the installed bundle, plus legacy keys as direct keys (the own
    key and trusted/*.pub.pem, unless a certificate names them)."""
    store = load_bundle(key_dir)
    for key_id, key in load_public_keys(key_dir).items():
        if key_id not in store.certificates:
            store.direct[key_id] = key
    return store


@dataclass(frozen=True)
class Installed:
    """What `install` did: the roots now trusted and this machine's own certificate."""

    store: TrustStore
    replaced_roots: bool
    own: KeyCertificate | None


def install(
    key_dir: Path,
    bundle: TrustStore,
    *,
    own_key: SigningKey | None,
    community_code: str | None,
    replace_root: bool = False,
) -> Installed:
    """Install a district bundle into key_dir/trust.json.

    A first bundle, or one replacing only demo roots, is taken as it is (the caller shows the
    root fingerprint to compare with the published one). Otherwise it must share a root with
    what is installed (or `replace_root`), and is merged: new certificates, newer revocation
    lists. If it certifies `own_key` for documents, the certificate must be for
    `community_code`; the pending request is then removed.
    """
    key_dir = Path(key_dir)
    if not bundle.roots:
        raise TrustError("the bundle names no root key")
    current = load_bundle(key_dir)
    real = {k for k, r in current.roots.items() if not r.demo}
    fresh = not real or replace_root
    if not fresh and not real & set(bundle.roots):
        raise TrustError(
            f"the bundle's root {', '.join(bundle.roots)} is not the installed root "
            f"{', '.join(sorted(real))} (give --replace-root to switch districts)"
        )
    store = bundle if fresh else current
    if not fresh:
        store.merge(bundle)
    own = store.certificates.get(own_key.fingerprint) if own_key else None
    if own and own.purpose == PURPOSE_DOCUMENTS and own.community_code != community_code:
        raise TrustError(
            f"the certificate of key {own.key_id} is for community {own.community_code}, "
            f"this terminal is configured for {community_code}"
        )
    write_json(key_dir / TRUST_FILE, store.to_json())
    if own is not None:
        (key_dir / REQUEST_FILE).unlink(missing_ok=True)
    return Installed(store, fresh and bool(current.roots), own)


class NotCertifiedError(KeyFileError):
    """This terminal has no usable certified signing key (why is in `detail`)."""

    message_zh = "本机签名密钥未经区级根密钥认证，请联系工作人员"
    message_en = "This terminal's signing key is not certified by the district. Please ask staff."


def certified_key(
    key_dir: Path, *, community_code: str, today: date, allow_demo: bool = False
) -> tuple[SigningKey, KeyCertificate]:
    """The terminal's signing key and its certificate, fit to sign documents issued today.

    NotCertifiedError unless a certificate in trust.json names the key, for documents of
    `community_code`, valid today, not revoked, and (unless `allow_demo`) not from a demo root.
    KeyMissingError if there is no key at all.
    """
    key = load_signing_key(key_dir)
    store = load_bundle(key_dir)
    cert = store.certificates.get(key.fingerprint)
    why = ""
    if cert is None:
        why = f"key {key.fingerprint} has no certificate in {Path(key_dir) / TRUST_FILE}"
    elif cert.purpose != PURPOSE_DOCUMENTS:
        why = f"key {key.fingerprint} is certified for {cert.purpose}, not documents"
    elif cert.demo and not allow_demo:
        why = f"key {key.fingerprint} is certified by a demo root, not the district's"
    elif cert.community_code != community_code:
        why = f"key {key.fingerprint} is certified for community {cert.community_code}"
    elif not cert.covers(today):
        why = f"the certificate of {key.fingerprint} is valid {cert.not_before}..{cert.not_after}"
    elif store.revocation(key.fingerprint) is not None:
        why = f"key {key.fingerprint} has been revoked"
    if cert is None or why:
        raise NotCertifiedError(why)
    return key, cert


@contextlib.contextmanager
def _trust_lock(key_dir: Path) -> Iterator[None]:
    """An exclusive flock on key_dir/trust.lock: one process sets a demo terminal up."""
    key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(key_dir / "trust.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def demo_certified_key(
    key_dir: Path,
    *,
    terminal_id: str,
    community_code: str,
    community: str,
    issuer: str,
    today: date,
) -> tuple[SigningKey, KeyCertificate]:
    """A demo terminal's key, certified by a local demo root made on first use (key_dir/
    demo-root). Refused (NotCertifiedError) where a real district root is installed."""
    key_dir = Path(key_dir)
    with _trust_lock(key_dir):
        try:
            return certified_key(
                key_dir, community_code=community_code, today=today, allow_demo=True
            )
        except (NotCertifiedError, FileNotFoundError):  # KeyMissingError: a fresh directory
            pass
        key = load_signing_key(key_dir, create=True)
        if any(not r.demo for r in load_bundle(key_dir).roots.values()):
            raise NotCertifiedError(
                f"{key_dir} trusts a district root: install this terminal's certificate "
                "(kiosk keys request / certify / install) instead of a demo one"
            )
        root_dir = key_dir / DEMO_ROOT_DIR
        if (root_dir / f"{ROOT_NAME}.pem").exists():
            root = DistrictRoot.open(root_dir, demo=True)
        else:
            root = DistrictRoot.init(root_dir, demo=True)
        now = datetime.now().replace(microsecond=0)
        request = make_request(
            key,
            purpose=PURPOSE_DOCUMENTS,
            terminal_id=terminal_id,
            community_code=community_code,
            community=community,
            issuer=issuer,
            now=now,
        )
        cert = root.certify(KeyRequest.parse(request), today=today - timedelta(days=1), days=3650)
        install(key_dir, root.store(), own_key=key, community_code=community_code)
        return key, cert


def not_ready_line(key_dir: Path, exc: Exception) -> str:
    """One line for a terminal that may not issue: why, and the steps that fix it."""
    if isinstance(exc, NotCertifiedError):
        return f"{exc.detail}: {NEXT_STEPS}"
    return f"no signing key in {key_dir}: {NEXT_STEPS}"
