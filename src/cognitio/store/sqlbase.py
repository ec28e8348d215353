"""Running SQL through the drivers themselves (sqlite3, asyncpg).

Each statement is written once with ``:name`` parameters; :class:`Query` turns it into the
numbered form PostgreSQL wants. Both databases accept the same text otherwise (``ON CONFLICT``,
``LIMIT``), and the schema comes from :mod:`cognitio.store.tables` via Alembic.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import asyncpg
import orjson

from cognitio.documents import JsonObject, JsonValue, as_object

_PARAM = re.compile(r":([a-z_]+)")


class Query:
    """One SQL statement in both parameter styles."""

    __slots__ = ("names", "pg", "sqlite")

    def __init__(self, text: str, *, pg_suffix: str = "") -> None:
        self.sqlite = " ".join(text.split())
        self.names: list[str] = []

        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.names:
                self.names.append(name)
            return f"${self.names.index(name) + 1}"

        self.pg = _PARAM.sub(number, self.sqlite) + pg_suffix


Row = Sequence[Any]


class Runner(Protocol):
    async def one(self, query: Query, params: Mapping[str, object]) -> Row | None: ...
    async def all(self, query: Query, params: Mapping[str, object]) -> list[Row]: ...
    async def run(self, query: Query, params: Mapping[str, object]) -> int:
        """Execute; the number of rows changed."""
        ...


class SqliteRunner:
    """Calls sqlite3 in the loop's thread (see :mod:`cognitio.store.db`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def one(self, query: Query, params: Mapping[str, object]) -> Row | None:
        row: Row | None = self._conn.execute(query.sqlite, params).fetchone()
        return row

    async def all(self, query: Query, params: Mapping[str, object]) -> list[Row]:
        return self._conn.execute(query.sqlite, params).fetchall()

    async def run(self, query: Query, params: Mapping[str, object]) -> int:
        return self._conn.execute(query.sqlite, params).rowcount


class PgRunner:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    @staticmethod
    def _args(query: Query, params: Mapping[str, object]) -> list[object]:
        return [params[name] for name in query.names]

    async def one(self, query: Query, params: Mapping[str, object]) -> Row | None:
        row: Row | None = await self._conn.fetchrow(query.pg, *self._args(query, params))
        return row

    async def all(self, query: Query, params: Mapping[str, object]) -> list[Row]:
        return list(await self._conn.fetch(query.pg, *self._args(query, params)))

    async def run(self, query: Query, params: Mapping[str, object]) -> int:
        status: str = await self._conn.execute(query.pg, *self._args(query, params))
        # "INSERT 0 1", "UPDATE 1", "DELETE 0": the count is the last word.
        return int(status.rsplit(" ", 1)[-1])


def dumps(document: Mapping[str, JsonValue]) -> str:
    """A JSON object (a dict: a settings document, a user's attributes) as stored text."""
    return orjson.dumps(document).decode()


def loads_object(text: str | bytes) -> JsonObject:
    """A stored JSON object read back; a stored null reads as an empty object."""
    return as_object(orjson.loads(text), "stored document")
