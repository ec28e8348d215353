"""The identity pools' OpenID token issuer keys.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_issuer_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("private_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kid", name="pk_identity_issuer_keys"),
    )


def downgrade() -> None:
    op.drop_table("identity_issuer_keys")
