"""Branding of the hosted pages: classic UI customisation and managed-login branding styles.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ui_customizations",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("client_id", sa.String(128), nullable=False),  # "ALL": the pool's default
        sa.Column("css", sa.Text(), nullable=True),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["user_pools.id"],
            name="fk_ui_customizations_pool_id_user_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", "client_id", name="pk_ui_customizations"),
    )
    op.create_table(
        "login_brandings",
        sa.Column("branding_id", sa.String(36), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("client_id", sa.String(128), nullable=False),
        sa.Column("use_defaults", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.Text(), nullable=True),  # JSON
        sa.Column("assets", sa.Text(), nullable=False),  # JSON, Bytes as base64
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["user_pools.id"],
            name="fk_login_brandings_pool_id_user_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("branding_id", name="pk_login_brandings"),
        sa.UniqueConstraint("pool_id", "client_id", name="uq_login_brandings_pool_id_client_id"),
    )


def downgrade() -> None:
    op.drop_table("login_brandings")
    op.drop_table("ui_customizations")
