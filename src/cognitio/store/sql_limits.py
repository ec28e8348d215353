"""Attempt counters and rate-limit buckets, in SQL: each check is one atomic statement.

Counting first and checking the count that comes back (``INSERT ... ON CONFLICT DO UPDATE ...
RETURNING``) leaves no window between reading a counter and raising it, on one node or many.
"""

from __future__ import annotations

from cognitio.store.repositories import FailureState
from cognitio.store.sqlbase import Query, Runner

# Password failures (the table Cognito's lockout always used), second-factor failures, and the
# password failures of names that belong to no user.
FAILURE_TABLES = ("sign_in_failures", "mfa_failures", "decoy_failures")


def _count(table: str) -> Query:
    # A locked row comes back unchanged (the attempt is refused and not counted); otherwise the
    # attempt is counted before it is checked, so parallel attempts see each other's counts.
    return Query(
        f"INSERT INTO {table} (sub, failures, last_failure_ms, locked_until_ms) "
        "VALUES (:sub, 1, :now, 0) ON CONFLICT (sub) DO UPDATE SET "
        f"failures = CASE WHEN {table}.locked_until_ms > :now THEN {table}.failures "
        f"WHEN {table}.last_failure_ms < :quiet_before THEN 1 ELSE {table}.failures + 1 END, "
        f"last_failure_ms = CASE WHEN {table}.locked_until_ms > :now "
        f"THEN {table}.last_failure_ms ELSE :now END "
        "RETURNING failures, locked_until_ms"
    )


_COUNT = {table: _count(table) for table in FAILURE_TABLES}
_LOCK = {
    table: Query(f"UPDATE {table} SET locked_until_ms = :until WHERE sub = :sub")
    for table in FAILURE_TABLES
}
# Taking back an attempt that turned out right also lifts the lock it set, if it set one.
_UNCOUNT = {
    table: Query(
        f"UPDATE {table} SET failures = failures - 1, locked_until_ms = CASE "
        "WHEN failures <= :free THEN 0 ELSE locked_until_ms END WHERE sub = :sub AND failures > 0"
    )
    for table in FAILURE_TABLES
}
_CLEAR = {table: Query(f"DELETE FROM {table} WHERE sub = :sub") for table in FAILURE_TABLES}
_PRUNE_FAILURES = {
    table: Query(
        f"DELETE FROM {table} WHERE last_failure_ms < :quiet_since AND locked_until_ms < :now"
    )
    for table in FAILURE_TABLES
}


# Parameter names are letters only (sqlbase numbers ":name" for PostgreSQL by that pattern).
_LETTERS = "abcde"


def _take(buckets: int) -> Query:
    """GCRA over ``buckets`` rows at once: a row comes back when its bucket had room."""
    rows = ", ".join(f"(:b_{n}, :t_{n}, :i_{n}, :o_{n})" for n in _LETTERS[:buckets])
    return Query(
        f"INSERT INTO rate_limits (bucket, tat_ms, interval_ms, tolerance_ms) VALUES {rows} "
        "ON CONFLICT (bucket) DO UPDATE SET "
        "tat_ms = CASE WHEN rate_limits.tat_ms > :now THEN rate_limits.tat_ms ELSE :now END "
        "+ excluded.interval_ms, "
        "interval_ms = excluded.interval_ms, tolerance_ms = excluded.tolerance_ms "
        "WHERE rate_limits.tat_ms - :now <= excluded.tolerance_ms "
        "RETURNING bucket"
    )


_MAX_BUCKETS = 5
_TAKE = {n: _take(n) for n in range(1, _MAX_BUCKETS + 1)}
_PRUNE = Query("DELETE FROM rate_limits WHERE tat_ms < :before")


class _Repository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql


class SqlSignInFailures(_Repository):
    async def count(self, table: str, sub: str, now_ms: int, quiet_before_ms: int) -> FailureState:
        """Count an attempt unless the user is locked."""
        params = {"sub": sub, "now": now_ms, "quiet_before": quiet_before_ms}
        row = await self._sql.one(_COUNT[table], params)
        assert row is not None  # an upsert with RETURNING always gives its row
        return FailureState(failures=int(row[0]), locked_until_ms=int(row[1]))

    async def lock(self, table: str, sub: str, until_ms: int) -> None:
        await self._sql.run(_LOCK[table], {"sub": sub, "until": until_ms})

    async def uncount(self, table: str, sub: str, free: int) -> None:
        """Take back one attempt; with ``free`` or fewer counted, lift the lock too."""
        await self._sql.run(_UNCOUNT[table], {"sub": sub, "free": free})

    async def clear(self, table: str, sub: str) -> None:
        await self._sql.run(_CLEAR[table], {"sub": sub})

    async def prune(self, table: str, quiet_since_ms: int, now_ms: int) -> None:
        await self._sql.run(_PRUNE_FAILURES[table], {"quiet_since": quiet_since_ms, "now": now_ms})


class SqlLimitRepository(_Repository):
    async def take(self, buckets: list[tuple[str, int, int]], now_ms: int) -> set[str]:
        """Take one token from each (name, interval ms, tolerance ms) bucket that has one;
        the names that had room. Names must differ; at most five per call."""
        params: dict[str, object] = {"now": now_ms}
        for n, (name, interval_ms, tolerance_ms) in zip(_LETTERS, buckets, strict=False):
            params[f"b_{n}"] = name
            params[f"t_{n}"] = now_ms + interval_ms
            params[f"i_{n}"] = interval_ms
            params[f"o_{n}"] = tolerance_ms
        rows = await self._sql.all(_TAKE[len(buckets)], params)
        return {str(row[0]) for row in rows}

    async def prune(self, before_ms: int) -> None:
        """Forget buckets that are full again (a missing row is a full bucket)."""
        await self._sql.run(_PRUNE, {"before": before_ms})
