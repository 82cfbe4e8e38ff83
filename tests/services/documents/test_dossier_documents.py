"""A dossier's documents, made from the database: the golden render of every kind for the demo
dossier, what an amendment shows, keeping the exact bytes, e-mailing them to a real SMTP server
and the rights."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from email import message_from_bytes, policy

import pytest
from pypdf import PdfReader
from sqlmodel import select

from agence.db import session_scope
from agence.models import (
    Booking,
    MessageAttachment,
    OutgoingMessage,
    PartyDocument,
    SupplierExchange,
)
from agence.services.bookings.bookings import change_status, start_amendment
from agence.services.bookings.lifecycle import Status
from agence.services.catalogue.costings import costing_values
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Module, Right
from agence.services.documents import builder, correspondence, issuing
from agence.services.documents.content import DocumentKind
from agence.services.settings import mail_settings
from agence.settings import get_settings
from tests.factories import demo_admin, demo_dossier, make_actor
from tests.smtp_server import running_smtp

ISSUED_ON = date(2027, 3, 1)


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def pages_of(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def admin(session):
    return demo_admin(session)


@pytest.fixture
def dossier(admin) -> Booking:
    return demo_dossier(admin, "2027-05-12")


def make(actor, booking: Booking, kind: DocumentKind, language: str = "fr", **values):
    with session_scope() as s:
        request = issuing.DocumentRequest(kind=kind, language=language, **values)
        return issuing.make_document(s, actor, booking.id, request, on=ISSUED_ON)


def confirm(actor, booking: Booking) -> Booking:
    with session_scope() as s:
        return change_status(s, actor, booking.id, Status.CONFIRMED)


def amend_without_lunch(actor, booking: Booking) -> Booking:
    """An amendment: the lunch removed, the coach's quantity doubled."""
    with session_scope() as s:
        booking = start_amendment(s, actor, booking.id, "Déjeuner libre, deux autocars")
    with session_scope() as s:
        booking = s.get(Booking, booking.id)
        header, lines = costing_values(s, actor, booking.costing_id, Module.BOOKINGS)
        kept = []
        for line in lines:
            if line["label"] == "Déjeuner":
                continue
            if line["label"] == "Autocar":
                line["quantity"] = "2"
            kept.append(line)
        from agence.services.bookings import bookings

        bookings.save_costing_of(s, actor, booking.id, booking.costing_id, header, kept)
        return s.get(Booking, booking.id)


# --- Golden: every kind for the demo dossier -----------------------------------------------------


def test_the_quote_of_the_demo_dossier_prints_its_programme_price_and_mentions(admin, dossier):
    made = make(admin, dossier, DocumentKind.QUOTE, with_grid=True)
    text = text_of(made.data)
    assert made.file_name == f"devis-programme-{dossier.reference}.pdf"
    for expected in (
        dossier.reference,
        "Collège Anatole-France",
        "Visite du château royal d'Amboise",
        "116,00 €",  # per paying person, 20 payants
        "2 320,00 €",  # for the group
        "79,50 €",  # the grid's 50 payants
        "Bon pour accord",
        "Régime particulier – Agences de voyages",
        "31/03/2027",  # valid 30 days from the issue date
    ):
        assert expected in text, expected
    assert pages_of(made.data) >= 2
    assert "1/" in text


def test_the_quote_in_english_uses_the_english_labels_and_amounts(admin, dossier):
    text = text_of(make(admin, dossier, DocumentKind.QUOTE, "en").data)
    assert "€2,320.00" in text
    assert "Régime particulier – Agences de voyages" in text  # the legal mention stays French


def test_the_contract_is_refused_before_confirmation_then_prints_the_confirmed_version(
    admin, dossier
):
    with pytest.raises(FormErrors) as refused:
        make(admin, dossier, DocumentKind.CONTRACT)
    assert "confirmé" in refused.value.errors["kind"]
    confirm(admin, dossier)
    made = make(admin, dossier, DocumentKind.CONTRACT)
    text = text_of(made.data)
    assert made.version == 1
    assert "2 320,00 €" in text and dossier.reference in text


def test_an_amendment_lists_what_changed_against_the_previous_version(admin, dossier):
    confirm(admin, dossier)
    amended = amend_without_lunch(admin, dossier)
    made = make(admin, amended, DocumentKind.AMENDMENT)
    assert made.title == f"Avenant n° 1 {dossier.reference}"
    with session_scope() as s:
        booking = s.get(Booking, dossier.id)
        document = builder.client_document(s, booking, DocumentKind.AMENDMENT, "fr")
    kinds = {change.label: change.kind for change in document.changes}
    assert kinds == {"Déjeuner": "removed", "Autocar": "changed"}
    removed = next(c for c in document.changes if c.kind == "removed")
    assert removed.amount_difference < 0
    assert document.previous_total == 2320
    text = text_of(made.data)
    assert "Déjeuner libre, deux autocars" in text
    # The contract still prints the confirmed version, unchanged.
    assert "2 320,00 €" in text_of(make(admin, amended, DocumentKind.CONTRACT).data)


def test_the_pro_forma_says_it_is_not_an_invoice(admin, dossier):
    text = text_of(make(admin, dossier, DocumentKind.PROFORMA).data)
    assert "Facture pro forma — ne constitue pas une facture" in text
    assert "2 320,00 €" in text
    assert "IBAN FR76 3000 4012 3400 0123 4567 862 – BIC BNPAFRPPXXX" in text  # to pay by transfer


def test_the_road_book_gives_the_leader_times_places_and_contacts(admin, dossier):
    text = text_of(make(admin, dossier, DocumentKind.ROAD_BOOK).data)
    assert "Départ de Tours en autocar" in text and "08:30" in text
    assert "116,00" not in text and "2 320,00" not in text  # no prices for the group leader


def test_each_supplier_gets_his_own_services_in_request_and_voucher(admin, dossier):
    with session_scope() as s:
        booking = s.get(Booking, dossier.id)
        suppliers = {supplier.name: supplier.id for supplier in builder.suppliers_of(s, booking)}
    castle = suppliers["Château royal d'Amboise"]
    request = text_of(make(admin, dossier, DocumentKind.SUPPLIER_REQUEST, supplier_id=castle).data)
    assert "Entrée château" in request and dossier.reference in request
    assert "Autocar" not in request
    voucher = text_of(make(admin, dossier, DocumentKind.VOUCHER, supplier_id=castle).data)
    assert "Entrée château" in voucher and "12/05/2027" in voucher


# --- Keeping and sending -------------------------------------------------------------------------


def test_a_kept_document_is_the_exact_bytes_with_their_hash(admin, dossier):
    made = make(admin, dossier, DocumentKind.QUOTE)
    with session_scope() as s:
        kept = issuing.keep_document(s, admin, dossier.id, made)
    stored = (get_settings().files_dir / kept.stored_name).read_bytes()
    assert stored == made.data
    assert kept.sha256 == hashlib.sha256(made.data).hexdigest()
    assert (kept.kind, kept.language, kept.version) == ("devis", "fr", 1)


def configure_smtp(session, actor, port: int) -> None:
    mail_settings.save(
        session,
        actor,
        {
            "host": "127.0.0.1",
            "port": str(port),
            "security": "none",
            "sender_address": "resa@escapades-loire.fr",
            "sender_name": "Escapades en Val de Loire",
            "timeout_seconds": "5",
        },
    )
    session.commit()


def test_a_quote_sent_by_email_arrives_with_the_kept_pdf_and_is_logged(session, admin, dossier):
    with running_smtp() as server:
        configure_smtp(session, admin, server.port)
        request = issuing.DocumentRequest(DocumentKind.QUOTE, "fr")
        with session_scope() as s:
            draft = issuing.email_draft(s, admin, dossier.id, request)
        assert draft["to"] == "olivier.girard@example.fr"  # the school's main contact
        assert "contact@college-anatole-france.fr" in draft["suggestions"]
        assert dossier.reference in draft["subject"]
        with session_scope() as s:
            message_id = issuing.queue_email(
                s,
                admin,
                dossier.id,
                request,
                {**draft, "cc": "direction@college-anatole-france.fr"},
                also=(DocumentKind.PROFORMA,),
            )
        sent = correspondence.deliver_recorded(message_id)
        assert sent.status == correspondence.SENT
        received = server.received[-1]
    email = message_from_bytes(received.data, policy=policy.default)
    assert set(received.rcpt_tos) == {
        "olivier.girard@example.fr",
        "direction@college-anatole-france.fr",
    }
    assert email["Message-ID"] == sent.message_id
    attached = {part.get_filename(): part.get_content() for part in email.iter_attachments()}
    with session_scope() as s:
        documents = s.exec(
            select(PartyDocument)
            .join(MessageAttachment, MessageAttachment.document_id == PartyDocument.id)
            .where(MessageAttachment.message_id == message_id)
        ).all()
    assert {d.kind for d in documents} == {"devis", "proforma"}
    for document in documents:
        stored = (get_settings().files_dir / document.stored_name).read_bytes()
        assert attached[document.file_name] == stored


def test_the_supplier_batch_sends_one_message_per_supplier_and_notes_the_exchange(
    session, admin, dossier
):
    with running_smtp() as server:
        configure_smtp(session, admin, server.port)
        with session_scope() as s:
            queued, skipped = issuing.queue_supplier_batch(
                s, admin, dossier.id, DocumentKind.SUPPLIER_REQUEST, "fr"
            )
        progress = []
        correspondence.send_batch(queued, lambda done, total, _m: progress.append(done))
        assert len(server.received) == len(queued) == 4
    assert skipped == []
    assert progress[-1] == 4
    with session_scope() as s:
        exchanges = s.exec(
            select(SupplierExchange).where(SupplierExchange.booking_id == dossier.id)
        ).all()
        messages = s.exec(
            select(OutgoingMessage).where(OutgoingMessage.booking_id == dossier.id)
        ).all()
    assert len(exchanges) == 4
    assert all(m.status == correspondence.SENT and m.supplier_id for m in messages)


def test_sending_without_a_mail_server_fails_clearly_and_keeps_the_message(admin, dossier):
    request = issuing.DocumentRequest(DocumentKind.QUOTE, "fr")
    with session_scope() as s:
        draft = issuing.email_draft(s, admin, dossier.id, request)
        message_id = issuing.queue_email(s, admin, dossier.id, request, draft)
    failed = correspondence.deliver_recorded(message_id)
    assert failed.status == correspondence.FAILED
    assert failed.server_answer


def test_bad_recipients_and_an_empty_subject_are_refused_next_to_their_fields(admin, dossier):
    request = issuing.DocumentRequest(DocumentKind.QUOTE, "fr")
    with pytest.raises(FormErrors) as refused, session_scope() as s:
        issuing.queue_email(s, admin, dossier.id, request, {"to": "pas-une-adresse", "subject": ""})
    assert set(refused.value.errors) == {"to", "subject"}
    with session_scope() as s:
        assert s.exec(select(OutgoingMessage)).all() == []
        assert s.exec(select(PartyDocument).where(PartyDocument.kind != "")).all() == []


# --- Rights ---------------------------------------------------------------------------------------


def test_seeing_a_dossier_allows_printing_but_not_keeping_or_sending(session, admin, dossier):
    reader = make_actor(session, {Right(Module.BOOKINGS, Action.SEE)})
    made = make(reader, dossier, DocumentKind.QUOTE)
    with pytest.raises(AccessDenied), session_scope() as s:
        issuing.keep_document(s, reader, dossier.id, made)
    with pytest.raises(AccessDenied), session_scope() as s:
        issuing.queue_email(
            s,
            reader,
            dossier.id,
            made.request,
            {"to": "a@b.fr", "subject": "x"},
        )


def test_a_rep_limited_to_his_clients_cannot_print_another_reps_dossier(session, admin, dossier):
    from agence.services.common.records import RecordNotFound

    rep = make_actor(
        session,
        {Right(Module.BOOKINGS, Action.SEE), Right(Module.BOOKINGS, Action.EDIT)},
        own_clients_only=True,
    )
    with pytest.raises(RecordNotFound):
        make(rep, dossier, DocumentKind.QUOTE)


GOLDEN_PAGES = {
    DocumentKind.QUOTE: 4,  # with the grid and the terms of sale
    DocumentKind.CONTRACT: 4,
    DocumentKind.AMENDMENT: 2,
    DocumentKind.PROFORMA: 1,
    DocumentKind.ROAD_BOOK: 1,
    DocumentKind.SUPPLIER_REQUEST: 1,
    DocumentKind.VOUCHER: 1,
}


def test_golden_every_kind_of_the_demo_dossier_has_its_pages_and_reference(admin, dossier):
    confirm(admin, dossier)
    amended = amend_without_lunch(admin, dossier)
    with session_scope() as s:
        supplier_id = builder.suppliers_of(s, s.get(Booking, dossier.id))[0].id
    pages = {}
    for kind in GOLDEN_PAGES:
        extra = {"supplier_id": supplier_id} if kind in issuing.SUPPLIER_KINDS else {}
        if kind == DocumentKind.QUOTE:
            extra["with_grid"] = True
        made = make(admin, amended, kind, **extra)
        pages[kind] = pages_of(made.data)
        text = text_of(made.data)
        assert dossier.reference in text, kind
        assert f"1/{pages[kind]}" in text, kind
        assert "Escapades Val de Loire" in text, kind
    assert pages == GOLDEN_PAGES
