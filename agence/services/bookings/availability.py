"""Availability and stock: a product may offer a number of places per day or per time slot
over a period; a dossier's option or confirmation with the supplier takes its group from it,
a cancellation gives it back, and over-booking is refused with the places left.

Consistency under concurrency: the capacity row is locked (SELECT … FOR UPDATE on PostgreSQL)
before the places already taken are counted, so two users taking the last places at the same
moment are served one after the other and the second is refused. SQLite serialises writers.
A product without any capacity is not managed in stock (unlimited)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models import (
    Booking,
    BookingProgrammeItem,
    Costing,
    CostingLine,
    ProductCapacity,
    StockReservation,
)
from agence.models.base import utcnow
from agence.services.bookings.vocabulary import TAKING
from agence.services.catalogue import costings, pricing
from agence.services.catalogue.products import PRODUCTS
from agence.services.common import formats
from agence.services.common.forms import FieldSpec, FormErrors, read_times
from agence.services.common.listing import Column, ListSpec
from agence.services.common.permissions import Module
from agence.services.common.records import PARENT_KEY, Resource


def slot_text(value: time | None) -> str:
    """A capacity's slot: its start time, or the whole day."""
    return formats.clock(value) or "Journée"


CAPACITIES_LIST = ListSpec(
    name="Disponibilités",
    query=lambda: sa.select(
        col(ProductCapacity.id).label("id"),
        col(ProductCapacity.label).label("label"),
        col(ProductCapacity.valid_from).label("valid_from"),
        col(ProductCapacity.valid_to).label("valid_to"),
        col(ProductCapacity.start_time).label("start_time"),
        col(ProductCapacity.capacity).label("capacity"),
        col(ProductCapacity.product_id).label("parent_id"),
    ),
    columns=(
        Column("label", "Libellé", ProductCapacity.label, width=20),
        Column("valid_from", "Du", ProductCapacity.valid_from, kind="date", width=12),
        Column("valid_to", "Au", ProductCapacity.valid_to, kind="date", width=12),
        Column("start_time", "Créneau", ProductCapacity.start_time, width=10, render=slot_text),
        Column("capacity", "Places", ProductCapacity.capacity, kind="int", width=8),
    ),
    default_sort="valid_from",
    then_by=(ProductCapacity.start_time,),
    tie_breaker=ProductCapacity.id,
)


class CapacityResource(Resource[ProductCapacity]):
    model = ProductCapacity
    module = Module.CATALOGUE
    entity = "disponibilité"
    new_title = "Nouvelle disponibilité"
    parent = PRODUCTS
    parent_field = "product_id"
    fields = (
        FieldSpec("label", "Libellé", max_length=80, placeholder="Visites guidées, allotement…"),
        FieldSpec("valid_from", "Du", "date", required=True),
        FieldSpec("valid_to", "Au", "date", required=True),
        FieldSpec(
            "start_text",
            "Créneau (heure de début)",
            max_length=5,
            placeholder="10:00",
            help="Vide : la capacité de toute la journée (ex. 40 chambres par nuit).",
        ),
        FieldSpec("capacity", "Places", "int", required=True, min_value=1, max_value=100000),
    )

    def list_spec(self) -> ListSpec:
        return CAPACITIES_LIST

    def describe(self, record: ProductCapacity) -> str:
        return f"{record.capacity} places, {slot_text(record.start_time)}"

    def form_values(self, session: Session, record: ProductCapacity) -> dict[str, str]:
        values = super().form_values(session, record)
        values["start_text"] = formats.clock(record.start_time)
        return values

    def validate(self, session, actor, record, clean, errors) -> None:
        read_times(clean, errors, order_message=None, fields=(("start_text", "start_time"),))
        start, end = clean.get("valid_from"), clean.get("valid_to")
        if start and end and end < start:
            errors.setdefault("valid_to", "La fin précède le début.")
        if errors or not (start and end):
            return
        product_id = record.product_id if record is not None else clean.get(PARENT_KEY)
        statement = select(ProductCapacity).where(
            ProductCapacity.product_id == product_id,
            ProductCapacity.valid_from <= end,
            ProductCapacity.valid_to >= start,
            ProductCapacity.id != (record.id if record is not None else -1),
        )
        for other in session.exec(statement):
            if other.start_time == clean["start_time"]:
                errors[""] = (
                    f"Ce créneau a déjà une disponibilité du {formats.day(other.valid_from)} au "
                    f"{formats.day(other.valid_to)} : modifiez-la plutôt."
                )
                return

    def apply(self, session: Session, record: ProductCapacity, clean: dict[str, Any]) -> None:
        super().apply(session, record, clean)
        record.start_time = clean.get("start_time")


CAPACITIES = CapacityResource()


# --- Taking and giving back ---------------------------------------------------------------------


def _is_managed(session: Session, product_id: int) -> bool:
    return (
        session.exec(
            select(ProductCapacity.id).where(ProductCapacity.product_id == product_id)
        ).first()
        is not None
    )


def _capacity(
    session: Session, product_id: int, day: date, start: time | None, *, lock: bool
) -> ProductCapacity | None:
    """The capacity of that slot (or of the whole day) on that day, locked when asked."""
    statement = select(ProductCapacity).where(
        ProductCapacity.product_id == product_id,
        ProductCapacity.valid_from <= day,
        ProductCapacity.valid_to >= day,
    )
    rows = list(session.exec(statement).all())
    chosen = next((row for row in rows if row.start_time == start), None)
    if chosen is None and start is not None:
        chosen = next((row for row in rows if row.start_time is None), None)
    if chosen is None or not lock:
        return chosen
    return session.exec(
        select(ProductCapacity).where(ProductCapacity.id == chosen.id).with_for_update()
    ).one()


def taken(session: Session, capacity_id: int, day: date, except_booking: int | None = None) -> int:
    statement = select(func.coalesce(func.sum(StockReservation.quantity), 0)).where(
        StockReservation.capacity_id == capacity_id, StockReservation.day == day
    )
    if except_booking is not None:
        statement = statement.where(StockReservation.booking_id != except_booking)
    return int(session.exec(statement).one())


def _when(session: Session, booking: Booking, product_id: int) -> tuple[date, time | None]:
    """The day and time the programme gives this product, else the dossier's first day."""
    item = session.exec(
        select(BookingProgrammeItem)
        .where(
            BookingProgrammeItem.booking_id == booking.id,
            BookingProgrammeItem.version == booking.version,
            BookingProgrammeItem.product_id == product_id,
        )
        .order_by(col(BookingProgrammeItem.day), col(BookingProgrammeItem.position))
    ).first()
    if item is not None:
        return item.day, item.start_time
    return booking.starts_on, None


def take(
    session: Session, booking: Booking, line: CostingLine, quantity: int, status: str
) -> StockReservation | None:
    """Takes `quantity` places for this dossier's service (an option or a confirmation), or
    refuses with the places left. None when the product is not managed in stock."""
    if line.product_id is None or not _is_managed(session, line.product_id):
        return None
    day, start = _when(session, booking, line.product_id)
    capacity = _capacity(session, line.product_id, day, start, lock=True)
    if capacity is None:
        raise FormErrors(
            {
                "status": f"« {line.label} » n'a aucune disponibilité le {formats.day(day)}"
                + (f" à {start.strftime('%H:%M')}" if start else "")
                + "."
            }
        )
    used = taken(session, capacity.id or 0, day, except_booking=booking.id)
    if used + quantity > capacity.capacity:
        left = max(0, capacity.capacity - used)
        raise FormErrors(
            {
                "status": f"Complet : il reste {left} place(s) pour « {line.label} » le "
                f"{formats.day(day)} ({slot_text(capacity.start_time)}), il en faut "
                f"{quantity}."
            }
        )
    reservation = session.exec(
        select(StockReservation).where(
            StockReservation.booking_id == booking.id,
            StockReservation.capacity_id == capacity.id,
            StockReservation.day == day,
        )
    ).first()
    if reservation is None:
        reservation = StockReservation(
            capacity_id=capacity.id or 0,
            product_id=line.product_id,
            day=day,
            booking_id=booking.id or 0,
            quantity=quantity,
            status=status,
        )
    reservation.quantity, reservation.status, reservation.updated_at = quantity, status, utcnow()
    session.add(reservation)
    session.flush()
    return reservation


def give_back(session: Session, booking: Booking, product_id: int | None) -> None:
    """The places of this dossier's service return to stock (cancelled, or to be asked again)."""
    if product_id is None:
        return
    for reservation in session.exec(
        select(StockReservation).where(
            StockReservation.booking_id == booking.id,
            StockReservation.product_id == product_id,
        )
    ):
        session.delete(reservation)
    session.flush()


def give_back_all(session: Session, booking: Booking) -> None:
    """A cancelled dossier frees every place it held."""
    for reservation in session.exec(
        select(StockReservation).where(StockReservation.booking_id == booking.id)
    ):
        session.delete(reservation)
    session.flush()


def resync(session: Session, booking: Booking) -> None:
    """After the dossier's group or services change: the held services take their new
    number of places (refused, with what is left, when the stock cannot follow), and the
    places of services no longer held go back."""
    costing = session.get(Costing, booking.costing_id) if booking.costing_id else None
    held: set[int] = set()
    if costing is not None:
        header, values = costings.saved_strings(session, costing)
        priced = costings.quote(header, values)
        rows = list(
            session.exec(
                select(CostingLine)
                .where(CostingLine.costing_id == costing.id)
                .order_by(col(CostingLine.position), col(CostingLine.id))
            ).all()
        )
        for row, line in zip(rows, priced.lines if priced else [], strict=False):
            if row.supplier_status not in TAKING or row.product_id is None:
                continue
            places = line.consumers if line.basis == pricing.Basis.PERSON else line.units
            try:
                reservation = take(session, booking, row, places, row.supplier_status)
            except FormErrors as full:  # shown on the whole form, not on a status field
                raise FormErrors({"": next(iter(full.errors.values()))}) from full
            if reservation is not None:
                held.add(row.product_id)
    for reservation in session.exec(
        select(StockReservation).where(StockReservation.booking_id == booking.id)
    ):
        if reservation.product_id not in held:
            session.delete(reservation)
    session.flush()
