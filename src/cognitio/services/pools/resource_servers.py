"""Resource servers: the custom OAuth scopes of a pool, ``{Identifier}/{ScopeName}``.

From the CreateResourceServer reference and the developer guide's "Scopes, M2M, and APIs with
resource servers": at most 25 resource servers per pool and 100 scopes each; UpdateResourceServer
replaces the name and the scopes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cognitio.errors import (
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids, pagination
from cognitio.services.common.pages import Page
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.store.records import ResourceServerRecord, UserPoolRecord
from cognitio.store.repositories import Store, Transaction

MAX_SERVERS = 25


@dataclass(frozen=True, slots=True)
class Scope:
    """A custom scope: ``{Identifier}/{name}`` in tokens."""

    name: str
    description: str


@dataclass(frozen=True, slots=True)
class ResourceServerSettings:
    """CreateResourceServer's and UpdateResourceServer's input."""

    pool_id: str
    identifier: str
    name: str
    scopes: tuple[Scope, ...] = ()


async def custom_scopes(tx: Transaction, pool_id: str) -> frozenset[str]:
    """Every custom scope the pool's resource servers define."""
    found: set[str] = set()
    after = None
    while True:
        page = await tx.oauth.servers(pool_id, after, 100)
        for server in page:
            found.update(f"{server.identifier}/{s['ScopeName']}" for s in server.scopes)
        if len(page) < 100:
            return frozenset(found)
        after = page[-1].identifier


def _scopes(scopes: tuple[Scope, ...]) -> list[dict[str, str]]:
    """The scopes as stored: the model's ResourceServerScopeType."""
    names = [scope.name for scope in scopes]
    if len(set(names)) != len(names):
        raise InvalidParameterException("Scope names must be unique within a resource server.")
    return [{"ScopeName": s.name, "ScopeDescription": s.description} for s in scopes]


async def _find(tx: Transaction, pool: UserPoolRecord, identifier: str) -> ResourceServerRecord:
    server = await tx.oauth.server(pool.id, identifier)
    if server is None:
        raise ResourceNotFoundException(f"Resource server {identifier} does not exist.")
    return server


class ResourceServers:
    """The resource server operations."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def create(
        self, caller: Caller, settings: ResourceServerSettings
    ) -> ResourceServerRecord:
        """CreateResourceServer."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, settings.pool_id, for_update=True)
            if len(await tx.oauth.servers(pool.id, None, MAX_SERVERS)) >= MAX_SERVERS:
                raise LimitExceededException(
                    f"A user pool can have at most {MAX_SERVERS} resource servers."
                )
            server = ResourceServerRecord(
                pool_id=pool.id,
                identifier=settings.identifier,
                name=settings.name,
                scopes=_scopes(settings.scopes),
                created_ms=ids.now_ms(),
            )
            if not await tx.oauth.insert_server(server):
                raise InvalidParameterException(
                    f"{server.identifier} already exists in user pool {pool.id}."
                )
        return server

    async def describe(self, caller: Caller, pool_id: str, identifier: str) -> ResourceServerRecord:
        """DescribeResourceServer."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            return await _find(tx, pool, identifier)

    async def update(
        self, caller: Caller, settings: ResourceServerSettings
    ) -> ResourceServerRecord:
        """UpdateResourceServer: the name and the scopes are replaced."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, settings.pool_id)
            server = await _find(tx, pool, settings.identifier)
            changed = ResourceServerRecord(
                pool_id=pool.id,
                identifier=server.identifier,
                name=settings.name,
                scopes=_scopes(settings.scopes),
                created_ms=server.created_ms,
            )
            await tx.oauth.update_server(changed)
        return changed

    async def delete(self, caller: Caller, pool_id: str, identifier: str) -> None:
        """DeleteResourceServer."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            if not await tx.oauth.delete_server(pool.id, identifier):
                raise ResourceNotFoundException(f"Resource server {identifier} does not exist.")

    async def listing(
        self, caller: Caller, pool_id: str, limit: int, token: str | None
    ) -> Page[ResourceServerRecord]:
        """ListResourceServers, by identifier."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            cursor = pagination.decode(token)
            after = None if cursor is None else cursor[1]
            rows = await tx.oauth.servers(pool.id, after, limit + 1)
        if len(rows) > limit:
            return Page(tuple(rows[:limit]), pagination.encode((0, rows[limit - 1].identifier)))
        return Page(tuple(rows))
