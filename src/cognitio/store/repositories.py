"""What services may ask of storage: typed protocols, one per aggregate.

Services open a transaction with ``Store.read()`` or ``Store.write()`` and use the repositories
it carries; they never see SQL or a connection.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from cognitio.store.records import (
    AccessKeyRecord,
    ClientRecord,
    UserPoolRecord,
    UserPoolSummary,
)

# Keyset position for pagination: (created_ms, id) of the last row returned.
Cursor = tuple[int, str]


class MetaRepository(Protocol):
    async def get(self, key: str) -> bytes | None: ...
    async def put_if_absent(self, key: str, value: bytes) -> bool: ...


class AccessKeyRepository(Protocol):
    async def insert(self, record: AccessKeyRecord) -> bool:
        """False when the access key id exists."""
        ...

    async def get(self, access_key_id: str) -> AccessKeyRecord | None: ...
    async def list(self) -> list[AccessKeyRecord]: ...
    async def delete(self, access_key_id: str) -> bool: ...


class UserPoolRepository(Protocol):
    async def insert(self, record: UserPoolRecord) -> bool:
        """False when the id is taken."""
        ...

    async def get(self, pool_id: str, *, for_update: bool = False) -> UserPoolRecord | None:
        """The pool; ``for_update`` holds it against other writers until the transaction ends."""
        ...

    async def update(self, record: UserPoolRecord) -> bool:
        """Write ``record`` (its version already bumped) if the stored version is the one before."""
        ...

    async def delete(self, pool_id: str) -> bool: ...

    async def list(self, region: str, after: Cursor | None, limit: int) -> list[UserPoolSummary]:
        """Pools of one region in creation order, after the cursor."""
        ...


class ClientRepository(Protocol):
    async def insert(self, record: ClientRecord) -> bool: ...
    async def get(
        self, pool_id: str, client_id: str, *, for_update: bool = False
    ) -> ClientRecord | None: ...
    async def update(self, record: ClientRecord) -> bool: ...
    async def delete(self, pool_id: str, client_id: str) -> bool: ...
    async def list(self, pool_id: str, after: Cursor | None, limit: int) -> list[ClientRecord]: ...
    async def count(self, pool_id: str) -> int: ...


class Transaction(Protocol):
    @property
    def meta(self) -> MetaRepository: ...
    @property
    def keys(self) -> AccessKeyRepository: ...
    @property
    def pools(self) -> UserPoolRepository: ...
    @property
    def clients(self) -> ClientRepository: ...


class Store(Protocol):
    def read(self) -> AbstractAsyncContextManager[Transaction]: ...
    def write(self) -> AbstractAsyncContextManager[Transaction]: ...
