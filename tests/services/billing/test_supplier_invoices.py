"""Supplier invoices of a dossier: recorded against one of its suppliers (checked before
anything is written, the PDF kept among the dossier's documents), compared per supplier with
what the costing expected, and summed as the dossier's real costs for its margin."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import AuditEntry, Booking, CostingLine, PartyDocument, SupplierInvoice
from agence.services.billing.supplier_invoices import (
    delete_supplier_invoice,
    expected_vs_invoiced,
    real_costs,
    record_supplier_invoice,
    supplier_choices,
    supplier_invoices_of_booking,
)
from agence.services.common import formats
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Actor,
    Module,
    Right,
)
from agence.services.common.records import RecordNotFound
from tests.factories import demo_admin, demo_dossier, make_actor, make_supplier

PDF = b"%PDF-1.4\n% facture fournisseur\n"
TODAY = formats.today()


@pytest.fixture
def admin(session: Session) -> Actor:
    return demo_admin(session)


@pytest.fixture
def booking(admin: Actor) -> Booking:
    return demo_dossier(admin, date(2027, 6, 9))


def supplier_of(booking: Booking, label: str) -> int:
    with session_scope() as s:
        costing_id = s.get(Booking, booking.id).costing_id
        return s.exec(
            select(CostingLine.supplier_id).where(
                CostingLine.costing_id == costing_id, CostingLine.label == label
            )
        ).one()


def values(supplier_id: int, amount: str = "950,00", **more: str) -> dict[str, str]:
    return {
        "supplier_id": str(supplier_id),
        "reference": "F-2027-0456",
        "invoiced_on": (TODAY - timedelta(days=2)).isoformat(),
        "due_on": (TODAY + timedelta(days=28)).isoformat(),
        "amount_incl_vat": amount,
        "vat_amount": "86,36",
        "notes": "Car 53 places",
        **more,
    }


def record(actor: Actor, booking: Booking, data: dict[str, str], name="", pdf=b""):
    with session_scope() as s:
        return record_supplier_invoice(s, actor, booking.id, data, name, pdf)


def refused(actor: Actor, booking: Booking, data: dict[str, str], name="", pdf=b""):
    with pytest.raises(FormErrors) as failure:
        record(actor, booking, data, name, pdf)
    return failure.value.errors


def count(model) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_a_supplier_invoice_is_recorded_with_its_pdf_among_the_dossiers_documents(admin, booking):
    coach = supplier_of(booking, "Autocar")
    invoice = record(admin, booking, values(coach), "facture-car.pdf", PDF)
    assert (invoice.amount_incl_vat, invoice.vat_amount) == (Decimal("950.00"), Decimal("86.36"))
    assert (invoice.booking_id, invoice.supplier_id) == (booking.id, coach)
    with session_scope() as s:
        document = s.get(PartyDocument, invoice.document_id)
        entry = s.exec(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "dossier")
            .order_by(AuditEntry.id.desc())
        ).first()
        rows = supplier_invoices_of_booking(s, admin, booking.id)
    assert (document.booking_id, document.file_name) == (booking.id, "facture-car.pdf")
    assert document.title.endswith("F-2027-0456")
    assert entry.changes["facture fournisseur"][1].endswith("F-2027-0456 (950,00\u00a0€)")
    assert [(row.reference, row.amount, row.vat) for row in rows] == [
        ("F-2027-0456", "950,00\u00a0€", "86,36\u00a0€")
    ]
    assert rows[0].document_id == str(document.id)


def test_a_supplier_invoice_needs_no_pdf(admin, booking):
    invoice = record(admin, booking, values(supplier_of(booking, "Déjeuner"), "560"))
    assert invoice.document_id is None
    assert count(PartyDocument) == 0


def test_the_supplier_must_be_one_of_the_dossiers(session, admin, booking):
    stranger = make_supplier(session, "Traiteur inconnu")
    errors = refused(admin, booking, values(stranger.id))
    assert errors == {"supplier_id": "Ce fournisseur n'a aucune prestation dans ce dossier."}
    with session_scope() as s:
        names = [name for _, name in supplier_choices(s, admin, booking.id)]
    assert len(names) == 4 and names == sorted(names)


def test_the_fields_are_checked_before_anything_is_written(admin, booking):
    coach = supplier_of(booking, "Autocar")
    errors = refused(
        admin,
        booking,
        values(
            coach,
            "0",
            reference="",
            invoiced_on=(TODAY + timedelta(days=1)).isoformat(),
            due_on=TODAY.isoformat(),
        ),
        "facture.docx",
        b"PK",
    )
    assert errors == {
        "amount_incl_vat": "Le montant doit être positif.",
        "reference": "Ce champ est obligatoire.",
        "invoiced_on": "Une facture reçue ne peut pas être datée dans le futur.",
        "due_on": "L'échéance précède la date de facture.",
        "document": "La facture se joint en PDF.",
    }
    assert refused(admin, booking, values(coach, "50", vat_amount="60")) == {
        "vat_amount": "La TVA ne peut pas dépasser le montant TTC."
    }
    assert count(SupplierInvoice) == 0 and count(PartyDocument) == 0


def test_a_file_that_is_not_really_a_pdf_is_refused(admin, booking):
    errors = refused(admin, booking, values(supplier_of(booking, "Autocar")), "x.pdf", b"hello")
    assert errors == {"document": "Le contenu du fichier ne correspond pas à son extension."}
    assert count(SupplierInvoice) == 0


def test_the_same_invoice_of_a_supplier_is_recorded_once(admin, booking):
    coach = supplier_of(booking, "Autocar")
    record(admin, booking, values(coach))
    assert refused(admin, booking, values(coach, reference="f-2027-0456")) == {
        "reference": "Cette facture de ce fournisseur est déjà enregistrée."
    }


def test_expected_costs_per_supplier_against_invoiced(admin, booking):
    coach, lunch = supplier_of(booking, "Autocar"), supplier_of(booking, "Déjeuner")
    record(admin, booking, values(coach, "1 000,00", vat_amount=""))
    record(admin, booking, values(lunch, "500", reference="R-1", vat_amount=""))
    record(admin, booking, values(lunch, "40", reference="R-2", vat_amount=""))
    with session_scope() as s:
        rows = {row.supplier_id: row for row in expected_vs_invoiced(s, admin, booking.id)}
    assert len(rows) == 4
    assert (rows[str(coach)].expected, rows[str(coach)].invoiced) == (
        "950,00\u00a0€",
        "1\u202f000,00\u00a0€",
    )
    assert (rows[str(coach)].gap, rows[str(coach)].over) == ("50,00\u00a0€", True)
    assert (rows[str(lunch)].expected, rows[str(lunch)].invoiced) == (
        "560,00\u00a0€",
        "540,00\u00a0€",
    )
    assert (rows[str(lunch)].gap, rows[str(lunch)].over) == ("-20,00\u00a0€", False)
    castle = rows[str(supplier_of(booking, "Entrée château"))]
    assert (castle.expected, castle.invoiced, castle.gap) == ("260,00\u00a0€", "", "")


def test_real_costs_are_none_until_a_supplier_invoice_then_their_sum(admin, booking):
    with session_scope() as s:
        assert real_costs(s, booking.id) is None
    record(admin, booking, values(supplier_of(booking, "Autocar"), "950,10"))
    record(admin, booking, values(supplier_of(booking, "Déjeuner"), "560,20", vat_amount=""))
    with session_scope() as s:
        assert real_costs(s, booking.id) == Decimal("1510.30")


def test_a_supplier_invoice_entered_by_mistake_is_deleted(admin, booking):
    invoice = record(admin, booking, values(supplier_of(booking, "Autocar")), "f.pdf", PDF)
    with session_scope() as s:
        delete_supplier_invoice(s, admin, booking.id, invoice.id)
    assert count(SupplierInvoice) == 0
    assert count(PartyDocument) == 1  # the received document stays with the dossier
    with pytest.raises(RecordNotFound), session_scope() as s:
        delete_supplier_invoice(s, admin, booking.id, invoice.id)


def test_recording_needs_the_right_to_edit_the_dossier(session, admin, booking):
    reader = make_actor(session, set(ALL_RIGHTS) - {Right(Module.BOOKINGS, Action.EDIT)})
    with pytest.raises(AccessDenied):
        record(reader, booking, values(supplier_of(booking, "Autocar")))
    invoice = record(admin, booking, values(supplier_of(booking, "Autocar")))
    with pytest.raises(AccessDenied), session_scope() as s:
        delete_supplier_invoice(s, reader, booking.id, invoice.id)
    with session_scope() as s:
        assert len(supplier_invoices_of_booking(s, reader, booking.id)) == 1


def test_a_rep_limited_to_his_clients_does_not_reach_others_dossiers(session, admin, booking):
    paul = make_actor(session, own_clients_only=True)
    with pytest.raises(RecordNotFound):
        record(paul, booking, values(supplier_of(booking, "Autocar")))
    with pytest.raises(RecordNotFound), session_scope() as s:
        expected_vs_invoiced(s, paul, booking.id)
    assert count(SupplierInvoice) == 0
