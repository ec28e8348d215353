"""Resource servers and user pool domains, in SQL."""

from __future__ import annotations

import orjson

from cognitio.store.records import DomainRecord, ResourceServerRecord
from cognitio.store.sqlbase import Query, Row, Runner

_SERVER_COLUMNS = "pool_id, identifier, name, scopes, created_ms"
_SERVER_INSERT = Query(
    f"INSERT INTO resource_servers ({_SERVER_COLUMNS}) VALUES (:pool_id, :identifier, :name, "
    ":scopes, :created_ms) ON CONFLICT DO NOTHING"
)
_SERVER_GET = Query(
    f"SELECT {_SERVER_COLUMNS} FROM resource_servers "
    "WHERE pool_id = :pool_id AND identifier = :identifier"
)
_SERVER_UPDATE = Query(
    "UPDATE resource_servers SET name = :name, scopes = :scopes "
    "WHERE pool_id = :pool_id AND identifier = :identifier"
)
_SERVER_DELETE = Query(
    "DELETE FROM resource_servers WHERE pool_id = :pool_id AND identifier = :identifier"
)
_SERVER_PAGE = Query(
    f"SELECT {_SERVER_COLUMNS} FROM resource_servers WHERE pool_id = :pool_id "
    "AND identifier > :after ORDER BY identifier LIMIT :limit"
)
_DOMAIN_COLUMNS = "domain, pool_id, custom, certificate_arn, managed_login_version, created_ms"
_DOMAIN_INSERT = Query(
    f"INSERT INTO user_pool_domains ({_DOMAIN_COLUMNS}) VALUES (:domain, :pool_id, :custom, "
    ":certificate_arn, :managed_login_version, :created_ms) ON CONFLICT DO NOTHING"
)
_DOMAIN_GET = Query(f"SELECT {_DOMAIN_COLUMNS} FROM user_pool_domains WHERE domain = :domain")
_DOMAINS_OF = Query(
    f"SELECT {_DOMAIN_COLUMNS} FROM user_pool_domains WHERE pool_id = :pool_id ORDER BY custom"
)
_DOMAIN_UPDATE = Query(
    "UPDATE user_pool_domains SET certificate_arn = :certificate_arn, "
    "managed_login_version = :managed_login_version WHERE domain = :domain"
)
_DOMAIN_DELETE = Query("DELETE FROM user_pool_domains WHERE domain = :domain")


def _server(row: Row) -> ResourceServerRecord:
    return ResourceServerRecord(
        pool_id=row[0],
        identifier=row[1],
        name=row[2],
        scopes=list(orjson.loads(row[3])),
        created_ms=int(row[4]),
    )


def _domain(row: Row) -> DomainRecord:
    return DomainRecord(
        domain=row[0],
        pool_id=row[1],
        custom=bool(row[2]),
        certificate_arn=row[3],
        managed_login_version=int(row[4]),
        created_ms=int(row[5]),
    )


class SqlOAuthRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def insert_server(self, record: ResourceServerRecord) -> bool:
        params = {
            "pool_id": record.pool_id,
            "identifier": record.identifier,
            "name": record.name,
            "scopes": orjson.dumps(record.scopes).decode(),
            "created_ms": record.created_ms,
        }
        return await self._sql.run(_SERVER_INSERT, params) == 1

    async def server(self, pool_id: str, identifier: str) -> ResourceServerRecord | None:
        row = await self._sql.one(_SERVER_GET, {"pool_id": pool_id, "identifier": identifier})
        return None if row is None else _server(row)

    async def update_server(self, record: ResourceServerRecord) -> bool:
        params = {
            "pool_id": record.pool_id,
            "identifier": record.identifier,
            "name": record.name,
            "scopes": orjson.dumps(record.scopes).decode(),
        }
        return await self._sql.run(_SERVER_UPDATE, params) == 1

    async def delete_server(self, pool_id: str, identifier: str) -> bool:
        params = {"pool_id": pool_id, "identifier": identifier}
        return await self._sql.run(_SERVER_DELETE, params) == 1

    async def servers(
        self, pool_id: str, after: str | None, limit: int
    ) -> list[ResourceServerRecord]:
        params = {"pool_id": pool_id, "after": after or "", "limit": limit}
        return [_server(row) for row in await self._sql.all(_SERVER_PAGE, params)]

    async def insert_domain(self, record: DomainRecord) -> bool:
        params = {
            "domain": record.domain,
            "pool_id": record.pool_id,
            "custom": record.custom,
            "certificate_arn": record.certificate_arn,
            "managed_login_version": record.managed_login_version,
            "created_ms": record.created_ms,
        }
        return await self._sql.run(_DOMAIN_INSERT, params) == 1

    async def domain(self, domain: str) -> DomainRecord | None:
        row = await self._sql.one(_DOMAIN_GET, {"domain": domain})
        return None if row is None else _domain(row)

    async def domains_of(self, pool_id: str) -> list[DomainRecord]:
        return [_domain(row) for row in await self._sql.all(_DOMAINS_OF, {"pool_id": pool_id})]

    async def update_domain(self, record: DomainRecord) -> bool:
        params = {
            "domain": record.domain,
            "certificate_arn": record.certificate_arn,
            "managed_login_version": record.managed_login_version,
        }
        return await self._sql.run(_DOMAIN_UPDATE, params) == 1

    async def delete_domain(self, domain: str) -> bool:
        return await self._sql.run(_DOMAIN_DELETE, {"domain": domain}) == 1
