"""Availability and stock: capacities per day or slot, options and confirmations taking the
group's places, cancellations giving them back, over-booking refused with what is left; the
planning views."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select

from agence.db import session_scope
from agence.models import (
    Booking,
    CostingLine,
    Product,
    ProductCapacity,
    StockReservation,
)
from agence.services.bookings import planning, supplier_side
from agence.services.bookings.availability import CAPACITIES
from agence.services.common import records
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Actor
from tests.factories import demo_admin, demo_dossier

CASTLE = "Visite du château royal d'Amboise"
DAY = date(2027, 6, 9)


@pytest.fixture
def admin(session) -> Actor:
    return demo_admin(session)


def _castle(session) -> Product:
    return session.exec(select(Product).where(Product.name == CASTLE)).one()


def _capacity(admin, session, capacity=50, start="10:00") -> ProductCapacity:
    with session_scope() as work:
        return records.save(
            work,
            admin,
            CAPACITIES,
            None,
            {
                "valid_from": "2027-04-01",
                "valid_to": "2027-10-31",
                "start_text": start,
                "capacity": str(capacity),
            },
            _castle(session).id,
        )


def _dossier(admin, paying: int) -> Booking:
    return demo_dossier(admin, DAY, paying=paying)


def _castle_line(booking: Booking) -> CostingLine:
    with session_scope() as session:
        fresh = session.get(Booking, booking.id)
        return session.exec(
            select(CostingLine).where(
                CostingLine.costing_id == fresh.costing_id, CostingLine.label == "Entrée château"
            )
        ).one()


def _book(admin, booking, status):
    with session_scope() as session:
        return supplier_side.set_service_booking(
            session, admin, booking.id, _castle_line(booking).id, status, "", "2027-05-01"
        )


def _taken() -> list[tuple[int, int, str]]:
    with session_scope() as session:
        return [
            (r.booking_id, r.quantity, r.status)
            for r in session.exec(select(StockReservation).order_by(StockReservation.id))
        ]


def test_a_product_without_capacity_is_not_managed_in_stock(admin):
    booking = _dossier(admin, 30)
    _book(admin, booking, "confirme")
    assert _taken() == []


def test_an_option_takes_the_group_free_places_included_and_confirming_keeps_them(admin, session):
    _capacity(admin, session)
    booking = _dossier(admin, 30)  # 30 paying + 1 free (1 per 20): 31 people at the castle
    _book(admin, booking, "option")
    assert _taken() == [(booking.id, 31, "option")]
    _book(admin, booking, "confirme")
    assert _taken() == [(booking.id, 31, "confirme")]


def test_over_booking_is_refused_with_the_places_left(admin, session):
    _capacity(admin, session, capacity=50)
    first, second = _dossier(admin, 30), _dossier(admin, 25)
    _book(admin, first, "option")
    with pytest.raises(FormErrors) as refused:
        _book(admin, second, "option")
    assert "Complet : il reste 19 place(s)" in refused.value.errors["status"]
    assert "il en faut 26" in refused.value.errors["status"]
    assert [row[0] for row in _taken()] == [first.id]


def test_cancelling_a_service_gives_its_places_back(admin, session):
    _capacity(admin, session, capacity=50)
    first, second = _dossier(admin, 30), _dossier(admin, 25)
    _book(admin, first, "option")
    _book(admin, first, "annule")
    assert _taken() == []
    _book(admin, second, "option")
    assert _taken() == [(second.id, 26, "option")]


def test_a_slot_without_capacity_that_day_is_refused(admin, session):
    _capacity(admin, session, start="15:00")  # the programme visits the castle at 10:00
    booking = _dossier(admin, 20)
    # no 10:00 slot and no whole-day capacity: nothing to take from
    with pytest.raises(FormErrors) as refused:
        _book(admin, booking, "option")
    assert "aucune disponibilité le 09/06/2027 à 10:00" in refused.value.errors["status"]


def test_two_capacities_of_one_slot_over_one_period_are_refused(admin, session):
    _capacity(admin, session)
    with session_scope() as work, pytest.raises(FormErrors) as refused:
        records.save(
            work,
            admin,
            CAPACITIES,
            None,
            {
                "valid_from": "2027-06-01",
                "valid_to": "2027-06-30",
                "start_text": "10h",
                "capacity": "60",
            },
            _castle(session).id,
        )
    assert "déjà une disponibilité" in refused.value.errors[""]


def test_the_product_planning_shows_taken_and_left_places_and_who_holds_them(admin, session):
    _capacity(admin, session, capacity=50)
    booking = _dossier(admin, 30)
    _book(admin, booking, "option")
    with session_scope() as work:
        view = planning.product_planning(
            work, admin, _castle(session).id, *planning.period(DAY, "semaine")
        )
    assert view.slots == ["10:00"]
    wednesday = next(day for day in view.days if day.day == "09/06/2027")
    cell = wednesday.cells[0]
    assert (cell.capacity, cell.taken, cell.left) == ("50", "31", "19")
    assert booking.reference in cell.holders and "opt." in cell.holders
    assert len(view.days) == 7 and view.days[0].weekday == "lun."


def test_the_month_view_covers_the_whole_month():
    assert planning.period(date(2027, 2, 14), "mois") == (date(2027, 2, 1), date(2027, 2, 28))
    assert planning.period(date(2027, 6, 9), "semaine") == (date(2027, 6, 7), date(2027, 6, 13))


def test_slot_times_are_read_like_the_programme(admin, session):
    capacity = _capacity(admin, session, start="9h30")
    assert capacity.start_time == time(9, 30)
