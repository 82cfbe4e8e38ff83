"""The demo agency's invoices (`agence seed --demo`): made once, through the services, with a
deposit and the final invoice deducting it, a mixed dossier with VAT, a credit note, payments;
numbered without a gap, dated in the past weeks in the order of their numbers."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models import (
    Booking,
    Client,
    Invoice,
    InvoiceLine,
    PartyDocument,
    Payment,
    PaymentAllocation,
)
from agence.services.billing import facturx, payments
from agence.services.billing.outstanding import invoice_balances
from agence.services.bookings.lifecycle import Status
from agence.services.common import formats
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.demo import seed
from agence.services.demo.invoices import seed_demo_invoices
from agence.settings import get_settings
from tests.factories import demo_admin
from tests.services.billing import schematron

D = Decimal


@pytest.fixture
def invoices(session: Session) -> list[Invoice]:
    seed.seed_demo(session)
    assert seed_demo_invoices(session) == 5
    session.commit()
    return list(session.exec(select(Invoice).order_by(col(Invoice.id))).all())


def of_kind(invoices: list[Invoice], kind: str) -> list[Invoice]:
    return [invoice for invoice in invoices if invoice.kind == kind]


def test_every_demo_invoice_is_issued_with_its_kept_factur_x_pdf(session, invoices):
    assert all(invoice.status == "emise" and invoice.number for invoice in invoices)
    for invoice in invoices:
        document = session.get(PartyDocument, invoice.document_id)
        data = (get_settings().files_dir / document.stored_name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == document.sha256
        assert document.title == invoice.number


def test_every_demo_invoice_passes_the_en16931_and_french_ctc_schematrons(session, invoices):
    """The XML kept in each PDF, as a platform would receive it: zero errors on both, the
    buyer's electronic address (BT-49) included (the demo clients have no SIRET: their
    e-mail)."""
    for invoice in invoices:
        document = session.get(PartyDocument, invoice.document_id)
        xml = facturx.xml_of((get_settings().files_dir / document.stored_name).read_bytes())
        for which in (schematron.EN16931, schematron.FRENCH_CTC):
            assert not schematron.check(xml, which).errors, (invoice.number, which)


def test_numbers_are_consecutive_and_dates_follow_them_in_the_past_weeks(invoices):
    today = formats.today()
    by_number = sorted(invoices, key=lambda invoice: invoice.number)
    for series in {invoice.series for invoice in invoices}:
        sequences = [i.sequence for i in by_number if i.series == series]
        assert sequences == list(range(1, len(sequences) + 1))
    days = [invoice.issued_on for invoice in by_number]
    assert days == sorted(days)
    assert today - timedelta(days=60) <= days[0] and days[-1] < today


def test_a_30_percent_deposit_paid_then_the_final_invoice_deducting_it_partly_paid(
    session, invoices
):
    (deposit,) = of_kind(invoices, "acompte")
    school_final = next(i for i in of_kind(invoices, "solde") if i.booking_id == deposit.booking_id)
    booking = session.get(Booking, deposit.booking_id)
    assert deposit.deposit_percent == D(30)
    assert deposit.total_incl_vat == (booking.total_price * D("0.3")).quantize(D("0.01"))
    assert deposit.total_vat == 0  # margin scheme: no VAT shown
    assert school_final.deposits_deducted == deposit.total_incl_vat
    assert school_final.amount_due == school_final.total_incl_vat - deposit.total_incl_vat
    deduction = session.exec(
        select(InvoiceLine).where(
            InvoiceLine.invoice_id == school_final.id, InvoiceLine.deducted_invoice_id == deposit.id
        )
    ).one()
    assert deduction.total_incl_vat == -deposit.total_incl_vat

    balances = invoice_balances(session, [deposit.id, school_final.id])
    assert balances[deposit.id].remaining == 0
    assert 0 < balances[school_final.id].paid < school_final.amount_due
    assert session.exec(select(func.count()).select_from(Payment)).one() == 2
    assert session.exec(select(func.count()).select_from(PaymentAllocation)).one() == 2
    assert booking.starts_on > formats.today()  # the trip is ahead: still « confirmé »
    assert booking.status == Status.CONFIRMED


def test_a_mixed_dossier_shows_vat_on_the_agency_escort_only(session, invoices):
    (mixed,) = [i for i in of_kind(invoices, "solde") if i.total_vat > 0]
    lines = session.exec(
        select(InvoiceLine).where(InvoiceLine.invoice_id == mixed.id).order_by(InvoiceLine.position)
    ).all()
    regimes = {(line.regime, line.vat_rate) for line in lines}
    assert regimes == {("normal", D(20)), ("margin", D(0))}
    escort = next(line for line in lines if line.regime == "normal")
    assert escort.label == "Accompagnateur de l'agence"
    assert mixed.total_vat == escort.total_vat == D("39.33")
    assert mixed.client_name == "CSE Michelin Joué-lès-Tours"
    booking = session.get(Booking, mixed.booking_id)
    assert booking.ends_on < mixed.issued_on  # the trip made, then invoiced
    assert booking.status == Status.INVOICED


def test_a_credit_note_corrects_a_final_invoice_left_past_due(session, invoices):
    (note,) = of_kind(invoices, "avoir")
    corrected = session.get(Invoice, note.corrects_id)
    assert corrected.kind == "solde" and corrected.issued_on <= note.issued_on
    assert D(0) > note.total_incl_vat > -corrected.total_incl_vat
    assert note.notes.startswith("Geste commercial")

    admin = demo_admin(session)
    late = fetch_page(session, payments.UNPAID_LIST, ListQuery(filters={"late": "1"}), admin)
    assert [row["number"] for row in late.rows] == [corrected.number]
    assert late.rows[0]["remaining"] == corrected.amount_due + note.total_incl_vat


def test_seeding_again_changes_nothing(session, invoices):
    assert seed_demo_invoices(session) == 0
    session.commit()

    assert session.exec(select(func.count()).select_from(Invoice)).one() == 5
    assert session.exec(select(func.count()).select_from(Booking)).one() == 3


def test_a_database_that_is_not_the_demo_agency_gets_no_invoices(session):
    seed.create_administrator(session, "direction@agence.fr", "Premier2026admin", "A", "B")
    session.commit()

    assert seed_demo_invoices(session) == 0
    assert session.exec(select(func.count()).select_from(Invoice)).one() == 0
    assert session.exec(select(func.count()).select_from(Client)).one() == 0
