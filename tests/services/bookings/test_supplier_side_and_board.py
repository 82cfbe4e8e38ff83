"""The supplier side of a dossier (booking status per service, option deadline, exchanges) and
the follow-up board's lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from agence.db import session_scope
from agence.models import Booking, CostingLine
from agence.services.bookings import board as follow_up
from agence.services.bookings import bookings, supplier_side
from agence.services.catalogue import costings
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor, Module
from tests.factories import demo_admin, demo_dossier, make_actor

TODAY = date(2027, 5, 3)


@pytest.fixture
def admin(session) -> Actor:
    return demo_admin(session)


def _dossier(actor: Actor, starts_on: date, **values) -> Booking:
    return demo_dossier(actor, starts_on, **values)


def _lines(booking: Booking) -> list[CostingLine]:
    with session_scope() as session:
        fresh = session.get(Booking, booking.id)
        return list(
            session.exec(
                select(CostingLine)
                .where(CostingLine.costing_id == fresh.costing_id)
                .order_by(CostingLine.position)
            ).all()
        )


def _set(actor, booking, line, status, reference="", until=""):
    with session_scope() as session:
        return supplier_side.set_service_booking(
            session, actor, booking.id, line.id, status, reference, until
        )


def _move(actor, booking, *targets):
    with session_scope() as session:
        for target in targets:
            bookings.change_status(session, actor, booking.id, target, "motif")


def test_the_services_are_grouped_by_supplier_all_to_request(admin):
    booking = _dossier(admin, date(2027, 6, 9))
    with session_scope() as session:
        view = supplier_side.supplier_view(session, admin, booking.id)
    assert [entry.name for entry in view] == sorted(entry.name for entry in view)
    assert all(s.status == "a_demander" for e in view for s in e.services)
    assert {entry.to_request for entry in view} == {"1"}


def test_an_option_takes_its_deadline_from_the_product_and_then_is_confirmed(admin):
    booking = _dossier(admin, date(2027, 6, 9))
    lunch = next(line for line in _lines(booking) if line.label == "Déjeuner")
    _set(admin, booking, lunch, "option")
    (line,) = [line for line in _lines(booking) if line.id == lunch.id]
    # the restaurant's product: a 30-day option deadline before the dossier's first day
    assert line.supplier_option_until == date(2027, 6, 9) - timedelta(days=30)
    _set(admin, booking, lunch, "confirme", reference="RES-4411")
    (line,) = [line for line in _lines(booking) if line.id == lunch.id]
    assert (line.supplier_status, line.supplier_reference) == ("confirme", "RES-4411")


def test_a_confirmed_service_cannot_go_back_to_an_option(admin):
    booking = _dossier(admin, date(2027, 6, 9))
    line = _lines(booking)[0]
    _set(admin, booking, line, "confirme")
    with pytest.raises(FormErrors) as refused:
        _set(admin, booking, line, "option", until="2027-05-01")
    assert "ne peut pas passer" in refused.value.errors["status"]


def test_repricing_the_dossier_keeps_the_suppliers_answers(admin):
    booking = _dossier(admin, date(2027, 6, 9))
    line = _lines(booking)[0]
    _set(admin, booking, line, "confirme", reference="CAR-12")
    with session_scope() as session:
        fresh = session.get(Booking, booking.id)
        header, lines = costings.costing_values(session, admin, fresh.costing_id, Module.BOOKINGS)
        header["paying"] = "30"
        costings.save_costing(session, admin, fresh.costing_id, header, lines, Module.BOOKINGS)
    kept = _lines(booking)[0]
    assert (kept.supplier_status, kept.supplier_reference) == ("confirme", "CAR-12")


def test_exchanges_are_kept_per_supplier_and_need_a_summary(admin):
    booking = _dossier(admin, date(2027, 6, 9))
    supplier_id = _lines(booking)[0].supplier_id
    with session_scope() as session, pytest.raises(FormErrors) as refused:
        supplier_side.record_exchange(
            session, admin, booking.id, supplier_id, "email", "envoye", " "
        )
    assert "summary" in refused.value.errors
    with session_scope() as session:
        supplier_side.record_exchange(
            session, admin, booking.id, supplier_id, "telephone", "recu", "Car confirmé, 53 pl."
        )
        view = supplier_side.supplier_view(session, admin, booking.id)
    entry = next(e for e in view if e.id == str(supplier_id))
    assert entry.exchanges[0].summary == "Car confirmé, 53 pl."
    assert entry.exchanges[0].kind == "Téléphone"


def test_the_supplier_side_needs_the_edit_right(admin, session):
    booking = _dossier(admin, date(2027, 6, 9))
    reader = make_actor(session, {r for r in admin.rights if r.action == Action.SEE})
    with session_scope() as work, pytest.raises(AccessDenied):
        supplier_side.set_service_booking(
            work, reader, booking.id, _lines(booking)[0].id, "option", "", "2027-05-01"
        )


def _board(actor, **values):
    with session_scope() as session:
        return follow_up.board(session, actor, TODAY, **values)


def test_the_board_lists_options_quotes_unbooked_departures_and_not_invoiced(admin):
    option = _dossier(admin, date(2027, 7, 1), title="Option qui expire")
    _move(admin, option, "option")
    with session_scope() as session:
        fresh = session.get(Booking, option.id)
        fresh.option_until = TODAY + timedelta(days=2)
        session.add(fresh)
    quote = _dossier(admin, date(2027, 8, 1), title="Devis ancien")
    _move(admin, quote, "devis_envoye")
    with session_scope() as session:
        fresh = session.get(Booking, quote.id)
        fresh.quote_sent_on = TODAY - timedelta(days=15)
        session.add(fresh)
    leaving = _dossier(admin, TODAY + timedelta(days=3), title="Départ proche")
    _move(admin, leaving, "confirme")
    done = _dossier(admin, date(2027, 4, 1), title="Déjà réalisé")
    _move(admin, done, "confirme", "realise")
    supplier_option = _lines(quote)[1]
    _set(admin, quote, supplier_option, "option", until=(TODAY + timedelta(days=1)).isoformat())

    board = _board(admin)
    titles = {key: [row.title for row in rows] for key, rows in board.items()}
    assert titles["client_options"] == ["Option qui expire"]
    assert titles["quotes_waiting"] == ["Devis ancien"]
    assert titles["departures"] == ["Départ proche"]
    assert titles["unbooked"] == ["Départ proche"]  # confirmed, nothing booked yet
    assert titles["not_invoiced"] == ["Déjà réalisé"]
    assert titles["supplier_options"] == ["Devis ancien"]
    assert "4 prestation(s) à réserver" in board["unbooked"][0].detail

    for line in _lines(leaving):
        _set(admin, leaving, line, "confirme")
    assert _board(admin)["unbooked"] == []
    assert _board(admin, horizon_days=1)["client_options"] == []


def test_the_board_is_scoped_to_a_reps_own_clients(admin, session):
    _dossier(admin, TODAY + timedelta(days=2))
    booking = _dossier(admin, TODAY + timedelta(days=3))
    _move(admin, booking, "confirme")
    rep = make_actor(session, admin.rights, own_clients_only=True)
    assert all(rows == [] for rows in _board(rep).values())
    assert _board(admin)["departures"]
