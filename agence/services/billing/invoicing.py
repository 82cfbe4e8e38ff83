"""Invoicing a dossier: deposit invoices, the final invoice and credit notes, from draft to issue.

A draft has no number and may change or be deleted. Issuing gives it its number (inside the
transaction: `numbering.take_number`), freezes the client as invoiced, makes the Factur-X PDF
and keeps its exact bytes; from then on the invoice never changes — a credit note corrects it
(french-rules 2.2). Every figure is computed again when issuing, from the dossier as it is
then: a draft prepared last week may have been overtaken by an amendment or another invoice.

What is invoiced is the dossier's confirmed version (the contract; an amendment being
prepared is not invoiced until the client validated it). The figures are computed in
`computing` (arithmetic in `lines`), the PDF's content made and kept in `invoice_documents`,
the invoices read and listed in `reading`; the words (kinds, statuses) are in `vocabulary`.

Signs: a credit note's amounts (lines, totals, amount due, margin and its VAT) are stored
negative, so that adding up a dossier's or a client's invoices gives what is owed; its
document shows them positive, as a credit note does.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col

from agence.models import AgencySite, Booking, Client, Invoice, InvoiceLine
from agence.models.base import utcnow
from agence.services.billing import computing, facturx, numbering, revenue_parts, settlements
from agence.services.billing.computing import ZERO
from agence.services.billing.invoice_documents import (
    client_snapshot,
    due_date,
    invoice_document,
    keep_pdf,
)
from agence.services.billing.payments import settle_if_paid
from agence.services.billing.reading import creditable
from agence.services.billing.vocabulary import InvoiceKind, InvoiceStatus
from agence.services.bookings import lifecycle
from agence.services.bookings.bookings import get_booking
from agence.services.bookings.lifecycle import Status
from agence.services.common import audit, formats
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FieldSpec, FormErrors, parse_form
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound


def _load(
    session: Session, actor: Actor, invoice_id: int, *, lock: bool = False
) -> tuple[Invoice, Booking]:
    """The invoice and its dossier, within the actor's reach. `lock` locks the dossier's row,
    then the invoice's (PostgreSQL): the invoices of one dossier are issued one at a time, so
    each starts from the deposits, final invoice and credit notes the previous one left."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise RecordNotFound("facture", invoice_id)
    booking = get_booking(session, actor, invoice.booking_id, for_update=lock)
    if lock:
        invoice = session.get(Invoice, invoice_id, with_for_update=True, populate_existing=True)
        assert invoice is not None
    return invoice, booking


def _preview_due(session: Session, invoice: Invoice, booking: Booking, on: date | None) -> None:
    """A draft shows when it would fall due if issued on `on` (today by default)."""
    client = session.get(Client, booking.client_id)
    invoice.due_on, invoice.payment_terms = due_date(
        session, client, invoice.kind, on or formats.today(), booking.starts_on
    )


def _audit(
    session: Session, actor: Actor, action: AuditAction, invoice: Invoice, **changes: list[Any]
) -> None:
    """One audit entry per action on an invoice: `changes` are [before, after] pairs."""
    booking = session.get(Booking, invoice.booking_id)
    label = invoice.number or f"{InvoiceKind(invoice.kind).label} (brouillon)"
    audit.record(
        session,
        actor,
        action,
        entity_type="facture",
        entity_id=invoice.id,
        entity_label=f"{label} – {booking.reference if booking else ''}",
        changes={
            name: [audit.json_safe(value) for value in pair] for name, pair in changes.items()
        },
    )


# --- Drafts -----------------------------------------------------------------------------------

AMOUNT_FIELDS = (
    FieldSpec("percent", "Pourcentage", "percent", max_value=Decimal(100)),
    FieldSpec("amount", "Montant TTC", "decimal"),
)
COMMON_FIELDS = (
    FieldSpec("notes", "Mentions / motif", "textarea", max_length=2000),
    FieldSpec("engagement_number", "Numéro d'engagement", max_length=50),
)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _deposit_terms(percent: Any, amount: Any) -> tuple[Decimal | None, Decimal | None]:
    """One of a percentage of the dossier's price or an amount, above 0 (French errors keyed
    by field)."""
    clean, errors = parse_form(AMOUNT_FIELDS, {"percent": _text(percent), "amount": _text(amount)})
    if errors:
        raise FormErrors(errors)
    percent, amount = clean["percent"], clean["amount"]
    if percent is None and amount is None:
        raise FormErrors({"percent": "Indiquez un pourcentage ou un montant."})
    if percent is not None and amount is not None:
        raise FormErrors({"amount": "Un pourcentage ou un montant, pas les deux."})
    if percent is not None and percent <= 0:
        raise FormErrors({"percent": "Le pourcentage doit être supérieur à 0."})
    if amount is not None and amount <= 0:
        raise FormErrors({"amount": "Le montant doit être supérieur à 0."})
    return percent, amount


def _new(booking: Booking, actor: Actor, kind: str, **values: Any) -> Invoice:
    defaults: dict[str, Any] = {
        "kind": kind,
        "status": InvoiceStatus.DRAFT,
        "booking_id": booking.id or 0,
        "client_id": booking.client_id,
        "site_id": booking.site_id,
        "service_from": booking.starts_on,
        "service_to": booking.ends_on,
        "created_by_id": actor.user_id,
    }
    return Invoice(**{**defaults, **values})


def create_deposit(
    session: Session,
    actor: Actor,
    booking_id: int,
    *,
    percent: Decimal | str | None = None,
    amount: Decimal | str | None = None,
    on: date | None = None,
) -> Invoice:
    """A draft deposit invoice on a confirmed dossier: a percentage of the contract's price or
    an amount, the deposits together never above the price."""
    actor.require(Module.INVOICING, Action.CREATE)
    booking = get_booking(session, actor, booking_id, for_update=True)
    chosen_percent, chosen_amount = _deposit_terms(percent, amount)
    invoice = _new(
        booking,
        actor,
        InvoiceKind.DEPOSIT,
        deposit_percent=chosen_percent,
        total_incl_vat=chosen_amount or ZERO,
    )
    computing.compute(session, invoice, booking, issuing=False)
    _preview_due(session, invoice, booking, on)
    _audit(session, actor, AuditAction.CREATE, invoice, montant=[None, invoice.total_incl_vat])
    return invoice


def create_final(
    session: Session, actor: Actor, booking_id: int, on: date | None = None
) -> Invoice:
    """The draft final invoice: the whole confirmed dossier, less its deposit invoices."""
    actor.require(Module.INVOICING, Action.CREATE)
    booking = get_booking(session, actor, booking_id, for_update=True)
    invoice = _new(booking, actor, InvoiceKind.FINAL)
    computing.compute(session, invoice, booking, issuing=False)
    _preview_due(session, invoice, booking, on)
    _audit(session, actor, AuditAction.CREATE, invoice, montant=[None, invoice.total_incl_vat])
    return invoice


def create_credit_note(
    session: Session,
    actor: Actor,
    invoice_id: int,
    *,
    amount: Decimal | str | None = None,
    reason: str = "",
    on: date | None = None,
) -> Invoice:
    """A draft credit note on an issued invoice: all that remains of it (no amount) or part of
    it (an amount including VAT), spread over the invoice's regimes and rates."""
    actor.require(Module.INVOICING, Action.CREATE)
    corrected, booking = _load(session, actor, invoice_id, lock=True)
    if corrected.status != InvoiceStatus.ISSUED:
        raise FormErrors({"": "Un avoir corrige une facture émise : un brouillon se modifie."})
    on = on or formats.today()
    if corrected.issued_on and on < corrected.issued_on:
        raise FormErrors({"issued_on": "Un avoir ne peut pas précéder la facture qu'il corrige."})
    if amount is None or _text(amount).strip() == "":
        chosen = creditable(session, corrected)
    else:
        clean, errors = parse_form(AMOUNT_FIELDS[1:], {"amount": _text(amount)})
        if errors:
            raise FormErrors(errors)
        chosen = clean["amount"]
    invoice = _new(
        booking,
        actor,
        InvoiceKind.CREDIT_NOTE,
        corrects_id=corrected.id,
        total_incl_vat=-chosen,
        notes=reason.strip()[:2000],
        service_from=corrected.service_from,
        service_to=corrected.service_to,
    )
    computing.compute(session, invoice, booking, issuing=False)
    _audit(
        session,
        actor,
        AuditAction.CREATE,
        invoice,
        montant=[None, invoice.total_incl_vat],
        corrige=[None, corrected.number],
    )
    return invoice


def _draft(session: Session, actor: Actor, invoice_id: int) -> tuple[Invoice, Booking]:
    actor.require(Module.INVOICING, Action.CREATE)
    invoice, booking = _load(session, actor, invoice_id, lock=True)
    if invoice.status != InvoiceStatus.DRAFT:
        raise FormErrors(
            {
                "": f"La facture {invoice.number} est émise : elle ne se modifie plus "
                "(faites un avoir)."
            }
        )
    return invoice, booking


def update_draft(
    session: Session, actor: Actor, invoice_id: int, data: dict[str, Any], on: date | None = None
) -> Invoice:
    """Changes a draft with the fields given in `data` (the others stay): its notes (a credit
    note's reason) and engagement number; a deposit's percentage or amount; a credit note's
    amount (empty: all that remains). Its figures are computed again."""
    invoice, booking = _draft(session, actor, invoice_id)
    clean, errors = parse_form(COMMON_FIELDS, data)
    if errors:
        raise FormErrors(errors)
    before = audit.snapshot(invoice)
    for name in ("notes", "engagement_number"):
        if name in data:
            setattr(invoice, name, clean[name])
    if invoice.kind == InvoiceKind.DEPOSIT and ("percent" in data or "amount" in data):
        percent, amount = _deposit_terms(data.get("percent"), data.get("amount"))
        invoice.deposit_percent = percent
        invoice.total_incl_vat = amount or ZERO
    if invoice.kind == InvoiceKind.CREDIT_NOTE and "amount" in data:
        clean, errors = parse_form(AMOUNT_FIELDS[1:], {"amount": _text(data.get("amount"))})
        if errors:
            raise FormErrors(errors)
        corrected = session.get(Invoice, invoice.corrects_id)
        chosen = clean["amount"]
        if chosen is None and corrected is not None:
            chosen = creditable(session, corrected)
        invoice.total_incl_vat = -(chosen or ZERO)
    computing.compute(session, invoice, booking, issuing=False)
    if invoice.kind != InvoiceKind.CREDIT_NOTE:
        _preview_due(session, invoice, booking, on)
    _audit(
        session,
        actor,
        AuditAction.UPDATE,
        invoice,
        **audit.changes_between(before, audit.snapshot(invoice)),
    )
    return invoice


def delete_draft(session: Session, actor: Actor, invoice_id: int) -> None:
    """A draft goes away without a trace in the numbering (it never had a number)."""
    invoice, _ = _draft(session, actor, invoice_id)
    _audit(session, actor, AuditAction.DELETE, invoice, montant=[invoice.total_incl_vat, None])
    session.execute(delete(InvoiceLine).where(col(InvoiceLine.invoice_id) == invoice.id))
    session.delete(invoice)
    session.flush()


# --- Issuing -----------------------------------------------------------------------------------


def issue(session: Session, actor: Actor, invoice_id: int, on: date | None = None) -> Invoice:
    """Issues a draft on `on` (today by default): every figure computed again, the client as
    invoiced frozen, the number taken, the Factur-X PDF made and kept. Raises FormErrors on
    any problem; the caller's transaction then rolls back, number included (no gap)."""
    actor.require(Module.INVOICING, Action.VALIDATE)
    invoice, booking = _load(session, actor, invoice_id, lock=True)
    if invoice.status != InvoiceStatus.DRAFT:
        raise FormErrors({"": f"La facture {invoice.number} est déjà émise."})
    on = on or formats.today()
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        corrected = session.get(Invoice, invoice.corrects_id)
        if corrected is not None and corrected.issued_on and on < corrected.issued_on:
            raise FormErrors(
                {"issued_on": "Un avoir ne peut pas précéder la facture qu'il corrige."}
            )
    computing.compute(session, invoice, booking, issuing=True)
    client = session.get(Client, booking.client_id)
    if client is None:
        raise FormErrors({"": "Le client du dossier est introuvable."})
    for name, value in client_snapshot(session, booking, client).items():
        setattr(invoice, name, value)
    if client.chorus_engagement_required and not invoice.engagement_number.strip():
        raise FormErrors(
            {"engagement_number": "Ce client public exige un numéro d'engagement (Chorus Pro)."}
        )
    invoice.due_on, invoice.payment_terms = due_date(
        session, client, invoice.kind, on, booking.starts_on
    )
    site = session.get(AgencySite, booking.site_id)
    if site is None:
        raise FormErrors({"": "Le site de l'agence du dossier est introuvable."})
    series = numbering.series_for(session, invoice.kind, site.code, on.year)
    invoice.sequence, invoice.number = numbering.take_number(session, series, on)
    invoice.series = series
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_on = on
    invoice.issued_at = utcnow()
    invoice.issued_by_id = actor.user_id
    session.add(invoice)
    session.flush()
    revenue_parts.keep(session, invoice)
    # A credit note takes off the invoice it corrects: both rows, in this transaction.
    settlements.refresh(session, [invoice.id, invoice.corrects_id])
    document = invoice_document(session, invoice)
    try:
        data = facturx.invoice_pdf(document)
    except facturx.FacturXError as problem:
        raise FormErrors({"": f"Facture non émise : {problem}"}) from problem
    kept = keep_pdf(session, actor, booking, invoice, data)
    invoice.document_id = kept.id
    session.add(invoice)
    if invoice.kind == InvoiceKind.FINAL and booking.status == Status.DONE:
        _mark_invoiced(session, actor, booking, invoice)
    _audit(
        session,
        actor,
        AuditAction.UPDATE,
        invoice,
        statut=[InvoiceStatus.DRAFT.label, InvoiceStatus.ISSUED.label],
        numero=[None, invoice.number],
        montant=[None, invoice.total_incl_vat],
    )
    session.flush()
    if invoice.kind in (InvoiceKind.FINAL, InvoiceKind.CREDIT_NOTE):
        # A final invoice already paid, or a credit note that settles what was left, closes
        # the dossier (« soldé ») without waiting for another payment.
        settle_if_paid(session, actor, booking.id or 0)
    return invoice


def _mark_invoiced(session: Session, actor: Actor, booking: Booking, invoice: Invoice) -> None:
    """A done dossier whose final invoice is issued is « facturé » (a dossier still
    « confirmé » keeps its status: it is not over yet)."""
    lifecycle.change_status(
        session, actor, booking, Status.INVOICED, note=f"Facture {invoice.number} émise"
    )
