"""Passkeys: each user's WebAuthn credentials, and whether they count as MFA.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "passkeys",
        # base64url of the credential id (at most 1023 bytes, so 1364 characters)
        sa.Column("credential_id", sa.String(1400), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),  # COSE_Key
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("relying_party_id", sa.String(127), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("attachment", sa.String(32), nullable=True),
        sa.Column("transports", sa.Text(), nullable=False),  # JSON list
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("used_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_passkeys_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("credential_id", name="pk_passkeys"),
    )
    op.create_index("ix_passkeys_sub_created_ms", "passkeys", ["sub", "created_ms"])
    # WebAuthnMfaSettings: the user's passkeys count as MFA.
    op.add_column(
        "user_mfa",
        sa.Column("webauthn_enabled", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("user_mfa", "webauthn_enabled")
    op.drop_index("ix_passkeys_sub_created_ms", table_name="passkeys")
    op.drop_table("passkeys")
