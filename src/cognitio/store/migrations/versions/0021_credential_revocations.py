"""Not-before instants that revoke temporary credentials, per identity, role or identity pool;
and an index to find a user pool user's identities in every identity pool.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credential_revocations",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(2048), nullable=False),
        sa.Column("not_before_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "subject", name="pk_credential_revocations"),
    )
    op.create_index(
        "ix_credential_revocations_not_before_ms", "credential_revocations", ["not_before_ms"]
    )
    op.create_index(
        "ix_identity_logins_provider_name_subject",
        "identity_logins",
        ["provider_name", "subject"],
    )


def downgrade() -> None:
    op.drop_index("ix_identity_logins_provider_name_subject", table_name="identity_logins")
    op.drop_index("ix_credential_revocations_not_before_ms", table_name="credential_revocations")
    op.drop_table("credential_revocations")
