"""Connections: SQLite (WAL) on one machine, PostgreSQL (asyncpg) for many nodes.

SQLAlchemy defines the schema and Alembic migrates it; requests go to the drivers directly
with SQL written once (:mod:`cognitio.store.sql`), because a statement through SQLAlchemy cost
more CPU than the rest of a request together.

SQLite runs in the event loop's own thread: a query on a local WAL file takes microseconds,
less than handing it to a worker thread costs. Two connections keep that safe. Reads use one in
autocommit mode (every statement sees committed data). Writes use the other, one transaction at a
time per process (an ``asyncio.Lock``), each begun with ``BEGIN IMMEDIATE`` so a writer in another
process (``cognitio keys``) is waited for once, up to the busy timeout, instead of failing halfway.
"""

from __future__ import annotations

import sqlite3

import asyncpg

_BUSY_TIMEOUT_S = 10.0


class Database:
    """The connections of one server process."""

    def __init__(self, url: str) -> None:
        # url: sqlite:///PATH or postgresql://... (as Settings.database_dsn gives it)
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.sqlite_reader: sqlite3.Connection | None = None
        self.sqlite_writer: sqlite3.Connection | None = None
        self.pg_pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        if self.is_sqlite:
            path = self.url.removeprefix("sqlite:///")
            self.sqlite_writer = _sqlite_connect(path)
            self.sqlite_reader = _sqlite_connect(path)
        else:
            self.pg_pool = await asyncpg.create_pool(self.url, min_size=1, max_size=10)

    async def dispose(self) -> None:
        for conn in (self.sqlite_reader, self.sqlite_writer):
            if conn is not None:
                conn.close()
        self.sqlite_reader = self.sqlite_writer = None
        if self.pg_pool is not None:
            await self.pg_pool.close()
            self.pg_pool = None


def _sqlite_connect(path: str) -> sqlite3.Connection:
    # isolation_level=None: autocommit, and BEGIN is ours to choose.
    conn = sqlite3.connect(path, isolation_level=None, timeout=_BUSY_TIMEOUT_S)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn
