"""Bind a device's DEVICE_SRP_AUTH allowance to the sign-in that granted it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        # "<client id>:<session id>" of the sign-in whose password step armed the device.
        batch.add_column(sa.Column("auth_pending_by", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("auth_pending_by")
