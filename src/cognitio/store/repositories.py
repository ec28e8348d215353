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
    CodeRecord,
    UserListing,
    UserPoolRecord,
    UserPoolSummary,
    UserRecord,
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
    async def find(self, client_id: str) -> ClientRecord | None:
        """A client by id alone (public operations name only the client)."""
        ...


class UserRepository(Protocol):
    async def insert(self, record: UserRecord) -> bool:
        """False when the pool has a user with that username_key."""
        ...

    async def get(self, sub: str, *, for_update: bool = False) -> UserRecord | None: ...
    async def by_username(
        self, pool_id: str, username_key: str, *, for_update: bool = False
    ) -> UserRecord | None: ...
    async def update(self, record: UserRecord) -> bool:
        """Write ``record`` (version bumped) if the stored version is the one before."""
        ...

    async def delete(self, sub: str) -> bool: ...
    async def count(self, pool_id: str) -> int: ...
    async def page(self, pool_id: str, after_sub: str | None, limit: int) -> list[UserListing]:
        """Users of a pool ordered by sub."""
        ...

    async def search(
        self,
        pool_id: str,
        name: str,
        value: str,
        *,
        prefix: bool,
        after: tuple[str, str] | None,
        limit: int,
    ) -> list[tuple[str, UserListing]]:
        """Users whose indexed ``name`` equals (or starts with) ``value``, by (value, sub)."""
        ...

    async def set_search_values(
        self, pool_id: str, sub: str, values: list[tuple[str, str]]
    ) -> None:
        """Replace the user's searchable (name, value) pairs."""
        ...

    async def alias_owner(self, pool_id: str, kind: str, value_key: str) -> str | None: ...
    async def claim_alias(self, pool_id: str, kind: str, value_key: str, sub: str) -> bool:
        """Take the alias for ``sub``; False when another user holds it."""
        ...

    async def release_alias(self, pool_id: str, kind: str, value_key: str) -> None: ...
    async def release_aliases(self, sub: str, kind: str | None = None) -> None: ...

    async def recent_passwords(self, sub: str, limit: int) -> list[str]:
        """The newest ``limit`` earlier password hashes."""
        ...

    async def remember_password(self, sub: str, password_hash: str, created_ms: int) -> None:
        """Keep a password hash for the history check, and only the newest 24."""
        ...

    async def put_code(self, record: CodeRecord) -> None:
        """Store the live code of (sub, purpose), replacing any earlier one."""
        ...

    async def get_code(self, sub: str, purpose: str) -> CodeRecord | None: ...
    async def count_code_attempt(self, sub: str, purpose: str) -> None: ...
    async def delete_code(self, sub: str, purpose: str) -> None: ...


class Transaction(Protocol):
    @property
    def meta(self) -> MetaRepository: ...
    @property
    def keys(self) -> AccessKeyRepository: ...
    @property
    def pools(self) -> UserPoolRepository: ...
    @property
    def clients(self) -> ClientRepository: ...
    @property
    def users(self) -> UserRepository: ...


class Store(Protocol):
    def read(self) -> AbstractAsyncContextManager[Transaction]: ...
    def write(self) -> AbstractAsyncContextManager[Transaction]: ...
