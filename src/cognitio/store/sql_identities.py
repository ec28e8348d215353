"""External identities and the users they sign in as, in SQL."""

from __future__ import annotations

from cognitio.store.records import SUBJECT_ATTRIBUTE, UserIdentityRecord
from cognitio.store.sqlbase import Query, Row, Runner

_COLUMNS = "pool_id, provider_name, provider_user_id, sub, created_ms, attribute_name"
_KEY = (
    "pool_id = :pool_id AND provider_name = :provider_name AND attribute_name = :attribute_name "
    "AND provider_user_id = :user_id"
)
_LINK = Query(
    f"INSERT INTO user_identities ({_COLUMNS}) VALUES (:pool_id, :provider_name, :user_id, "
    ":sub, :created_ms, :attribute_name) ON CONFLICT DO NOTHING"
)
_OWNER = Query(f"SELECT sub FROM user_identities WHERE {_KEY}")
_LINKED_ATTRIBUTES = Query(
    "SELECT DISTINCT attribute_name FROM user_identities WHERE pool_id = :pool_id "
    "AND provider_name = :provider_name AND attribute_name <> :subject ORDER BY attribute_name"
)
_OF_USER = Query(
    f"SELECT {_COLUMNS} FROM user_identities WHERE sub = :sub "
    "ORDER BY created_ms, provider_name, attribute_name, provider_user_id"
)
_UNLINK = Query(f"DELETE FROM user_identities WHERE {_KEY}")


def _identity(row: Row) -> UserIdentityRecord:
    return UserIdentityRecord(
        pool_id=row[0],
        provider_name=row[1],
        provider_user_id=row[2],
        sub=row[3],
        created_ms=int(row[4]),
        attribute_name=row[5],
    )


def _key(
    pool_id: str, provider_name: str, provider_user_id: str, attribute_name: str
) -> dict[str, object]:
    return {
        "pool_id": pool_id,
        "provider_name": provider_name,
        "user_id": provider_user_id,
        "attribute_name": attribute_name,
    }


class SqlUserIdentities:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def link(self, record: UserIdentityRecord) -> bool:
        values = _key(
            record.pool_id, record.provider_name, record.provider_user_id, record.attribute_name
        )
        values.update(sub=record.sub, created_ms=record.created_ms)
        return await self._sql.run(_LINK, values) == 1

    async def owner(
        self,
        pool_id: str,
        provider_name: str,
        provider_user_id: str,
        attribute_name: str = SUBJECT_ATTRIBUTE,
    ) -> str | None:
        key = _key(pool_id, provider_name, provider_user_id, attribute_name)
        row = await self._sql.one(_OWNER, key)
        return None if row is None else str(row[0])

    async def linked_attributes(self, pool_id: str, provider_name: str) -> list[str]:
        values = {"pool_id": pool_id, "provider_name": provider_name, "subject": SUBJECT_ATTRIBUTE}
        return [str(row[0]) for row in await self._sql.all(_LINKED_ATTRIBUTES, values)]

    async def of_user(self, sub: str) -> list[UserIdentityRecord]:
        return [_identity(row) for row in await self._sql.all(_OF_USER, {"sub": sub})]

    async def unlink(
        self,
        pool_id: str,
        provider_name: str,
        provider_user_id: str,
        attribute_name: str = SUBJECT_ATTRIBUTE,
    ) -> bool:
        key = _key(pool_id, provider_name, provider_user_id, attribute_name)
        return await self._sql.run(_UNLINK, key) == 1
