"""The migrations build the schema ``store.tables`` declares: tables, columns, keys, indexes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from cognitio.store import migrate
from cognitio.store.tables import metadata


def test_the_migrated_schema_is_the_declared_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cognitio.db'}"
    asyncio.run(migrate.upgrade(url))
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            differences = [
                diff
                for diff in compare_metadata(context, metadata)
                # Alembic's own bookkeeping table is not declared.
                if not (diff[0] == "remove_table" and diff[1].name == "alembic_version")
            ]
    finally:
        engine.dispose()
    assert differences == []
