"""sign-in handover to an HttpOnly cookie; login throttles per address, purged when idle

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handed_over_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    # Sessions opened before this revision already live in the browser's cookie.
    op.execute("UPDATE user_sessions SET handed_over_at = created_at")

    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "last_failure_at",
                sqlmodel.sql.sqltypes.UTCDateTime(),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.alter_column("last_failure_at", server_default=None)
        batch_op.create_index(
            batch_op.f("ix_login_throttles_last_failure_at"), ["last_failure_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_last_failure_at"))
        batch_op.drop_column("last_failure_at")
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_column("handed_over_at")
