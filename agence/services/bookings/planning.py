"""The planning views (tablet-friendly): a product's days and slots with the places taken
and left and the dossiers holding them, or a guide's days with his assignments and days off."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models import (
    Booking,
    BookingProgrammeItem,
    Client,
    Guide,
    GuideAssignment,
    GuideUnavailability,
    Product,
    ProductCapacity,
    StockReservation,
)
from agence.services.bookings.availability import slot_text
from agence.services.bookings.bookings import scope
from agence.services.bookings.vocabulary import Fill, PlanningView, SupplierStatus
from agence.services.common import formats
from agence.services.common.permissions import Action, Actor, Module


@dataclass(frozen=True)
class CapacityCell:
    """A product's slot on one day: its places, taken and left, how full (`state`, a Fill)
    and the dossiers holding them."""

    slot: str
    capacity: str = ""
    taken: str = ""
    left: str = ""
    state: str = Fill.NONE
    holders: str = ""


@dataclass(frozen=True)
class PlanningDay:
    """A day of a product's planning: one cell per slot."""

    day: str
    weekday: str
    cells: list[CapacityCell] = field(default_factory=list)


@dataclass(frozen=True)
class ProductPlanning:
    """A product's planning: its slots (the columns) and its days (the rows)."""

    slots: list[str]
    days: list[PlanningDay]


@dataclass(frozen=True)
class GuideDay:
    """A day of a guide's planning: his assignments in one text, or why he is off."""

    day: str
    weekday: str
    assignments: str
    off: str


def _state(left: int, capacity: int) -> Fill:
    if left <= 0:
        return Fill.FULL
    return Fill.LOW if left * 4 < capacity else Fill.OK


def _off_text(off: dict[date, str], day: date) -> str:
    if day not in off:
        return ""
    return "Indisponible" + (f" : {off[day]}" if off[day] else "")


def shift(anchor: date, view: str, step: int) -> date:
    """The next (step > 0) or previous week, or the first day of the next or previous month."""
    if view == PlanningView.MONTH:
        month = anchor.month - 1 + (1 if step > 0 else -1)
        return date(anchor.year + month // 12, month % 12 + 1, 1)
    return anchor + timedelta(days=7 if step > 0 else -7)


def period(start: date, view: str) -> tuple[date, date]:
    """The week (Monday to Sunday) or the month that contains `start`."""
    if view == PlanningView.MONTH:
        first = start.replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return first, last
    monday = start - timedelta(days=start.weekday())
    return monday, monday + timedelta(days=6)


WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def product_planning(
    session: Session, actor: Actor, product_id: int, first: date, last: date
) -> ProductPlanning:
    """Per day and slot of the period: places, taken (confirmed / optioned), left, and the
    dossiers that hold them (within the actor's reach)."""
    actor.require(Module.BOOKINGS, Action.SEE)
    capacities = list(
        session.exec(
            select(ProductCapacity)
            .where(
                ProductCapacity.product_id == product_id,
                ProductCapacity.valid_from <= last,
                ProductCapacity.valid_to >= first,
            )
            .order_by(col(ProductCapacity.start_time))
        ).all()
    )
    reservations: dict[tuple[int, date], list[tuple[StockReservation, str, str]]] = {}
    rows = session.exec(
        scope(
            select(StockReservation, Booking.reference, Client.name)
            .join(Booking, col(Booking.id) == col(StockReservation.booking_id))
            .join(Client, col(Client.id) == col(Booking.client_id))
            .where(
                StockReservation.product_id == product_id,
                StockReservation.day >= first,
                StockReservation.day <= last,
            ),
            actor,
        )
    ).all()
    for reservation, reference, client in rows:
        reservations.setdefault((reservation.capacity_id, reservation.day), []).append(
            (reservation, reference, client)
        )
    used_by = {
        (capacity_id, day): int(total)
        for capacity_id, day, total in session.exec(
            select(
                col(StockReservation.capacity_id),
                col(StockReservation.day),
                func.sum(col(StockReservation.quantity)),
            )
            .where(
                StockReservation.product_id == product_id,
                StockReservation.day >= first,
                StockReservation.day <= last,
            )
            .group_by(col(StockReservation.capacity_id), col(StockReservation.day))
        ).all()
    }
    slots = sorted({slot_text(c.start_time) for c in capacities})
    days = []
    day = first
    while day <= last:
        cells = []
        for slot in slots:
            capacity = next(
                (
                    c
                    for c in capacities
                    if slot_text(c.start_time) == slot and c.valid_from <= day <= c.valid_to
                ),
                None,
            )
            if capacity is None:
                cells.append(CapacityCell(slot=slot))
                continue
            used = used_by.get((capacity.id or 0, day), 0)
            held = reservations.get((capacity.id or 0, day), [])
            left = capacity.capacity - used
            cells.append(
                CapacityCell(
                    slot=slot,
                    capacity=str(capacity.capacity),
                    taken=str(used),
                    left=str(left),
                    state=_state(left, capacity.capacity),
                    holders=", ".join(
                        f"{reference} ({r.quantity}"
                        f"{' opt.' if r.status == SupplierStatus.OPTION else ''})"
                        for r, reference, _client in held
                    ),
                )
            )
        days.append(PlanningDay(day=formats.day(day), weekday=WEEKDAYS[day.weekday()], cells=cells))
        day += timedelta(days=1)
    return ProductPlanning(slots=slots, days=days)


def guide_planning(
    session: Session, actor: Actor, guide_id: int, first: date, last: date
) -> list[GuideDay]:
    """The guide's days of the period: his assignments (within reach) or his day off."""
    actor.require(Module.BOOKINGS, Action.SEE)
    guide = session.get(Guide, guide_id)
    if guide is None:
        return []
    busy: dict[date, list[str]] = {}
    for assignment, reference, title in session.exec(
        scope(
            select(GuideAssignment, Booking.reference, BookingProgrammeItem.title)
            .join(Booking, col(Booking.id) == col(GuideAssignment.booking_id))
            .join(
                BookingProgrammeItem,
                col(BookingProgrammeItem.id) == col(GuideAssignment.programme_item_id),
            )
            .where(
                GuideAssignment.guide_id == guide_id,
                GuideAssignment.day >= first,
                GuideAssignment.day <= last,
            )
            .order_by(col(GuideAssignment.day), col(GuideAssignment.start_time)),
            actor,
        )
    ):
        when = formats.clock(assignment.start_time) + " " if assignment.start_time else ""
        busy.setdefault(assignment.day, []).append(f"{when}{title} ({reference})")
    off: dict[date, str] = dict(
        session.exec(
            select(col(GuideUnavailability.day), col(GuideUnavailability.reason)).where(
                GuideUnavailability.guide_id == guide_id,
                GuideUnavailability.day >= first,
                GuideUnavailability.day <= last,
            )
        ).all()
    )
    days = []
    day = first
    while day <= last:
        days.append(
            GuideDay(
                day=formats.day(day),
                weekday=WEEKDAYS[day.weekday()],
                assignments=" ; ".join(busy.get(day, [])),
                off=_off_text(off, day),
            )
        )
        day += timedelta(days=1)
    return days


def managed_products(session: Session) -> list[tuple[str, str]]:
    """The products with a capacity, for the planning's product picker."""
    return [
        (str(i), name)
        for i, name in session.exec(
            select(Product.id, Product.name)
            .where(
                col(Product.id).in_(select(ProductCapacity.product_id)),
                col(Product.deleted_at).is_(None),
            )
            .order_by(col(Product.name))
        )
    ]
