"""OAuth: resource servers with their custom scopes, and user pool domains.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resource_servers",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("identifier", sa.String(256), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),  # JSON: [{ScopeName, ScopeDescription}]
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["user_pools.id"],
            name="fk_resource_servers_pool_id_user_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", "identifier", name="pk_resource_servers"),
    )
    op.create_table(
        "user_pool_domains",
        # A prefix ("myapp") or a custom domain's full name ("auth.example.com"): unique anywhere.
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("custom", sa.Boolean(), nullable=False),
        sa.Column("certificate_arn", sa.String(2048), nullable=True),
        sa.Column("managed_login_version", sa.Integer(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["user_pools.id"],
            name="fk_user_pool_domains_pool_id_user_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("domain", name="pk_user_pool_domains"),
        # One prefix domain and one custom domain per pool.
        sa.UniqueConstraint("pool_id", "custom", name="uq_user_pool_domains_pool_id_custom"),
    )


def downgrade() -> None:
    op.drop_table("user_pool_domains")
    op.drop_table("resource_servers")
