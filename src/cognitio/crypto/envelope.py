"""Encryption of secrets at rest under one master key (AES-256-GCM, NIST SP 800-38D).

Every stored secret (admin secret keys today; signing keys, TOTP seeds and SRP verifiers later)
goes through :class:`Envelope`. A blob is
``version (1) | key id (4) | nonce (12) | ciphertext+tag``. The key id names the master key, so
rotation can tell old blobs from new ones; the caller's *context* (for example
``access-key:AKIA...``) is bound as associated data, so a blob copied to another row does not
decrypt.

The master key comes from ``COGNITIO_MASTER_KEY`` (32 bytes, base64) or from ``master.key`` in the
data directory, created on first start with mode 0600.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cognitio.config import ConfigError, Settings, parse_master_key

_VERSION = b"\x01"
_NONCE_BYTES = 12
MASTER_KEY_FILE = "master.key"


class DecryptionError(Exception):
    """A blob that does not open under this master key and context."""


class Envelope:
    """Seals and opens secrets with the master key."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != 32:
            raise ValueError("master key must be 32 bytes")
        self._aead = AESGCM(master_key)
        self._master_key = master_key
        self.key_id = hashlib.sha256(b"cognitio-key-id" + master_key).digest()[:4]

    def derive_key(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose (HKDF-SHA256, RFC 5869), independent of the others."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
        return hkdf.derive(self._master_key)

    def seal(self, plaintext: bytes, context: str) -> bytes:
        """Encrypt *plaintext*, bound to *context*."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        header = _VERSION + self.key_id
        return header + nonce + self._aead.encrypt(nonce, plaintext, header + context.encode())

    def open(self, blob: bytes, context: str) -> bytes:
        """Decrypt a blob made by :meth:`seal` with the same context."""
        header, nonce, body = blob[:5], blob[5 : 5 + _NONCE_BYTES], blob[5 + _NONCE_BYTES :]
        if header[:1] != _VERSION or header[1:] != self.key_id:
            raise DecryptionError("sealed under another master key or format")
        try:
            return self._aead.decrypt(nonce, body, header + context.encode())
        except InvalidTag:
            raise DecryptionError("blob does not authenticate") from None


def load_master_key(settings: Settings) -> bytes:
    """The configured master key, or the data directory's key file (created if missing)."""
    if settings.master_key is not None:
        return settings.master_key
    path = Path(settings.data_dir) / MASTER_KEY_FILE
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise ConfigError(f"{path}: master key file must not be readable by others (chmod 600)")
        return parse_master_key(path.read_text(), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    # Write a complete file under a temporary name, then link it into place: a second process
    # starting at the same moment either wins the link or reads the finished file.
    tmp = path.with_name(f".{MASTER_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(key).decode() + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        return parse_master_key(path.read_text(), str(path))
    finally:
        tmp.unlink()
    return key
