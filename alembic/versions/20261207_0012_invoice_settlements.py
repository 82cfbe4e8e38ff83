"""what settled each issued invoice (payments allocated, credit notes), kept per invoice by
billing.settlements; filled here for the invoices issued before

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL = """
INSERT INTO invoice_settlements (invoice_id, paid, credited, credited_total, remaining)
SELECT invoices.id,
       COALESCE(paid.amount, 0),
       COALESCE(credited.amount, 0),
       COALESCE(credited.total, 0),
       invoices.amount_due - COALESCE(paid.amount, 0) - COALESCE(credited.amount, 0)
FROM invoices
LEFT JOIN (SELECT invoice_id, SUM(amount) AS amount
           FROM payment_allocations GROUP BY invoice_id) AS paid
       ON paid.invoice_id = invoices.id
LEFT JOIN (SELECT corrects_id, SUM(ABS(amount_due)) AS amount, SUM(ABS(total_incl_vat)) AS total
           FROM invoices
           WHERE kind = 'avoir' AND status = 'emise' AND corrects_id IS NOT NULL
           GROUP BY corrects_id) AS credited
       ON credited.corrects_id = invoices.id
WHERE invoices.status = 'emise'
"""


def upgrade() -> None:
    op.create_table(
        "invoice_settlements",
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("paid", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("credited", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("credited_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("remaining", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_settlements_invoice_id_invoices"),
        ),
        sa.PrimaryKeyConstraint("invoice_id", name=op.f("pk_invoice_settlements")),
    )
    op.create_index(
        "ix_invoice_settlements_remaining", "invoice_settlements", ["remaining"], unique=False
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_index("ix_invoice_settlements_remaining", table_name="invoice_settlements")
    op.drop_table("invoice_settlements")
