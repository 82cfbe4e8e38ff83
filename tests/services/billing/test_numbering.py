"""Invoice numbering: one continuous, chronological sequence per series, taken inside the issuing
transaction so that a rolled-back issue leaves no gap; credit notes in the invoices' series or
their own, as the agency chose."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from agence.db import get_engine, session_scope
from agence.models import AgencySite, Booking, Invoice, InvoiceCounter
from agence.services.billing import numbering
from agence.services.billing.numbering import CreditNoteSeries
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Module, Right
from tests.factories import (
    booking_type_id,
    make_actor,
    make_client,
    make_site,
    reference_data,
)


def take(series: str, on: date | None = None) -> tuple[int, str]:
    with session_scope() as s:
        return numbering.take_number(s, series, on)


def test_the_first_number_of_a_series_is_one_with_six_digits(db):
    assert take("FA-VDL-2026") == (1, "FA-VDL-2026-000001")
    assert take("FA-VDL-2026") == (2, "FA-VDL-2026-000002")
    assert take("FA-VDL-2027") == (1, "FA-VDL-2027-000001")


def test_a_number_taken_in_a_rolled_back_transaction_is_given_again(db):
    take("FA-VDL-2026")
    with Session(get_engine()) as s:
        assert numbering.take_number(s, "FA-VDL-2026") == (2, "FA-VDL-2026-000002")
        s.rollback()
    assert take("FA-VDL-2026") == (2, "FA-VDL-2026-000002")
    with session_scope() as s:
        assert s.get(InvoiceCounter, "FA-VDL-2026").last_number == 2


def test_a_new_series_rolled_back_leaves_no_counter_behind(db):
    with Session(get_engine()) as s:
        numbering.take_number(s, "FA-PAR-2026")
        s.rollback()
    with session_scope() as s:
        assert s.get(InvoiceCounter, "FA-PAR-2026") is None
    assert take("FA-PAR-2026")[0] == 1


def issued_invoice(session: Session, series: str, sequence: int, on: date) -> None:
    """An issued invoice of `series` (only what the chronology check reads)."""
    site = session.exec(select(AgencySite)).first() or make_site(session, "VDL")
    client = make_client(session)
    booking = Booking(
        reference=f"VDL-2026-{sequence:04d}",
        site_id=site.id,
        year=2026,
        number=sequence,
        title="Sortie",
        booking_type_id=booking_type_id(session),
        client_id=client.id,
        starts_on=on,
        ends_on=on,
    )
    session.add(booking)
    session.flush()
    session.add(
        Invoice(
            kind="solde",
            status="emise",
            number=numbering.number_text(series, sequence),
            series=series,
            sequence=sequence,
            booking_id=booking.id,
            client_id=client.id,
            site_id=site.id,
            issued_on=on,
        )
    )
    session.commit()


def test_a_number_is_refused_for_a_date_before_the_last_invoice_of_its_series(session):
    reference_data()
    issued_invoice(session, "FA-VDL-2026", 1, date(2026, 3, 10))
    with pytest.raises(FormErrors) as refused:
        take("FA-VDL-2026", date(2026, 3, 9))
    assert "10/03/2026" in refused.value.errors["issued_on"]
    assert take("FA-VDL-2026", date(2026, 3, 10)) == (1, "FA-VDL-2026-000001")
    assert take("FA-VDL-2027", date(2026, 3, 1))[0] == 1  # another series: its own chronology


def test_the_last_issue_date_of_a_series_ignores_other_series(session):
    reference_data()
    issued_invoice(session, "AV-VDL-2026", 1, date(2026, 6, 1))
    assert numbering.last_issued_on(session, "FA-VDL-2026") is None
    assert numbering.last_issued_on(session, "AV-VDL-2026") == date(2026, 6, 1)


def test_credit_notes_share_the_invoices_series_unless_the_agency_chose_their_own(session):
    reference_data()
    admin = make_actor(session)
    assert numbering.credit_note_series_mode(session) == CreditNoteSeries.SHARED
    assert numbering.series_for(session, "avoir", "VDL", 2026) == "FA-VDL-2026"
    assert numbering.series_for(session, "acompte", "VDL", 2026) == "FA-VDL-2026"
    numbering.set_credit_note_series_mode(session, admin, "propre")
    session.commit()
    assert numbering.credit_note_series_mode(session) == CreditNoteSeries.OWN
    assert numbering.series_for(session, "avoir", "VDL", 2026) == "AV-VDL-2026"
    assert numbering.series_for(session, "solde", "VDL", 2026) == "FA-VDL-2026"


def test_choosing_the_credit_note_series_needs_the_parameters_right_and_a_known_mode(session):
    reference_data()
    clerk = make_actor(session, {Right(Module.INVOICING, Action.VALIDATE)})
    with pytest.raises(AccessDenied):
        numbering.set_credit_note_series_mode(session, clerk, "propre")
    admin = make_actor(session)
    with pytest.raises(FormErrors) as refused:
        numbering.set_credit_note_series_mode(session, admin, "mensuelle")
    assert "mode" in refused.value.errors
