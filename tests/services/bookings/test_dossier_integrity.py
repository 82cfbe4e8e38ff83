"""What two users working on one dossier, or a user reaching past his rights, must not break:
stale costing saves, suppliers' answers, held places, cancelled dossiers, open amendments,
other clients' negotiated prices, spreadsheet formulas in exported answers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from agence.db import session_scope
from agence.models import (
    Booking,
    Client,
    CostingLine,
    Product,
    ProductCapacity,
    StockReservation,
)
from agence.services.bookings import bookings, satisfaction, supplier_side
from agence.services.catalogue import costings
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Actor, Module
from tests.factories import demo_admin, demo_dossier, make_actor

DAY = date(2027, 6, 9)


@pytest.fixture
def admin(session) -> Actor:
    return demo_admin(session)


def _dossier(admin, paying=30) -> Booking:
    return demo_dossier(admin, DAY, paying=paying)


def _page(admin, booking):
    """The dossier's costing as a page opened now holds it."""
    with session_scope() as s:
        fresh = s.get(Booking, booking.id)
        header, lines = costings.costing_values(s, admin, fresh.costing_id, Module.BOOKINGS)
        return fresh.costing_id, header, lines


def _save(admin, booking, costing_id, header, lines):
    with session_scope() as s:
        return bookings.save_costing_of(s, admin, booking.id, costing_id, header, lines)


def _castle_line(booking) -> CostingLine:
    with session_scope() as s:
        fresh = s.get(Booking, booking.id)
        return s.exec(
            select(CostingLine).where(
                CostingLine.costing_id == fresh.costing_id, CostingLine.label == "Entrée château"
            )
        ).one()


def _book(admin, booking, status):
    with session_scope() as s:
        supplier_side.set_service_booking(
            s, admin, booking.id, _castle_line(booking).id, status, "", "2027-05-01"
        )


def _stock(session, capacity=50):
    castle = session.exec(
        select(Product).where(Product.name == "Visite du château royal d'Amboise")
    ).one()
    session.add(
        ProductCapacity(
            product_id=castle.id,
            valid_from=date(2027, 1, 1),
            valid_to=date(2027, 12, 31),
            capacity=capacity,
        )
    )
    session.commit()


def _held() -> list[int]:
    with session_scope() as s:
        return [r.quantity for r in s.exec(select(StockReservation))]


def test_a_page_opened_before_confirmation_cannot_save_the_confirmed_version(admin):
    booking = _dossier(admin)
    stale = _page(admin, booking)
    with session_scope() as s:
        bookings.change_status(s, admin, booking.id, "confirme")
    with pytest.raises(FormErrors) as refused:
        _save(admin, booking, *stale)
    assert "ouvrez un avenant" in refused.value.errors[""]
    with session_scope() as s:
        bookings.start_amendment(s, admin, booking.id, "Une nuit de plus")
    with pytest.raises(FormErrors) as refused:
        _save(admin, booking, *stale)  # still version 1's costing
    assert "rechargez" in refused.value.errors[""]


def test_a_stale_costing_page_does_not_undo_a_suppliers_answer(admin):
    booking = _dossier(admin)
    costing_id, header, lines = _page(admin, booking)
    _book(admin, booking, "confirme")  # a colleague, on the Fournisseurs tab
    header["markup_percent"] = "25"
    _save(admin, booking, costing_id, header, lines)
    assert _castle_line(booking).supplier_status == "confirme"


def test_held_places_follow_the_group_and_go_back_with_a_removed_service(admin, session):
    _stock(session, capacity=40)
    booking = _dossier(admin, paying=30)
    _book(admin, booking, "option")
    assert _held() == [31]
    costing_id, header, lines = _page(admin, booking)
    header["paying"] = "35"
    _save(admin, booking, costing_id, header, lines)
    assert _held() == [36]
    costing_id, header, lines = _page(admin, booking)
    header["paying"] = "45"
    with pytest.raises(FormErrors) as refused:
        _save(admin, booking, costing_id, header, lines)
    assert "il reste" in refused.value.errors[""]
    assert _held() == [36]
    costing_id, header, lines = _page(admin, booking)
    kept = [line for line in lines if line["label"] != "Entrée château"]
    _save(admin, booking, costing_id, header, kept)
    assert _held() == []


def test_a_cancelled_dossier_cancels_its_supplier_bookings_and_holds_nothing(admin, session):
    _stock(session)
    booking = _dossier(admin)
    _book(admin, booking, "option")
    with session_scope() as s:
        bookings.change_status(s, admin, booking.id, "annule", "Annulé par l'école")
    assert _castle_line(booking).supplier_status == "annule" and _held() == []
    _book(admin, booking, "a_demander")  # allowed: nothing is held
    with pytest.raises(FormErrors) as refused:
        _book(admin, booking, "option")
    assert "rien à réserver" in refused.value.errors["status"]


def test_an_open_amendment_must_be_validated_before_the_dossier_is_done(admin):
    booking = _dossier(admin)
    with session_scope() as s:
        bookings.change_status(s, admin, booking.id, "confirme")
        bookings.start_amendment(s, admin, booking.id, "Une nuit de plus")
    with session_scope() as s, pytest.raises(FormErrors) as refused:
        bookings.change_status(s, admin, booking.id, "realise")
    assert "avenant est en cours" in refused.value.errors[""]


def test_a_rep_cannot_read_another_clients_negotiated_price_through_the_costing(admin, session):
    rep = make_actor(session, admin.rights, own_clients_only=True)
    with session_scope() as s:
        school = s.exec(select(Client).where(Client.name == "Collège Anatole-France")).one()
        castle = s.exec(
            select(Product).where(Product.name == "Visite du château royal d'Amboise")
        ).one()
        header = {**costings.default_header(), "client_id": str(school.id)}
        line = costings.line_from_product(s, castle.id, header, rep)
        own = costings.line_from_product(s, castle.id, header, admin)
    assert line["price_note"] == "" and line["unit_sale_price"] == ""
    assert own["price_note"].startswith("Prix négocié client")


def test_an_exported_answer_cannot_become_a_spreadsheet_formula():
    assert satisfaction._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert satisfaction._cell("Très bien") == "Très bien"
