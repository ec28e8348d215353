"""Users, their aliases, searchable values and one-time codes, in SQL."""

from __future__ import annotations

import orjson

from cognitio.store.records import CodeRecord, UserListing, UserRecord
from cognitio.store.sqlbase import Query, Row, Runner, dumps

# Indexed values are cut to this many characters; filters match on that prefix.
SEARCH_VALUE_CHARS = 512

_COLUMNS = (
    "sub, pool_id, username, username_key, status, enabled, attributes, password_hash, "
    "srp_sealed, password_set_ms, created_ms, updated_ms, version"
)
_LISTING = "sub, username, status, enabled, attributes, created_ms, updated_ms"
U_LISTING = ", ".join(f"u.{name.strip()}" for name in _LISTING.split(","))

_GET = Query(f"SELECT {_COLUMNS} FROM users WHERE sub = :sub")
_GET_LOCKED = Query(_GET.sqlite, pg_suffix=" FOR UPDATE")
_BY_NAME = Query(f"SELECT {_COLUMNS} FROM users WHERE pool_id = :pool_id AND username_key = :key")
_BY_NAME_LOCKED = Query(_BY_NAME.sqlite, pg_suffix=" FOR UPDATE")
_INSERT = Query(
    f"INSERT INTO users ({_COLUMNS}) VALUES (:sub, :pool_id, :username, :username_key, :status, "
    ":enabled, :attributes, :password_hash, :srp_sealed, :password_set_ms, :created_ms, "
    ":updated_ms, :version) ON CONFLICT DO NOTHING"
)
_UPDATE = Query(
    "UPDATE users SET status = :status, enabled = :enabled, attributes = :attributes, "
    "password_hash = :password_hash, srp_sealed = :srp_sealed, "
    "password_set_ms = :password_set_ms, updated_ms = :updated_ms, version = :version "
    "WHERE sub = :sub AND version = :expected"
)
_DELETE = Query("DELETE FROM users WHERE sub = :sub")
_COUNT = Query("SELECT count(*) FROM users WHERE pool_id = :pool_id")
_PAGE = Query(f"SELECT {_LISTING} FROM users WHERE pool_id = :pool_id ORDER BY sub LIMIT :limit")
_PAGE_AFTER = Query(
    f"SELECT {_LISTING} FROM users WHERE pool_id = :pool_id AND sub > :after_sub "
    "ORDER BY sub LIMIT :limit"
)
_SEARCH_JOIN = f"SELECT s.value, {U_LISTING} FROM user_search s JOIN users u ON u.sub = s.sub "
_SEARCH_EQ = Query(
    _SEARCH_JOIN + "WHERE s.pool_id = :pool_id AND s.name = :name AND s.value = :value "
    "AND s.sub > :after_sub ORDER BY s.value, s.sub LIMIT :limit"
)
# A prefix is the range [value, value + U+10FFFF): an index range scan on both databases. The
# next page starts the range at the last value shown, so the planner bounds the scan by it.
_SEARCH_PREFIX = Query(
    _SEARCH_JOIN + "WHERE s.pool_id = :pool_id AND s.name = :name AND s.value >= :low "
    "AND s.value < :high ORDER BY s.value, s.sub LIMIT :limit"
)
_SEARCH_PREFIX_AFTER = Query(
    _SEARCH_JOIN + "WHERE s.pool_id = :pool_id AND s.name = :name AND s.value >= :after_value "
    "AND s.value < :high AND (s.value > :after_value OR s.sub > :after_sub) "
    "ORDER BY s.value, s.sub LIMIT :limit"
)
_SEARCH_CLEAR = Query("DELETE FROM user_search WHERE sub = :sub")
_SEARCH_ADD = Query(
    "INSERT INTO user_search (pool_id, name, value, sub) VALUES (:pool_id, :name, :value, :sub) "
    "ON CONFLICT DO NOTHING"
)
_ALIAS_OWNER = Query(
    "SELECT sub FROM user_aliases WHERE pool_id = :pool_id AND kind = :kind "
    "AND value_key = :value_key"
)
_ALIAS_CLAIM = Query(
    "INSERT INTO user_aliases (pool_id, kind, value_key, sub) "
    "VALUES (:pool_id, :kind, :value_key, :sub) ON CONFLICT DO NOTHING"
)
_ALIAS_RELEASE = Query(
    "DELETE FROM user_aliases WHERE pool_id = :pool_id AND kind = :kind AND value_key = :value_key"
)
_ALIASES_RELEASE = Query("DELETE FROM user_aliases WHERE sub = :sub")
_ALIASES_RELEASE_KIND = Query("DELETE FROM user_aliases WHERE sub = :sub AND kind = :kind")
_HISTORY = Query(
    "SELECT password_hash FROM password_history WHERE sub = :sub "
    "ORDER BY created_ms DESC LIMIT :limit"
)
_HISTORY_ADD = Query(
    "INSERT INTO password_history (sub, created_ms, password_hash) "
    "VALUES (:sub, :created_ms, :password_hash) ON CONFLICT DO NOTHING"
)
_HISTORY_PRUNE = Query(
    "DELETE FROM password_history WHERE sub = :sub AND created_ms < ("
    "SELECT min(created_ms) FROM (SELECT created_ms FROM password_history WHERE sub = :sub "
    "ORDER BY created_ms DESC LIMIT :keep) AS newest)"
)
# PasswordHistorySize's maximum in the API reference.
HISTORY_KEPT = 24
_CODE_PUT = Query(
    "INSERT INTO user_codes (sub, purpose, code_hash, expires_ms, attempts, created_ms, "
    "pending_value) VALUES (:sub, :purpose, :code_hash, :expires_ms, :attempts, :created_ms, "
    ":pending_value) ON CONFLICT (sub, purpose) DO UPDATE SET code_hash = excluded.code_hash, "
    "expires_ms = excluded.expires_ms, attempts = excluded.attempts, "
    "created_ms = excluded.created_ms, pending_value = excluded.pending_value"
)
_CODE_GET = Query(
    "SELECT sub, purpose, code_hash, expires_ms, attempts, created_ms, pending_value "
    "FROM user_codes "
    "WHERE sub = :sub AND purpose = :purpose"
)
# Conditional: a code used up stays used up, however many guesses arrive at once.
_CODE_ATTEMPT = Query(
    "UPDATE user_codes SET attempts = attempts + 1 "
    "WHERE sub = :sub AND purpose = :purpose AND attempts < :most"
)
_CODE_DELETE = Query("DELETE FROM user_codes WHERE sub = :sub AND purpose = :purpose")


class SqlUserRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def insert(self, record: UserRecord) -> bool:
        return await self._sql.run(_INSERT, _values(record)) == 1

    async def get(self, sub: str, *, for_update: bool = False) -> UserRecord | None:
        row = await self._sql.one(_GET_LOCKED if for_update else _GET, {"sub": sub})
        return None if row is None else _user(row)

    async def by_username(
        self, pool_id: str, username_key: str, *, for_update: bool = False
    ) -> UserRecord | None:
        query = _BY_NAME_LOCKED if for_update else _BY_NAME
        row = await self._sql.one(query, {"pool_id": pool_id, "key": username_key})
        return None if row is None else _user(row)

    async def update(self, record: UserRecord) -> bool:
        params = _values(record)
        params["expected"] = record.version - 1
        return await self._sql.run(_UPDATE, params) == 1

    async def delete(self, sub: str) -> bool:
        return await self._sql.run(_DELETE, {"sub": sub}) == 1

    async def count(self, pool_id: str) -> int:
        row = await self._sql.one(_COUNT, {"pool_id": pool_id})
        return 0 if row is None else int(row[0])

    async def page(self, pool_id: str, after_sub: str | None, limit: int) -> list[UserListing]:
        params: dict[str, object] = {"pool_id": pool_id, "limit": limit}
        query = _PAGE
        if after_sub is not None:
            params["after_sub"] = after_sub
            query = _PAGE_AFTER
        return [listing(row) for row in await self._sql.all(query, params)]

    async def search(
        self,
        pool_id: str,
        name: str,
        value: str,
        *,
        prefix: bool,
        after: tuple[str, str] | None,
        limit: int,
    ) -> list[tuple[str, UserListing]]:
        value = value[:SEARCH_VALUE_CHARS]
        after_value, after_sub = after if after is not None else ("", "")
        params: dict[str, object] = {"pool_id": pool_id, "name": name, "limit": limit}
        if not prefix:
            params.update(value=value, after_sub=after_sub)
            query = _SEARCH_EQ
        elif after is None:
            params.update(low=value, high=value + "\U0010ffff")
            query = _SEARCH_PREFIX
        else:
            params.update(high=value + "\U0010ffff", after_value=after_value, after_sub=after_sub)
            query = _SEARCH_PREFIX_AFTER
        return [(row[0], listing(row[1:])) for row in await self._sql.all(query, params)]

    async def set_search_values(
        self, pool_id: str, sub: str, values: list[tuple[str, str]]
    ) -> None:
        await self._sql.run(_SEARCH_CLEAR, {"sub": sub})
        for name, value in values:
            params = {
                "pool_id": pool_id,
                "name": name,
                "value": value[:SEARCH_VALUE_CHARS],
                "sub": sub,
            }
            await self._sql.run(_SEARCH_ADD, params)

    async def alias_owner(self, pool_id: str, kind: str, value_key: str) -> str | None:
        params = {"pool_id": pool_id, "kind": kind, "value_key": value_key}
        row = await self._sql.one(_ALIAS_OWNER, params)
        return None if row is None else str(row[0])

    async def claim_alias(self, pool_id: str, kind: str, value_key: str, sub: str) -> bool:
        params = {"pool_id": pool_id, "kind": kind, "value_key": value_key, "sub": sub}
        if await self._sql.run(_ALIAS_CLAIM, params) == 1:
            return True
        return await self.alias_owner(pool_id, kind, value_key) == sub

    async def release_alias(self, pool_id: str, kind: str, value_key: str) -> None:
        params = {"pool_id": pool_id, "kind": kind, "value_key": value_key}
        await self._sql.run(_ALIAS_RELEASE, params)

    async def release_aliases(self, sub: str, kind: str | None = None) -> None:
        if kind is None:
            await self._sql.run(_ALIASES_RELEASE, {"sub": sub})
        else:
            await self._sql.run(_ALIASES_RELEASE_KIND, {"sub": sub, "kind": kind})

    async def recent_passwords(self, sub: str, limit: int) -> list[str]:
        rows = await self._sql.all(_HISTORY, {"sub": sub, "limit": limit})
        return [str(row[0]) for row in rows]

    async def remember_password(self, sub: str, password_hash: str, created_ms: int) -> None:
        params = {"sub": sub, "created_ms": created_ms, "password_hash": password_hash}
        await self._sql.run(_HISTORY_ADD, params)
        await self._sql.run(_HISTORY_PRUNE, {"sub": sub, "keep": HISTORY_KEPT})

    async def put_code(self, record: CodeRecord) -> None:
        params = {
            "sub": record.sub,
            "purpose": record.purpose,
            "code_hash": record.code_hash,
            "expires_ms": record.expires_ms,
            "attempts": record.attempts,
            "created_ms": record.created_ms,
            "pending_value": record.pending_value,
        }
        await self._sql.run(_CODE_PUT, params)

    async def get_code(self, sub: str, purpose: str) -> CodeRecord | None:
        row = await self._sql.one(_CODE_GET, {"sub": sub, "purpose": purpose})
        if row is None:
            return None
        return CodeRecord(
            sub=row[0],
            purpose=row[1],
            code_hash=row[2],
            expires_ms=row[3],
            attempts=row[4],
            created_ms=row[5],
            pending_value=row[6],
        )

    async def count_code_attempt(self, sub: str, purpose: str, most: int) -> bool:
        params = {"sub": sub, "purpose": purpose, "most": most}
        return await self._sql.run(_CODE_ATTEMPT, params) == 1

    async def delete_code(self, sub: str, purpose: str) -> None:
        await self._sql.run(_CODE_DELETE, {"sub": sub, "purpose": purpose})


def _values(record: UserRecord) -> dict[str, object]:
    return {
        "sub": record.sub,
        "pool_id": record.pool_id,
        "username": record.username,
        "username_key": record.username_key,
        "status": record.status,
        "enabled": record.enabled,
        "attributes": dumps(record.attributes),
        "password_hash": record.password_hash,
        "srp_sealed": record.srp_sealed,
        "password_set_ms": record.password_set_ms,
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
        "version": record.version,
    }


def _user(row: Row) -> UserRecord:
    return UserRecord(
        sub=row[0],
        pool_id=row[1],
        username=row[2],
        username_key=row[3],
        status=row[4],
        enabled=bool(row[5]),
        attributes=orjson.loads(row[6]),
        password_hash=row[7],
        srp_sealed=None if row[8] is None else bytes(row[8]),
        password_set_ms=row[9],
        created_ms=row[10],
        updated_ms=row[11],
        version=row[12],
    )


def listing(row: Row) -> UserListing:
    return UserListing(
        sub=row[0],
        username=row[1],
        status=row[2],
        enabled=bool(row[3]),
        attributes=orjson.loads(row[4]),
        created_ms=row[5],
        updated_ms=row[6],
    )
