"""the dossiers' services marked first of their dossier, product, supplier and product type:
the products report counts dossiers as sums (one pass over a year's services instead of one
distinct count per grouping); marked here for the services summarized before

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARKS = ("first_of_booking", "first_of_product", "first_of_supplier", "first_of_product_type")

# As `bookings.sold_lines.first_marks` marks them: 1 on a dossier's first service (by
# position) with that value, None being a value (window partitions group NULLs together).
FILL = """
UPDATE booking_sold_lines
SET first_of_booking = marks.first_of_booking,
    first_of_product = marks.first_of_product,
    first_of_supplier = marks.first_of_supplier,
    first_of_product_type = marks.first_of_product_type
FROM (
  SELECT id,
         CASE WHEN ROW_NUMBER() OVER (PARTITION BY booking_id ORDER BY position, id) = 1
              THEN 1 ELSE 0 END AS first_of_booking,
         CASE WHEN ROW_NUMBER() OVER (PARTITION BY booking_id, product_id
                                      ORDER BY position, id) = 1
              THEN 1 ELSE 0 END AS first_of_product,
         CASE WHEN ROW_NUMBER() OVER (PARTITION BY booking_id, supplier_id
                                      ORDER BY position, id) = 1
              THEN 1 ELSE 0 END AS first_of_supplier,
         CASE WHEN ROW_NUMBER() OVER (PARTITION BY booking_id, product_type_id
                                      ORDER BY position, id) = 1
              THEN 1 ELSE 0 END AS first_of_product_type
  FROM booking_sold_lines
) AS marks
WHERE marks.id = booking_sold_lines.id
"""


def upgrade() -> None:
    with op.batch_alter_table("booking_sold_lines", schema=None) as batch_op:
        for name in MARKS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.execute(FILL)


def downgrade() -> None:
    with op.batch_alter_table("booking_sold_lines", schema=None) as batch_op:
        for name in reversed(MARKS):
            batch_op.drop_column(name)
