"""Making, keeping and e-mailing a dossier's documents.

A document is made from the dossier as it is now (content → letter texts → PDF). What is sent
is kept first — the exact bytes, with their hash, as a document of the dossier — so the client's
copy can be shown again after the dossier changed. Sending is two steps: `queue_email` records
the message and its attachments in the caller's transaction; `correspondence.deliver_recorded`
then talks to the SMTP server outside any transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from agence.models import (
    Booking,
    Client,
    Contact,
    Invoice,
    PartyDocument,
    Supplier,
    User,
)
from agence.services.bookings import lifecycle
from agence.services.bookings.bookings import get_booking
from agence.services.bookings.supplier_side import STATUSES
from agence.services.common import files, identifiers
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.common.text import slugify
from agence.services.documents import builder, correspondence, mailer, render, templates
from agence.services.documents.content import (
    INVOICE_CREDIT_NOTE,
    INVOICE_DEPOSIT,
    INVOICE_FINAL,
    INVOICE_ISSUED,
    KIND_LABELS,
    LANGUAGES,
    SUPPLIER_KINDS,
    ClientDocument,
    DocumentKind,
    SupplierDocument,
)

MAX_ATTACHMENTS = 6


@dataclass(frozen=True)
class DocumentRequest:
    """Which document: its kind, language, the supplier for a supplier document, the version
    for a contract or an amendment (else the current one), and whether to print the grid."""

    kind: DocumentKind
    language: str
    supplier_id: int | None = None
    version: int | None = None
    with_grid: bool = False


@dataclass(frozen=True)
class MadeDocument:
    request: DocumentRequest
    version: int
    title: str
    file_name: str
    data: bytes
    context: dict[str, Any]
    recipients: tuple[str, ...]
    recipient_name: str


def parse_request(values: dict[str, Any]) -> DocumentRequest:
    """The document form's values, checked: the kind, the language, the supplier when the kind
    needs one, the version when given."""
    errors: dict[str, str] = {}
    try:
        kind = DocumentKind(str(values.get("kind") or ""))
    except ValueError:
        kind = DocumentKind.QUOTE
        errors["kind"] = "Choisissez le document."
    if kind == DocumentKind.INVOICE:  # an invoice is issued, never made here
        kind = DocumentKind.QUOTE
        errors["kind"] = "Les factures s'émettent dans l'onglet « Factures »."
    language = str(values.get("language") or "fr")
    if language not in LANGUAGES:
        errors["language"] = "Langue non disponible pour les documents."
    supplier_raw = str(values.get("supplier_id") or "")
    supplier_id = identifiers.record_id(supplier_raw)
    if kind in SUPPLIER_KINDS and supplier_id is None:
        errors["supplier_id"] = "Choisissez le fournisseur."
    version_raw = str(values.get("version") or "")
    version = identifiers.record_id(version_raw)
    if errors:
        raise FormErrors(errors)
    return DocumentRequest(
        kind=kind,
        language=language,
        supplier_id=supplier_id if kind in SUPPLIER_KINDS else None,
        version=version if kind in (DocumentKind.CONTRACT, DocumentKind.AMENDMENT) else None,
        with_grid=bool(values.get("with_grid")) and kind == DocumentKind.QUOTE,
    )


def _sender(session: Session, actor: Actor) -> tuple[str, str]:
    user = session.get(User, actor.user_id)
    if user is None:
        return "", ""
    return f"{user.first_name} {user.last_name}".strip(), user.email


def client_recipients(session: Session, booking: Booking) -> tuple[tuple[str, ...], str]:
    """The dossier's contact first, else the client's main contact, else the client's address."""
    contact = session.get(Contact, booking.contact_id) if booking.contact_id else None
    if contact is None or not contact.email:
        contact = session.exec(
            select(Contact)
            .where(
                col(Contact.client_id) == booking.client_id,
                col(Contact.deleted_at).is_(None),
                col(Contact.email) != "",
            )
            .order_by(col(Contact.is_main).desc(), col(Contact.id))
        ).first()
    if contact is not None and contact.email:
        return (contact.email,), builder.contact_name(contact)
    client = session.get(Client, booking.client_id)
    return ((client.email,) if client and client.email else ()), ""


def contact_suggestions(session: Session, booking: Booking, supplier_id: int | None) -> list[str]:
    """Every e-mail address of the client's (or the supplier's) contacts, to add with a click."""
    owner = (
        col(Contact.supplier_id) == supplier_id
        if supplier_id
        else col(Contact.client_id) == booking.client_id
    )
    found = [
        email
        for email in session.exec(
            select(Contact.email).where(
                owner,
                col(Contact.deleted_at).is_(None),
                col(Contact.email) != "",
            )
        ).all()
        if email
    ]
    party = (
        session.get(Supplier, supplier_id)
        if supplier_id
        else session.get(Client, booking.client_id)
    )
    if party is not None and party.email and party.email not in found:
        found.append(party.email)
    return found


def _content(
    session: Session, booking: Booking, request: DocumentRequest, on: date | None
) -> ClientDocument | SupplierDocument:
    if request.kind in SUPPLIER_KINDS:
        return builder.supplier_document(
            session,
            booking,
            request.supplier_id or 0,
            request.kind,
            request.language,
            on=on,
            statuses=dict(STATUSES),
        )
    return builder.client_document(
        session,
        booking,
        request.kind,
        request.language,
        version=request.version,
        on=on,
        with_grid=request.with_grid,
    )


def _file_name(booking: Booking, request: DocumentRequest, version: int, supplier: str) -> str:
    parts = [slugify(KIND_LABELS[request.kind]), booking.reference]
    if supplier:
        parts.append(slugify(supplier)[:40])
    if request.kind in (DocumentKind.CONTRACT, DocumentKind.AMENDMENT) or version > 1:
        parts.append(f"v{version}")
    if request.language != "fr":
        parts.append(request.language)
    return "-".join(part for part in parts if part) + ".pdf"


@dataclass(frozen=True)
class _Prepared:
    content: ClientDocument | SupplierDocument
    context: dict[str, Any]
    recipients: tuple[str, ...]
    recipient_name: str
    version: int
    supplier_name: str


def _prepare(
    session: Session, actor: Actor, booking: Booking, request: DocumentRequest, on: date | None
) -> _Prepared:
    content = _content(session, booking, request, on)
    sender_name, sender_email = _sender(session, actor)
    recipients: tuple[str, ...]
    if isinstance(content, SupplierDocument):
        recipients = (content.supplier.contact_email,) if content.supplier.contact_email else ()
        recipient_name = content.supplier.contact_name
        context = templates.context_for_supplier_document(
            content,
            recipient_name=recipient_name,
            recipient_email=recipients[0] if recipients else "",
            sender_name=sender_name,
            sender_email=sender_email,
        )
        version, supplier_name = booking.version, content.supplier.name
    else:
        recipients, recipient_name = client_recipients(session, booking)
        context = templates.context_for_client_document(
            content,
            recipient_name=recipient_name,
            recipient_email=recipients[0] if recipients else "",
            sender_name=sender_name,
            sender_email=sender_email,
        )
        version, supplier_name = content.version, ""
    return _Prepared(content, context, recipients, recipient_name, version, supplier_name)


def find_booking(session: Session, actor: Actor, reference: str) -> Booking:
    """A dossier by its reference, within the actor's reach (the template editor's preview)."""
    actor.require(Module.BOOKINGS, Action.SEE)
    booking_id = session.exec(
        select(Booking.id).where(
            col(Booking.reference) == reference.strip().upper(),
            col(Booking.deleted_at).is_(None),
        )
    ).first()
    if booking_id is None:
        raise FormErrors({"reference": "Aucun dossier à cette référence."})
    return get_booking(session, actor, booking_id)


def document_context(
    session: Session, actor: Actor, booking_id: int, request: DocumentRequest
) -> dict[str, Any]:
    """The placeholders' values for one document of a dossier (for a template's preview)."""
    actor.require(Module.BOOKINGS, Action.SEE)
    booking = get_booking(session, actor, booking_id)
    if request.kind in SUPPLIER_KINDS and request.supplier_id is None:
        suppliers = builder.suppliers_of(session, booking)
        if not suppliers:
            raise FormErrors({"reference": "Ce dossier n'a pas de fournisseur."})
        request = replace(request, supplier_id=suppliers[0].id)
    return _prepare(session, actor, booking, request, None).context


def make_document(
    session: Session,
    actor: Actor,
    booking_id: int,
    request: DocumentRequest,
    *,
    on: date | None = None,
    texts: dict[str, str] | None = None,
) -> MadeDocument:
    """The PDF of one document of the dossier as it is now (`texts` replaces the stored
    template's texts: the template editor's preview)."""
    actor.require(Module.BOOKINGS, Action.SEE)
    booking = get_booking(session, actor, booking_id)
    if request.kind in SUPPLIER_KINDS and request.supplier_id is None:
        suppliers = builder.suppliers_of(session, booking)
        if not suppliers:
            raise FormErrors({"reference": "Ce dossier n'a pas de fournisseur."})
        request = replace(request, supplier_id=suppliers[0].id)
    prepared = _prepare(session, actor, booking, request, on)
    source = (
        texts
        if texts is not None
        else templates.effective_texts(session, request.kind, request.language)
    )
    try:
        rendered = templates.render_texts(source, prepared.context, request.language)
    except templates.TemplateProblem as problem:
        raise FormErrors(
            {"kind": f"Modèle « {KIND_LABELS[request.kind]} » : {problem.message}"}
        ) from problem
    content = replace(prepared.content, texts=templates.letter_texts(rendered))
    data = (
        render.render_supplier_document(content)
        if isinstance(content, SupplierDocument)
        else render.render_client_document(content)
    )
    version = prepared.version
    title = f"{KIND_LABELS[request.kind]} {booking.reference}"
    if prepared.supplier_name:
        title += f" – {prepared.supplier_name}"
    if request.kind == DocumentKind.AMENDMENT:
        title = f"Avenant n° {version - 1} {booking.reference}"
    return MadeDocument(
        request=request,
        version=version,
        title=title,
        file_name=_file_name(booking, request, version, prepared.supplier_name),
        data=data,
        context={
            **prepared.context,
            "_subject": rendered.get("email_subject", ""),
            "_body": rendered.get("email_body", ""),
        },
        recipients=prepared.recipients,
        recipient_name=prepared.recipient_name,
    )


def keep_document(
    session: Session, actor: Actor, booking_id: int, made: MadeDocument
) -> PartyDocument:
    """Keeps the exact bytes (by their SHA-256) as a document of the dossier."""
    actor.require(Module.BOOKINGS, Action.EDIT)
    booking = get_booking(session, actor, booking_id)
    stored, digest = files.keep_private_bytes(made.data, ".pdf")
    document = PartyDocument(
        booking_id=booking.id,
        title=made.title[:200],
        file_name=made.file_name[:200],
        stored_name=stored,
        mime_type="application/pdf",
        size=len(made.data),
        sha256=digest,
        kind=made.request.kind.value,
        language=made.request.language,
        version=made.version,
        uploaded_by_id=actor.user_id,
    )
    session.add(document)
    session.flush()
    lifecycle.audit_booking(
        session,
        actor,
        booking,
        {"document": [None, document.title]},
        AuditAction.FILE_UPLOADED,
    )
    return document


def email_draft(
    session: Session, actor: Actor, booking_id: int, request: DocumentRequest
) -> dict[str, Any]:
    """What the sending dialog opens with: recipients, subject and body from the template."""
    made = make_document(session, actor, booking_id, request)
    booking = get_booking(session, actor, booking_id)
    return {
        "to": ", ".join(made.recipients),
        "cc": "",
        "subject": made.context["_subject"].strip(),
        "body": made.context["_body"],
        "suggestions": contact_suggestions(session, booking, request.supplier_id),
        "file_name": made.file_name,
    }


def _message_fields(values: dict[str, Any]) -> tuple[list[str], list[str], str, dict[str, str]]:
    """The sending dialog's recipients and subject, checked: (to, cc, subject, errors)."""
    errors: dict[str, str] = {}
    to: list[str] = []
    cc: list[str] = []
    try:
        to = mailer.parse_addresses(str(values.get("to") or ""), required=True)
    except ValueError as exc:
        errors["to"] = str(exc)
    try:
        cc = mailer.parse_addresses(str(values.get("cc") or ""))
    except ValueError as exc:
        errors["cc"] = str(exc)
    subject = str(values.get("subject") or "").strip()
    if not subject:
        errors["subject"] = "Indiquez l'objet du message."
    return to, cc, subject, errors


def also_attachable(request: DocumentRequest) -> tuple[DocumentKind, ...]:
    """The other documents a message to the same party may carry."""
    if request.kind in SUPPLIER_KINDS:
        return ()
    return tuple(
        kind
        for kind in (
            DocumentKind.QUOTE,
            DocumentKind.CONTRACT,
            DocumentKind.PROFORMA,
            DocumentKind.ROAD_BOOK,
        )
        if kind != request.kind
    )


def queue_email(
    session: Session,
    actor: Actor,
    booking_id: int,
    request: DocumentRequest,
    values: dict[str, Any],
    *,
    also: tuple[DocumentKind, ...] = (),
    batch: str = "",
) -> int:
    """Makes and keeps the document(s), records the message (« en attente ») with them; the
    caller commits, then delivers. Returns the message's id."""
    actor.require(Module.BOOKINGS, Action.EDIT)
    booking = get_booking(session, actor, booking_id)
    to, cc, subject, errors = _message_fields(values)
    extra = [kind for kind in also if kind in also_attachable(request)]
    if len(extra) + 1 > MAX_ATTACHMENTS:
        errors["also"] = f"{MAX_ATTACHMENTS} documents au plus par message."
    if errors:
        raise FormErrors(errors)
    requests = [request, *(replace(request, kind=kind, version=None) for kind in extra)]
    documents = [
        keep_document(session, actor, booking_id, make_document(session, actor, booking_id, r))
        for r in requests
    ]
    sender_name, sender_email = _sender(session, actor)
    message = correspondence.record_message(
        session,
        actor,
        booking_id=booking.id,
        client_id=None if request.supplier_id else booking.client_id,
        supplier_id=request.supplier_id,
        kind=request.kind.value,
        to=to,
        cc=cc,
        subject=subject,
        body=str(values.get("body") or ""),
        document_ids=[document.id or 0 for document in documents],
        sender=f"{sender_name} <{sender_email}>" if sender_email else sender_name,
        batch=batch,
    )
    return message.id or 0


def queue_supplier_batch(
    session: Session, actor: Actor, booking_id: int, kind: DocumentKind, language: str
) -> tuple[list[int], list[str]]:
    """One message per supplier of the dossier (its request or voucher attached), each from
    the template; returns the queued messages and the suppliers left out (no e-mail)."""
    if kind not in SUPPLIER_KINDS:
        raise FormErrors({"kind": "Envoi groupé : demandes de réservation ou bons d'échange."})
    actor.require(Module.BOOKINGS, Action.EDIT)
    booking = get_booking(session, actor, booking_id)
    batch = secrets.token_hex(8)
    queued: list[int] = []
    skipped: list[str] = []
    for supplier in builder.suppliers_of(session, booking):
        request = DocumentRequest(kind=kind, language=language, supplier_id=supplier.id)
        made = make_document(session, actor, booking_id, request)
        if not made.recipients:
            skipped.append(supplier.name)
            continue
        queued.append(
            queue_email(
                session,
                actor,
                booking_id,
                request,
                {
                    "to": ", ".join(made.recipients),
                    "subject": made.context["_subject"].strip() or made.title,
                    "body": made.context["_body"],
                },
                batch=batch,
            )
        )
    if not queued and not skipped:
        raise FormErrors({"kind": "Aucun fournisseur dans ce dossier."})
    return queued, skipped


# --- Invoices ----------------------------------------------------------------------------------

INVOICE_TYPES = {
    "fr": {
        INVOICE_DEPOSIT: "Facture d'acompte",
        INVOICE_FINAL: "Facture",
        INVOICE_CREDIT_NOTE: "Avoir",
    },
    "en": {
        INVOICE_DEPOSIT: "Deposit invoice",
        INVOICE_FINAL: "Invoice",
        INVOICE_CREDIT_NOTE: "Credit note",
    },
}
"""The « type » placeholder of the invoice e-mail, by language then by the invoice's kind."""


def _issued_invoice(session: Session, actor: Actor, invoice_id: int) -> tuple[Invoice, Booking]:
    actor.require(Module.INVOICING, Action.SEE)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise RecordNotFound("facture", invoice_id)
    booking = get_booking(session, actor, invoice.booking_id)
    if invoice.status != INVOICE_ISSUED or invoice.document_id is None:
        raise FormErrors({"": "Seule une facture émise s'envoie."})
    return invoice, booking


def _invoice_context(
    session: Session, actor: Actor, invoice: Invoice, booking: Booking, language: str
) -> tuple[dict[str, Any], tuple[str, ...]]:
    content = builder.client_document(session, booking, DocumentKind.QUOTE, language)
    recipients, recipient_name = client_recipients(session, booking)
    sender_name, sender_email = _sender(session, actor)
    facts = {
        "numero": invoice.number or "",
        "type": INVOICE_TYPES.get(language, INVOICE_TYPES["fr"]).get(invoice.kind, ""),
        "date": invoice.issued_on,
        "echeance": invoice.due_on if invoice.kind != INVOICE_CREDIT_NOTE else None,
        "montant": invoice.total_incl_vat,
        "net_a_payer": invoice.amount_due,
    }
    context = templates.context_for_invoice(
        content,
        facts,
        recipient_name=recipient_name,
        recipient_email=recipients[0] if recipients else "",
        sender_name=sender_name,
        sender_email=sender_email,
    )
    return context, recipients


def invoice_email_draft(session: Session, actor: Actor, invoice_id: int) -> dict[str, Any]:
    """What the sending dialog of an issued invoice opens with (template « Facture »)."""
    invoice, booking = _issued_invoice(session, actor, invoice_id)
    language = client_language(session, booking)
    context, recipients = _invoice_context(session, actor, invoice, booking, language)
    texts = templates.effective_texts(session, DocumentKind.INVOICE, language)
    try:
        rendered = templates.render_texts(texts, context, language)
    except templates.TemplateProblem as problem:
        raise FormErrors({"": f"Modèle « Facture » : {problem.message}"}) from problem
    document = session.get(PartyDocument, invoice.document_id)
    return {
        "to": ", ".join(recipients),
        "cc": "",
        "subject": rendered.get("email_subject", "").strip(),
        "body": rendered.get("email_body", ""),
        "suggestions": contact_suggestions(session, booking, None),
        "file_name": document.file_name if document else f"{invoice.number}.pdf",
    }


def queue_invoice_email(
    session: Session, actor: Actor, invoice_id: int, values: dict[str, Any]
) -> int:
    """Records the message with the invoice's stored Factur-X PDF — the issued bytes, never a
    new rendering; the caller commits, then delivers."""
    invoice, booking = _issued_invoice(session, actor, invoice_id)
    to, cc, subject, errors = _message_fields(values)
    if errors:
        raise FormErrors(errors)
    sender_name, sender_email = _sender(session, actor)
    message = correspondence.record_message(
        session,
        actor,
        booking_id=booking.id,
        client_id=booking.client_id,
        kind=DocumentKind.INVOICE.value,
        to=to,
        cc=cc,
        subject=subject,
        body=str(values.get("body") or ""),
        document_ids=[invoice.document_id or 0],
        sender=f"{sender_name} <{sender_email}>" if sender_email else sender_name,
    )
    return message.id or 0


def client_language(session: Session, booking: Booking) -> str:
    """The client's language when documents exist in it, else French."""
    client = session.get(Client, booking.client_id)
    language = client.language if client else "fr"
    return language if language in LANGUAGES else "fr"
