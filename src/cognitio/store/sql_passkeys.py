"""Passkeys, in SQL."""

from __future__ import annotations

import orjson

from cognitio.store.records import PasskeyRecord
from cognitio.store.repositories import Cursor
from cognitio.store.sqlbase import Query, Row, Runner

_COLUMNS = (
    "credential_id, pool_id, sub, public_key, sign_count, relying_party_id, name, attachment, "
    "transports, created_ms, used_ms"
)
_INSERT = Query(
    f"INSERT INTO passkeys ({_COLUMNS}) VALUES (:credential_id, :pool_id, :sub, :public_key, "
    ":sign_count, :relying_party_id, :name, :attachment, :transports, :created_ms, :used_ms) "
    "ON CONFLICT DO NOTHING"
)
_GET = Query(f"SELECT {_COLUMNS} FROM passkeys WHERE credential_id = :credential_id")
_OF_USER = Query(
    f"SELECT {_COLUMNS} FROM passkeys WHERE sub = :sub ORDER BY created_ms, credential_id"
)
_PAGE = Query(
    f"SELECT {_COLUMNS} FROM passkeys WHERE sub = :sub "
    "ORDER BY created_ms, credential_id LIMIT :limit"
)
_PAGE_AFTER = Query(
    f"SELECT {_COLUMNS} FROM passkeys WHERE sub = :sub AND (created_ms > :after_ms "
    "OR (created_ms = :after_ms AND credential_id > :after_id)) "
    "ORDER BY created_ms, credential_id LIMIT :limit"
)
_COUNT = Query("SELECT COUNT(*) FROM passkeys WHERE sub = :sub")
# The counter only moves forward, even when two nodes check one assertion at once.
_USED = Query(
    "UPDATE passkeys SET sign_count = :sign_count, used_ms = :now "
    "WHERE credential_id = :credential_id AND (sign_count < :sign_count OR sign_count = 0)"
)
_DELETE = Query("DELETE FROM passkeys WHERE sub = :sub AND credential_id = :credential_id")


def _passkey(row: Row) -> PasskeyRecord:
    return PasskeyRecord(
        credential_id=row[0],
        pool_id=row[1],
        sub=row[2],
        public_key=bytes(row[3]),
        sign_count=int(row[4]),
        relying_party_id=row[5],
        name=row[6],
        attachment=row[7],
        transports=list(orjson.loads(row[8])),
        created_ms=int(row[9]),
        used_ms=None if row[10] is None else int(row[10]),
    )


class SqlPasskeyRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def insert(self, record: PasskeyRecord) -> bool:
        params = {
            "credential_id": record.credential_id,
            "pool_id": record.pool_id,
            "sub": record.sub,
            "public_key": record.public_key,
            "sign_count": record.sign_count,
            "relying_party_id": record.relying_party_id,
            "name": record.name,
            "attachment": record.attachment,
            "transports": orjson.dumps(record.transports).decode(),
            "created_ms": record.created_ms,
            "used_ms": record.used_ms,
        }
        return await self._sql.run(_INSERT, params) == 1

    async def get(self, credential_id: str) -> PasskeyRecord | None:
        row = await self._sql.one(_GET, {"credential_id": credential_id})
        return None if row is None else _passkey(row)

    async def of_user(self, sub: str) -> list[PasskeyRecord]:
        return [_passkey(row) for row in await self._sql.all(_OF_USER, {"sub": sub})]

    async def page(self, sub: str, after: Cursor | None, limit: int) -> list[PasskeyRecord]:
        params: dict[str, object] = {"sub": sub, "limit": limit}
        query = _PAGE
        if after is not None:
            params.update(after_ms=after[0], after_id=after[1])
            query = _PAGE_AFTER
        return [_passkey(row) for row in await self._sql.all(query, params)]

    async def count(self, sub: str) -> int:
        row = await self._sql.one(_COUNT, {"sub": sub})
        return 0 if row is None else int(row[0])

    async def used(self, credential_id: str, sign_count: int, now_ms: int) -> bool:
        params = {"credential_id": credential_id, "sign_count": sign_count, "now": now_ms}
        return await self._sql.run(_USED, params) == 1

    async def delete(self, sub: str, credential_id: str) -> bool:
        params = {"sub": sub, "credential_id": credential_id}
        return await self._sql.run(_DELETE, params) == 1
