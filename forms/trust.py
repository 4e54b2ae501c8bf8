"""Keys under a district root: signed objects, certificates, revocation and void lists, trust.

Every one is a signed JSON object (forms.signed). Bodies by "type":

    kiosk-key-request  a terminal's new public key and who it is, signed by that key itself
    kiosk-certificate  root -> one key: purpose ("documents" or "voids"), terminal, community,
                       and the issue dates it may sign for (not_before .. not_after)
    kiosk-revocations  root -> the key ids no longer trusted, with reasons (numbered lists)
    kiosk-voids        a "voids" key (or the root) -> the voided serials as of issued_at

A TrustStore is what a verifier trusts: root keys, the certificates they signed, each root's
newest revocation list, and "direct" keys trusted without a certificate (legacy: the single
district key of older installations). trust.json holds nothing secret; only the root keys must
come by a trusted channel (their fingerprints are published).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from forms.keys import fingerprint, raw_public_bytes
from forms.signed import (
    JsonObject,
    Signed,
    TrustError,
    b64,
    date_field,
    expect_type,
    public_key_from,
    text_field,
    time_field,
)

PURPOSE_DOCUMENTS = "documents"
PURPOSE_VOIDS = "voids"
PURPOSES = (PURPOSE_DOCUMENTS, PURPOSE_VOIDS)
BUNDLE_TYPE = "kiosk-trust"


@dataclass(frozen=True)
class KeyIdentity:
    """What a request and a certificate both say of a key: which, for what, whose terminal."""

    key_id: str
    public_key: Ed25519PublicKey
    purpose: str
    terminal_id: str
    community_code: str
    community: str
    issuer: str

    @staticmethod
    def read(fields: Mapping[str, object], what: str) -> KeyIdentity:
        """The identity in a signed request's or certificate's fields; TrustError if the key id
        is not the key's fingerprint or the purpose is unknown (`what` names the paper)."""
        public_key = public_key_from(fields.get("public_key"))
        identity = KeyIdentity(
            key_id=text_field(fields, "key_id"),
            public_key=public_key,
            purpose=text_field(fields, "purpose"),
            terminal_id=text_field(fields, "terminal_id"),
            community_code=text_field(fields, "community_code"),
            community=text_field(fields, "community"),
            issuer=text_field(fields, "issuer"),
        )
        if identity.key_id != fingerprint(public_key):
            raise TrustError(f"{what} key_id {identity.key_id} does not match its public key")
        if identity.purpose not in PURPOSES:
            raise TrustError(f"unknown purpose {identity.purpose!r}")
        return identity


@dataclass(frozen=True)
class KeyCertificate(KeyIdentity):
    """The root's word that one key belongs to one terminal of one community, for a while."""

    not_before: date
    not_after: date
    root_id: str
    demo: bool
    signed: Signed

    def covers(self, day: date) -> bool:
        """True if a document issued on `day` may carry this key's signature."""
        return self.not_before <= day <= self.not_after

    @classmethod
    def parse(cls, signed: Signed) -> KeyCertificate:
        """The certificate in `signed` (its signature is checked by TrustStore.add_certificate)."""
        f = expect_type(signed, "kiosk-certificate")
        return cls(
            **vars(KeyIdentity.read(f, "certificate")),
            not_before=date_field(f, "not_before"),
            not_after=date_field(f, "not_after"),
            root_id=text_field(f, "signer"),
            demo=f.get("demo") is True,
            signed=signed,
        )


@dataclass(frozen=True)
class Revocation:
    """One revoked key."""

    key_id: str
    reason: str
    revoked_at: datetime


@dataclass(frozen=True)
class RevocationList:
    """A root's list of revoked keys; `sequence` grows with every list the root signs (a root
    machine's clock may be wrong: the sequence, not the date, says which list is newer)."""

    root_id: str
    issued_at: datetime
    entries: Mapping[str, Revocation]
    signed: Signed
    sequence: int = 0

    @classmethod
    def parse(cls, signed: Signed) -> RevocationList:
        """The list in `signed` (signature checked by TrustStore.add_revocations)."""
        f = expect_type(signed, "kiosk-revocations")
        raw = f.get("revoked")
        if not isinstance(raw, list):
            raise TrustError("revoked: not a list")
        entries = {}
        for item in raw:
            if not isinstance(item, dict):
                raise TrustError("revoked: entries must be objects")
            entry = Revocation(
                text_field(item, "key_id"),
                text_field(item, "reason"),
                time_field(item, "revoked_at"),
            )
            entries[entry.key_id] = entry
        sequence = f.get("sequence", 0)
        if not isinstance(sequence, int):
            raise TrustError("sequence: not a whole number")
        issued = time_field(f, "issued_at")
        return cls(text_field(f, "signer"), issued, entries, signed, sequence)


@dataclass(frozen=True)
class VoidList:
    """Serials voided as of `issued_at`, signed by a root or a certified "voids" key."""

    signer: str
    issued_at: datetime
    serials: frozenset[str]
    signed: Signed

    @classmethod
    def parse(cls, signed: Signed) -> VoidList:
        """The list in `signed` (signature checked by TrustStore.check_void_list)."""
        f = expect_type(signed, "kiosk-voids")
        raw = f.get("serials")
        if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
            raise TrustError("serials: not a list of text")
        return cls(text_field(f, "signer"), time_field(f, "issued_at"), frozenset(raw), signed)


@dataclass(frozen=True)
class RootKey:
    """A trusted district root (`demo`: made by `kiosk demo`, never good for production)."""

    key_id: str
    public_key: Ed25519PublicKey
    demo: bool = False


@dataclass
class TrustStore:
    """What this machine trusts; see the module docstring."""

    roots: dict[str, RootKey] = field(default_factory=dict)
    certificates: dict[str, KeyCertificate] = field(default_factory=dict)
    revocations: dict[str, RevocationList] = field(default_factory=dict)
    direct: dict[str, Ed25519PublicKey] = field(default_factory=dict)

    @classmethod
    def of_keys(cls, keys: Mapping[str, Ed25519PublicKey]) -> TrustStore:
        """A store trusting exactly `keys` (fingerprint -> key), without certificates."""
        return cls(direct=dict(keys))

    def add_root(self, public_key: Ed25519PublicKey, *, demo: bool = False) -> RootKey:
        """Trust a root key."""
        root = RootKey(fingerprint(public_key), public_key, demo)
        self.roots[root.key_id] = root
        return root

    def add_certificate(self, signed: Signed) -> KeyCertificate:
        """Check a certificate against the roots and keep it; TrustError if it does not check."""
        cert = KeyCertificate.parse(signed)
        root = self.roots.get(cert.root_id)
        if root is None or not signed.valid_for(root.public_key):
            raise TrustError(f"certificate of {cert.key_id} is not signed by a trusted root")
        self.certificates[cert.key_id] = cert
        return cert

    def add_revocations(self, signed: Signed) -> RevocationList:
        """Check a root's revocation list; keep it if it is newer than the one held."""
        listed = RevocationList.parse(signed)
        root = self.roots.get(listed.root_id)
        if root is None or not signed.valid_for(root.public_key):
            raise TrustError("revocation list is not signed by a trusted root")
        held = self.revocations.get(listed.root_id)
        if held is None or held.sequence <= listed.sequence:
            self.revocations[listed.root_id] = listed
        return self.revocations[listed.root_id]

    def revocation(self, key_id: str) -> Revocation | None:
        """The revocation of `key_id` in any trusted root's list, or None."""
        for listed in self.revocations.values():
            if key_id in listed.entries:
                return listed.entries[key_id]
        return None

    def check_void_list(self, signed: Signed) -> VoidList:
        """A void list signed by a root, or by an unrevoked "voids" key valid on its date."""
        voids = VoidList.parse(signed)
        root = self.roots.get(voids.signer)
        if root is not None and signed.valid_for(root.public_key):
            return voids
        cert = self.certificates.get(voids.signer)
        if (
            cert is None
            or cert.purpose != PURPOSE_VOIDS
            or self.revocation(cert.key_id) is not None
            or not cert.covers(voids.issued_at.date())
            or not signed.valid_for(cert.public_key)
        ):
            raise TrustError("void list is not signed by a trusted voids key")
        return voids

    def merge(self, other: TrustStore) -> None:
        """Take `other`'s roots, certificates, newer revocation lists and direct keys."""
        self.roots.update(other.roots)
        self.certificates.update(other.certificates)
        for listed in other.revocations.values():
            self.add_revocations(listed.signed)
        self.direct.update(other.direct)

    def to_json(self) -> JsonObject:
        """trust.json: roots, certificates, revocation lists (direct keys stay in PEM files)."""
        return {
            "type": BUNDLE_TYPE,
            "version": 1,
            "roots": [_root_json(r) for r in sorted(self.roots.values(), key=lambda r: r.key_id)],
            "certificates": [
                c.signed.to_json()
                for c in sorted(self.certificates.values(), key=lambda c: c.key_id)
            ],
            "revocations": [
                r.signed.to_json()
                for r in sorted(self.revocations.values(), key=lambda r: r.root_id)
            ],
        }

    @classmethod
    def from_json(cls, data: object) -> TrustStore:
        """Read trust.json, checking every certificate and list against its roots."""
        if not isinstance(data, dict) or data.get("type") != BUNDLE_TYPE:
            raise TrustError(f"not a trust bundle (type {BUNDLE_TYPE!r})")
        store = cls()
        for name in ("roots", "certificates", "revocations"):
            if not isinstance(data.get(name, []), list):
                raise TrustError(f"{name}: not a list")
        for root in data.get("roots", []):
            if not isinstance(root, dict):
                raise TrustError("roots: entries must be objects")
            added = store.add_root(
                public_key_from(root.get("public_key")), demo=root.get("demo") is True
            )
            if root.get("key_id") not in (None, added.key_id):
                raise TrustError(f"root key_id {root.get('key_id')} does not match its key")
        for cert in data.get("certificates", []):
            store.add_certificate(Signed.from_json(cert))
        for listed in data.get("revocations", []):
            store.add_revocations(Signed.from_json(listed))
        return store


def _root_json(root: RootKey) -> JsonObject:
    return {
        "key_id": root.key_id,
        "public_key": b64(raw_public_bytes(root.public_key)),
        "demo": root.demo,
    }
