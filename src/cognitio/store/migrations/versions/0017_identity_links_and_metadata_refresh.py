"""Links on a provider attribute other than the subject; when a SAML MetadataURL was read.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_SUBJECT = "Cognito_Subject"


def upgrade() -> None:
    with op.batch_alter_table("user_identities") as batch:
        # Which of the provider's values provider_user_id holds: its subject for the user
        # (every row so far), or a mapped attribute an administrator linked on (e.g. email).
        batch.add_column(
            sa.Column("attribute_name", sa.String(64), nullable=False, server_default=_SUBJECT)
        )
        batch.drop_constraint("pk_user_identities", type_="primary")
        batch.create_primary_key(
            "pk_user_identities",
            ["pool_id", "provider_name", "attribute_name", "provider_user_id"],
        )
    with op.batch_alter_table("identity_providers") as batch:
        # A MetadataURL's document: when it was last read, and when a refresh was last tried.
        batch.add_column(sa.Column("metadata_fetched_ms", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("metadata_tried_ms", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("identity_providers") as batch:
        batch.drop_column("metadata_tried_ms")
        batch.drop_column("metadata_fetched_ms")
    op.execute(
        sa.text("DELETE FROM user_identities WHERE attribute_name <> :s").bindparams(s=_SUBJECT)
    )
    with op.batch_alter_table("user_identities") as batch:
        batch.drop_constraint("pk_user_identities", type_="primary")
        batch.create_primary_key(
            "pk_user_identities", ["pool_id", "provider_name", "provider_user_id"]
        )
        batch.drop_column("attribute_name")
