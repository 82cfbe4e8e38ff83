"""what each dossier's issued invoices bill and what was paid on them, kept per dossier by
billing.settlements; filled here for the dossiers invoiced before

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL = """
INSERT INTO booking_invoicing (booking_id, invoiced_for_good, invoiced_total, paid)
SELECT invoices.booking_id,
       SUM(CASE
             WHEN invoices.kind = 'acompte'
               THEN invoices.amount_due - invoice_settlements.credited
             WHEN invoices.kind = 'solde'
                  AND NOT (invoices.total_incl_vat - invoice_settlements.credited_total <= 0.005)
               THEN invoices.amount_due
             ELSE 0
           END),
       SUM(invoices.total_incl_vat - invoices.deposits_deducted),
       SUM(invoice_settlements.paid)
FROM invoices
JOIN invoice_settlements ON invoice_settlements.invoice_id = invoices.id
WHERE invoices.status = 'emise'
GROUP BY invoices.booking_id
"""


def upgrade() -> None:
    op.create_table(
        "booking_invoicing",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("invoiced_for_good", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("invoiced_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_booking_invoicing_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_booking_invoicing")),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("booking_invoicing")
