"""Stock under concurrency (PostgreSQL): two users taking the last places of one slot at the
same moment cannot both succeed — the capacity row is locked before the taken places are
counted, so the second waits, then is refused with what is left."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from agence.db import session_scope
from agence.models import (
    CostingLine,
    Product,
    ProductCapacity,
    StockReservation,
)
from agence.services.bookings import supplier_side
from agence.services.common.forms import FormErrors
from tests.factories import demo_admin, demo_dossier
from tests.services.bookings.test_booking_concurrency import Race

CASTLE = "Visite du château royal d'Amboise"
DAY = date(2027, 6, 9)


@pytest.fixture
def admin(session: Session, db: str):
    if make_url(db).get_backend_name() != "postgresql":
        pytest.skip(
            "PostgreSQL only: SQLite has no row locks and serialises writers; set "
            "AGENCE_TEST_DATABASE_URL to run this race."
        )
    return demo_admin(session)


def _dossier(admin, paying: int) -> tuple[int, int]:
    booking = demo_dossier(admin, DAY, paying=paying)
    with session_scope() as s:
        line = s.exec(
            select(CostingLine).where(
                CostingLine.costing_id == booking.costing_id,
                CostingLine.label == "Entrée château",
            )
        ).one()
        return booking.id or 0, line.id or 0


def test_two_users_taking_the_last_places_at_once_cannot_both_succeed(admin, session):
    castle = session.exec(select(Product).where(Product.name == CASTLE)).one()
    session.add(
        ProductCapacity(
            product_id=castle.id,
            valid_from=date(2027, 1, 1),
            valid_to=date(2027, 12, 31),
            capacity=50,
        )
    )
    session.commit()
    for _round in range(3):
        with session_scope() as s:
            for reservation in s.exec(select(StockReservation)):
                s.delete(reservation)
        dossiers = {"anne": _dossier(admin, 30), "bob": _dossier(admin, 30)}  # 31 people each

        def book(work_session: Session, name: str, dossiers=dossiers):
            booking_id, line_id = dossiers[name]
            return supplier_side.set_service_booking(
                work_session, admin, booking_id, line_id, "option", "", "2027-05-01"
            )

        first, second = Race(book).run().in_order
        assert not isinstance(first, FormErrors)
        assert isinstance(second, FormErrors)
        assert "il reste 19 place(s)" in second.errors["status"]
        with session_scope() as s:
            held = s.exec(select(func.sum(StockReservation.quantity))).one()
            statuses = s.exec(
                select(CostingLine.supplier_status).where(
                    CostingLine.id.in_([line for _, line in dossiers.values()])  # type: ignore[union-attr]
                )
            ).all()
        assert held == 31
        assert sorted(statuses) == ["a_demander", "option"]
