"""Admin access keys: the credentials SigV4-signed (IAM-authorised) operations are checked against.

Secret keys are sealed with the master key (SigV4 needs the secret itself, so a hash would not
do). Lookups are cached for a few seconds per node; deleting a key on one node takes effect on
the others within that time, and at once on the node that deleted it.
"""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass

from cognitio.crypto.envelope import DecryptionError, Envelope
from cognitio.services.common import ids
from cognitio.store.records import AccessKeyRecord
from cognitio.store.repositories import Store

_KEY_ID_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"
CACHE_SECONDS = 10.0
# An unknown key is remembered for less time, so a key made on another node works soon.
MISS_CACHE_SECONDS = 1.0


class MasterKeyMismatch(Exception):
    """The database was sealed under a different master key."""


@dataclass(frozen=True, slots=True)
class NewKey:
    access_key_id: str
    secret_access_key: str


def _context(access_key_id: str) -> str:
    return f"access-key:{access_key_id}"


class AccessKeys:
    """Create, list, delete and look up admin access keys."""

    def __init__(self, store: Store, envelope: Envelope) -> None:
        self._store = store
        self._envelope = envelope
        self._cache: dict[str, tuple[float, str | None]] = {}

    async def check_master_key(self) -> None:
        """Refuse to run with a master key other than the one the database was sealed with."""
        probe = self._envelope.seal(b"cognitio", "key-check")
        async with self._store.write() as tx:
            if await tx.meta.put_if_absent("key_check", probe):
                return
            stored = await tx.meta.get("key_check")
        try:
            self._envelope.open(stored or b"", "key-check")
        except DecryptionError:
            raise MasterKeyMismatch(
                "the master key does not match the one this database was created with"
            ) from None

    async def bootstrap(self, key_id: str | None, secret: str | None) -> NewKey | None:
        """Install the configured admin key, or generate one on the very first start.

        Returns the generated key so the caller can print it once; None otherwise.
        """
        if key_id is not None and secret is not None:
            async with self._store.write() as tx:
                current = await tx.keys.get(key_id)
                if current is not None and self._open(current) == secret:
                    return None
                if current is not None:
                    await tx.keys.delete(key_id)
                await tx.keys.insert(self._record(key_id, secret, "bootstrap (environment)"))
            self._cache.pop(key_id, None)
            return None
        async with self._store.write() as tx:
            # Only the first node to start, ever, generates a key.
            if not await tx.meta.put_if_absent("bootstrap_key", b"generated"):
                return None
            new = _generate()
            await tx.keys.insert(
                self._record(new.access_key_id, new.secret_access_key, "bootstrap")
            )
        return new

    async def reveal_bootstrap(self) -> NewKey | None:
        """The generated bootstrap key with its secret; only the CLI's --dev banner asks."""
        async with self._store.read() as tx:
            records = [r for r in await tx.keys.list() if r.description == "bootstrap"]
        if not records:
            return None
        return NewKey(records[0].access_key_id, self._open(records[0]))

    async def create(self, description: str = "") -> NewKey:
        while True:
            new = _generate()
            async with self._store.write() as tx:
                record = self._record(new.access_key_id, new.secret_access_key, description)
                if await tx.keys.insert(record):
                    return new

    async def list_keys(self) -> list[AccessKeyRecord]:
        async with self._store.read() as tx:
            return await tx.keys.list()

    async def delete(self, access_key_id: str) -> bool:
        async with self._store.write() as tx:
            deleted = await tx.keys.delete(access_key_id)
        self._cache.pop(access_key_id, None)
        return deleted

    async def secret_for(self, access_key_id: str) -> str | None:
        """The secret of a known key, or None; cached briefly."""
        now = time.monotonic()
        cached = self._cache.get(access_key_id)
        if cached is not None:
            ttl = CACHE_SECONDS if cached[1] is not None else MISS_CACHE_SECONDS
            if now - cached[0] < ttl:
                return cached[1]
        async with self._store.read() as tx:
            record = await tx.keys.get(access_key_id)
        secret = None if record is None else self._open(record)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[access_key_id] = (now, secret)
        return secret

    def _open(self, record: AccessKeyRecord) -> str:
        return self._envelope.open(record.secret_sealed, _context(record.access_key_id)).decode()

    def _record(self, key_id: str, secret: str, description: str) -> AccessKeyRecord:
        return AccessKeyRecord(
            access_key_id=key_id,
            secret_sealed=self._envelope.seal(secret.encode(), _context(key_id)),
            description=description,
            created_ms=ids.now_ms(),
        )


def _generate() -> NewKey:
    key_id = "AKIA" + "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(16))
    secret = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))
    return NewKey(key_id, secret)
