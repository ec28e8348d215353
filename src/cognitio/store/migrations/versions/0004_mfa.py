"""MFA: each user's software token (TOTP) and factor preferences.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_mfa",
        sa.Column("sub", sa.String(36), nullable=False),
        # TOTP secrets, sealed; `pending` until VerifySoftwareToken proves the authenticator.
        sa.Column("totp_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("totp_pending_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("totp_enabled", sa.Boolean(), nullable=False),
        # The last 30-second step a code was accepted for: a code works once.
        sa.Column("totp_last_step", sa.BigInteger(), nullable=False),
        sa.Column("preferred", sa.String(32), nullable=True),
        sa.Column("sms_enabled", sa.Boolean(), nullable=False),
        sa.Column("email_enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_user_mfa_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sub", name="pk_user_mfa"),
    )


def downgrade() -> None:
    op.drop_table("user_mfa")
