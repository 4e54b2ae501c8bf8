"""The signing key on disk: created once when many kiosks start together, pairs checked, bad files typed."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa, x25519

from forms.errors import KeyFileError
from forms.keys import (
    LOCK_FILE,
    PRIVATE_FILE,
    PUBLIC_FILE,
    SigningKey,
    fingerprint,
    generate,
    load_public_key_file,
    load_public_keys,
    load_signing_key,
)
from tests.forms import key_race

CONTENDERS = 8
ROUNDS = 17


@pytest.fixture(scope="module")
def contenders() -> Iterator[tuple[multiprocessing.pool.Pool, int]]:
    """Eight spawned worker processes that wait at one barrier before each round."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(CONTENDERS)
    with ctx.Pool(CONTENDERS, initializer=key_race.init_worker, initargs=(barrier,)) as pool:
        yield pool, CONTENDERS


def test_kiosks_starting_together_on_a_fresh_key_dir_share_one_matching_key(
    contenders: tuple[multiprocessing.pool.Pool, int], tmp_path: Path
) -> None:
    """GIVEN 8 processes released at once on a fresh key directory, 17 times
    WHEN each loads the key or creates it when there is none (as a kiosk starts)
    THEN none fails, all get the same fingerprint, and the files on disk are that one pair."""
    pool, n = contenders
    for round_ in range(ROUNDS):
        key_dir = tmp_path / f"round{round_}" / "keys"
        results = pool.map(key_race.start_like_a_kiosk, [str(key_dir)] * n, chunksize=1)
        errors = [what for outcome, what in results if outcome == "error"]
        assert errors == [], f"round {round_}: {errors}"
        prints = {what for _, what in results}
        assert len(prints) == 1, f"round {round_}: {len(prints)} different keys: {prints}"
        on_disk = load_signing_key(key_dir)
        assert {on_disk.fingerprint} == prints
        assert fingerprint(load_public_key_file(key_dir / PUBLIC_FILE)) == on_disk.fingerprint
        assert sorted(p.name for p in key_dir.iterdir()) == sorted(
            [LOCK_FILE, PRIVATE_FILE, PUBLIC_FILE, "trusted"]
        ), "temp files were left behind"


def test_generate_sets_modes_and_leaves_no_temp_files(tmp_path: Path) -> None:
    """GIVEN a fresh directory WHEN a key is generated THEN private 0600, public 0644, lock 0600,
    directory 0700, and no other file in it."""
    key_dir = tmp_path / "keys"
    generate(key_dir)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in key_dir.iterdir() if p.is_file()}
    assert modes == {PRIVATE_FILE: 0o600, PUBLIC_FILE: 0o644, LOCK_FILE: 0o600}
    assert (key_dir / "trusted").is_dir()
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700


def test_stale_temp_files_of_a_dead_writer_are_removed(tmp_path: Path) -> None:
    """GIVEN temp files a killed writer left (new and old naming) WHEN a key is generated
    THEN they are gone: no stray copy of a private key stays on disk."""
    key_dir = tmp_path / "keys"
    key_dir.mkdir()
    stale = [key_dir / f".{PRIVATE_FILE}.abc123.tmp", key_dir / f"{PRIVATE_FILE}.tmp"]
    for path in stale:
        path.write_bytes(b"half a key")
    generate(key_dir)
    assert not any(path.exists() for path in stale)


def test_a_private_key_that_does_not_match_its_public_file_is_refused(tmp_path: Path) -> None:
    """GIVEN signing_key.pub.pem from another key (the pair a lost race used to leave)
    WHEN the key is loaded THEN KeyFileError saying they do not match, Chinese first."""
    key_dir = tmp_path / "keys"
    generate(key_dir)
    (key_dir / PUBLIC_FILE).write_text(SigningKey.generate_ephemeral().public_pem())
    with pytest.raises(KeyFileError) as caught:
        load_signing_key(key_dir)
    assert "does not match" in caught.value.detail
    assert caught.value.resident_message[0] == "签名密钥与公钥文件不匹配，请联系工作人员"


def test_a_private_key_without_public_file_still_loads(tmp_path: Path) -> None:
    """GIVEN only signing_key.pem (a directory made by hand) WHEN loaded THEN the key, and
    load_public_keys derives the own public key from it."""
    key_dir = tmp_path / "keys"
    key = generate(key_dir)
    (key_dir / PUBLIC_FILE).unlink()
    assert load_signing_key(key_dir).fingerprint == key.fingerprint
    assert set(load_public_keys(key_dir)) == {key.fingerprint}


def _pkcs8(key: rsa.RSAPrivateKey | x25519.X25519PrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _ed25519_pem() -> bytes:
    return _pkcs8(ed25519.Ed25519PrivateKey.generate())


BAD_PRIVATE: dict[str, Callable[[], bytes]] = {
    "empty": lambda: b"",
    "binary garbage": lambda: os.urandom(64),
    "truncated PEM": lambda: _ed25519_pem()[:70],
    "corrupted base64": lambda: _ed25519_pem().replace(b"MC4C", b"!!!!"),
    "RSA key": lambda: _pkcs8(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    "X25519 key": lambda: _pkcs8(x25519.X25519PrivateKey.generate()),
    "encrypted Ed25519": lambda: ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    ),
    "a public key": lambda: SigningKey.generate_ephemeral().public_pem().encode(),
}


@pytest.mark.parametrize("kind", list(BAD_PRIVATE))
def test_a_broken_or_wrong_type_private_key_is_a_key_file_error(tmp_path: Path, kind: str) -> None:
    """GIVEN signing_key.pem that is empty, corrupt, RSA, X25519, encrypted or a public key
    WHEN loaded THEN KeyFileError (never ValueError, TypeError or UnsupportedAlgorithm)."""
    key_dir = tmp_path / "keys"
    key_dir.mkdir()
    path = key_dir / PRIVATE_FILE
    path.write_bytes(BAD_PRIVATE[kind]())
    path.chmod(0o600)
    with pytest.raises(KeyFileError) as caught:
        load_signing_key(key_dir)
    assert type(caught.value) is KeyFileError
    assert caught.value.resident_message[0] == "签名密钥文件损坏或类型不符，请联系工作人员"


@pytest.mark.parametrize("kind", ["empty", "binary garbage", "RSA key", "X25519 key"])
def test_a_broken_or_wrong_type_public_file_is_a_key_file_error(tmp_path: Path, kind: str) -> None:
    """GIVEN a good private key beside a public file that is empty, garbage or of another type
    WHEN the key is loaded THEN KeyFileError."""
    key_dir = tmp_path / "keys"
    generate(key_dir)
    (key_dir / PUBLIC_FILE).write_bytes(BAD_PRIVATE[kind]())
    with pytest.raises(KeyFileError) as caught:
        load_signing_key(key_dir)
    assert caught.value.resident_message[0] == "公钥文件损坏或类型不符，请联系工作人员"


def test_a_key_dir_that_cannot_be_created_is_a_key_file_error() -> None:
    """GIVEN a key directory below a regular file WHEN a key is generated THEN KeyFileError."""
    with pytest.raises(KeyFileError) as caught:
        generate(Path("/dev/null/keys"))
    assert "cannot write the signing key" in caught.value.detail
