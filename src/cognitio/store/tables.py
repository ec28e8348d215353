"""The schema, as SQLAlchemy Core tables; Alembic migrations create and change it.

Times are integer milliseconds since the epoch (UTC) on every database, so ordering and
arithmetic agree between SQLite and PostgreSQL. Settings documents that mirror Cognito's own
structures (a user pool's configuration, an app client's) are JSON text: they are read and written
whole, never queried by their inner fields.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)

access_keys = Table(
    "access_keys",
    metadata,
    Column("access_key_id", String(128), primary_key=True),
    Column("secret_sealed", LargeBinary, nullable=False),
    Column("description", String(256), nullable=False, default=""),
    Column("created_ms", BigInteger, nullable=False),
)

user_pools = Table(
    "user_pools",
    metadata,
    Column("id", String(55), primary_key=True),
    Column("region", String(32), nullable=False),
    Column("name", String(128), nullable=False),
    Column("config", Text, nullable=False),
    # LambdaConfig again, so ListUserPools reads a few bytes per pool instead of the settings.
    Column("lambda_config", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    # Optimistic concurrency: every update names the version it read.
    Column("version", Integer, nullable=False),
    Index(None, "region", "created_ms", "id"),
)

user_pool_clients = Table(
    "user_pool_clients",
    metadata,
    Column("id", String(128), primary_key=True),
    Column(
        "pool_id",
        String(55),
        ForeignKey("user_pools.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(128), nullable=False),
    Column("config", Text, nullable=False),
    Column("secret_sealed", LargeBinary, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Index(None, "pool_id", "id"),
)
