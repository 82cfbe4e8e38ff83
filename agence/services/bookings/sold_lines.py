"""The summary the statistics read of each dossier: its priced services (`booking_sold_lines`,
one row per line of its current costing, as priced for its group) and its cost
(`Booking.total_cost`). Kept in the same transaction as the price the costing quotes
(`bookings._refresh_price`), so that a report adds them up in SQL instead of pricing every
costing again.

Amounts are rounded half-up to the cent per line, once; the dossier's cost is the sum of its
lines' rounded costs, so that the products sold and the dossiers' costs add up to the same
figure. The lines' sales before the dossier's fees and the rounding of its price: the dossier's
price less their sum is its fees and rounding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, delete, select

from agence.models import Booking, BookingSoldLine, Costing, CostingLine
from agence.services.catalogue import costings, pricing
from agence.services.common import identifiers

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_LABEL_LENGTH = 200

CostingLineValues = CostingLine | Mapping[str, str]
"""A saved costing line, or its values as the costing page holds them (`saved_strings`)."""


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _ref(line: CostingLineValues, name: str) -> int | None:
    value = line.get(name) if isinstance(line, Mapping) else getattr(line, name)
    return identifiers.record_id(value)


SoldKey = tuple[int | None, int | None, int | None]
"""(product id, supplier id, product type id) of a priced service."""


def first_marks(keys: Sequence[SoldKey]) -> list[tuple[int, int, int, int]]:
    """For a dossier's services in order, (first of the dossier, first of its product, of its
    supplier, of its product type): 1 on the first service with that value (None is a value:
    « hors catalogue », the agency's own services, untyped), else 0. Revision 0014 computes
    the same marks in SQL for the services summarized before it."""
    seen: tuple[set, set, set] = (set(), set(), set())
    marks = []
    for position, key in enumerate(keys):
        product, supplier, product_type = (
            0 if value in already else 1 for value, already in zip(key, seen, strict=True)
        )
        for value, already in zip(key, seen, strict=True):
            already.add(value)
        marks.append((1 if position == 0 else 0, product, supplier, product_type))
    return marks


def keep(
    session: Session,
    booking: Booking,
    priced: pricing.PricedGroup | None,
    lines: Sequence[CostingLineValues],
) -> None:
    """Rewrites the dossier's priced services from its costing priced for its group (`priced`,
    None when the costing cannot be priced: no services, no cost) and its lines, in the same
    order (product, supplier and product type are read from them)."""
    if booking.id is None:
        session.add(booking)
        session.flush()
    session.exec(delete(BookingSoldLine).where(col(BookingSoldLine.booking_id) == booking.id))
    total_cost = ZERO
    if priced is not None:
        keys = [
            (
                _ref(values, "product_id"),
                _ref(values, "supplier_id"),
                _ref(values, "product_type_id"),
            )
            for values in lines
        ]
        rows = zip(keys, first_marks(keys), priced.lines, strict=True)
        for position, (key, marks, line) in enumerate(rows, start=1):
            cost = _cents(line.cost)
            total_cost += cost
            product_id, supplier_id, product_type_id = key
            session.add(
                BookingSoldLine(
                    booking_id=booking.id or 0,
                    position=position,
                    label=line.label[:_LABEL_LENGTH],
                    product_id=product_id,
                    supplier_id=supplier_id,
                    product_type_id=product_type_id,
                    units=line.units,
                    persons=line.consumers,
                    cost=cost,
                    sale=_cents(line.sale),
                    first_of_booking=marks[0],
                    first_of_product=marks[1],
                    first_of_supplier=marks[2],
                    first_of_product_type=marks[3],
                )
            )
    booking.total_cost = total_cost
    session.add(booking)


def summarize(session: Session, booking: Booking) -> None:
    """Prices the dossier's current costing for its group and keeps its summary."""
    if booking.costing_id is None:
        return
    header, lines = costings.saved_strings(session, session.get_one(Costing, booking.costing_id))
    keep(session, booking, costings.quote(header, lines), lines)


def rebuild_missing(session: Session, batch: int = 500) -> int:
    """Summarizes every dossier (not deleted, with a costing) that has no summary yet
    (`total_cost` None): the catch-up of a database migrated to revision 0009, or after a bulk
    load. Idempotent: a summarized dossier is not read again. Returns how many it summarized;
    the caller commits."""
    done = 0
    while True:
        found = session.exec(
            select(Booking)
            .where(
                col(Booking.deleted_at).is_(None),
                col(Booking.total_cost).is_(None),
                col(Booking.costing_id).is_not(None),
            )
            .order_by(col(Booking.id))
            .limit(batch)
        ).all()
        if not found:
            return done
        for booking in found:
            summarize(session, booking)
        session.flush()
        done += len(found)
