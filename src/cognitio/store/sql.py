"""The SQLAlchemy Core implementation of the repositories, for SQLite and PostgreSQL.

Statements are built once, at import, with bound parameters; a request only binds values.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

from sqlalchemy import (
    Connection,
    Executable,
    Result,
    Row,
    Table,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from cognitio.store.db import BEGIN_OPTION, Database
from cognitio.store.records import AccessKeyRecord, ClientRecord, UserPoolRecord
from cognitio.store.repositories import Cursor
from cognitio.store.tables import access_keys, meta, user_pool_clients, user_pools


class _Executor(Protocol):
    async def execute(self, statement: Executable, params: Mapping[str, Any]) -> Result[Any]: ...


class _AsyncExecutor:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def execute(self, statement: Executable, params: Mapping[str, Any]) -> Result[Any]:
        return await self._conn.execute(statement, dict(params))


class _InlineExecutor:
    """SQLite in the loop's thread: see :mod:`cognitio.store.db`."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def execute(self, statement: Executable, params: Mapping[str, Any]) -> Result[Any]:
        return self._conn.execute(statement, dict(params))


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def _inserts(table: Table) -> dict[bool, Executable]:
    # ON CONFLICT DO NOTHING: a duplicate key is an answer, not an aborted transaction.
    return {
        True: sqlite_insert(table).on_conflict_do_nothing(),
        False: pg_insert(table).on_conflict_do_nothing(),
    }


def _after(table: Table) -> Any:
    # Keyset pagination, written out so SQLite plans it with the (…, created_ms, id) index.
    created, ident = table.c.created_ms, table.c.id
    return or_(
        created > bindparam("after_ms"),
        and_(created == bindparam("after_ms"), ident > bindparam("after_id")),
    )


_META_GET = select(meta.c.value).where(meta.c.key == bindparam("key"))
_META_INSERT = _inserts(meta)

_KEY_GET = select(access_keys).where(access_keys.c.access_key_id == bindparam("key_id"))
_KEY_LIST = select(access_keys).order_by(access_keys.c.created_ms)
_KEY_DELETE = delete(access_keys).where(access_keys.c.access_key_id == bindparam("key_id"))
_KEY_INSERT = _inserts(access_keys)

_POOL_GET = select(user_pools).where(user_pools.c.id == bindparam("pool_id"))
_POOL_UPDATE = update(user_pools).where(
    user_pools.c.id == bindparam("match_id"), user_pools.c.version == bindparam("expected")
)
_POOL_DELETE = delete(user_pools).where(user_pools.c.id == bindparam("pool_id"))
_POOL_INSERT = _inserts(user_pools)
_POOL_LIST = select(user_pools).where(user_pools.c.region == bindparam("region"))
_POOL_ORDER = (user_pools.c.created_ms, user_pools.c.id)
_POOL_PAGE = {
    False: _POOL_LIST.order_by(*_POOL_ORDER).limit(bindparam("limit")),
    True: _POOL_LIST.where(_after(user_pools)).order_by(*_POOL_ORDER).limit(bindparam("limit")),
}

_clients = user_pool_clients
_CLIENT_KEY = and_(
    _clients.c.id == bindparam("client_id"), _clients.c.pool_id == bindparam("pool_id")
)
_CLIENT_GET = select(_clients).where(_CLIENT_KEY)
_CLIENT_UPDATE = update(_clients).where(
    _clients.c.id == bindparam("match_id"),
    _clients.c.pool_id == bindparam("match_pool"),
    _clients.c.version == bindparam("expected"),
)
_CLIENT_DELETE = delete(_clients).where(_CLIENT_KEY)
_CLIENT_INSERT = _inserts(_clients)
_CLIENT_COUNT = select(func.count()).where(_clients.c.pool_id == bindparam("pool_id"))
_CLIENT_LIST = select(_clients).where(_clients.c.pool_id == bindparam("pool_id"))
_CLIENT_ORDER = (_clients.c.created_ms, _clients.c.id)
_CLIENT_PAGE = {
    False: _CLIENT_LIST.order_by(*_CLIENT_ORDER).limit(bindparam("limit")),
    True: _CLIENT_LIST.where(_after(_clients)).order_by(*_CLIENT_ORDER).limit(bindparam("limit")),
}


class _Repository:
    def __init__(self, run: _Executor, sqlite: bool) -> None:
        self._run = run
        self._sqlite = sqlite

    async def _insert_new(self, statements: dict[bool, Executable], values: dict[str, Any]) -> bool:
        result = await self._run.execute(statements[self._sqlite], values)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def _changed(self, statement: Executable, params: dict[str, Any]) -> bool:
        result = await self._run.execute(statement, params)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


class SqlMetaRepository(_Repository):
    async def get(self, key: str) -> bytes | None:
        value = (await self._run.execute(_META_GET, {"key": key})).scalar()
        return None if value is None else bytes(value)

    async def put_if_absent(self, key: str, value: bytes) -> bool:
        return await self._insert_new(_META_INSERT, {"key": key, "value": value})


class SqlAccessKeyRepository(_Repository):
    async def insert(self, record: AccessKeyRecord) -> bool:
        return await self._insert_new(
            _KEY_INSERT,
            {
                "access_key_id": record.access_key_id,
                "secret_sealed": record.secret_sealed,
                "description": record.description,
                "created_ms": record.created_ms,
            },
        )

    async def get(self, access_key_id: str) -> AccessKeyRecord | None:
        row = (await self._run.execute(_KEY_GET, {"key_id": access_key_id})).first()
        return None if row is None else _access_key(row)

    async def list(self) -> list[AccessKeyRecord]:
        return [_access_key(row) for row in await self._run.execute(_KEY_LIST, {})]

    async def delete(self, access_key_id: str) -> bool:
        return await self._changed(_KEY_DELETE, {"key_id": access_key_id})


class SqlUserPoolRepository(_Repository):
    async def insert(self, record: UserPoolRecord) -> bool:
        return await self._insert_new(_POOL_INSERT, _pool_values(record))

    async def get(self, pool_id: str) -> UserPoolRecord | None:
        row = (await self._run.execute(_POOL_GET, {"pool_id": pool_id})).first()
        return None if row is None else _pool(row)

    async def update(self, record: UserPoolRecord) -> bool:
        params = _pool_values(record)
        params.update(match_id=record.id, expected=record.version - 1)
        return await self._changed(_POOL_UPDATE, params)

    async def delete(self, pool_id: str) -> bool:
        return await self._changed(_POOL_DELETE, {"pool_id": pool_id})

    async def list(self, region: str, after: Cursor | None, limit: int) -> list[UserPoolRecord]:
        params: dict[str, Any] = {"region": region, "limit": limit}
        if after is not None:
            params.update(after_ms=after[0], after_id=after[1])
        rows = await self._run.execute(_POOL_PAGE[after is not None], params)
        return [_pool(row) for row in rows]


class SqlClientRepository(_Repository):
    async def insert(self, record: ClientRecord) -> bool:
        return await self._insert_new(_CLIENT_INSERT, _client_values(record))

    async def get(self, pool_id: str, client_id: str) -> ClientRecord | None:
        params = {"pool_id": pool_id, "client_id": client_id}
        row = (await self._run.execute(_CLIENT_GET, params)).first()
        return None if row is None else _client(row)

    async def update(self, record: ClientRecord) -> bool:
        params = _client_values(record)
        params.update(match_id=record.id, match_pool=record.pool_id, expected=record.version - 1)
        return await self._changed(_CLIENT_UPDATE, params)

    async def delete(self, pool_id: str, client_id: str) -> bool:
        return await self._changed(_CLIENT_DELETE, {"pool_id": pool_id, "client_id": client_id})

    async def list(self, pool_id: str, after: Cursor | None, limit: int) -> list[ClientRecord]:
        params: dict[str, Any] = {"pool_id": pool_id, "limit": limit}
        if after is not None:
            params.update(after_ms=after[0], after_id=after[1])
        rows = await self._run.execute(_CLIENT_PAGE[after is not None], params)
        return [_client(row) for row in rows]

    async def count(self, pool_id: str) -> int:
        return int((await self._run.execute(_CLIENT_COUNT, {"pool_id": pool_id})).scalar() or 0)


class SqlTransaction:
    """The repositories of one transaction."""

    def __init__(self, run: _Executor, sqlite: bool) -> None:
        self.meta = SqlMetaRepository(run, sqlite)
        self.keys = SqlAccessKeyRepository(run, sqlite)
        self.pools = SqlUserPoolRepository(run, sqlite)
        self.clients = SqlClientRepository(run, sqlite)


class SqlStore:
    """The Store protocol over a :class:`Database`."""

    def __init__(self, database: Database) -> None:
        self.database = database
        # SQLite: this process's writers take turns (see cognitio.store.db).
        self._write_turn = asyncio.Lock()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTransaction]:
        if self.database.sync_engine is not None:
            with self.database.sync_engine.connect() as conn, conn.begin():
                yield SqlTransaction(_InlineExecutor(conn), True)
            return
        assert self.database.async_engine is not None
        async with self.database.async_engine.connect() as aconn, aconn.begin():
            yield SqlTransaction(_AsyncExecutor(aconn), False)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTransaction]:
        if self.database.sync_engine is not None:
            async with self._write_turn:
                with self.database.sync_engine.connect() as conn:
                    conn = conn.execution_options(**{BEGIN_OPTION: "BEGIN IMMEDIATE"})
                    with conn.begin():
                        yield SqlTransaction(_InlineExecutor(conn), True)
            return
        assert self.database.async_engine is not None
        async with self.database.async_engine.connect() as aconn, aconn.begin():
            yield SqlTransaction(_AsyncExecutor(aconn), False)


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
