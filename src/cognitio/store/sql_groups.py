"""Groups and their members, in SQL."""

from __future__ import annotations

from cognitio.store.records import GroupRecord, UserListing
from cognitio.store.sql_users import U_LISTING, listing
from cognitio.store.sqlbase import Query, Row, Runner

_COLUMNS = "pool_id, name, description, role_arn, precedence, created_ms, updated_ms"
_G_COLUMNS = ", ".join(f"g.{name.strip()}" for name in _COLUMNS.split(","))
_INSERT = Query(
    f"INSERT INTO user_groups ({_COLUMNS}) VALUES (:pool_id, :name, :description, :role_arn, "
    ":precedence, :created_ms, :updated_ms) ON CONFLICT DO NOTHING"
)
_GET = Query(f"SELECT {_COLUMNS} FROM user_groups WHERE pool_id = :pool_id AND name = :name")
_UPDATE = Query(
    "UPDATE user_groups SET description = :description, role_arn = :role_arn, "
    "precedence = :precedence, updated_ms = :updated_ms WHERE pool_id = :pool_id AND name = :name"
)
_DELETE = Query("DELETE FROM user_groups WHERE pool_id = :pool_id AND name = :name")
_PAGE = Query(
    f"SELECT {_COLUMNS} FROM user_groups WHERE pool_id = :pool_id AND name > :after "
    "ORDER BY name LIMIT :limit"
)
_ADD = Query(
    "INSERT INTO group_members (pool_id, group_name, sub) VALUES (:pool_id, :name, :sub) "
    "ON CONFLICT DO NOTHING"
)
_REMOVE = Query(
    "DELETE FROM group_members WHERE pool_id = :pool_id AND group_name = :name AND sub = :sub"
)
_OF_USER_JOIN = (
    f"SELECT {_G_COLUMNS} FROM group_members m "
    "JOIN user_groups g ON g.pool_id = m.pool_id AND g.name = m.group_name "
)
_OF_USER = Query(_OF_USER_JOIN + "WHERE m.sub = :sub ORDER BY g.name")
_OF_USER_PAGE = Query(
    _OF_USER_JOIN + "WHERE m.sub = :sub AND g.name > :after ORDER BY g.name LIMIT :limit"
)
_MEMBERS = Query(
    f"SELECT {U_LISTING} FROM group_members m JOIN users u ON u.sub = m.sub "
    "WHERE m.pool_id = :pool_id AND m.group_name = :name AND m.sub > :after "
    "ORDER BY m.sub LIMIT :limit"
)


def _group(row: Row) -> GroupRecord:
    return GroupRecord(
        pool_id=row[0],
        name=row[1],
        description=row[2],
        role_arn=row[3],
        precedence=None if row[4] is None else int(row[4]),
        created_ms=int(row[5]),
        updated_ms=int(row[6]),
    )


def _values(record: GroupRecord) -> dict[str, object]:
    return {
        "pool_id": record.pool_id,
        "name": record.name,
        "description": record.description,
        "role_arn": record.role_arn,
        "precedence": record.precedence,
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
    }


class SqlGroupRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def insert(self, record: GroupRecord) -> bool:
        return await self._sql.run(_INSERT, _values(record)) == 1

    async def get(self, pool_id: str, name: str) -> GroupRecord | None:
        row = await self._sql.one(_GET, {"pool_id": pool_id, "name": name})
        return None if row is None else _group(row)

    async def update(self, record: GroupRecord) -> bool:
        params = _values(record)
        del params["created_ms"]
        return await self._sql.run(_UPDATE, params) == 1

    async def delete(self, pool_id: str, name: str) -> bool:
        return await self._sql.run(_DELETE, {"pool_id": pool_id, "name": name}) == 1

    async def page(self, pool_id: str, after: str | None, limit: int) -> list[GroupRecord]:
        params = {"pool_id": pool_id, "after": after or "", "limit": limit}
        return [_group(row) for row in await self._sql.all(_PAGE, params)]

    async def add_member(self, pool_id: str, name: str, sub: str) -> None:
        await self._sql.run(_ADD, {"pool_id": pool_id, "name": name, "sub": sub})

    async def remove_member(self, pool_id: str, name: str, sub: str) -> None:
        await self._sql.run(_REMOVE, {"pool_id": pool_id, "name": name, "sub": sub})

    async def of_user(self, sub: str) -> list[GroupRecord]:
        return [_group(row) for row in await self._sql.all(_OF_USER, {"sub": sub})]

    async def of_user_page(self, sub: str, after: str | None, limit: int) -> list[GroupRecord]:
        params = {"sub": sub, "after": after or "", "limit": limit}
        return [_group(row) for row in await self._sql.all(_OF_USER_PAGE, params)]

    async def members(
        self, pool_id: str, name: str, after_sub: str | None, limit: int
    ) -> list[UserListing]:
        params = {"pool_id": pool_id, "name": name, "after": after_sub or "", "limit": limit}
        return [listing(row) for row in await self._sql.all(_MEMBERS, params)]
