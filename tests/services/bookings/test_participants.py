"""A dossier's participants: the rooming list's records, and its import from Excel/CSV under
the dossier (all or nothing, line-numbered report)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from agence.db import session_scope
from agence.models import Booking, Participant
from agence.services.bookings.participants import PARTICIPANTS
from agence.services.common import records
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Actor
from agence.services.common.records import RecordNotFound
from agence.services.parties import imports
from tests.factories import demo_admin, demo_dossier, make_actor

HEADERS = ["Nom", "Prénom", "Catégorie", "Type de chambre", "Chambre", "Régime alimentaire"]


@pytest.fixture
def admin(session) -> Actor:
    return demo_admin(session)


@pytest.fixture
def booking(admin) -> Booking:
    return demo_dossier(
        admin, "2027-02-01", from_catalogue=False, title="Classe de neige", ends_on="2027-02-05"
    )


def _import(actor, booking_id, rows, *, only_valid=False):
    table = imports.Table(headers=HEADERS, rows=rows)
    mapping = imports.guess_mapping(imports.TARGETS["participants"], HEADERS)
    with session_scope() as session:
        return imports.run_import(
            session,
            actor,
            "participants",
            table,
            mapping,
            only_valid=only_valid,
            parent_id=booking_id,
        )


def _participants(booking_id):
    with session_scope() as session:
        return [
            (p.last_name, p.first_name, p.room_type, p.room)
            for p in session.exec(
                select(Participant)
                .where(Participant.booking_id == booking_id)
                .order_by(Participant.last_name)
            )
        ]


def test_a_participant_is_added_to_the_dossier_with_his_name_in_capitals(admin, booking):
    with session_scope() as session:
        records.save(
            session,
            admin,
            PARTICIPANTS,
            None,
            {"last_name": "Dupont", "first_name": "Léa", "room_type": "twin", "room": "12"},
            booking.id,
        )
    assert _participants(booking.id) == [("DUPONT", "Léa", "twin", "12")]


def test_participants_are_imported_under_the_dossier_with_labels_understood(admin, booking):
    report = _import(
        admin,
        booking.id,
        [
            ["Martin", "Hugo", "Enfant", "Twin (deux lits)", "12", ""],
            ["Petit", "Jade", "enfant", "twin", "12", "sans gluten"],
            ["Roux", "Paul", "Adulte", "Individuelle", "1", ""],
        ],
    )
    assert (report.imported, report.errors) == (3, [])
    assert _participants(booking.id) == [
        ("MARTIN", "Hugo", "twin", "12"),
        ("PETIT", "Jade", "twin", "12"),
        ("ROUX", "Paul", "single", "1"),
    ]


def test_an_import_with_a_bad_line_imports_nothing_unless_asked(admin, booking):
    rows = [
        ["Martin", "Hugo", "Enfant", "twin", "12", ""],
        ["", "Sans nom", "Enfant", "twin", "12", ""],
        ["Petit", "Jade", "Martien", "twin", "12", ""],
    ]
    report = _import(admin, booking.id, rows)
    assert report.imported == 0
    assert {(error.line, error.field) for error in report.errors} == {
        (3, "Nom"),
        (4, "Catégorie"),
    }
    assert _participants(booking.id) == []
    assert _import(admin, booking.id, rows, only_valid=True).imported == 1


def test_participants_cannot_be_imported_into_a_dossier_out_of_reach(admin, booking, session):
    rep = make_actor(session, admin.rights, own_clients_only=True)
    with pytest.raises(RecordNotFound):
        _import(rep, booking.id, [["Martin", "Hugo", "", "", "", ""]])
    with pytest.raises(RecordNotFound):
        _import(admin, None, [["Martin", "Hugo", "", "", "", ""]])


def test_an_import_needs_the_name_column(admin, booking):
    table = imports.Table(headers=["Prénom"], rows=[["Hugo"]])
    with session_scope() as session, pytest.raises(FormErrors) as refused:
        imports.check(
            session, admin, "participants", table, {"0": "first_name"}, parent_id=booking.id
        )
    assert "Nom" in refused.value.errors["mapping"]
