"""Identity providers, their identifiers and the pools' SAML signing certificates, in SQL."""

from __future__ import annotations

import orjson

from cognitio.store.records import IdentityProviderRecord, SamlCertificateRecord
from cognitio.store.sqlbase import Query, Row, Runner, dumps, loads_object

_COLUMNS = (
    "pool_id, name, id, type, details, secrets_sealed, attribute_mapping, identifiers, "
    "metadata_xml, created_ms, updated_ms, metadata_fetched_ms, metadata_tried_ms"
)
_P_COLUMNS = ", ".join(f"p.{name.strip()}" for name in _COLUMNS.split(","))
_INSERT = Query(
    f"INSERT INTO identity_providers ({_COLUMNS}) VALUES (:pool_id, :name, :id, :type, :details, "
    ":secrets_sealed, :attribute_mapping, :identifiers, :metadata_xml, :created_ms, :updated_ms, "
    ":metadata_fetched_ms, :metadata_tried_ms) "
    "ON CONFLICT DO NOTHING"
)
_GET = Query(f"SELECT {_COLUMNS} FROM identity_providers WHERE pool_id = :pool_id AND name = :name")
_GET_LOCKED = Query(_GET.sqlite, pg_suffix=" FOR UPDATE")
_BY_IDENTIFIER = Query(
    f"SELECT {_P_COLUMNS} FROM identity_provider_identifiers i "
    "JOIN identity_providers p ON p.pool_id = i.pool_id AND p.name = i.provider_name "
    "WHERE i.pool_id = :pool_id AND i.identifier = :identifier"
)
_UPDATE = Query(
    "UPDATE identity_providers SET details = :details, secrets_sealed = :secrets_sealed, "
    "attribute_mapping = :attribute_mapping, identifiers = :identifiers, "
    "metadata_xml = :metadata_xml, updated_ms = :updated_ms, "
    "metadata_fetched_ms = :metadata_fetched_ms, metadata_tried_ms = :metadata_tried_ms "
    "WHERE pool_id = :pool_id AND name = :name"
)
# Compare-and-set on the last try, so one caller of all the nodes fetches.
_CLAIM_REFRESH = Query(
    "UPDATE identity_providers SET metadata_tried_ms = :now_ms "
    "WHERE pool_id = :pool_id AND name = :name AND COALESCE(metadata_tried_ms, -1) = :tried_ms"
)
_DELETE = Query("DELETE FROM identity_providers WHERE pool_id = :pool_id AND name = :name")
_PAGE = Query(
    f"SELECT {_COLUMNS} FROM identity_providers WHERE pool_id = :pool_id AND name > :after "
    "ORDER BY name LIMIT :limit"
)
_COUNT = Query("SELECT count(*) FROM identity_providers WHERE pool_id = :pool_id")
_RELEASE = Query(
    "DELETE FROM identity_provider_identifiers WHERE pool_id = :pool_id AND provider_name = :name"
)
_CLAIM = Query(
    "INSERT INTO identity_provider_identifiers (pool_id, identifier, provider_name) "
    "VALUES (:pool_id, :identifier, :name) ON CONFLICT DO NOTHING"
)
_CERT_GET = Query(
    "SELECT pool_id, certificate, private_sealed, created_ms FROM saml_signing_certificates "
    "WHERE pool_id = :pool_id"
)
_CERT_INSERT = Query(
    "INSERT INTO saml_signing_certificates (pool_id, certificate, private_sealed, created_ms) "
    "VALUES (:pool_id, :certificate, :private_sealed, :created_ms) ON CONFLICT DO NOTHING"
)


def _texts(document: object) -> dict[str, str]:
    """A stored object of strings read back."""
    return {key: str(value) for key, value in loads_object(str(document)).items()}


def _provider(row: Row) -> IdentityProviderRecord:
    identifiers = orjson.loads(row[7])
    return IdentityProviderRecord(
        pool_id=row[0],
        name=row[1],
        id=row[2],
        type=row[3],
        details=_texts(row[4]),
        secrets_sealed=None if row[5] is None else bytes(row[5]),
        attribute_mapping=_texts(row[6]),
        identifiers=[str(item) for item in identifiers] if isinstance(identifiers, list) else [],
        metadata_xml=row[8],
        created_ms=int(row[9]),
        updated_ms=int(row[10]),
        metadata_fetched_ms=None if row[11] is None else int(row[11]),
        metadata_tried_ms=None if row[12] is None else int(row[12]),
    )


def _values(record: IdentityProviderRecord) -> dict[str, object]:
    return {
        "pool_id": record.pool_id,
        "name": record.name,
        "id": record.id,
        "type": record.type,
        "details": dumps(dict(record.details)),
        "secrets_sealed": record.secrets_sealed,
        "attribute_mapping": dumps(dict(record.attribute_mapping)),
        "identifiers": orjson.dumps(record.identifiers).decode(),
        "metadata_xml": record.metadata_xml,
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
        "metadata_fetched_ms": record.metadata_fetched_ms,
        "metadata_tried_ms": record.metadata_tried_ms,
    }


class SqlIdentityProviderRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def insert(self, record: IdentityProviderRecord) -> bool:
        return await self._sql.run(_INSERT, _values(record)) == 1

    async def claim_identifiers(self, pool_id: str, name: str, identifiers: list[str]) -> bool:
        await self._sql.run(_RELEASE, {"pool_id": pool_id, "name": name})
        for identifier in identifiers:
            params = {"pool_id": pool_id, "identifier": identifier, "name": name}
            if await self._sql.run(_CLAIM, params) != 1:
                return False
        return True

    async def get(
        self, pool_id: str, name: str, *, for_update: bool = False
    ) -> IdentityProviderRecord | None:
        query = _GET_LOCKED if for_update else _GET
        row = await self._sql.one(query, {"pool_id": pool_id, "name": name})
        return None if row is None else _provider(row)

    async def by_identifier(self, pool_id: str, identifier: str) -> IdentityProviderRecord | None:
        row = await self._sql.one(_BY_IDENTIFIER, {"pool_id": pool_id, "identifier": identifier})
        return None if row is None else _provider(row)

    async def update(self, record: IdentityProviderRecord) -> bool:
        params = _values(record)
        for fixed in ("id", "type", "created_ms"):
            del params[fixed]
        return await self._sql.run(_UPDATE, params) == 1

    async def claim_metadata_refresh(
        self, pool_id: str, name: str, tried_ms: int | None, now_ms: int
    ) -> bool:
        seen = -1 if tried_ms is None else tried_ms
        params = {"pool_id": pool_id, "name": name, "tried_ms": seen, "now_ms": now_ms}
        return await self._sql.run(_CLAIM_REFRESH, params) == 1

    async def delete(self, pool_id: str, name: str) -> bool:
        # The identifiers go with it (ON DELETE CASCADE).
        return await self._sql.run(_DELETE, {"pool_id": pool_id, "name": name}) == 1

    async def page(
        self, pool_id: str, after: str | None, limit: int
    ) -> list[IdentityProviderRecord]:
        params = {"pool_id": pool_id, "after": after or "", "limit": limit}
        return [_provider(row) for row in await self._sql.all(_PAGE, params)]

    async def count(self, pool_id: str) -> int:
        row = await self._sql.one(_COUNT, {"pool_id": pool_id})
        return 0 if row is None else int(row[0])

    async def signing_certificate(self, pool_id: str) -> SamlCertificateRecord | None:
        row = await self._sql.one(_CERT_GET, {"pool_id": pool_id})
        if row is None:
            return None
        return SamlCertificateRecord(
            pool_id=row[0], certificate=row[1], private_sealed=bytes(row[2]), created_ms=row[3]
        )

    async def insert_signing_certificate(self, record: SamlCertificateRecord) -> bool:
        params = {
            "pool_id": record.pool_id,
            "certificate": record.certificate,
            "private_sealed": record.private_sealed,
            "created_ms": record.created_ms,
        }
        return await self._sql.run(_CERT_INSERT, params) == 1
