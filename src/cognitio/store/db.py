"""The database: SQLite (WAL) on one machine, PostgreSQL (asyncpg) for many nodes.

SQLite runs in the event loop's own thread. A query on a local WAL file takes microseconds,
less than handing it to a worker thread costs, so the SQLite store calls it directly. Two
rules keep that safe: write transactions of this process take turns (an ``asyncio.Lock``), so
no coroutine ever waits inside SQLite on another coroutine of the same loop; and they begin
with ``BEGIN IMMEDIATE``, so a writer in another process (``cognitio keys``) is waited for once,
up to the busy timeout, instead of failing halfway through. Reads stay deferred and, in WAL
mode, never wait for writers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

BEGIN_OPTION = "cognitio_begin"


class Database:
    """Owns the engine: a synchronous one for SQLite, an asyncio one for PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.sync_engine: Engine | None = None
        self.async_engine: AsyncEngine | None = None
        if self.is_sqlite:
            self.sync_engine = create_engine(url, pool_size=5, max_overflow=10)
            _configure_sqlite(self.sync_engine)
        else:
            self.async_engine = create_async_engine(
                url, pool_size=10, max_overflow=20, pool_pre_ping=True
            )

    async def dispose(self) -> None:
        if self.sync_engine is not None:
            self.sync_engine.dispose()
        if self.async_engine is not None:
            await self.async_engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # Take transaction control from the driver so BEGIN is ours to choose.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")  # ms a writer waits for another process
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get(BEGIN_OPTION, "BEGIN"))
