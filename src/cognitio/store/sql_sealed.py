"""The sealed columns of :mod:`cognitio.store.sealed`, read by pages and replaced one blob at a
time. A replacement names the old blob, so a row changed meanwhile (a new TOTP secret, a new
client secret) is left alone rather than overwritten."""

from __future__ import annotations

from cognitio.store.sealed import SEALED_COLUMNS, SealedColumn
from cognitio.store.sqlbase import Query, Runner


def _page(column: SealedColumn) -> Query:
    only = f" AND {column.key} = :only" if column.only_key is not None else ""
    return Query(
        f"SELECT {column.key}, {column.column} FROM {column.table} "
        f"WHERE {column.column} IS NOT NULL AND {column.key} > :after{only} "
        f"ORDER BY {column.key} LIMIT :limit"
    )


def _replace(column: SealedColumn) -> Query:
    return Query(
        f"UPDATE {column.table} SET {column.column} = :new "
        f"WHERE {column.key} = :key AND {column.column} = :old"
    )


# Built once, from the constants above: no SQL text is assembled at request time.
_PAGES = {column: _page(column) for column in SEALED_COLUMNS}
_REPLACES = {column: _replace(column) for column in SEALED_COLUMNS}


class SqlSealedRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def page(self, column: SealedColumn, after: str, limit: int) -> list[tuple[str, bytes]]:
        """Up to *limit* (row key, blob) pairs with a key past *after*, in key order."""
        params: dict[str, object] = {"after": after, "limit": limit}
        if column.only_key is not None:
            params["only"] = column.only_key
        rows = await self._sql.all(_PAGES[column], params)
        return [(str(row[0]), bytes(row[1])) for row in rows]

    async def replace(self, column: SealedColumn, key: str, old: bytes, new: bytes) -> bool:
        """Put *new* in place of *old*; False when the row no longer holds *old*."""
        params = {"key": key, "old": old, "new": new}
        return await self._sql.run(_REPLACES[column], params) == 1
