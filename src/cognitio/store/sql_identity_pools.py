"""Identity pools, their identities and the identities' logins, in SQL."""

from __future__ import annotations

import builtins
from dataclasses import replace
from typing import Any

import orjson

from cognitio.store.records import (
    DeveloperUserRecord,
    IdentityLoginRecord,
    IdentityPoolRecord,
    IdentityPoolSummary,
    IdentityRecord,
)
from cognitio.store.repositories import Cursor
from cognitio.store.sqlbase import Query, Row, Runner, dumps, loads_object

_POOL_COLUMNS = (
    "id, region, name, allow_unauthenticated, allow_classic_flow, developer_provider_name, "
    "providers, tags, roles, role_mappings, principal_tags, created_ms, updated_ms, version"
)
_POOL_GET = Query(f"SELECT {_POOL_COLUMNS} FROM identity_pools WHERE id = :id")
# Read-modify-write on PostgreSQL locks the row; SQLite's BEGIN IMMEDIATE already serialises.
_POOL_GET_LOCKED = Query(_POOL_GET.sqlite, pg_suffix=" FOR UPDATE")
_POOL_INSERT = Query(
    f"INSERT INTO identity_pools ({_POOL_COLUMNS}) VALUES (:id, :region, :name, "
    ":allow_unauthenticated, :allow_classic_flow, :developer_provider_name, :providers, :tags, "
    ":roles, :role_mappings, :principal_tags, :created_ms, :updated_ms, :version) "
    "ON CONFLICT DO NOTHING"
)
_POOL_UPDATE = Query(
    "UPDATE identity_pools SET name = :name, allow_unauthenticated = :allow_unauthenticated, "
    "allow_classic_flow = :allow_classic_flow, developer_provider_name = :developer_provider_name, "
    "providers = :providers, tags = :tags, roles = :roles, role_mappings = :role_mappings, "
    "principal_tags = :principal_tags, updated_ms = :updated_ms, version = :version "
    "WHERE id = :id AND version = :expected"
)
_POOL_DELETE = Query("DELETE FROM identity_pools WHERE id = :id")
_POOL_COUNT = Query("SELECT count(*) FROM identity_pools WHERE region = :region")
_POOL_PAGE = Query(
    "SELECT id, name, created_ms FROM identity_pools WHERE region = :region "
    "ORDER BY created_ms, id LIMIT :limit"
)
_POOL_PAGE_AFTER = Query(
    "SELECT id, name, created_ms FROM identity_pools WHERE region = :region AND "
    "(created_ms > :after_ms OR (created_ms = :after_ms AND id > :after_id)) "
    "ORDER BY created_ms, id LIMIT :limit"
)

_IDENTITY_COLUMNS = "i.id, i.pool_id, i.created_ms, i.updated_ms, i.disabled"
# Each identity joined with its logins: one row per login, or one with NULLs when it has none.
_WITH_LOGINS = (
    f"SELECT {_IDENTITY_COLUMNS}, l.provider_name, l.subject FROM {{source}} i "
    "LEFT JOIN identity_logins l ON l.identity_id = i.id"
)
_IDENTITY_GET = Query(
    _WITH_LOGINS.format(source="identities") + " WHERE i.id = :id ORDER BY l.provider_name"
)
# The identity row only (its logins are on the outer join's nullable side).
_IDENTITY_GET_LOCKED = Query(_IDENTITY_GET.sqlite, pg_suffix=" FOR UPDATE OF i")
_PAGE = (
    "(SELECT * FROM identities WHERE pool_id = :pool_id AND (:show_disabled OR NOT disabled) "
    "{after} ORDER BY created_ms, id LIMIT :limit)"
)
_AFTER = "AND (created_ms > :after_ms OR (created_ms = :after_ms AND id > :after_id))"
_IDENTITY_PAGE = Query(
    _WITH_LOGINS.format(source=_PAGE.format(after=""))
    + " ORDER BY i.created_ms, i.id, l.provider_name"
)
_IDENTITY_PAGE_AFTER = Query(
    _WITH_LOGINS.format(source=_PAGE.format(after=_AFTER))
    + " ORDER BY i.created_ms, i.id, l.provider_name"
)
_IDENTITY_INSERT = Query(
    "INSERT INTO identities (id, pool_id, disabled, created_ms, updated_ms) "
    "VALUES (:id, :pool_id, :disabled, :created_ms, :updated_ms) ON CONFLICT DO NOTHING"
)
_IDENTITY_DELETE = Query("DELETE FROM identities WHERE id = :id")
_IDENTITY_DISABLE = Query(
    "UPDATE identities SET disabled = :disabled, updated_ms = :updated_ms WHERE id = :id"
)
# Either unique key refusing the row leaves it out: the identity's provider slot, or the
# subject already linked to another identity.
_LOGIN_ADD = Query(
    "INSERT INTO identity_logins (identity_id, provider_name, pool_id, subject, created_ms) "
    "VALUES (:identity_id, :provider_name, :pool_id, :subject, :created_ms) ON CONFLICT DO NOTHING"
)
_LOGIN_OWNER = Query(
    "SELECT identity_id FROM identity_logins "
    "WHERE pool_id = :pool_id AND provider_name = :provider_name AND subject = :subject"
)
_DEVELOPER_COLUMNS = "pool_id, user_identifier, identity_id, provider_name, created_ms"
_DEVELOPERS_OF = Query(
    f"SELECT {_DEVELOPER_COLUMNS} FROM identity_developer_users WHERE identity_id = :id "
    "ORDER BY user_identifier"
)
_DEVELOPERS_OF_PAGE = Query(
    f"SELECT {_DEVELOPER_COLUMNS} FROM identity_developer_users WHERE identity_id = :id "
    "AND user_identifier > :after ORDER BY user_identifier LIMIT :limit"
)
# The developer users of one page of ListIdentities: the same page, joined.
_DEVELOPERS_OF_IDENTITY_PAGE = (
    "SELECT d.pool_id, d.user_identifier, d.identity_id, d.provider_name, d.created_ms "
    "FROM identity_developer_users d JOIN {source} i ON d.identity_id = i.id "
    "ORDER BY d.identity_id, d.user_identifier"
)
_DEVELOPERS_PAGE = Query(_DEVELOPERS_OF_IDENTITY_PAGE.format(source=_PAGE.format(after="")))
_DEVELOPERS_PAGE_AFTER = Query(
    _DEVELOPERS_OF_IDENTITY_PAGE.format(source=_PAGE.format(after=_AFTER))
)
_DEVELOPER_ADD = Query(
    f"INSERT INTO identity_developer_users ({_DEVELOPER_COLUMNS}) VALUES (:pool_id, "
    ":user_identifier, :identity_id, :provider_name, :created_ms) ON CONFLICT DO NOTHING"
)
_DEVELOPER_OWNER = Query(
    "SELECT identity_id FROM identity_developer_users "
    "WHERE pool_id = :pool_id AND user_identifier = :user_identifier"
)
_DEVELOPER_REMOVE = Query(
    "DELETE FROM identity_developer_users WHERE pool_id = :pool_id "
    "AND user_identifier = :user_identifier AND identity_id = :identity_id"
)
_MOVE_LOGINS = Query("UPDATE identity_logins SET identity_id = :target WHERE identity_id = :source")
_MOVE_DEVELOPERS = Query(
    "UPDATE identity_developer_users SET identity_id = :target WHERE identity_id = :source"
)
_TOUCH = Query("UPDATE identities SET updated_ms = :updated_ms WHERE id = :id")
_LOGIN_REMOVE = Query(
    "DELETE FROM identity_logins "
    "WHERE identity_id = :identity_id AND provider_name = :provider_name"
)


def _pool_values(record: IdentityPoolRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "region": record.region,
        "name": record.name,
        "allow_unauthenticated": record.allow_unauthenticated,
        "allow_classic_flow": record.allow_classic_flow,
        "developer_provider_name": record.developer_provider_name,
        "providers": dumps(record.providers),
        "tags": dumps(dict(record.tags)),
        "roles": dumps(dict(record.roles)),
        "role_mappings": dumps(record.role_mappings),
        "principal_tags": dumps(record.principal_tags),
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
        "version": record.version,
    }


def _texts(text: str) -> dict[str, str]:
    loaded: Any = orjson.loads(text)
    return {str(k): str(v) for k, v in loaded.items()}


def _pool(row: Row) -> IdentityPoolRecord:
    return IdentityPoolRecord(
        id=row[0],
        region=row[1],
        name=row[2],
        allow_unauthenticated=bool(row[3]),
        allow_classic_flow=None if row[4] is None else bool(row[4]),
        developer_provider_name=row[5],
        providers=loads_object(row[6]),
        tags=_texts(row[7]),
        roles=_texts(row[8]),
        role_mappings=loads_object(row[9]),
        principal_tags=loads_object(row[10]),
        created_ms=int(row[11]),
        updated_ms=int(row[12]),
        version=int(row[13]),
    )


def _identities(rows: list[Row]) -> list[IdentityRecord]:
    """Fold the joined rows (identity columns, then a login's provider and subject) into
    identities, keeping their order."""
    found: dict[str, IdentityRecord] = {}
    for row in rows:
        identity = found.get(row[0])
        if identity is None:
            identity = IdentityRecord(
                id=row[0],
                pool_id=row[1],
                created_ms=int(row[2]),
                updated_ms=int(row[3]),
                disabled=bool(row[4]),
            )
            found[row[0]] = identity
        if row[5] is not None:
            identity.logins[row[5]] = row[6]
    return list(found.values())


def _developer(row: Row) -> DeveloperUserRecord:
    return DeveloperUserRecord(
        pool_id=row[0],
        user_identifier=row[1],
        identity_id=row[2],
        provider_name=row[3],
        created_ms=int(row[4]),
    )


def _with_developers(
    identities: list[IdentityRecord], developers: list[DeveloperUserRecord]
) -> list[IdentityRecord]:
    """Each identity with the developer users linked to it."""
    by_identity: dict[str, list[DeveloperUserRecord]] = {}
    for developer in developers:
        by_identity.setdefault(developer.identity_id, []).append(developer)
    return [
        replace(
            identity,
            developer_users=tuple(d.user_identifier for d in found),
            developer_provider=found[0].provider_name,
        )
        if (found := by_identity.get(identity.id))
        else identity
        for identity in identities
    ]


class SqlIdentityPoolRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def insert(self, record: IdentityPoolRecord) -> bool:
        return await self._sql.run(_POOL_INSERT, _pool_values(record)) == 1

    async def get(self, pool_id: str, *, for_update: bool = False) -> IdentityPoolRecord | None:
        row = await self._sql.one(_POOL_GET_LOCKED if for_update else _POOL_GET, {"id": pool_id})
        return None if row is None else _pool(row)

    async def update(self, record: IdentityPoolRecord) -> bool:
        params = _pool_values(record)
        params["expected"] = record.version - 1
        del params["region"], params["created_ms"]
        return await self._sql.run(_POOL_UPDATE, params) == 1

    async def delete(self, pool_id: str) -> bool:
        return await self._sql.run(_POOL_DELETE, {"id": pool_id}) == 1

    async def list(
        self, region: str, after: Cursor | None, limit: int
    ) -> list[IdentityPoolSummary]:
        params: dict[str, object] = {"region": region, "limit": limit}
        query = _POOL_PAGE
        if after is not None:
            params.update(after_ms=after[0], after_id=after[1])
            query = _POOL_PAGE_AFTER
        return [
            IdentityPoolSummary(id=row[0], name=row[1], created_ms=int(row[2]))
            for row in await self._sql.all(query, params)
        ]

    async def count(self, region: str) -> int:
        row = await self._sql.one(_POOL_COUNT, {"region": region})
        return 0 if row is None else int(row[0])


class SqlPoolIdentityRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def insert(self, record: IdentityRecord) -> bool:
        params = {
            "id": record.id,
            "pool_id": record.pool_id,
            "disabled": record.disabled,
            "created_ms": record.created_ms,
            "updated_ms": record.updated_ms,
        }
        return await self._sql.run(_IDENTITY_INSERT, params) == 1

    async def get(self, identity_id: str, *, for_update: bool = False) -> IdentityRecord | None:
        query = _IDENTITY_GET_LOCKED if for_update else _IDENTITY_GET
        found = _identities(await self._sql.all(query, {"id": identity_id}))
        if not found:
            return None
        rows = await self._sql.all(_DEVELOPERS_OF, {"id": identity_id})
        return _with_developers(found, [_developer(row) for row in rows])[0]

    async def list(
        self, pool_id: str, after: Cursor | None, limit: int, *, hide_disabled: bool = False
    ) -> list[IdentityRecord]:
        params: dict[str, object] = {
            "pool_id": pool_id,
            "limit": limit,
            "show_disabled": not hide_disabled,
        }
        query, developers = _IDENTITY_PAGE, _DEVELOPERS_PAGE
        if after is not None:
            params.update(after_ms=after[0], after_id=after[1])
            query, developers = _IDENTITY_PAGE_AFTER, _DEVELOPERS_PAGE_AFTER
        found = _identities(await self._sql.all(query, params))
        rows = await self._sql.all(developers, params) if found else []
        return _with_developers(found, [_developer(row) for row in rows])

    async def delete(self, identity_id: str) -> bool:
        return await self._sql.run(_IDENTITY_DELETE, {"id": identity_id}) == 1

    async def disable(self, identity_id: str, updated_ms: int) -> bool:
        params = {"id": identity_id, "disabled": True, "updated_ms": updated_ms}
        return await self._sql.run(_IDENTITY_DISABLE, params) == 1

    async def add_login(self, record: IdentityLoginRecord) -> bool:
        params = {
            "identity_id": record.identity_id,
            "provider_name": record.provider_name,
            "pool_id": record.pool_id,
            "subject": record.subject,
            "created_ms": record.created_ms,
        }
        return await self._sql.run(_LOGIN_ADD, params) == 1

    async def owner(self, pool_id: str, provider_name: str, subject: str) -> str | None:
        params = {"pool_id": pool_id, "provider_name": provider_name, "subject": subject}
        row = await self._sql.one(_LOGIN_OWNER, params)
        return None if row is None else str(row[0])

    async def remove_login(self, identity_id: str, provider_name: str) -> bool:
        params = {"identity_id": identity_id, "provider_name": provider_name}
        return await self._sql.run(_LOGIN_REMOVE, params) == 1

    async def merge_into(self, source_id: str, target_id: str, updated_ms: int) -> None:
        moved = {"source": source_id, "target": target_id}
        await self._sql.run(_MOVE_LOGINS, moved)
        await self._sql.run(_MOVE_DEVELOPERS, moved)
        await self.disable(source_id, updated_ms)
        await self._sql.run(_TOUCH, {"id": target_id, "updated_ms": updated_ms})

    async def add_developer_user(self, record: DeveloperUserRecord) -> bool:
        params = {
            "pool_id": record.pool_id,
            "user_identifier": record.user_identifier,
            "identity_id": record.identity_id,
            "provider_name": record.provider_name,
            "created_ms": record.created_ms,
        }
        return await self._sql.run(_DEVELOPER_ADD, params) == 1

    async def developer_owner(self, pool_id: str, user_identifier: str) -> str | None:
        params = {"pool_id": pool_id, "user_identifier": user_identifier}
        row = await self._sql.one(_DEVELOPER_OWNER, params)
        return None if row is None else str(row[0])

    async def developer_users(
        self, identity_id: str, after: str | None, limit: int
    ) -> builtins.list[DeveloperUserRecord]:
        params = {"id": identity_id, "after": after or "", "limit": limit}
        return [_developer(row) for row in await self._sql.all(_DEVELOPERS_OF_PAGE, params)]

    async def remove_developer_user(
        self, pool_id: str, user_identifier: str, identity_id: str
    ) -> bool:
        params = {
            "pool_id": pool_id,
            "user_identifier": user_identifier,
            "identity_id": identity_id,
        }
        return await self._sql.run(_DEVELOPER_REMOVE, params) == 1
