"""The repositories in SQL (see :mod:`cognitio.store.sqlbase` for how it runs)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from cognitio.documents import object_member
from cognitio.store.db import Database
from cognitio.store.records import (
    AccessKeyRecord,
    ClientRecord,
    UserPoolRecord,
    UserPoolSummary,
)
from cognitio.store.repositories import Cursor
from cognitio.store.sql_devices import SqlDeviceRepository
from cognitio.store.sql_events import SqlEventOutbox
from cognitio.store.sql_federation import SqlIdentityProviderRepository
from cognitio.store.sql_groups import SqlGroupRepository
from cognitio.store.sql_identities import SqlUserIdentities
from cognitio.store.sql_identity_pools import SqlIdentityPoolRepository, SqlPoolIdentityRepository
from cognitio.store.sql_limits import SqlLimitRepository, SqlSignInFailures
from cognitio.store.sql_mfa import SqlMfaRepository
from cognitio.store.sql_oauth import SqlOAuthRepository
from cognitio.store.sql_passkeys import SqlPasskeyRepository
from cognitio.store.sql_revocations import SqlCredentialRevocations
from cognitio.store.sql_sealed import SqlSealedRepository
from cognitio.store.sql_tokens import (
    SqlAuthorizationCodes,
    SqlHostedSessions,
    SqlIssuerKeys,
    SqlRefreshTokens,
    SqlSigningKeys,
    SqlSpentSessions,
)
from cognitio.store.sql_users import SqlUserRepository
from cognitio.store.sqlbase import (
    PgRunner,
    Query,
    Row,
    Runner,
    SqliteRunner,
    dumps,
    loads_object,
)

_META_GET = Query("SELECT value FROM meta WHERE key = :key")
_META_INSERT = Query("INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT DO NOTHING")

_KEY_COLUMNS = "access_key_id, secret_sealed, description, created_ms"
_KEY_GET = Query(f"SELECT {_KEY_COLUMNS} FROM access_keys WHERE access_key_id = :key_id")
_KEY_LIST = Query(f"SELECT {_KEY_COLUMNS} FROM access_keys ORDER BY created_ms, access_key_id")
_KEY_DELETE = Query("DELETE FROM access_keys WHERE access_key_id = :key_id")
_KEY_INSERT = Query(
    f"INSERT INTO access_keys ({_KEY_COLUMNS}) "
    "VALUES (:access_key_id, :secret_sealed, :description, :created_ms) ON CONFLICT DO NOTHING"
)

_POOL_COLUMNS = "id, region, name, config, lambda_config, created_ms, updated_ms, version"
_SUMMARY_COLUMNS = "id, name, lambda_config, created_ms, updated_ms"
_POOL_GET = Query(f"SELECT {_POOL_COLUMNS} FROM user_pools WHERE id = :id")
# Read-modify-write on PostgreSQL locks the row; SQLite's BEGIN IMMEDIATE already serialises.
_POOL_GET_LOCKED = Query(_POOL_GET.sqlite, pg_suffix=" FOR UPDATE")
_POOL_INSERT = Query(
    f"INSERT INTO user_pools ({_POOL_COLUMNS}) VALUES "
    "(:id, :region, :name, :config, :lambda_config, :created_ms, :updated_ms, :version) "
    "ON CONFLICT DO NOTHING"
)
_POOL_UPDATE = Query(
    "UPDATE user_pools SET name = :name, config = :config, lambda_config = :lambda_config, "
    "updated_ms = :updated_ms, version = :version WHERE id = :id AND version = :expected"
)
_POOL_DELETE = Query("DELETE FROM user_pools WHERE id = :id")
# Keyset pagination, written out so SQLite plans it with the (region, created_ms, id) index.
_POOL_PAGE = Query(
    f"SELECT {_SUMMARY_COLUMNS} FROM user_pools WHERE region = :region "
    "ORDER BY created_ms, id LIMIT :limit"
)
_POOL_PAGE_AFTER = Query(
    f"SELECT {_SUMMARY_COLUMNS} FROM user_pools WHERE region = :region AND "
    "(created_ms > :after_ms OR (created_ms = :after_ms AND id > :after_id)) "
    "ORDER BY created_ms, id LIMIT :limit"
)

_CLIENT_COLUMNS = "id, pool_id, name, config, secret_sealed, created_ms, updated_ms, version"
_CLIENT_GET = Query(
    f"SELECT {_CLIENT_COLUMNS} FROM user_pool_clients WHERE id = :id AND pool_id = :pool_id"
)
_CLIENT_FIND = Query(f"SELECT {_CLIENT_COLUMNS} FROM user_pool_clients WHERE id = :id")
_CLIENT_GET_LOCKED = Query(_CLIENT_GET.sqlite, pg_suffix=" FOR UPDATE")
_CLIENT_INSERT = Query(
    f"INSERT INTO user_pool_clients ({_CLIENT_COLUMNS}) VALUES (:id, :pool_id, :name, :config, "
    ":secret_sealed, :created_ms, :updated_ms, :version) ON CONFLICT DO NOTHING"
)
_CLIENT_UPDATE = Query(
    "UPDATE user_pool_clients SET name = :name, config = :config, updated_ms = :updated_ms, "
    "version = :version WHERE id = :id AND pool_id = :pool_id AND version = :expected"
)
_CLIENT_DELETE = Query("DELETE FROM user_pool_clients WHERE id = :id AND pool_id = :pool_id")
_CLIENT_COUNT = Query("SELECT count(*) FROM user_pool_clients WHERE pool_id = :pool_id")
_CLIENT_PAGE = Query(
    f"SELECT {_CLIENT_COLUMNS} FROM user_pool_clients WHERE pool_id = :pool_id "
    "ORDER BY created_ms, id LIMIT :limit"
)
_CLIENT_PAGE_AFTER = Query(
    f"SELECT {_CLIENT_COLUMNS} FROM user_pool_clients WHERE pool_id = :pool_id AND "
    "(created_ms > :after_ms OR (created_ms = :after_ms AND id > :after_id)) "
    "ORDER BY created_ms, id LIMIT :limit"
)


class _Repository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql


class SqlMetaRepository(_Repository):
    async def get(self, key: str) -> bytes | None:
        row = await self._sql.one(_META_GET, {"key": key})
        return None if row is None else bytes(row[0])

    async def put_if_absent(self, key: str, value: bytes) -> bool:
        return await self._sql.run(_META_INSERT, {"key": key, "value": value}) == 1


class SqlAccessKeyRepository(_Repository):
    async def insert(self, record: AccessKeyRecord) -> bool:
        params = {
            "access_key_id": record.access_key_id,
            "secret_sealed": record.secret_sealed,
            "description": record.description,
            "created_ms": record.created_ms,
        }
        return await self._sql.run(_KEY_INSERT, params) == 1

    async def get(self, access_key_id: str) -> AccessKeyRecord | None:
        row = await self._sql.one(_KEY_GET, {"key_id": access_key_id})
        return None if row is None else _access_key(row)

    async def list(self) -> list[AccessKeyRecord]:
        return [_access_key(row) for row in await self._sql.all(_KEY_LIST, {})]

    async def delete(self, access_key_id: str) -> bool:
        return await self._sql.run(_KEY_DELETE, {"key_id": access_key_id}) == 1


class SqlUserPoolRepository(_Repository):
    async def insert(self, record: UserPoolRecord) -> bool:
        return await self._sql.run(_POOL_INSERT, _pool_values(record)) == 1

    async def get(self, pool_id: str, *, for_update: bool = False) -> UserPoolRecord | None:
        query = _POOL_GET_LOCKED if for_update else _POOL_GET
        row = await self._sql.one(query, {"id": pool_id})
        return None if row is None else _pool(row)

    async def update(self, record: UserPoolRecord) -> bool:
        params = _pool_values(record)
        params["expected"] = record.version - 1
        return await self._sql.run(_POOL_UPDATE, params) == 1

    async def delete(self, pool_id: str) -> bool:
        return await self._sql.run(_POOL_DELETE, {"id": pool_id}) == 1

    async def list(self, region: str, after: Cursor | None, limit: int) -> list[UserPoolSummary]:
        params: dict[str, object] = {"region": region, "limit": limit}
        query = _POOL_PAGE
        if after is not None:
            params.update(after_ms=after[0], after_id=after[1])
            query = _POOL_PAGE_AFTER
        return [_pool_summary(row) for row in await self._sql.all(query, params)]


class SqlClientRepository(_Repository):
    async def insert(self, record: ClientRecord) -> bool:
        return await self._sql.run(_CLIENT_INSERT, _client_values(record)) == 1

    async def get(
        self, pool_id: str, client_id: str, *, for_update: bool = False
    ) -> ClientRecord | None:
        query = _CLIENT_GET_LOCKED if for_update else _CLIENT_GET
        row = await self._sql.one(query, {"id": client_id, "pool_id": pool_id})
        return None if row is None else _client(row)

    async def update(self, record: ClientRecord) -> bool:
        params = _client_values(record)
        params["expected"] = record.version - 1
        return await self._sql.run(_CLIENT_UPDATE, params) == 1

    async def delete(self, pool_id: str, client_id: str) -> bool:
        return await self._sql.run(_CLIENT_DELETE, {"id": client_id, "pool_id": pool_id}) == 1

    async def list(self, pool_id: str, after: Cursor | None, limit: int) -> list[ClientRecord]:
        params: dict[str, object] = {"pool_id": pool_id, "limit": limit}
        query = _CLIENT_PAGE
        if after is not None:
            params.update(after_ms=after[0], after_id=after[1])
            query = _CLIENT_PAGE_AFTER
        return [_client(row) for row in await self._sql.all(query, params)]

    async def count(self, pool_id: str) -> int:
        row = await self._sql.one(_CLIENT_COUNT, {"pool_id": pool_id})
        return 0 if row is None else int(row[0])

    async def find(self, client_id: str) -> ClientRecord | None:
        row = await self._sql.one(_CLIENT_FIND, {"id": client_id})
        return None if row is None else _client(row)


class SqlTransaction:
    """The repositories of one transaction."""

    def __init__(self, sql: Runner) -> None:
        self.meta = SqlMetaRepository(sql)
        self.keys = SqlAccessKeyRepository(sql)
        self.pools = SqlUserPoolRepository(sql)
        self.clients = SqlClientRepository(sql)
        self.users = SqlUserRepository(sql)
        self.signing_keys = SqlSigningKeys(sql)
        self.issuer_keys = SqlIssuerKeys(sql)
        self.refresh_tokens = SqlRefreshTokens(sql)
        self.authorization_codes = SqlAuthorizationCodes(sql)
        self.spent_sessions = SqlSpentSessions(sql)
        self.hosted_sessions = SqlHostedSessions(sql)
        self.mfa = SqlMfaRepository(sql)
        self.devices = SqlDeviceRepository(sql)
        self.passkeys = SqlPasskeyRepository(sql)
        self.groups = SqlGroupRepository(sql)
        self.identities = SqlUserIdentities(sql)
        self.oauth = SqlOAuthRepository(sql)
        self.sign_in_failures = SqlSignInFailures(sql)
        self.limits = SqlLimitRepository(sql)
        self.sealed = SqlSealedRepository(sql)
        self.identity_providers = SqlIdentityProviderRepository(sql)
        self.identity_pools = SqlIdentityPoolRepository(sql)
        self.pool_identities = SqlPoolIdentityRepository(sql)
        self.credential_revocations = SqlCredentialRevocations(sql)
        self.events = SqlEventOutbox(sql)


class SqlStore:
    """The Store protocol over a :class:`Database`."""

    def __init__(self, database: Database) -> None:
        self.database = database
        # SQLite: this process's writers take turns (see cognitio.store.db).
        self._write_turn = asyncio.Lock()
        # SQLite has one reader and one writer connection, so their repositories are built once.
        self._sqlite_reads: SqlTransaction | None = None
        self._sqlite_writes: SqlTransaction | None = None
        if database.sqlite_reader is not None and database.sqlite_writer is not None:
            self._sqlite_reads = SqlTransaction(SqliteRunner(database.sqlite_reader))
            self._sqlite_writes = SqlTransaction(SqliteRunner(database.sqlite_writer))

    def read(self) -> AbstractAsyncContextManager[SqlTransaction]:
        """Reads in autocommit: each statement sees committed data."""
        if self._sqlite_reads is not None:
            return _Ready(self._sqlite_reads)
        return self._pg(transaction=False)

    def write(self) -> AbstractAsyncContextManager[SqlTransaction]:
        """A transaction, committed when the block ends without an exception."""
        if self._sqlite_writes is not None:
            return self._sqlite_write()
        return self._pg(transaction=True)

    def write_statement(self) -> AbstractAsyncContextManager[SqlTransaction]:
        """For writes that are each one statement, atomic by itself: SQLite's writer as for
        :meth:`write` (its turns keep writers apart), PostgreSQL in autocommit, which spares
        the BEGIN and COMMIT round trips of a transaction."""
        if self._sqlite_writes is not None:
            return self._sqlite_write()
        return self._pg(transaction=False)

    @asynccontextmanager
    async def _sqlite_write(self) -> AsyncIterator[SqlTransaction]:
        writer = self.database.sqlite_writer
        assert writer is not None and self._sqlite_writes is not None
        async with self._write_turn:
            writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._sqlite_writes
            except BaseException:
                writer.execute("ROLLBACK")
                raise
            writer.execute("COMMIT")

    @asynccontextmanager
    async def _pg(self, *, transaction: bool) -> AsyncIterator[SqlTransaction]:
        assert self.database.pg_pool is not None
        async with self.database.pg_pool.acquire() as conn:
            if not transaction:
                yield SqlTransaction(PgRunner(conn))
                return
            async with conn.transaction():
                yield SqlTransaction(PgRunner(conn))


class _Ready:
    """An async context manager that hands out a value and does nothing else."""

    __slots__ = ("_value",)

    def __init__(self, value: SqlTransaction) -> None:
        self._value = value

    async def __aenter__(self) -> SqlTransaction:
        return self._value

    async def __aexit__(self, *_exc: object) -> None:
        return None


def _access_key(row: Row) -> AccessKeyRecord:
    return AccessKeyRecord(
        access_key_id=row[0], secret_sealed=bytes(row[1]), description=row[2], created_ms=row[3]
    )


def _pool_values(record: UserPoolRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "region": record.region,
        "name": record.name,
        "config": dumps(record.config),
        "lambda_config": dumps(object_member(record.config, "LambdaConfig")),
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
        "version": record.version,
    }


def _pool(row: Row) -> UserPoolRecord:
    return UserPoolRecord(
        id=row[0],
        region=row[1],
        name=row[2],
        config=loads_object(row[3]),
        created_ms=row[5],
        updated_ms=row[6],
        version=row[7],
    )


def _pool_summary(row: Row) -> UserPoolSummary:
    return UserPoolSummary(
        id=row[0],
        name=row[1],
        lambda_config=loads_object(row[2]),
        created_ms=row[3],
        updated_ms=row[4],
    )


def _client_values(record: ClientRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "pool_id": record.pool_id,
        "name": record.name,
        "config": dumps(record.config),
        "secret_sealed": record.secret_sealed,
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
        "version": record.version,
    }


def _client(row: Row) -> ClientRecord:
    return ClientRecord(
        id=row[0],
        pool_id=row[1],
        name=row[2],
        config=loads_object(row[3]),
        secret_sealed=None if row[4] is None else bytes(row[4]),
        created_ms=row[5],
        updated_ms=row[6],
        version=row[7],
    )
