"""External identities and the user each signs in as.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_identities",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("provider_name", sa.String(32), nullable=False),
        sa.Column("provider_user_id", sa.String(512), nullable=False),
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_user_identities_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(
            "pool_id", "provider_name", "provider_user_id", name="pk_user_identities"
        ),
    )
    op.create_index("ix_user_identities_sub", "user_identities", ["sub"])


def downgrade() -> None:
    op.drop_index("ix_user_identities_sub", table_name="user_identities")
    op.drop_table("user_identities")
