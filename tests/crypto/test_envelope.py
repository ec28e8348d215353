"""Sealing at rest: per-purpose derived keys, blobs from before them, several master keys."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cognitio.config import ConfigError, Settings
from cognitio.crypto.envelope import (
    DecryptionError,
    Envelope,
    envelope_for,
    key_id_of,
    load_master_keys,
    read_key_file,
    replace_key_file,
)

KEY_A = bytes(range(32))
KEY_B = bytes(range(32, 64))


def sealed_the_old_way(master_key: bytes, plaintext: bytes, context: str) -> bytes:
    """A version-1 blob, as every release before derived keys wrote it: the raw master key."""
    header = b"\x01" + key_id_of(master_key)
    nonce = os.urandom(12)
    return header + nonce + AESGCM(master_key).encrypt(nonce, plaintext, header + context.encode())


def purpose_key(master_key: bytes, purpose: str) -> bytes:
    info = b"cognitio/seal/" + purpose.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master_key)


def test_a_blob_sealed_the_old_way_still_opens() -> None:
    """Security review #23: databases sealed before derived keys keep working."""
    blob = sealed_the_old_way(KEY_A, b"totp seed", "totp:abc")

    assert Envelope(KEY_A).open(blob, "totp:abc") == b"totp seed"
    with pytest.raises(DecryptionError):
        Envelope(KEY_A).open(blob, "totp:other")


def test_new_blobs_are_sealed_with_the_purposes_derived_key_not_the_master_key() -> None:
    """Security review #23: each purpose (sessions, cookies, each stored secret) has its own key."""
    envelope = Envelope(KEY_A)
    session = envelope.seal(b"state", "auth-session")
    secret = envelope.seal(b"client secret", "client-secret:abc")

    for blob, context, plaintext in (
        (session, "auth-session", b"state"),
        (secret, "client-secret:abc", b"client secret"),
    ):
        header, nonce, body = blob[:5], blob[5:17], blob[17:]
        assert header == b"\x02" + key_id_of(KEY_A)
        aad = header + context.encode()
        purpose = context.partition(":")[0]
        assert AESGCM(purpose_key(KEY_A, purpose)).decrypt(nonce, body, aad) == plaintext
        with pytest.raises(InvalidTag):
            AESGCM(KEY_A).decrypt(nonce, body, aad)
    assert purpose_key(KEY_A, "auth-session") != purpose_key(KEY_A, "hosted-session")
    # The derived HMAC keys (one-time codes) are still the ones they always were.
    codes = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"one-time-codes")
    assert envelope.derive_key("one-time-codes") == codes.derive(KEY_A)


def test_several_master_keys_seal_with_the_first_and_open_with_any() -> None:
    """Security review #23: rotation keeps old blobs readable until they are re-sealed."""
    old = Envelope(KEY_A).seal(b"verifier", "srp:sub-1")
    legacy = sealed_the_old_way(KEY_A, b"signing key", "signing-key:kid")
    rotated = Envelope(KEY_B, KEY_A)

    assert rotated.open(old, "srp:sub-1") == b"verifier"
    assert rotated.open(legacy, "signing-key:kid") == b"signing key"
    fresh = rotated.seal(b"verifier", "srp:sub-1")
    assert fresh[1:5] == key_id_of(KEY_B)
    assert rotated.is_current(fresh) and not rotated.is_current(old)
    assert not rotated.is_current(legacy)
    assert Envelope(KEY_B).open(fresh, "srp:sub-1") == b"verifier"
    with pytest.raises(DecryptionError, match="another master key"):
        Envelope(KEY_B).open(old, "srp:sub-1")
    with pytest.raises(DecryptionError):
        Envelope(KEY_A).open(fresh, "srp:sub-1")


@pytest.mark.parametrize("blob", [b"", b"\x02", b"\x03" + key_id_of(KEY_A) + bytes(40)])
def test_damaged_blobs_are_a_decryption_error(blob: bytes) -> None:
    with pytest.raises(DecryptionError):
        Envelope(KEY_A).open(blob, "totp:abc")


def test_the_key_file_holds_the_current_key_first_then_the_previous(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    [generated] = load_master_keys(settings)
    path = tmp_path / "master.key"
    assert path.stat().st_mode & 0o777 == 0o600

    newer = secrets.token_bytes(32)
    replace_key_file(path, [newer, generated])

    assert path.stat().st_mode & 0o777 == 0o600
    assert read_key_file(path) == [newer, generated]
    assert path.read_text().splitlines()[0] == base64.b64encode(newer).decode()
    envelope = envelope_for(settings)
    assert envelope.key_id == key_id_of(newer)
    assert envelope.open(Envelope(generated).seal(b"x", "totp:s"), "totp:s") == b"x"


def test_previous_keys_come_from_the_environment_too() -> None:
    from cognitio.config import load_settings

    environ = {
        "COGNITIO_MASTER_KEY": base64.b64encode(KEY_B).decode(),
        "COGNITIO_PREVIOUS_MASTER_KEYS": f"{base64.b64encode(KEY_A).decode()}, "
        + base64.b64encode(bytes(32)).decode(),
    }
    settings = load_settings({}, environ)
    assert settings.previous_master_keys == (KEY_A, bytes(32))
    envelope = envelope_for(settings)
    assert envelope.key_id == key_id_of(KEY_B)
    assert envelope.open(Envelope(KEY_A).seal(b"x", "device:d"), "device:d") == b"x"
    with pytest.raises(ConfigError, match="COGNITIO_PREVIOUS_MASTER_KEYS"):
        load_settings({}, {"COGNITIO_PREVIOUS_MASTER_KEYS": "c2hvcnQ="})
