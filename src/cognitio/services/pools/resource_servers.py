"""Resource servers: the custom OAuth scopes of a pool, ``{Identifier}/{ScopeName}``.

From the CreateResourceServer reference and the developer guide's "Scopes, M2M, and APIs with
resource servers": at most 25 resource servers per pool and 100 scopes each; UpdateResourceServer
replaces the name and the scopes.
"""

from __future__ import annotations

from typing import Any

from cognitio.errors import (
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids, pagination
from cognitio.store.records import ResourceServerRecord, UserPoolRecord
from cognitio.store.repositories import Transaction

MAX_SERVERS = 25


def view(server: ResourceServerRecord) -> dict[str, Any]:
    """A ResourceServerType."""
    return {
        "UserPoolId": server.pool_id,
        "Identifier": server.identifier,
        "Name": server.name,
        "Scopes": server.scopes,
    }


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


def _scopes(params: dict[str, Any]) -> list[dict[str, str]]:
    scopes = [dict(scope) for scope in params.get("Scopes") or []]
    names = [scope["ScopeName"] for scope in scopes]
    if len(set(names)) != len(names):
        raise InvalidParameterException("Scope names must be unique within a resource server.")
    return scopes


async def find(tx: Transaction, pool: UserPoolRecord, identifier: str) -> ResourceServerRecord:
    server = await tx.oauth.server(pool.id, identifier)
    if server is None:
        raise ResourceNotFoundException(f"Resource server {identifier} does not exist.")
    return server


async def create(
    tx: Transaction, pool: UserPoolRecord, params: dict[str, Any]
) -> ResourceServerRecord:
    """CreateResourceServer."""
    if len(await tx.oauth.servers(pool.id, None, MAX_SERVERS)) >= MAX_SERVERS:
        raise LimitExceededException(
            f"A user pool can have at most {MAX_SERVERS} resource servers."
        )
    server = ResourceServerRecord(
        pool_id=pool.id,
        identifier=params["Identifier"],
        name=params["Name"],
        scopes=_scopes(params),
        created_ms=ids.now_ms(),
    )
    if not await tx.oauth.insert_server(server):
        raise InvalidParameterException(
            f"{server.identifier} already exists in user pool {pool.id}."
        )
    return server


async def update(
    tx: Transaction, pool: UserPoolRecord, params: dict[str, Any]
) -> ResourceServerRecord:
    """UpdateResourceServer: the name and the scopes are replaced."""
    server = await find(tx, pool, params["Identifier"])
    changed = ResourceServerRecord(
        pool_id=pool.id,
        identifier=server.identifier,
        name=params["Name"],
        scopes=_scopes(params),
        created_ms=server.created_ms,
    )
    await tx.oauth.update_server(changed)
    return changed


async def delete(tx: Transaction, pool: UserPoolRecord, identifier: str) -> None:
    if not await tx.oauth.delete_server(pool.id, identifier):
        raise ResourceNotFoundException(f"Resource server {identifier} does not exist.")


async def listing(
    tx: Transaction, pool: UserPoolRecord, limit: int, token: str | None
) -> dict[str, Any]:
    """ListResourceServers, by identifier."""
    cursor = pagination.decode(token)
    rows = await tx.oauth.servers(pool.id, None if cursor is None else cursor[1], limit + 1)
    result: dict[str, Any] = {"ResourceServers": [view(s) for s in rows[:limit]]}
    if len(rows) > limit:
        result["NextToken"] = pagination.encode((0, rows[limit - 1].identifier))
    return result
