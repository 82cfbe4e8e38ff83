"""Private documents of a client, a supplier, a product or a dossier (signed contracts, price lists,
conditions, a site's brochure). A document needs the rights of the file it belongs to.

Some documents are kept as they are and never removed: the PDF of an issued invoice or credit
note (ten years), a supplier's invoice recorded in the dossier, a file carried by an e-mail of
the correspondence log, a quote or contract the client was given."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import ColumnElement, exists, or_
from sqlmodel import Session, col, select

from agence.models import (
    Invoice,
    MessageAttachment,
    OutgoingMessage,
    PartyDocument,
    SupplierInvoice,
)
from agence.models.base import utcnow
from agence.services.bookings.bookings import BOOKINGS
from agence.services.catalogue.products import PRODUCTS
from agence.services.common import audit, files
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FormErrors
from agence.services.common.listing import Column, ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound, Resource, get_record
from agence.services.documents.content import INVOICE_CREDIT_NOTE, DocumentKind
from agence.services.parties.clients import CLIENTS
from agence.services.parties.suppliers import SUPPLIERS
from agence.settings import get_settings

MAX_BYTES = 10_000_000
ALLOWED: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".png": ("image/png", b"\x89PNG"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK"),
    ".txt": ("text/plain", None),
}
PARENTS: dict[str, Resource] = {
    "client_id": CLIENTS,
    "supplier_id": SUPPLIERS,
    "product_id": PRODUCTS,
    "booking_id": BOOKINGS,
}


def _parent(session: Session, actor: Actor, parent_field: str, parent_id: int):
    return get_record(session, PARENTS[parent_field], parent_id, actor)


# Kinds of the documents the agency generated and kept (`DocumentKind` values): an issued
# invoice or credit note, and what the client was given (sent, or handed over signed).
KEPT_KINDS: dict[str, str] = {
    DocumentKind.INVOICE: "facture émise",
    DocumentKind.QUOTE: "devis remis au client",
    DocumentKind.CONTRACT: "contrat remis au client",
    DocumentKind.AMENDMENT: "avenant remis au client",
}
# The e-mail carrying a document, by its status (`correspondence`'s, which imports this module).
_SENT = "envoye"
_NOT_SENT_YET = {
    "en_cours": "en cours d'envoi",
    "en_attente": "en attente d'envoi",
    "echec": "en échec, qui peut être renvoyé",
}


def kept_clause() -> ColumnElement[bool]:
    """True for a document kept as it is (the rules of `keeping_reason`, in SQL). An invoice's
    and a supplier invoice's PDF belong to the invoice's dossier: the indexed `booking_id`
    finds them."""
    return or_(
        col(PartyDocument.kind).in_(tuple(KEPT_KINDS)),
        exists().where(
            col(Invoice.booking_id) == PartyDocument.booking_id,
            col(Invoice.document_id) == PartyDocument.id,
        ),
        exists().where(
            col(SupplierInvoice.booking_id) == PartyDocument.booking_id,
            col(SupplierInvoice.document_id) == PartyDocument.id,
        ),
        exists().where(col(MessageAttachment.document_id) == PartyDocument.id),
    )


def keeping_reason(session: Session, document: PartyDocument) -> str | None:
    """Why a document must stay as it is, in French; None when it may be removed."""
    invoice = session.exec(
        select(Invoice.kind, Invoice.number).where(Invoice.document_id == document.id)
    ).first()
    if invoice is not None:
        kind, number = invoice
        what = "de l'avoir" if kind == INVOICE_CREDIT_NOTE else "de la facture"
        return (
            f"Ce document est le PDF {what} {number or ''} : une facture ou un avoir "
            "émis se conserve tel quel (dix ans) et ne peut pas être retiré."
        )
    received = session.exec(
        select(SupplierInvoice.reference).where(SupplierInvoice.document_id == document.id)
    ).first()
    if received is not None:
        return (
            f"Ce document est la facture fournisseur {received} du dossier : supprimez d'abord "
            "cette facture fournisseur."
        )
    statuses = set(
        session.exec(
            select(OutgoingMessage.status)
            .join(MessageAttachment, col(MessageAttachment.message_id) == OutgoingMessage.id)
            .where(MessageAttachment.document_id == document.id)
        )
    )
    if _SENT in statuses:
        return (
            "Ce document a été envoyé par e-mail : il reste tel quel dans le journal de "
            "correspondance et ne peut pas être retiré."
        )
    if statuses:
        state = next((f" {_NOT_SENT_YET[s]}" for s in _NOT_SENT_YET if s in statuses), "")
        return f"Ce document est joint à un e-mail{state} : il ne peut pas être retiré."
    if document.kind in KEPT_KINDS:
        return (
            f"Ce document ({KEPT_KINDS[document.kind]}) se conserve tel quel : il ne peut pas "
            "être retiré."
        )
    return None


def documents_list(parent_field: str) -> ListSpec:
    parent = col(getattr(PartyDocument, parent_field))
    return ListSpec(
        name="Documents",
        query=lambda: sa.select(
            col(PartyDocument.id).label("id"),
            col(PartyDocument.title).label("title"),
            col(PartyDocument.file_name).label("file_name"),
            col(PartyDocument.size).label("size"),
            col(PartyDocument.uploaded_at).label("uploaded_at"),
            parent.label("parent_id"),
            kept_clause().label("kept"),
        ).where(col(PartyDocument.deleted_at).is_(None)),
        columns=(
            Column("title", "Titre", PartyDocument.title, width=30),
            Column("file_name", "Fichier", PartyDocument.file_name, width=30, phone=False),
            Column(
                "size", "Taille (octets)", PartyDocument.size, kind="int", width=12, phone=False
            ),
            Column(
                "uploaded_at", "Déposé le", PartyDocument.uploaded_at, kind="datetime", width=16
            ),
            Column(
                "kept",
                "Conservé",
                kept_clause(),
                sortable=False,
                width=10,
                phone=False,
                render=lambda kept: "Oui" if kept else "",
            ),
        ),
        search=(PartyDocument.title, PartyDocument.file_name),
        default_sort="uploaded_at",
        default_desc=True,
        tie_breaker=PartyDocument.id,
    )


CLIENT_DOCUMENTS_LIST = documents_list("client_id")
SUPPLIER_DOCUMENTS_LIST = documents_list("supplier_id")
PRODUCT_DOCUMENTS_LIST = documents_list("product_id")
BOOKING_DOCUMENTS_LIST = documents_list("booking_id")


def module_of(parent_field: str) -> Module:
    return PARENTS[parent_field].module


def store_document(
    session: Session,
    actor: Actor,
    parent_field: str,
    parent_id: int,
    file_name: str,
    data: bytes,
    title: str = "",
) -> PartyDocument:
    """Checks and keeps a file in the private folder; the row records who and when."""
    actor.require(module_of(parent_field), Action.EDIT)
    parent = _parent(session, actor, parent_field, parent_id)
    name = files.clean_file_name(file_name)
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED:
        raise FormErrors(
            {"document": "Format refusé : PDF, image, Word, Excel, OpenDocument ou texte."}
        )
    if not data:
        raise FormErrors({"document": "Fichier vide."})
    if len(data) > MAX_BYTES:
        raise FormErrors({"document": "Fichier trop lourd : 10 Mo au plus."})
    mime, magic = ALLOWED[extension]
    if magic is not None and not data.startswith(magic):
        raise FormErrors({"document": "Le contenu du fichier ne correspond pas à son extension."})
    stored, digest = files.keep_private_bytes(data, extension)
    document = PartyDocument(
        title=(title.strip() or Path(name).stem)[:200],
        file_name=name,
        stored_name=stored,
        mime_type=mime,
        size=len(data),
        sha256=digest,
        uploaded_by_id=actor.user_id,
    )
    setattr(document, parent_field, parent_id)  # one of PARENTS' keys: module_of refused others
    session.add(document)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.FILE_UPLOADED,
        entity_type=PARENTS[parent_field].entity,
        entity_id=parent_id,
        entity_label=PARENTS[parent_field].describe(parent),
        changes={"document": [None, document.title]},
    )
    return document


def remove_document(
    session: Session, actor: Actor, parent_field: str, parent_id: int, document_id: int
) -> None:
    """Takes a document off its file (the row and the bytes stay); refuses, with the reason,
    a document that is kept as it is (see `keeping_reason`)."""
    actor.require(module_of(parent_field), Action.EDIT)
    parent = _parent(session, actor, parent_field, parent_id)
    # Locked: an e-mail attaching it, committed meanwhile, is then seen by `keeping_reason`.
    document = session.get(PartyDocument, document_id, with_for_update=True)
    if (
        document is None
        or document.deleted_at is not None
        or getattr(document, parent_field) != parent_id
    ):
        raise RecordNotFound("document", document_id)
    reason = keeping_reason(session, document)
    if reason:
        raise FormErrors({"": reason})
    document.deleted_at = utcnow()
    session.add(document)
    audit.record(
        session,
        actor,
        AuditAction.DELETE,
        entity_type=PARENTS[parent_field].entity,
        entity_id=parent_id,
        entity_label=PARENTS[parent_field].describe(parent),
        changes={"document": [document.title, None]},
    )


def readable_document(
    session: Session, actor: Actor, document_id: int
) -> tuple[Path, PartyDocument]:
    """The file of a document the actor may see (through its client, supplier or product)."""
    document = session.get(PartyDocument, document_id)
    if document is None or document.deleted_at is not None:
        raise RecordNotFound("document", document_id)
    parent_field = next(name for name in PARENTS if getattr(document, name) is not None)
    actor.require(module_of(parent_field), Action.SEE)
    _parent(session, actor, parent_field, getattr(document, parent_field))
    path = get_settings().files_dir / document.stored_name
    if not path.is_file():
        raise RecordNotFound("document", document_id)
    return path, document
