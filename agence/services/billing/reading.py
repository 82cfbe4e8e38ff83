"""Reading invoices: a dossier's invoices for its page, one invoice in detail, and the list of
all invoices (paged in SQL, limited to the actor's clients like the dossiers' list)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, orm
from sqlmodel import Session, col, select

from agence.models import AgencySite, Booking, Client, Invoice, InvoiceLine
from agence.services.billing.lines import ZERO
from agence.services.billing.outstanding import InvoiceBalance, invoice_balances
from agence.services.billing.vocabulary import (
    CHORUS_SENDABLE,
    ChorusStatus,
    InvoiceKind,
    InvoiceStatus,
    LineRegime,
)
from agence.services.bookings.bookings import get_booking
from agence.services.common import formats
from agence.services.common.listing import ChoiceFilter, Column, DateFilter, ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.parties.clients import visible_clients

DRAFT_LABEL = InvoiceStatus.DRAFT.label
"""What stands for the number of a draft (it has none yet)."""


# --- Shared queries ---------------------------------------------------------------------------


def issued_invoices(session: Session, *conditions: Any) -> list[Invoice]:
    """Issued invoices matching `conditions`, in the order they were issued."""
    return list(
        session.exec(
            select(Invoice)
            .where(Invoice.status == InvoiceStatus.ISSUED, *conditions)
            .order_by(col(Invoice.issued_on), col(Invoice.sequence), col(Invoice.id))
        ).all()
    )


def credit_notes_of(session: Session, invoice_id: int) -> list[Invoice]:
    """The issued credit notes correcting an invoice."""
    return issued_invoices(
        session, Invoice.kind == InvoiceKind.CREDIT_NOTE, Invoice.corrects_id == invoice_id
    )


def creditable(session: Session, invoice: Invoice) -> Decimal:
    """What remains of an issued invoice's price once its credit notes are taken off (their
    amounts are negative)."""
    credits = credit_notes_of(session, invoice.id or 0)
    return invoice.total_incl_vat + sum((c.total_incl_vat for c in credits), ZERO)


# --- A dossier's invoices --------------------------------------------------------------------


@dataclass(frozen=True)
class DossierInvoiceRow:
    """An invoice as the dossier's « Factures » tab shows it, as French text. Typed, so that
    the page reading a field that does not exist fails when Reflex builds it."""

    id: str
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    issued_on: str
    due_on: str
    total_excl_vat: str
    total_vat: str
    total: str
    deposits_deducted: str
    amount_due: str
    corrects: str
    """The number of the invoice a credit note corrects."""
    document_id: str
    chorus_label: str
    """Where it stands on Chorus Pro, once deposited (empty before)."""
    chorus_sendable: bool
    """A public buyer's issued invoice not yet deposited, or whose deposit failed."""
    chorus_followed: bool
    """A public buyer's invoice deposited (or being deposited): its status can be asked."""
    is_draft: bool
    correctable: bool
    """An issued invoice (not a credit note): a credit note may correct it."""
    remaining: str
    """What is left to pay on an issued deposit or final invoice (payments and credit notes
    taken off); empty otherwise."""
    payable: bool
    """When a payment can still settle it."""


def _row(
    invoice: Invoice, numbers: dict[int, str], balances: dict[int, InvoiceBalance]
) -> DossierInvoiceRow:
    balance = balances.get(invoice.id or 0)
    issued = invoice.status == InvoiceStatus.ISSUED
    correctable = issued and invoice.kind != InvoiceKind.CREDIT_NOTE
    payable = correctable and balance is not None
    public = issued and bool(invoice.buyer_reference)
    return DossierInvoiceRow(
        id=str(invoice.id),
        number=invoice.number or DRAFT_LABEL,
        kind=invoice.kind,
        kind_label=InvoiceKind.label_of(invoice.kind, invoice.kind),
        status=invoice.status,
        status_label=InvoiceStatus.label_of(invoice.status, invoice.status),
        issued_on=formats.day(invoice.issued_on),
        due_on=formats.day(invoice.due_on),
        total_excl_vat=formats.money(invoice.total_excl_vat),
        total_vat=formats.money(invoice.total_vat),
        total=formats.money(invoice.total_incl_vat),
        deposits_deducted=formats.money(invoice.deposits_deducted),
        amount_due=formats.money(invoice.amount_due),
        corrects=numbers.get(invoice.corrects_id or 0, ""),
        document_id=str(invoice.document_id or ""),
        chorus_label=ChorusStatus.label_of(invoice.chorus_status) if invoice.chorus_status else "",
        chorus_sendable=public and invoice.chorus_status in CHORUS_SENDABLE,
        chorus_followed=public and invoice.chorus_status not in CHORUS_SENDABLE,
        is_draft=invoice.status == InvoiceStatus.DRAFT,
        correctable=correctable,
        remaining=formats.money(balance.remaining) if payable and balance else "",
        payable=bool(payable and balance and balance.remaining > 0),
    )


def _balances(session: Session, invoices: list[Invoice]) -> dict[int, InvoiceBalance]:
    issued = [
        i.id or 0
        for i in invoices
        if i.status == InvoiceStatus.ISSUED and i.kind != InvoiceKind.CREDIT_NOTE
    ]
    return invoice_balances(session, issued)


def invoices_of_booking(session: Session, actor: Actor, booking_id: int) -> list[DossierInvoiceRow]:
    """The dossier's invoices in the order they were made, formatted for its page."""
    actor.require(Module.INVOICING, Action.SEE)
    booking = get_booking(session, actor, booking_id)
    invoices = session.exec(
        select(Invoice).where(Invoice.booking_id == booking.id).order_by(col(Invoice.id))
    ).all()
    numbers = {invoice.id or 0: invoice.number or DRAFT_LABEL for invoice in invoices}
    balances = _balances(session, list(invoices))
    return [_row(invoice, numbers, balances) for invoice in invoices]


def booking_of_invoice(session: Session, actor: Actor, invoice_id: int) -> int | None:
    """The dossier of an invoice within the actor's reach (a row of the list opens it)."""
    actor.require(Module.INVOICING, Action.SEE)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        return None
    return get_booking(session, actor, invoice.booking_id).id


@dataclass(frozen=True)
class InvoiceLineRow:
    """A line of an invoice as its page shows it, as French text."""

    label: str
    quantity: str
    unit_price: str
    regime: str
    vat_rate: str
    """Empty on a margin-scheme line (no VAT shown)."""
    total_excl_vat: str
    total_vat: str
    total: str
    deducted_invoice_id: str


@dataclass(frozen=True)
class InvoiceDetail:
    """One invoice for its page: the header as in the dossier's tab, the client as invoiced,
    the lines, what remains creditable and the margin kept for the accounts."""

    header: DossierInvoiceRow
    booking_id: str
    reference: str
    title: str
    client: str
    client_address: str
    client_siren: str
    client_vat_number: str
    buyer_reference: str
    engagement_number: str
    payment_terms: str
    deposit_percent: str
    notes: str
    margin_base: str
    margin_vat: str
    margin_estimated: bool
    creditable: str
    """What a credit note may still take off an issued invoice; empty otherwise."""
    lines: tuple[InvoiceLineRow, ...]


def _line_row(line: InvoiceLine) -> InvoiceLineRow:
    return InvoiceLineRow(
        label=line.label,
        quantity=formats.number(line.quantity),
        unit_price=formats.money(line.unit_price),
        regime=line.regime,
        vat_rate="" if line.regime == LineRegime.MARGIN else formats.percent(line.vat_rate),
        total_excl_vat=formats.money(line.total_excl_vat),
        total_vat=formats.money(line.total_vat),
        total=formats.money(line.total_incl_vat),
        deducted_invoice_id=str(line.deducted_invoice_id or ""),
    )


def invoice_detail(session: Session, actor: Actor, invoice_id: int) -> InvoiceDetail:
    """One invoice for its page, within the actor's reach."""
    actor.require(Module.INVOICING, Action.SEE)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise RecordNotFound("facture", invoice_id)
    booking = get_booking(session, actor, invoice.booking_id)
    corrected = session.get(Invoice, invoice.corrects_id) if invoice.corrects_id else None
    numbers = {corrected.id or 0: corrected.number or DRAFT_LABEL} if corrected else {}
    lines = session.exec(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id == invoice.id)
        .order_by(col(InvoiceLine.position), col(InvoiceLine.id))
    ).all()
    client = session.get(Client, invoice.client_id)
    header = _row(invoice, numbers, _balances(session, [invoice]))
    return InvoiceDetail(
        header=header,
        booking_id=str(booking.id),
        reference=booking.reference,
        title=booking.title,
        client=invoice.client_name or (client.name if client else ""),
        client_address=invoice.client_address,
        client_siren=invoice.client_siren,
        client_vat_number=invoice.client_vat_number,
        buyer_reference=invoice.buyer_reference,
        engagement_number=invoice.engagement_number,
        payment_terms=invoice.payment_terms,
        deposit_percent=formats.percent(invoice.deposit_percent),
        notes=invoice.notes,
        margin_base=formats.money(invoice.margin_base),
        margin_vat=formats.money(invoice.margin_vat),
        margin_estimated=invoice.margin_estimated,
        creditable=formats.money(creditable(session, invoice)) if header.correctable else "",
        lines=tuple(_line_row(line) for line in lines),
    )


# --- The list of all invoices ---------------------------------------------------------------


def _invoices_query():
    return (
        sa.select(
            col(Invoice.id).label("id"),
            func.coalesce(Invoice.number, DRAFT_LABEL).label("number"),
            col(Invoice.kind).label("kind"),
            col(Client.name).label("client"),
            col(Booking.reference).label("reference"),
            col(Invoice.issued_on).label("issued_on"),
            col(Invoice.due_on).label("due_on"),
            col(Invoice.total_incl_vat).label("total_incl_vat"),
            col(Invoice.amount_due).label("amount_due"),
            col(Invoice.status).label("status"),
            col(Invoice.booking_id).label("booking_id"),
            col(Invoice.document_id).label("document_id"),
        )
        .join(Client, col(Client.id) == Invoice.client_id)
        .join(Booking, col(Booking.id) == Invoice.booking_id)
    )


def _scope(statement, actor: Actor):
    """A rep limited to his clients sees their invoices only (as with the dossiers)."""
    if not actor.own_clients_only:
        return statement
    return statement.where(col(Invoice.client_id).in_(visible_clients(select(Client.id), actor)))


def _site_options(session: orm.Session) -> list[tuple[str, str]]:
    # listing hands its callbacks the SQLAlchemy session it is typed with
    return [
        (str(i), name)
        for i, name in session.execute(
            select(AgencySite.id, AgencySite.name).order_by(AgencySite.name)
        )
    ]


INVOICES_LIST = ListSpec(
    name="Factures",
    query=_invoices_query,
    columns=(
        Column("number", "Numéro", Invoice.number, width=22),
        Column("kind", "Type", Invoice.kind, width=18, labels=InvoiceKind.labels()),
        Column("client", "Client", Client.name, width=30),
        Column("reference", "Dossier", Booking.reference, width=16, phone=False),
        Column("issued_on", "Date", Invoice.issued_on, kind="date", width=12),
        Column("due_on", "Échéance", Invoice.due_on, kind="date", width=12, phone=False),
        Column("total_incl_vat", "Montant TTC", Invoice.total_incl_vat, kind="money", width=14),
        Column(
            "amount_due", "Net à payer", Invoice.amount_due, kind="money", width=14, phone=False
        ),
        Column("status", "Statut", Invoice.status, width=12, labels=InvoiceStatus.labels()),
    ),
    search=(Invoice.number, Booking.reference, Client.name),
    normalized_search=(Booking.search_text,),
    filters=(
        ChoiceFilter("kind", "Type", Invoice.kind, tuple(InvoiceKind.labels().items())),
        ChoiceFilter("status", "Statut", Invoice.status, tuple(InvoiceStatus.labels().items())),
        ChoiceFilter("site", "Site", Invoice.site_id, options_query=_site_options, value_type=int),
        DateFilter("issued_since", "Émise à partir du", Invoice.issued_on, is_datetime=False),
        DateFilter("issued_until", "Émise jusqu'au", Invoice.issued_on, "until", is_datetime=False),
    ),
    default_sort="issued_on",
    default_desc=True,
    tie_breaker=Invoice.id,
    scope=_scope,
)
