"""Resource servers and user pool domains, in SQL."""

from __future__ import annotations

import orjson

from cognitio.store.records import (
    BrandingRecord,
    DomainRecord,
    ResourceServerRecord,
    UiCustomizationRecord,
)
from cognitio.store.sqlbase import Query, Row, Runner, loads_object

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


_UI_COLUMNS = "pool_id, client_id, css, image, created_ms, updated_ms"
_UI_PUT = Query(
    f"INSERT INTO ui_customizations ({_UI_COLUMNS}) VALUES (:pool_id, :client_id, :css, :image, "
    ":created_ms, :updated_ms) ON CONFLICT (pool_id, client_id) DO UPDATE SET "
    "css = excluded.css, image = excluded.image, updated_ms = excluded.updated_ms"
)
_UI_GET = Query(
    f"SELECT {_UI_COLUMNS} FROM ui_customizations WHERE pool_id = :pool_id "
    "AND client_id = :client_id"
)
_BRANDING_COLUMNS = (
    "branding_id, pool_id, client_id, use_defaults, settings, assets, created_ms, updated_ms"
)
_BRANDING_INSERT = Query(
    f"INSERT INTO login_brandings ({_BRANDING_COLUMNS}) VALUES (:branding_id, :pool_id, "
    ":client_id, :use_defaults, :settings, :assets, :created_ms, :updated_ms) "
    "ON CONFLICT DO NOTHING"
)
_BRANDING_GET = Query(
    f"SELECT {_BRANDING_COLUMNS} FROM login_brandings WHERE pool_id = :pool_id "
    "AND branding_id = :branding_id"
)
_BRANDING_OF = Query(
    f"SELECT {_BRANDING_COLUMNS} FROM login_brandings WHERE pool_id = :pool_id "
    "AND client_id = :client_id"
)
_BRANDING_UPDATE = Query(
    "UPDATE login_brandings SET use_defaults = :use_defaults, settings = :settings, "
    "assets = :assets, updated_ms = :updated_ms WHERE branding_id = :branding_id"
)
_BRANDING_DELETE = Query(
    "DELETE FROM login_brandings WHERE pool_id = :pool_id AND branding_id = :branding_id"
)


def _branding(row: Row) -> BrandingRecord:
    return BrandingRecord(
        branding_id=row[0],
        pool_id=row[1],
        client_id=row[2],
        use_defaults=bool(row[3]),
        settings=None if row[4] is None else loads_object(row[4]),
        assets=list(orjson.loads(row[5])),
        created_ms=int(row[6]),
        updated_ms=int(row[7]),
    )


def _branding_values(record: BrandingRecord) -> dict[str, object]:
    return {
        "branding_id": record.branding_id,
        "pool_id": record.pool_id,
        "client_id": record.client_id,
        "use_defaults": record.use_defaults,
        "settings": None if record.settings is None else orjson.dumps(record.settings).decode(),
        "assets": orjson.dumps(record.assets).decode(),
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
    }


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

    async def put_ui(self, record: UiCustomizationRecord) -> None:
        params = {
            "pool_id": record.pool_id,
            "client_id": record.client_id,
            "css": record.css,
            "image": record.image,
            "created_ms": record.created_ms,
            "updated_ms": record.updated_ms,
        }
        await self._sql.run(_UI_PUT, params)

    async def ui(self, pool_id: str, client_id: str) -> UiCustomizationRecord | None:
        row = await self._sql.one(_UI_GET, {"pool_id": pool_id, "client_id": client_id})
        if row is None:
            return None
        return UiCustomizationRecord(
            pool_id=row[0],
            client_id=row[1],
            css=row[2],
            image=None if row[3] is None else bytes(row[3]),
            created_ms=int(row[4]),
            updated_ms=int(row[5]),
        )

    async def insert_branding(self, record: BrandingRecord) -> bool:
        return await self._sql.run(_BRANDING_INSERT, _branding_values(record)) == 1

    async def branding(self, pool_id: str, branding_id: str) -> BrandingRecord | None:
        params = {"pool_id": pool_id, "branding_id": branding_id}
        row = await self._sql.one(_BRANDING_GET, params)
        return None if row is None else _branding(row)

    async def branding_of(self, pool_id: str, client_id: str) -> BrandingRecord | None:
        row = await self._sql.one(_BRANDING_OF, {"pool_id": pool_id, "client_id": client_id})
        return None if row is None else _branding(row)

    async def update_branding(self, record: BrandingRecord) -> bool:
        params = _branding_values(record)
        for unused in ("pool_id", "client_id", "created_ms"):
            del params[unused]
        return await self._sql.run(_BRANDING_UPDATE, params) == 1

    async def delete_branding(self, pool_id: str, branding_id: str) -> bool:
        params = {"pool_id": pool_id, "branding_id": branding_id}
        return await self._sql.run(_BRANDING_DELETE, params) == 1
