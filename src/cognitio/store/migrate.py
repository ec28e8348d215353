"""Applies Alembic migrations at start-up, one node at a time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.ext.asyncio import create_async_engine

_MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant works; it names the advisory lock that serialises migrating nodes.
_PG_LOCK_ID = 0x436F676E


async def upgrade(sqlalchemy_url: str) -> None:
    """Bring the schema at ``sqlalchemy_url`` to the newest revision."""
    if sqlalchemy_url.startswith("sqlite"):
        engine = create_engine(sqlalchemy_url)
        try:
            with engine.connect() as conn:
                _upgrade(conn)
                conn.commit()
        finally:
            engine.dispose()
        return
    async_engine = create_async_engine(sqlalchemy_url)
    try:
        async with async_engine.connect() as aconn:
            await aconn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _PG_LOCK_ID})
            try:
                await aconn.run_sync(_upgrade)
                await aconn.commit()
            finally:
                await aconn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _PG_LOCK_ID})
                await aconn.commit()
    finally:
        await async_engine.dispose()


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
