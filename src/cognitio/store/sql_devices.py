"""Remembered devices, in SQL."""

from __future__ import annotations

from cognitio.store.records import DeviceRecord
from cognitio.store.repositories import Cursor
from cognitio.store.sqlbase import Query, Row, Runner

_COLUMNS = (
    "device_key, pool_id, sub, group_key, name, salt, verifier_sealed, remembered, created_ms, "
    "updated_ms, authenticated_ms"
)
_INSERT = Query(
    f"INSERT INTO devices ({_COLUMNS}) VALUES (:device_key, :pool_id, :sub, :group_key, :name, "
    ":salt, :verifier_sealed, :remembered, :created_ms, :updated_ms, :authenticated_ms)"
)
_GET = Query(f"SELECT {_COLUMNS} FROM devices WHERE device_key = :device_key")
# Only the devices a user confirmed are listed; the others are sign-ins that never set one up.
_PAGE = Query(
    f"SELECT {_COLUMNS} FROM devices WHERE sub = :sub AND verifier_sealed IS NOT NULL "
    "ORDER BY created_ms, device_key LIMIT :limit"
)
_PAGE_AFTER = Query(
    f"SELECT {_COLUMNS} FROM devices WHERE sub = :sub AND verifier_sealed IS NOT NULL "
    "AND (created_ms > :after_ms OR (created_ms = :after_ms AND device_key > :after_key)) "
    "ORDER BY created_ms, device_key LIMIT :limit"
)
_CONFIRM = Query(
    "UPDATE devices SET name = :name, salt = :salt, verifier_sealed = :verifier_sealed, "
    "remembered = :remembered, updated_ms = :now WHERE device_key = :device_key "
    "AND verifier_sealed IS NULL"
)
_SET_REMEMBERED = Query(
    "UPDATE devices SET remembered = :remembered, updated_ms = :now WHERE device_key = :device_key"
)
_DELETE = Query("DELETE FROM devices WHERE device_key = :device_key")
_PRUNE = Query(
    "DELETE FROM devices WHERE sub = :sub AND verifier_sealed IS NULL AND created_ms < :before_ms"
)
_ARM = Query(
    "UPDATE devices SET auth_pending_until_ms = :until_ms, auth_pending_by = :armed_by "
    "WHERE device_key = :device_key"
)
# Taking the arm and checking it are one statement: a sign-in's device step runs once. An
# answer with the sign-in's Session must be that sign-in's; one without (pycognito sends none)
# must come through the app client that armed the device, from the client address that did.
_TAKE = Query(
    "UPDATE devices SET auth_pending_until_ms = NULL, auth_pending_by = NULL "
    "WHERE device_key = :device_key AND auth_pending_until_ms >= :now "
    "AND (auth_pending_by = :armed_by "
    "OR (:any_session = 1 AND auth_pending_by LIKE :client_prefix))"
)
_AUTHENTICATED = Query("UPDATE devices SET authenticated_ms = :now WHERE device_key = :device_key")


def _device(row: Row) -> DeviceRecord:
    return DeviceRecord(
        device_key=row[0],
        pool_id=row[1],
        sub=row[2],
        group_key=row[3],
        name=row[4],
        salt=None if row[5] is None else bytes(row[5]),
        verifier_sealed=None if row[6] is None else bytes(row[6]),
        remembered=bool(row[7]),
        created_ms=int(row[8]),
        updated_ms=int(row[9]),
        authenticated_ms=None if row[10] is None else int(row[10]),
    )


class SqlDeviceRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def insert(self, record: DeviceRecord) -> None:
        await self._sql.run(
            _INSERT,
            {
                "device_key": record.device_key,
                "pool_id": record.pool_id,
                "sub": record.sub,
                "group_key": record.group_key,
                "name": record.name,
                "salt": record.salt,
                "verifier_sealed": record.verifier_sealed,
                "remembered": record.remembered,
                "created_ms": record.created_ms,
                "updated_ms": record.updated_ms,
                "authenticated_ms": record.authenticated_ms,
            },
        )

    async def get(self, device_key: str) -> DeviceRecord | None:
        row = await self._sql.one(_GET, {"device_key": device_key})
        return None if row is None else _device(row)

    async def page(self, sub: str, after: Cursor | None, limit: int) -> list[DeviceRecord]:
        params: dict[str, object] = {"sub": sub, "limit": limit}
        query = _PAGE
        if after is not None:
            params.update(after_ms=after[0], after_key=after[1])
            query = _PAGE_AFTER
        return [_device(row) for row in await self._sql.all(query, params)]

    async def confirm(
        self,
        device_key: str,
        *,
        name: str | None,
        salt: bytes,
        verifier_sealed: bytes,
        remembered: bool,
        now_ms: int,
    ) -> bool:
        params = {
            "device_key": device_key,
            "name": name,
            "salt": salt,
            "verifier_sealed": verifier_sealed,
            "remembered": remembered,
            "now": now_ms,
        }
        return await self._sql.run(_CONFIRM, params) == 1

    async def set_remembered(self, device_key: str, remembered: bool, now_ms: int) -> None:
        params = {"device_key": device_key, "remembered": remembered, "now": now_ms}
        await self._sql.run(_SET_REMEMBERED, params)

    async def delete(self, device_key: str) -> bool:
        return await self._sql.run(_DELETE, {"device_key": device_key}) == 1

    async def prune_unconfirmed(self, sub: str, before_ms: int) -> None:
        await self._sql.run(_PRUNE, {"sub": sub, "before_ms": before_ms})

    async def arm(self, device_key: str, until_ms: int, armed_by: str) -> None:
        params = {"device_key": device_key, "until_ms": until_ms, "armed_by": armed_by}
        await self._sql.run(_ARM, params)

    async def take_arm(
        self, device_key: str, now_ms: int, armed_by: str, *, any_session: bool = False
    ) -> bool:
        params = {
            "device_key": device_key,
            "now": now_ms,
            "armed_by": armed_by,
            "any_session": 1 if any_session else 0,
            # The client id and origin are letters, digits and hex: no LIKE wildcard in them.
            "client_prefix": f"{armed_by}%",
        }
        return await self._sql.run(_TAKE, params) == 1

    async def authenticated(self, device_key: str, now_ms: int) -> None:
        await self._sql.run(_AUTHENTICATED, {"device_key": device_key, "now": now_ms})
