"""The district root on its own machine, and the requests it certifies.

The root's directory (`kiosk keys init-root`; only on the root machine, or `demo-root/` under a
demo terminal's key directory)::

    root_dir/root_key.pem       the root's private key (0600): never on a terminal
    root_dir/root_key.pub.pem   its public half (publish its fingerprint)
    root_dir/issued/<id>.json   every certificate it signed
    root_dir/revocations.json   its current revocation list
    root_dir/trust.json         the bundle to hand out: root, every certificate, revocations

A terminal's key directory adds `signing_key.request.json` (what `kiosk keys request` wrote,
until a bundle with its certificate is installed) and trust.json (forms.certified).

Everything written here is 0600 in 0700 folders: a key directory may sit in the data directory,
which is the kiosk user's alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from forms.errors import KeyFileError
from forms.key_files import REQUEST_FILE as REQUEST_FILE
from forms.key_files import TRUST_FILE as TRUST_FILE
from forms.keys import (
    ROOT_NAME,
    SigningKey,
    generate,
    load_signing_key,
    raw_public_bytes,
    write_atomic,
)
from forms.signed import (
    JsonObject,
    Signed,
    TrustError,
    b64,
    expect_type,
    sign,
)
from forms.trust import (
    KeyCertificate,
    KeyIdentity,
    Revocation,
    RevocationList,
    TrustStore,
)

ISSUED_DIR = "issued"
REVOCATIONS_FILE = "revocations.json"
DEMO_ROOT_DIR = "demo-root"
DEFAULT_DAYS = 730  # two years: a terminal is re-keyed at least that often


def read_json(path: Path) -> object:
    """Parsed JSON of a file; TrustError naming the file if it cannot be read or parsed."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    # ValueError: not UTF-8, not JSON, or an integer of over 4300 digits; RecursionError: nested
    except (OSError, ValueError, RecursionError) as exc:
        raise TrustError(f"cannot read {path}: {exc}") from exc


def write_json(path: Path, data: object, mode: int = 0o600) -> None:
    """Write JSON atomically (temp file, fsync, rename), creating a private parent folder."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    try:
        write_atomic(path, text.encode("utf-8"), mode)
    except OSError as exc:
        raise KeyFileError(f"cannot write {path}: {exc}") from exc


def revocations_body(entries: Mapping[str, Revocation], now: datetime, sequence: int) -> JsonObject:
    """The body of revocation list number `sequence`, holding `entries`, issued `now`."""
    revoked = [
        {"key_id": e.key_id, "reason": e.reason, "revoked_at": e.revoked_at.isoformat()}
        for e in sorted(entries.values(), key=lambda e: e.key_id)
    ]
    return {
        "type": "kiosk-revocations",
        "issued_at": now.isoformat(),
        "sequence": sequence,
        "revoked": revoked,
    }


def voids_body(serials: frozenset[str] | set[str], now: datetime) -> JsonObject:
    """The body of a void list of `serials`, as of `now`."""
    return {"type": "kiosk-voids", "issued_at": now.isoformat(), "serials": sorted(serials)}


@dataclass(frozen=True)
class KeyRequest(KeyIdentity):
    """A terminal's request for a certificate, its self-signature checked."""

    @classmethod
    def parse(cls, signed: Signed) -> KeyRequest:
        """The request in `signed`; TrustError unless the key it names signed it."""
        f = expect_type(signed, "kiosk-key-request")
        request = cls(**vars(KeyIdentity.read(f, "request")))
        if signed.signer != request.key_id or not signed.valid_for(request.public_key):
            raise TrustError("the request is not signed by the key it asks about")
        return request


def make_request(
    key: SigningKey,
    *,
    purpose: str,
    terminal_id: str,
    community_code: str,
    community: str,
    issuer: str,
    now: datetime,
) -> Signed:
    """A request for `key`, signed by `key` (only its public half is in it)."""
    body = {
        "type": "kiosk-key-request",
        "key_id": key.fingerprint,
        "public_key": b64(raw_public_bytes(key.public_key)),
        "purpose": purpose,
        "terminal_id": terminal_id,
        "community_code": community_code,
        "community": community,
        "issuer": issuer,
        "created_at": now.isoformat(timespec="seconds"),
    }
    return sign(body, key)


class DistrictRoot:
    """The root key with the certificates it issued and its revocation list."""

    def __init__(self, root_dir: Path, key: SigningKey, *, demo: bool = False) -> None:
        self.root_dir, self.key, self.demo = Path(root_dir), key, demo

    @classmethod
    def init(cls, root_dir: Path, *, demo: bool = False) -> DistrictRoot:
        """Make a new root in root_dir (KeyFileError if one is there) with an empty list."""
        key = generate(root_dir, name=ROOT_NAME, public_mode=0o600)
        root = cls(root_dir, key, demo=demo)
        root.revoke_list({}, datetime.now().replace(microsecond=0))
        return root

    @classmethod
    def open(cls, root_dir: Path, *, demo: bool = False) -> DistrictRoot:
        """The root in root_dir (KeyMissingError if none: `kiosk keys init-root`)."""
        return cls(root_dir, load_signing_key(root_dir, name=ROOT_NAME), demo=demo)

    @property
    def key_id(self) -> str:
        """The root's fingerprint."""
        return self.key.fingerprint

    def store(self) -> TrustStore:
        """This root, every certificate it issued and its revocation list."""
        store = TrustStore()
        store.add_root(self.key.public_key, demo=self.demo)
        issued = self.root_dir / ISSUED_DIR
        for path in sorted(issued.glob("*.json")) if issued.is_dir() else []:
            store.add_certificate(Signed.from_json(read_json(path)))
        listed = self.root_dir / REVOCATIONS_FILE
        if listed.is_file():
            store.add_revocations(Signed.from_json(read_json(listed)))
        return store

    def certify(
        self, request: KeyRequest, *, today: date, days: int = DEFAULT_DAYS
    ) -> KeyCertificate:
        """Sign a certificate for the requested key, valid for issue dates today .. +days."""
        if not 1 <= days <= 3660:
            raise TrustError(f"validity of {days} days: give 1 to 3660")
        body = {
            "type": "kiosk-certificate",
            "key_id": request.key_id,
            "public_key": b64(raw_public_bytes(request.public_key)),
            "purpose": request.purpose,
            "terminal_id": request.terminal_id,
            "community_code": request.community_code,
            "community": request.community,
            "issuer": request.issuer,
            "not_before": today.isoformat(),
            "not_after": (today + timedelta(days=days)).isoformat(),
            "demo": self.demo,
        }
        cert = KeyCertificate.parse(sign(body, self.key))
        write_json(self.root_dir / ISSUED_DIR / f"{cert.key_id}.json", cert.signed.to_json())
        self.write_bundle()
        return cert

    def revoke(self, key_id: str, reason: str, now: datetime) -> RevocationList:
        """Add `key_id` to the revocation list (a new list, signed and dated `now`)."""
        store = self.store()
        held = store.revocations.get(self.key_id)
        entries = dict(held.entries) if held else {}
        entries[key_id] = Revocation(key_id, reason, now)
        return self.revoke_list(entries, now)

    def revoke_list(self, entries: dict[str, Revocation], now: datetime) -> RevocationList:
        """Sign and save the next revocation list, holding `entries`; refresh the bundle."""
        path = self.root_dir / REVOCATIONS_FILE
        sequence = (
            RevocationList.parse(Signed.from_json(read_json(path))).sequence + 1
            if path.is_file()
            else 1
        )
        listed = RevocationList.parse(sign(revocations_body(entries, now, sequence), self.key))
        write_json(self.root_dir / REVOCATIONS_FILE, listed.signed.to_json())
        self.write_bundle()
        return listed

    def write_bundle(self) -> Path:
        """root_dir/trust.json, the file terminals and verifiers install."""
        path = self.root_dir / TRUST_FILE
        write_json(path, self.store().to_json())
        return path

    def sign_voids(self, serials: set[str], now: datetime) -> Signed:
        """A void list signed by the root itself."""
        return sign(voids_body(serials, now), self.key)
