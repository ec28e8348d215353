"""The SQLAlchemy Core implementation of the repositories, for SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Row, and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from cognitio.store.db import Database
from cognitio.store.records import AccessKeyRecord, ClientRecord, UserPoolRecord
from cognitio.store.repositories import Cursor
from cognitio.store.tables import access_keys, meta, user_pool_clients, user_pools


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


class _Repository:
    def __init__(self, conn: AsyncConnection, sqlite: bool) -> None:
        self._conn = conn
        self._insert = sqlite_insert if sqlite else pg_insert

    async def _insert_new(self, table: Any, values: dict[str, Any]) -> bool:
        # ON CONFLICT DO NOTHING: a duplicate is an answer, not an aborted transaction.
        statement = self._insert(table).values(**values).on_conflict_do_nothing()
        result = await self._conn.execute(statement)
        return bool(result.rowcount == 1)


class SqlMetaRepository(_Repository):
    async def get(self, key: str) -> bytes | None:
        value = await self._conn.scalar(select(meta.c.value).where(meta.c.key == key))
        return None if value is None else bytes(value)

    async def put_if_absent(self, key: str, value: bytes) -> bool:
        return await self._insert_new(meta, {"key": key, "value": value})


class SqlAccessKeyRepository(_Repository):
    async def insert(self, record: AccessKeyRecord) -> bool:
        return await self._insert_new(
            access_keys,
            {
                "access_key_id": record.access_key_id,
                "secret_sealed": record.secret_sealed,
                "description": record.description,
                "created_ms": record.created_ms,
            },
        )

    async def get(self, access_key_id: str) -> AccessKeyRecord | None:
        row = (
            await self._conn.execute(
                select(access_keys).where(access_keys.c.access_key_id == access_key_id)
            )
        ).first()
        return None if row is None else _access_key(row)

    async def list(self) -> list[AccessKeyRecord]:
        rows = await self._conn.execute(select(access_keys).order_by(access_keys.c.created_ms))
        return [_access_key(row) for row in rows]

    async def delete(self, access_key_id: str) -> bool:
        result = await self._conn.execute(
            delete(access_keys).where(access_keys.c.access_key_id == access_key_id)
        )
        return bool(result.rowcount == 1)


class SqlUserPoolRepository(_Repository):
    async def insert(self, record: UserPoolRecord) -> bool:
        return await self._insert_new(user_pools, _pool_values(record))

    async def get(self, pool_id: str) -> UserPoolRecord | None:
        row = (
            await self._conn.execute(select(user_pools).where(user_pools.c.id == pool_id))
        ).first()
        return None if row is None else _pool(row)

    async def update(self, record: UserPoolRecord) -> bool:
        result = await self._conn.execute(
            update(user_pools)
            .where(user_pools.c.id == record.id, user_pools.c.version == record.version - 1)
            .values(**_pool_values(record))
        )
        return bool(result.rowcount == 1)

    async def delete(self, pool_id: str) -> bool:
        result = await self._conn.execute(delete(user_pools).where(user_pools.c.id == pool_id))
        return bool(result.rowcount == 1)

    async def list(self, region: str, after: Cursor | None, limit: int) -> list[UserPoolRecord]:
        query = select(user_pools).where(user_pools.c.region == region)
        if after is not None:
            query = query.where(_after(user_pools.c.created_ms, user_pools.c.id, after))
        query = query.order_by(user_pools.c.created_ms, user_pools.c.id).limit(limit)
        return [_pool(row) for row in await self._conn.execute(query)]


class SqlClientRepository(_Repository):
    async def insert(self, record: ClientRecord) -> bool:
        return await self._insert_new(user_pool_clients, _client_values(record))

    async def get(self, pool_id: str, client_id: str) -> ClientRecord | None:
        query = select(user_pool_clients).where(
            user_pool_clients.c.id == client_id, user_pool_clients.c.pool_id == pool_id
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else _client(row)

    async def update(self, record: ClientRecord) -> bool:
        result = await self._conn.execute(
            update(user_pool_clients)
            .where(
                user_pool_clients.c.id == record.id,
                user_pool_clients.c.pool_id == record.pool_id,
                user_pool_clients.c.version == record.version - 1,
            )
            .values(**_client_values(record))
        )
        return bool(result.rowcount == 1)

    async def delete(self, pool_id: str, client_id: str) -> bool:
        result = await self._conn.execute(
            delete(user_pool_clients).where(
                user_pool_clients.c.id == client_id, user_pool_clients.c.pool_id == pool_id
            )
        )
        return bool(result.rowcount == 1)

    async def list(self, pool_id: str, after: Cursor | None, limit: int) -> list[ClientRecord]:
        table = user_pool_clients
        query = select(table).where(table.c.pool_id == pool_id)
        if after is not None:
            query = query.where(_after(table.c.created_ms, table.c.id, after))
        query = query.order_by(table.c.created_ms, table.c.id).limit(limit)
        return [_client(row) for row in await self._conn.execute(query)]

    async def count(self, pool_id: str) -> int:
        query = select(func.count()).where(user_pool_clients.c.pool_id == pool_id)
        return int(await self._conn.scalar(query) or 0)


class SqlTransaction:
    """The repositories of one transaction."""

    def __init__(self, conn: AsyncConnection, sqlite: bool) -> None:
        self.meta = SqlMetaRepository(conn, sqlite)
        self.keys = SqlAccessKeyRepository(conn, sqlite)
        self.pools = SqlUserPoolRepository(conn, sqlite)
        self.clients = SqlClientRepository(conn, sqlite)


class SqlStore:
    """The Store protocol over a :class:`Database`."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTransaction]:
        async with self.database.read() as conn:
            yield SqlTransaction(conn, self.database.is_sqlite)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTransaction]:
        async with self.database.write() as conn:
            yield SqlTransaction(conn, self.database.is_sqlite)


def _after(created: Any, ident: Any, cursor: Cursor) -> Any:
    # Written out rather than as a row-value comparison: SQLite plans this one with the index.
    created_ms, last_id = cursor
    return or_(created > created_ms, and_(created == created_ms, ident > last_id))


def _access_key(row: Row[Any]) -> AccessKeyRecord:
    return AccessKeyRecord(
        access_key_id=row.access_key_id,
        secret_sealed=bytes(row.secret_sealed),
        description=row.description,
        created_ms=row.created_ms,
    )


def _pool_values(record: UserPoolRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "region": record.region,
        "name": record.name,
        "config": _dumps(record.config),
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
        "version": record.version,
    }


def _pool(row: Row[Any]) -> UserPoolRecord:
    return UserPoolRecord(
        id=row.id,
        region=row.region,
        name=row.name,
        config=json.loads(row.config),
        created_ms=row.created_ms,
        updated_ms=row.updated_ms,
        version=row.version,
    )


def _client_values(record: ClientRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "pool_id": record.pool_id,
        "name": record.name,
        "config": _dumps(record.config),
        "secret_sealed": record.secret_sealed,
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
        "version": record.version,
    }


def _client(row: Row[Any]) -> ClientRecord:
    return ClientRecord(
        id=row.id,
        pool_id=row.pool_id,
        name=row.name,
        config=json.loads(row.config),
        secret_sealed=None if row.secret_sealed is None else bytes(row.secret_sealed),
        created_ms=row.created_ms,
        updated_ms=row.updated_ms,
        version=row.version,
    )
