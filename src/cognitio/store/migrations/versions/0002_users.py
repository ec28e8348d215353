"""Users: accounts, sign-in aliases, searchable values, password history, one-time codes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("username", sa.String(128), nullable=False),
        sa.Column("username_key", sa.String(128), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("srp_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("password_set_ms", sa.BigInteger(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["user_pools.id"], name="fk_users_pool_id_user_pools", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sub", name="pk_users"),
        sa.UniqueConstraint("pool_id", "username_key", name="uq_users_pool_id_username_key"),
    )
    op.create_index("ix_users_pool_id_sub", "users", ["pool_id", "sub"])
    op.create_table(
        "user_aliases",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value_key", sa.String(512), nullable=False),
        sa.Column("sub", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_user_aliases_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "kind", "value_key", name="pk_user_aliases"),
    )
    op.create_index("ix_user_aliases_sub", "user_aliases", ["sub"])
    op.create_table(
        "user_search",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(512), nullable=False),
        sa.Column("sub", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_user_search_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "name", "value", "sub", name="pk_user_search"),
    )
    op.create_index("ix_user_search_sub", "user_search", ["sub"])
    op.create_table(
        "password_history",
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_password_history_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sub", "created_ms", name="pk_password_history"),
    )
    op.create_table(
        "user_codes",
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(128), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("pending_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_user_codes_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sub", "purpose", name="pk_user_codes"),
    )


def downgrade() -> None:
    op.drop_table("user_codes")
    op.drop_table("password_history")
    op.drop_table("user_search")
    op.drop_table("user_aliases")
    op.drop_table("users")
