"""Ed25519 key pairs on disk: a terminal's signing key, the district root, and legacy keys.

Layout of a key directory::

    key_dir/signing_key.pem      private key, PKCS#8 PEM, mode 0600 (only on issuing terminals)
    key_dir/signing_key.pub.pem  its public key, SubjectPublicKeyInfo PEM
    key_dir/trusted/*.pub.pem    legacy keys this machine accepts without a certificate (the
                                 single district key of installations before issue 13)
    key_dir/signing_key.lock     taken exclusively while a pair is written, shared while one is read

The district root's pair uses the same scheme under the name ``root_key`` in its own directory
(see forms.trust). A key is named by its fingerprint: the first 8 bytes of SHA-256 over the raw
32-byte public key, as upper-case hex in groups of four (3F2A-91C0-5B7E-0D14), printed on every
document's footer and carried in every payload.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from forms.errors import KeyFileError, KeyMissingError
from forms.key_files import KEY_NAME as KEY_NAME
from forms.key_files import LOCK_FILE as LOCK_FILE
from forms.key_files import PRIVATE_FILE as PRIVATE_FILE
from forms.key_files import PUBLIC_FILE as PUBLIC_FILE
from forms.key_files import ROOT_NAME as ROOT_NAME

TRUSTED_DIR = "trusted"
FINGERPRINT_BYTES = 8


def _files(name: str) -> tuple[str, str, str]:
    """(private, public, lock) file names of the key pair called `name`."""
    return f"{name}.pem", f"{name}.pub.pem", f"{name}.lock"


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
    """A private Ed25519 key with its public half and printed fingerprint.

    `verify_url` is where the documents it signs are checked (the QR link's base, from the
    `verify.base_url` setting); empty means forms.verify.DEFAULT_BASE_URL.
    """

    private_key: Ed25519PrivateKey
    verify_url: str = ""

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


def _private_pem(key: SigningKey) -> bytes:
    return key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_atomic(path: Path, data: bytes, mode: int) -> None:
    """Write a temp file beside `path`, fsync it, set `mode`, rename it over `path`: a reader
    (or a crash) sees the old file or the whole new one, never a part."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)  # mkstemp made it 0600; the umask never adds bits, be explicit
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temps(key_dir: Path, name: str) -> None:
    """Temp files left by a writer that died mid-way (only the lock holder writes temps)."""
    private, public, _ = _files(name)
    for pattern in (f".{private}.*.tmp", f".{public}.*.tmp", f"{private}.tmp"):
        for stale in key_dir.glob(pattern):
            stale.unlink(missing_ok=True)


@contextlib.contextmanager
def _pair_lock(key_dir: Path, name: str, *, exclusive: bool) -> Iterator[None]:
    """flock on key_dir/<name>.lock: exclusive while a pair is written, shared while read.

    A reader that cannot open the lock file (no writer has made one yet, or it may not read
    it) reads without: a new pair is published public file first, so a private file never
    appears before the public half it must match.
    """
    flags = os.O_RDWR | os.O_CREAT if exclusive else os.O_RDONLY
    try:
        fd = os.open(key_dir / _files(name)[2], flags | os.O_CLOEXEC, 0o600)
    except OSError:
        if exclusive:
            raise
        fd = -1
    try:
        if fd >= 0:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        if fd >= 0:
            os.close(fd)  # closing releases the lock


def generate(
    key_dir: Path, *, overwrite: bool = False, name: str = KEY_NAME, public_mode: int = 0o644
) -> SigningKey:
    """Create a new key pair in key_dir (private file 0600, public `public_mode`, directory 0700).

    Raises KeyFileError if a private key already exists and `overwrite` is false: replacing the
    district key makes every document signed with the old one unverifiable here. The pair is
    written under an exclusive lock, each file to a temp file that is fsynced and renamed into
    place (public first, so the private file's arrival completes the pair).
    """
    return _create(Path(key_dir), name, overwrite=overwrite, public_mode=public_mode)


def load_signing_key(key_dir: Path, *, create: bool = False, name: str = KEY_NAME) -> SigningKey:
    """The private key from key_dir, checked against its public file.

    With `create`, a directory without a private key first gets a new pair, made once under an
    exclusive lock: when many kiosks start together on a fresh directory, one creates the key
    and the others load that same key.

    Raises KeyMissingError (a KeyFileError and FileNotFoundError) if there is none, KeyFileError
    if it is unreadable, corrupt, not Ed25519, readable by group or others, or does not match
    signing_key.pub.pem (a directory without the public file is accepted).
    """
    key_dir = Path(key_dir)
    try:
        with _pair_lock(key_dir, name, exclusive=False):
            return _read_pair(key_dir, name)
    except KeyMissingError:
        if not create:
            raise
    return _create(key_dir, name, overwrite=False, exist_ok=True)


def _create(
    key_dir: Path, name: str, *, overwrite: bool, exist_ok: bool = False, public_mode: int = 0o644
) -> SigningKey:
    """Under the exclusive lock: the existing pair (exist_ok), a refusal, or a new pair."""
    private_file, public_file, _ = _files(name)
    private_path = key_dir / private_file
    if private_path.exists() and not (overwrite or exist_ok):
        raise _refusal(private_path)  # before touching the directory
    try:
        key_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(key_dir, 0o700)
        (key_dir / TRUSTED_DIR).mkdir(mode=0o700, exist_ok=True)
        with _pair_lock(key_dir, name, exclusive=True):
            if private_path.exists() and not overwrite:
                if exist_ok:
                    return _read_pair(key_dir, name)  # another process made it first: use it
                raise _refusal(private_path)
            _remove_stale_temps(key_dir, name)
            key = SigningKey.generate_ephemeral()
            write_atomic(key_dir / public_file, key.public_pem().encode("ascii"), public_mode)
            write_atomic(private_path, _private_pem(key), 0o600)
            fsync_dir(key_dir)
            return key
    except KeyFileError:
        raise
    except OSError as exc:
        raise KeyFileError(
            f"cannot write the signing key in {key_dir}: {exc}",
            zh="无法保存签名密钥，请联系工作人员",
            en="The signing key could not be saved. Please ask staff.",
        ) from exc


def _refusal(private_path: Path) -> KeyFileError:
    return KeyFileError(
        f"{private_path} exists; refusing to overwrite",
        zh="签名密钥已存在，未覆盖（如确需更换请使用 --force）",
        en="A signing key already exists; use --force to replace it.",
    )


def _read_pair(key_dir: Path, name: str) -> SigningKey:
    private_file, public_file, _ = _files(name)
    key = SigningKey(_read_private(key_dir / private_file))
    public_path = key_dir / public_file
    if not public_path.exists():
        return key
    public = load_public_key_file(public_path)
    if raw_public_bytes(public) != raw_public_bytes(key.public_key):
        raise KeyFileError(
            f"{key_dir / private_file} (key {key.fingerprint}) does not match {public_path} "
            f"(key {fingerprint(public)})",
            zh="签名密钥与公钥文件不匹配，请联系工作人员",
            en="The signing key does not match its public key file. Please ask staff.",
        )
    return key


def _read_private(path: Path) -> Ed25519PrivateKey:
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except FileNotFoundError as exc:
        command = (
            "kiosk keys init-root" if path.name.startswith(ROOT_NAME) else "kiosk keys request"
        )
        raise KeyMissingError(
            f"no key at {path} (run: {command})",
            zh=f"未找到签名密钥，请联系工作人员（{command}）",
            en=f"No signing key: run `{command}`.",
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
        raise _unusable(path, f"not a usable private key: {exc}") from exc
    if not isinstance(private_key, Ed25519PrivateKey):
        raise _unusable(path, f"a {type(private_key).__name__}, not an Ed25519 key")
    return private_key


def _unusable(path: Path, why: str, *, public: bool = False) -> KeyFileError:
    what_zh, what_en = ("公钥", "public key") if public else ("签名密钥", "signing key")
    return KeyFileError(
        f"{path}: {why}",
        zh=f"{what_zh}文件损坏或类型不符，请联系工作人员",
        en=f"The {what_en} file is damaged or of the wrong type. Please ask staff.",
    )


def load_public_key_file(path: Path) -> Ed25519PublicKey:
    """One Ed25519 public key from a PEM file."""
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise _unusable(path, f"not a usable public key: {exc}", public=True) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise _unusable(path, f"a {type(key).__name__}, not an Ed25519 key", public=True)
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
