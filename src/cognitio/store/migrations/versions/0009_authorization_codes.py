"""OAuth 2.0: authorization codes, and the scopes a refresh token was granted.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authorization_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),  # SHA-256 of the code
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("client_id", sa.String(128), nullable=False),
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),  # space-separated
        sa.Column("code_challenge", sa.String(128), nullable=True),  # PKCE S256
        sa.Column("nonce", sa.Text(), nullable=True),
        sa.Column("auth_time", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        # Set when the code is exchanged; a second exchange revokes what the first one issued.
        sa.Column("origin_jti", sa.String(36), nullable=True),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_authorization_codes_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("code_hash", name="pk_authorization_codes"),
    )
    # NULL: a refresh token from the API sign-in, with the aws.cognito.signin.user.admin scope.
    op.add_column("refresh_tokens", sa.Column("scopes", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("refresh_tokens", "scopes")
    op.drop_table("authorization_codes")
