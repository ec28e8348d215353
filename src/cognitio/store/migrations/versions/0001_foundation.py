"""Foundation: metadata, admin access keys, user pools and app clients.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.create_table(
        "access_keys",
        sa.Column("access_key_id", sa.String(128), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("description", sa.String(256), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("access_key_id", name="pk_access_keys"),
    )
    op.create_table(
        "user_pools",
        sa.Column("id", sa.String(55), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("lambda_config", sa.Text(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_user_pools"),
    )
    op.create_index(
        "ix_user_pools_region_created_ms_id", "user_pools", ["region", "created_ms", "id"]
    )
    op.create_table(
        "user_pool_clients",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["user_pools.id"],
            name="fk_user_pool_clients_pool_id_user_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_user_pool_clients"),
    )
    op.create_index("ix_user_pool_clients_pool_id_id", "user_pool_clients", ["pool_id", "id"])


def downgrade() -> None:
    op.drop_table("user_pool_clients")
    op.drop_table("user_pools")
    op.drop_table("access_keys")
    op.drop_table("meta")
