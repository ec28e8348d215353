"""Identity pools, their identities, and the logins linked to each identity.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_pools",
        sa.Column("id", sa.String(55), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("allow_unauthenticated", sa.Boolean(), nullable=False),
        # NULL while never set: DescribeIdentityPool leaves the member out.
        sa.Column("allow_classic_flow", sa.Boolean(), nullable=True),
        sa.Column("developer_provider_name", sa.String(128), nullable=True),
        sa.Column("providers", sa.Text(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("role_mappings", sa.Text(), nullable=False),
        sa.Column("principal_tags", sa.Text(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_identity_pools"),
    )
    op.create_index(
        "ix_identity_pools_region_created_ms_id",
        "identity_pools",
        ["region", "created_ms", "id"],
    )
    op.create_table(
        "identities",
        sa.Column("id", sa.String(55), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["identity_pools.id"],
            name="fk_identities_pool_id_identity_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_identities"),
    )
    op.create_index(
        "ix_identities_pool_id_created_ms_id", "identities", ["pool_id", "created_ms", "id"]
    )
    op.create_table(
        "identity_logins",
        sa.Column("identity_id", sa.String(55), nullable=False),
        sa.Column("provider_name", sa.String(128), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("subject", sa.String(1024), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["identities.id"],
            name="fk_identity_logins_identity_id_identities",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("identity_id", "provider_name", name="pk_identity_logins"),
        sa.UniqueConstraint(
            "pool_id",
            "provider_name",
            "subject",
            name="uq_identity_logins_pool_id_provider_name_subject",
        ),
    )


def downgrade() -> None:
    op.drop_table("identity_logins")
    op.drop_index("ix_identities_pool_id_created_ms_id", table_name="identities")
    op.drop_table("identities")
    op.drop_index("ix_identity_pools_region_created_ms_id", table_name="identity_pools")
    op.drop_table("identity_pools")
