"""Hosted sessions: the server side of the hosted pages' single-sign-on cookie, so /logout,
GlobalSignOut and password changes end it on every node.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hosted_sessions",
        sa.Column("sid", sa.String(36), nullable=False),  # named inside the sealed cookie
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("auth_time", sa.BigInteger(), nullable=False),  # epoch seconds
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_hosted_sessions_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sid", name="pk_hosted_sessions"),
    )
    op.create_index("ix_hosted_sessions_sub", "hosted_sessions", ["sub"])
    op.create_index("ix_hosted_sessions_expires_ms", "hosted_sessions", ["expires_ms"])


def downgrade() -> None:
    op.drop_table("hosted_sessions")
