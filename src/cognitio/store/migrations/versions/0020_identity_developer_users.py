"""The developer user identifiers linked to identities (developer-authenticated identities).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_developer_users",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("user_identifier", sa.String(1024), nullable=False),
        sa.Column("identity_id", sa.String(55), nullable=False),
        sa.Column("provider_name", sa.String(128), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["identities.id"],
            name="fk_identity_developer_users_identity_id_identities",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", "user_identifier", name="pk_identity_developer_users"),
    )
    op.create_index(
        "ix_identity_developer_users_identity_id", "identity_developer_users", ["identity_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_identity_developer_users_identity_id", table_name="identity_developer_users")
    op.drop_table("identity_developer_users")
