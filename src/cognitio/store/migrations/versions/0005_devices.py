"""Remembered devices: each user's devices and their SRP verifiers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("device_key", sa.String(55), nullable=False),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("sub", sa.String(36), nullable=False),
        sa.Column("group_key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(1024), nullable=True),
        # Salt as the client sent it, and the verifier v = g^x mod N, sealed; both NULL until
        # ConfirmDevice.
        sa.Column("salt", sa.LargeBinary(), nullable=True),
        sa.Column("verifier_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("remembered", sa.Boolean(), nullable=False),
        # Until when a DEVICE_SRP_AUTH answer may come for this device (set by a sign-in).
        sa.Column("auth_pending_until_ms", sa.BigInteger(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("authenticated_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sub"], ["users.sub"], name="fk_devices_sub_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("device_key", name="pk_devices"),
    )
    op.create_index("ix_devices_sub_created_ms", "devices", ["sub", "created_ms"])
    # Which device a sign-in used, so refreshed access tokens keep their device_key claim.
    op.add_column("refresh_tokens", sa.Column("device_key", sa.String(55), nullable=True))


def downgrade() -> None:
    op.drop_column("refresh_tokens", "device_key")
    op.drop_index("ix_devices_sub_created_ms", table_name="devices")
    op.drop_table("devices")
