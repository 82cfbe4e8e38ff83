"""outgoing message claims: « en cours » status, claimed_at, resumed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00.000000

A message being sent gets its own status (« en_cours ») with the time it was taken, so that one
whose sender died can be found and sent again once (`resumed`) after a restart. Messages left
« en attente » with the old in-flight marker become « en cours » so that recovery sees them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_MARKER = "Envoi en cours…"


def upgrade() -> None:
    with op.batch_alter_table("outgoing_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("resumed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        sa.text(
            "UPDATE outgoing_messages SET status = 'en_cours', server_answer = '' "
            "WHERE status = 'en_attente' AND server_answer = :marker"
        ).bindparams(marker=_OLD_MARKER)
    )


def downgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE outgoing_messages SET status = 'en_attente', server_answer = :marker "
            "WHERE status = 'en_cours'"
        ).bindparams(marker=_OLD_MARKER)
    )
    with op.batch_alter_table("outgoing_messages", schema=None) as batch_op:
        batch_op.drop_column("resumed")
        batch_op.drop_column("claimed_at")
