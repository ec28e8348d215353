"""Applies Alembic migrations at start-up, one node at a time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from cognitio.store.db import Database

_MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant works; it names the advisory lock that serialises migrating nodes.
_PG_LOCK_ID = 0x436F676E


async def upgrade(database: Database) -> None:
    """Bring the schema to the newest revision."""
    if database.sync_engine is not None:
        with database.sync_engine.connect() as conn:
            _upgrade(conn)
            conn.commit()
        return
    assert database.async_engine is not None
    async with database.async_engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _PG_LOCK_ID})
        try:
            await conn.run_sync(_upgrade)
            await conn.commit()
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _PG_LOCK_ID})
            await conn.commit()


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
