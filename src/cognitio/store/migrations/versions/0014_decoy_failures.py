"""Wrong passwords for users that do not exist, counted like a real user's.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Keyed by a made-up subject of the unknown name (no user to refer to); pruned when quiet.
    op.create_table(
        "decoy_failures",
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_ms", sa.BigInteger(), nullable=False),
        sa.Column("locked_until_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sub", name="pk_decoy_failures"),
    )
    op.create_index("ix_decoy_failures_last_failure_ms", "decoy_failures", ["last_failure_ms"])


def downgrade() -> None:
    op.drop_index("ix_decoy_failures_last_failure_ms", table_name="decoy_failures")
    op.drop_table("decoy_failures")
