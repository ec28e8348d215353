"""Encryption of secrets at rest under the master key (AES-256-GCM, NIST SP 800-38D).

Every stored secret (admin secret keys, client secrets, signing keys, TOTP seeds, SRP and device
verifiers) and every sealed token (auth-flow Sessions, hosted sign-in cookies) goes through
:class:`Envelope`. A blob is ``version (1) | key id (4) | nonce (12) | ciphertext+tag``; the
caller's *context* (for example ``access-key:AKIA...``) is bound as associated data with the
header, so a blob copied to another row does not open.

Version 2 seals with a key of its own per purpose, derived from the master key with HKDF-SHA256
(RFC 5869, info ``cognitio/seal/<purpose>``), the purpose being the context up to its first
``:`` (``auth-session``, ``hosted-session``, ``client-secret``, ``totp``, ``srp``...). So the
busy, short-lived blobs (Sessions, cookies) never share a key, nor a random-nonce budget, with
the stored secrets, and no key is used for two kinds of data. Version 1 sealed with the raw master
key; such blobs still open, and ``cognitio master-key reseal`` turns them into version 2.

The key id names the master key, so several can be configured at once for rotation: the first
seals, any opens what it sealed. Master keys come from ``COGNITIO_MASTER_KEY`` (32 bytes, base64)
or from ``master.key`` in the data directory (created on first start with mode 0600; one key per
line, the newest first), plus ``COGNITIO_PREVIOUS_MASTER_KEYS``.
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

_RAW_KEY_VERSION = b"\x01"  # sealed with the master key itself (databases from before v2)
_DERIVED_KEY_VERSION = b"\x02"  # sealed with the purpose's HKDF-derived key
_HEADER_BYTES = 5
_NONCE_BYTES = 12
MASTER_KEY_FILE = "master.key"


class DecryptionError(Exception):
    """A blob that does not open under these master keys and this context."""


def key_id_of(master_key: bytes) -> bytes:
    """The 4 bytes that name a master key in the blobs it seals (not secret)."""
    return hashlib.sha256(b"cognitio-key-id" + master_key).digest()[:4]


def _hkdf(master_key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master_key)


def purpose_of(context: str) -> str:
    """The sealing purpose of a context: its part before the first ``:``."""
    return context.partition(":")[0]


class Envelope:
    """Seals with the current master key; opens with it or any previous one."""

    def __init__(self, master_key: bytes, *previous: bytes) -> None:
        keys = [master_key, *previous]
        if any(len(key) != 32 for key in keys):
            raise ValueError("master key must be 32 bytes")
        self._master_key = master_key
        self.key_id = key_id_of(master_key)
        # Newest first: if two keys ever shared an id, the current one wins.
        self._keys: dict[bytes, bytes] = {}
        for key in reversed(keys):
            self._keys[key_id_of(key)] = key
        self._keys[self.key_id] = master_key
        self._aeads: dict[tuple[bytes, bytes, str], AESGCM] = {}

    def derive_key(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose (HKDF-SHA256, RFC 5869), independent of the others.

        Always from the current master key: what it keys (one-time code hashes, device group
        keys, decoys) is recomputed, never stored sealed.
        """
        return _hkdf(self._master_key, purpose.encode())

    def _aead(self, version: bytes, key_id: bytes, purpose: str) -> AESGCM:
        cached = self._aeads.get((version, key_id, purpose))
        if cached is None:
            master = self._keys[key_id]
            if version == _RAW_KEY_VERSION:
                cached = AESGCM(master)
            else:
                cached = AESGCM(_hkdf(master, b"cognitio/seal/" + purpose.encode()))
            self._aeads[(version, key_id, purpose)] = cached
        return cached

    def seal(self, plaintext: bytes, context: str) -> bytes:
        """Encrypt *plaintext*, bound to *context*, under the current master key."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        header = _DERIVED_KEY_VERSION + self.key_id
        aead = self._aead(_DERIVED_KEY_VERSION, self.key_id, purpose_of(context))
        return header + nonce + aead.encrypt(nonce, plaintext, header + context.encode())

    def open(self, blob: bytes, context: str) -> bytes:
        """Decrypt a blob made by :meth:`seal` (of any version) with the same context."""
        header = blob[:_HEADER_BYTES]
        nonce = blob[_HEADER_BYTES : _HEADER_BYTES + _NONCE_BYTES]
        body = blob[_HEADER_BYTES + _NONCE_BYTES :]
        version, key_id = header[:1], header[1:]
        if version not in (_RAW_KEY_VERSION, _DERIVED_KEY_VERSION) or key_id not in self._keys:
            raise DecryptionError("sealed under another master key or format")
        if len(nonce) != _NONCE_BYTES:
            raise DecryptionError("blob is truncated")
        try:
            return self._aead(version, key_id, purpose_of(context)).decrypt(
                nonce, body, header + context.encode()
            )
        except InvalidTag:
            raise DecryptionError("blob does not authenticate") from None

    def is_current(self, blob: bytes) -> bool:
        """Whether *blob* is already sealed the current way (version 2, current master key)."""
        return blob[:_HEADER_BYTES] == _DERIVED_KEY_VERSION + self.key_id


def envelope_for(settings: Settings) -> Envelope:
    """The Envelope of the configured master keys: current first, then the previous ones."""
    current, *previous = load_master_keys(settings)
    return Envelope(current, *previous, *settings.previous_master_keys)


def load_master_key(settings: Settings) -> bytes:
    """The current master key (see :func:`load_master_keys`)."""
    return load_master_keys(settings)[0]


def load_master_keys(settings: Settings) -> list[bytes]:
    """The configured master key, or the data directory's key file (created if missing).

    The file holds one base64 key per line, the current one first; the lines after it are
    previous keys that ``cognitio master-key rotate`` kept.
    """
    if settings.master_key is not None:
        return [settings.master_key]
    path = Path(settings.data_dir) / MASTER_KEY_FILE
    if path.exists():
        return read_key_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    # Write a complete file under a temporary name, then link it into place: a second process
    # starting at the same moment either wins the link or reads the finished file.
    tmp = _write_private(path, [key])
    try:
        os.link(tmp, path)
    except FileExistsError:
        return read_key_file(path)
    finally:
        tmp.unlink()
    return [key]


def read_key_file(path: Path) -> list[bytes]:
    """The keys of a private key file, newest first."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(f"{path}: master key file must not be readable by others (chmod 600)")
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    if not lines:
        raise ConfigError(f"{path}: master key file is empty")
    return [parse_master_key(line, str(path)) for line in lines]


def replace_key_file(path: Path, keys: list[bytes]) -> None:
    """Write *keys* (newest first) to the key file at once: readers see the old or the new."""
    tmp = _write_private(path, keys)
    os.replace(tmp, path)


def _write_private(path: Path, keys: list[bytes]) -> Path:
    """A new mode-0600 file beside *path* holding *keys*, one base64 line each."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(base64.b64encode(key).decode() + "\n" for key in keys))
    return tmp
