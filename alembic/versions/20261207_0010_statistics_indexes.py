"""statistics at a network's size: indexes for the periods and the invoices' parts the reports
read (bench/statistics.py measured them on 300 000 dossiers and 1 200 000 invoice lines)

- invoice_lines (invoice_id, deducted_invoice_id, regime, total_incl_vat, total_vat): an
  invoice's own lines summed by regime from the index alone (revenue's margin-scheme part);
- invoice_lines (deducted_invoice_id): the deposit a final invoice's line deducts (a foreign
  key without an index until now);
- payment_allocations (invoice_id, amount): what was paid on each invoice, index only
  (receivables by age, unpaid, the dossiers' detail);
- bookings (quote_sent_on): quotes sent in a period whatever their status now (conversion,
  prospecting; the (status, quote_sent_on) index serves one status only);
- bookings (created_at): dossiers opened in a period (« date de réservation »);
- booking_events (to_status, at): the confirmations of a period.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 18:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoice_lines_invoice_parts",
            ["invoice_id", "deducted_invoice_id", "regime", "total_incl_vat", "total_vat"],
            unique=False,
        )
        batch_op.create_index(
            "ix_invoice_lines_deducted_invoice_id", ["deducted_invoice_id"], unique=False
        )
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_allocations_invoice_amount", ["invoice_id", "amount"], unique=False
        )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index("ix_bookings_quote_sent_on", ["quote_sent_on"], unique=False)
        batch_op.create_index("ix_bookings_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("booking_events", schema=None) as batch_op:
        batch_op.create_index("ix_booking_events_to_status_at", ["to_status", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("booking_events", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_events_to_status_at")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_bookings_created_at")
        batch_op.drop_index("ix_bookings_quote_sent_on")
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_allocations_invoice_amount")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_lines_deducted_invoice_id")
        batch_op.drop_index("ix_invoice_lines_invoice_parts")
