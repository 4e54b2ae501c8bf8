"""The district's Ed25519 signing key and the public keys trusted to verify documents.

Layout of a key directory::

    key_dir/signing_key.pem      private key, PKCS#8 PEM, mode 0600 (only on issuing terminals)
    key_dir/signing_key.pub.pem  its public key, SubjectPublicKeyInfo PEM
    key_dir/trusted/*.pub.pem    other public keys this machine accepts (other districts, old keys)

A key is named by its fingerprint: the first 8 bytes of SHA-256 over the raw 32-byte public key,
as upper-case hex in groups of four (3F2A-91C0-5B7E-0D14), printed on every document's footer.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from forms.errors import KeyFileError, KeyMissingError

PRIVATE_FILE = "signing_key.pem"
PUBLIC_FILE = "signing_key.pub.pem"
TRUSTED_DIR = "trusted"
FINGERPRINT_BYTES = 8


def raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint_bytes(public_key: Ed25519PublicKey) -> bytes:
    """The 8-byte key id carried in QR payloads."""
    return hashlib.sha256(raw_public_bytes(public_key)).digest()[:FINGERPRINT_BYTES]


def format_fingerprint(raw: bytes) -> str:
    """8 bytes -> "3F2A-91C0-5B7E-0D14"."""
    text = raw.hex().upper()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """The printed fingerprint of a public key."""
    return format_fingerprint(fingerprint_bytes(public_key))


def public_pem(public_key: Ed25519PublicKey) -> str:
    """A public key as SubjectPublicKeyInfo PEM text."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """A private Ed25519 key with its public half and printed fingerprint."""

    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The public half."""
        return self.private_key.public_key()

    @property
    def fingerprint(self) -> str:
        """Short printed id of the public key, e.g. 3F2A-91C0-5B7E-0D14."""
        return fingerprint(self.public_key)

    @property
    def fingerprint_bytes(self) -> bytes:
        """The 8 raw bytes behind `fingerprint`."""
        return fingerprint_bytes(self.public_key)

    def sign(self, message: bytes) -> bytes:
        """A 64-byte Ed25519 signature over message."""
        return self.private_key.sign(message)

    def public_pem(self) -> str:
        """The public key as PEM text, for `kiosk keys export` and other verifiers."""
        return public_pem(self.public_key)

    @classmethod
    def generate_ephemeral(cls) -> SigningKey:
        """A fresh key kept only in memory (tests, benchmarks, demos without a key directory)."""
        return cls(Ed25519PrivateKey.generate())


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)  # the umask may have cleared bits, never added them; be explicit
    os.replace(tmp, path)


def generate(key_dir: Path, *, overwrite: bool = False) -> SigningKey:
    """Create a new key pair in key_dir (private file mode 0600, directory 0700).

    Raises KeyFileError if a private key already exists and `overwrite` is false: replacing the
    district key makes every document signed with the old one unverifiable here.
    """
    key_dir = Path(key_dir)
    private_path = key_dir / PRIVATE_FILE
    if private_path.exists() and not overwrite:
        raise KeyFileError(
            f"{private_path} exists; refusing to overwrite",
            zh="签名密钥已存在，未覆盖（如确需更换请使用 --force）",
            en="A signing key already exists; use --force to replace it.",
        )
    key_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(key_dir, 0o700)
    (key_dir / TRUSTED_DIR).mkdir(exist_ok=True)
    key = SigningKey.generate_ephemeral()
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(private_path, pem)
    (key_dir / PUBLIC_FILE).write_text(key.public_pem(), encoding="ascii")
    return key


def load_signing_key(key_dir: Path) -> SigningKey:
    """The private key from key_dir.

    Raises KeyMissingError (a KeyFileError and FileNotFoundError) if there is none, KeyFileError
    if it is unreadable, not Ed25519, or readable by group or others.
    """
    path = Path(key_dir) / PRIVATE_FILE
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise KeyMissingError(
            f"no signing key at {path} (run: kiosk keys init)",
            zh="未找到签名密钥，请联系工作人员（kiosk keys init）",
            en="No signing key: run `kiosk keys init`.",
        ) from exc
    except OSError as exc:
        raise KeyFileError(f"cannot read {path}: {exc}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"{path} has mode {stat.S_IMODE(mode):04o}; it must be 0600",
            zh="签名密钥文件权限过宽，请联系工作人员",
            en=f"The signing key file is readable by others (mode {stat.S_IMODE(mode):04o}).",
        )
    try:
        private_key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFileError(f"{path} is not a usable private key: {exc}") from exc
    if not isinstance(private_key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 key")
    return SigningKey(private_key)


def load_public_key_file(path: Path) -> Ed25519PublicKey:
    """One Ed25519 public key from a PEM file."""
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, UnsupportedAlgorithm) as exc:
        raise KeyFileError(f"{path} is not a usable public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} is not an Ed25519 public key")
    return key


def load_public_keys(key_dir: Path) -> dict[str, Ed25519PublicKey]:
    """Trusted public keys by fingerprint: this machine's own plus key_dir/trusted/*.pub.pem.

    The own key is read from its public file (or derived from the private key when only that is
    present). A missing directory gives an empty dict; a broken trusted file raises KeyFileError.
    """
    key_dir = Path(key_dir)
    keys: dict[str, Ed25519PublicKey] = {}
    own = key_dir / PUBLIC_FILE
    if own.is_file():
        key = load_public_key_file(own)
        keys[fingerprint(key)] = key
    elif (key_dir / PRIVATE_FILE).is_file():
        key = load_signing_key(key_dir).public_key
        keys[fingerprint(key)] = key
    trusted = key_dir / TRUSTED_DIR
    if trusted.is_dir():
        for path in sorted(trusted.glob("*.pub.pem")):
            key = load_public_key_file(path)
            keys[fingerprint(key)] = key
    return keys
