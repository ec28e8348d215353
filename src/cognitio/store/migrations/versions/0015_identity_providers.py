"""Identity providers: a pool's external IdPs, their identifiers, and its SAML signing certificate.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_providers",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        # Names the sealed secrets' context; a provider made again under the same name gets
        # a new one, so an old blob never opens for it.
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("secrets_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("attribute_mapping", sa.Text(), nullable=False),
        sa.Column("identifiers", sa.Text(), nullable=False),
        sa.Column("metadata_xml", sa.Text(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["user_pools.id"],
            name="fk_identity_providers_pool_id_user_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", "name", name="pk_identity_providers"),
        sa.UniqueConstraint("id", name="uq_identity_providers_id"),
    )
    op.create_table(
        "identity_provider_identifiers",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("identifier", sa.String(40), nullable=False),
        sa.Column("provider_name", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id", "provider_name"],
            ["identity_providers.pool_id", "identity_providers.name"],
            name="fk_identity_provider_identifiers_pool_id_identity_providers",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", "identifier", name="pk_identity_provider_identifiers"),
    )
    op.create_index(
        "ix_identity_provider_identifiers_pool_id_provider_name",
        "identity_provider_identifiers",
        ["pool_id", "provider_name"],
    )
    op.create_table(
        "saml_signing_certificates",
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("certificate", sa.Text(), nullable=False),
        sa.Column("private_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["user_pools.id"],
            name="fk_saml_signing_certificates_pool_id_user_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", name="pk_saml_signing_certificates"),
    )


def downgrade() -> None:
    op.drop_table("saml_signing_certificates")
    op.drop_index(
        "ix_identity_provider_identifiers_pool_id_provider_name",
        table_name="identity_provider_identifiers",
    )
    op.drop_table("identity_provider_identifiers")
    op.drop_table("identity_providers")
