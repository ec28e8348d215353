"""Sign-in state: signing keys, refresh tokens, spent sessions, failed attempts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("private_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["user_pools.id"],
            name="fk_signing_keys_pool_id_user_pools",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("kid", name="pk_signing_keys"),
        sa.UniqueConstraint("pool_id", "purpose", name="uq_signing_keys_pool_id_purpose"),
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("client_id", sa.String(128), nullable=False),
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("origin_jti", sa.String(36), nullable=False),
        sa.Column("auth_time", sa.BigInteger(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        # When rotation replaced it; it stays usable for the client's grace period.
        sa.Column("rotated_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_refresh_tokens_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_refresh_tokens"),
    )
    op.create_index("ix_refresh_tokens_sub", "refresh_tokens", ["sub"])
    op.create_index("ix_refresh_tokens_origin_jti", "refresh_tokens", ["origin_jti"])
    # Failed password checks per user, for Cognito's lockout.
    op.create_table(
        "sign_in_failures",
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_ms", sa.BigInteger(), nullable=False),
        sa.Column("locked_until_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_sign_in_failures_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sub", name="pk_sign_in_failures"),
    )
    # Auth-flow sessions already answered: a Session string works once.
    op.create_table(
        "spent_sessions",
        sa.Column("sid", sa.String(36), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sid", name="pk_spent_sessions"),
    )


def downgrade() -> None:
    op.drop_table("spent_sessions")
    op.drop_table("sign_in_failures")
    op.drop_table("refresh_tokens")
    op.drop_table("signing_keys")
