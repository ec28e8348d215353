"""Groups: a pool's groups and who is in them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_groups",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.String(2048), nullable=True),
        sa.Column("role_arn", sa.String(2048), nullable=True),
        sa.Column("precedence", sa.BigInteger(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["user_pools.id"],
            name="fk_user_groups_pool_id_user_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", "name", name="pk_user_groups"),
    )
    op.create_table(
        "group_members",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("group_name", sa.String(128), nullable=False),
        sa.Column("sub", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id", "group_name"],
            ["user_groups.pool_id", "user_groups.name"],
            name="fk_group_members_pool_id_user_groups",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_group_members_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "group_name", "sub", name="pk_group_members"),
    )
    op.create_index("ix_group_members_sub", "group_members", ["sub"])


def downgrade() -> None:
    op.drop_index("ix_group_members_sub", table_name="group_members")
    op.drop_table("group_members")
    op.drop_table("user_groups")
