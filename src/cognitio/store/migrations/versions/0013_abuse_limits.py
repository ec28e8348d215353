"""Abuse limits: second-factor failures apart from password failures, and rate-limit buckets.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Wrong MFA and one-time sign-in codes per user; a correct password does not clear them.
    op.create_table(
        "mfa_failures",
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_ms", sa.BigInteger(), nullable=False),
        sa.Column("locked_until_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_mfa_failures_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sub", name="pk_mfa_failures"),
    )
    # One GCRA bucket per name (an IP, a user, a message destination), shared by every node.
    op.create_table(
        "rate_limits",
        sa.Column("bucket", sa.String(300), nullable=False),
        sa.Column("tat_ms", sa.BigInteger(), nullable=False),  # theoretical arrival time
        sa.Column("interval_ms", sa.BigInteger(), nullable=False),
        sa.Column("tolerance_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", name="pk_rate_limits"),
    )
    op.create_index("ix_rate_limits_tat_ms", "rate_limits", ["tat_ms"])


def downgrade() -> None:
    op.drop_index("ix_rate_limits_tat_ms", table_name="rate_limits")
    op.drop_table("rate_limits")
    op.drop_table("mfa_failures")
