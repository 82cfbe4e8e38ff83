"""Documents kept as they are: an issued invoice's or credit note's PDF (ten years), a supplier's
invoice recorded in the dossier, a file an e-mail carried (or will carry), a quote or contract
the client was given. No service removes them, whatever the remover's rights; the other
documents of a dossier are still removed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import Booking, CostingLine, Invoice, OutgoingMessage, PartyDocument
from agence.services.billing import invoicing
from agence.services.billing.supplier_invoices import (
    delete_supplier_invoice,
    record_supplier_invoice,
)
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common import formats
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import Action, Actor, Module, Right
from agence.services.documents import attachments, issuing
from agence.services.documents.attachments import BOOKING_DOCUMENTS_LIST
from agence.services.documents.content import DocumentKind
from tests.factories import demo_admin, demo_dossier, make_actor

ON = date(2027, 3, 1)


@pytest.fixture
def admin(session: Session) -> Actor:
    return demo_admin(session)


@pytest.fixture
def dossier(admin: Actor) -> Booking:
    booking = demo_dossier(admin, "2027-05-12")
    with session_scope() as s:
        return change_status(s, admin, booking.id, Status.CONFIRMED)


@pytest.fixture
def dossier_editor(session: Session) -> Actor:
    """« Dossiers — voir, modifier » and no invoicing right at all."""
    return make_actor(session, {Right(Module.BOOKINGS, a) for a in (Action.SEE, Action.EDIT)})


def run(function, *args, **kwargs):
    with session_scope() as s:
        return function(s, *args, **kwargs)


def issued_deposit(admin: Actor, dossier: Booking) -> Invoice:
    draft = run(invoicing.create_deposit, admin, dossier.id, percent="30")
    return run(invoicing.issue, admin, draft.id, ON)


def refusal(actor: Actor, booking: Booking, document_id: int) -> str:
    with pytest.raises(FormErrors) as failure:
        run(attachments.remove_document, actor, "booking_id", booking.id, document_id)
    return failure.value.errors[""]


def remove(actor: Actor, booking: Booking, document_id: int) -> None:
    run(attachments.remove_document, actor, "booking_id", booking.id, document_id)


def removed(document_id: int) -> bool:
    with session_scope() as s:
        return s.get(PartyDocument, document_id).deleted_at is not None


def kept(admin: Actor, booking: Booking, kind: DocumentKind) -> PartyDocument:
    request = issuing.DocumentRequest(kind=kind, language="fr")
    with session_scope() as s:
        made = issuing.make_document(s, admin, booking.id, request)
        return issuing.keep_document(s, admin, booking.id, made)


def queued(admin: Actor, booking: Booking, kind: DocumentKind) -> tuple[int, int]:
    """An e-mail of the document recorded (« en attente »): (message id, document id)."""
    request = issuing.DocumentRequest(kind=kind, language="fr")
    values = {"to": "direction@college-anatole-france.fr", "subject": "Votre document"}
    with session_scope() as s:
        message_id = issuing.queue_email(s, admin, booking.id, request, values)
        document_id = s.exec(
            select(PartyDocument.id)
            .where(PartyDocument.booking_id == booking.id, PartyDocument.kind == kind.value)
            .order_by(PartyDocument.id.desc())
        ).first()
    return message_id, document_id


def set_status(message_id: int, status: str) -> None:
    with session_scope() as s:
        message = s.get(OutgoingMessage, message_id)
        message.status = status
        s.add(message)


def uploaded(actor: Actor, booking: Booking) -> PartyDocument:
    data = b"%PDF-1.7\n" + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    return run(attachments.store_document, actor, "booking_id", booking.id, "rooming.pdf", data)


# --- Invoices -----------------------------------------------------------------------------------


def test_the_pdf_of_an_issued_invoice_is_never_removed_from_the_dossier(
    admin, dossier, dossier_editor
):
    invoice = issued_deposit(admin, dossier)
    for actor in (dossier_editor, admin):
        assert refusal(actor, dossier, invoice.document_id) == (
            f"Ce document est le PDF de la facture {invoice.number} : une facture ou un avoir "
            "émis se conserve tel quel (dix ans) et ne peut pas être retiré."
        )
    assert not removed(invoice.document_id)
    path, _ = run(attachments.readable_document, admin, invoice.document_id)
    assert path.is_file()


def test_the_pdf_of_an_issued_credit_note_is_never_removed_from_the_dossier(admin, dossier):
    invoice = issued_deposit(admin, dossier)
    draft = run(invoicing.create_credit_note, admin, invoice.id, on=ON)
    credit_note = run(invoicing.issue, admin, draft.id, ON)
    assert credit_note.document_id
    assert refusal(admin, dossier, credit_note.document_id).startswith(
        f"Ce document est le PDF de l'avoir {credit_note.number} :"
    )
    assert not removed(credit_note.document_id)


def test_a_supplier_invoice_pdf_stays_until_the_supplier_invoice_is_deleted(admin, dossier):
    with session_scope() as s:
        coach = s.exec(
            select(CostingLine.supplier_id).where(
                CostingLine.costing_id == s.get(Booking, dossier.id).costing_id,
                CostingLine.label == "Autocar",
            )
        ).one()
    values = {
        "supplier_id": str(coach),
        "reference": "F-2027-0456",
        "invoiced_on": (formats.today() - timedelta(days=2)).isoformat(),
        "amount_incl_vat": "950,00",
        "vat_amount": "86,36",
    }
    received = run(
        record_supplier_invoice,
        admin,
        dossier.id,
        values,
        "facture-car.pdf",
        b"%PDF-1.4\n" + uuid.uuid4().hex.encode(),
    )
    assert refusal(admin, dossier, received.document_id) == (
        "Ce document est la facture fournisseur F-2027-0456 du dossier : supprimez d'abord "
        "cette facture fournisseur."
    )
    run(delete_supplier_invoice, admin, dossier.id, received.id)
    remove(admin, dossier, received.document_id)
    assert removed(received.document_id)


# --- Sent documents -----------------------------------------------------------------------------


def test_a_document_attached_to_an_email_is_never_removed_whatever_became_of_the_email(
    admin, dossier
):
    message_id, document_id = queued(admin, dossier, DocumentKind.ROAD_BOOK)
    assert refusal(admin, dossier, document_id) == (
        "Ce document est joint à un e-mail en attente d'envoi : il ne peut pas être retiré."
    )
    set_status(message_id, "envoye")
    assert refusal(admin, dossier, document_id) == (
        "Ce document a été envoyé par e-mail : il reste tel quel dans le journal de "
        "correspondance et ne peut pas être retiré."
    )
    set_status(message_id, "echec")  # it may be sent again, with this very file
    assert "e-mail en échec" in refusal(admin, dossier, document_id)
    assert not removed(document_id)


def test_an_issued_invoice_sent_by_email_is_refused_as_an_invoice(admin, dossier):
    invoice = issued_deposit(admin, dossier)
    values = {"to": "direction@college-anatole-france.fr", "subject": "Votre facture"}
    run(issuing.queue_invoice_email, admin, invoice.id, values)
    assert f"la facture {invoice.number}" in refusal(admin, dossier, invoice.document_id)


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        (DocumentKind.QUOTE, "devis remis au client"),
        (DocumentKind.CONTRACT, "contrat remis au client"),
    ],
)
def test_a_quote_or_contract_kept_for_the_client_is_never_removed(admin, dossier, kind, what):
    document = kept(admin, dossier, kind)
    assert refusal(admin, dossier, document.id) == (
        f"Ce document ({what}) se conserve tel quel : il ne peut pas être retiré."
    )
    assert not removed(document.id)


# --- What may still go ------------------------------------------------------------------------


def test_a_generated_document_neither_sent_nor_given_to_the_client_may_be_removed(admin, dossier):
    document = kept(admin, dossier, DocumentKind.ROAD_BOOK)
    remove(admin, dossier, document.id)
    assert removed(document.id)


def test_an_uploaded_document_of_the_dossier_may_be_removed(admin, dossier, dossier_editor):
    document = uploaded(dossier_editor, dossier)
    remove(dossier_editor, dossier, document.id)
    assert removed(document.id)


def test_the_documents_tab_tells_which_documents_are_kept(admin, dossier):
    invoice = issued_deposit(admin, dossier)
    quote = kept(admin, dossier, DocumentKind.QUOTE)
    _message, sent = queued(admin, dossier, DocumentKind.ROAD_BOOK)
    free = uploaded(admin, dossier)
    with session_scope() as s:
        page = fetch_page(
            s,
            BOOKING_DOCUMENTS_LIST,
            ListQuery(page_size=50),
            admin,
            (PartyDocument.booking_id == dossier.id,),
        )
    kept_by_id = {row["id"]: bool(row["kept"]) for row in page.rows}
    assert kept_by_id == {
        invoice.document_id: True,
        quote.id: True,
        sent: True,
        free.id: False,
    }
