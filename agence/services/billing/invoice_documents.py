"""What an invoice says and where its PDF is kept: the client as invoiced, the due date from
the client's payment terms, the `InvoiceDocument` the Factur-X PDF is made from, and the PDF's
exact bytes kept as a document of the dossier.

`invoice_document` reads only what the invoice stored once issued (its lines, totals and the
client frozen at issue), so the same invoice renders the same document years later, whatever
became of the dossier or the client file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from agence.models import (
    Booking,
    Client,
    Invoice,
    InvoiceLine,
    PartyDocument,
    PaymentMethod,
    PaymentTerm,
)
from agence.services.billing.invoice_content import (
    DeductedInvoice,
    InvoiceDocument,
    InvoiceLineContent,
    VatBreakdown,
)
from agence.services.billing.lines import ZERO
from agence.services.billing.vocabulary import InvoiceKind, InvoiceStatus, LineRegime
from agence.services.bookings.lifecycle import audit_booking
from agence.services.common import files, formats
from agence.services.common.audit import AuditAction
from agence.services.common.permissions import Actor
from agence.services.documents import builder
from agence.services.documents.content import Addressee
from agence.services.settings.payment_terms import TermRule, term_due_dates

DOCUMENT_KIND = "facture"
"""The kind of the kept PDF among the dossier's documents."""
LANGUAGE = "fr"
"""Invoices are drawn up in French (their lines are French texts)."""
ON_RECEIPT = "À réception de facture"
LATE_PENALTY = "taux de refinancement de la BCE majoré de 10 points"
LATE_PENALTY_PUBLIC = "taux d'intérêt de la BCE majoré de 8 points (art. R2192-31 CCP)"
NO_DISCOUNT = "Pas d'escompte pour paiement anticipé"


# --- The client as invoiced --------------------------------------------------------------------


def client_snapshot(session: Session, booking: Booking, client: Client) -> dict[str, Any]:
    """The invoice's copy of the client: name, billing address (the client's « facturation »
    address, else his default one), SIREN/SIRET and VAT number of a business, the Chorus Pro
    service code of a public buyer."""
    addressee = builder.client_addressee(session, booking)
    company = client.is_company
    return {
        "client_name": client.name[:200],
        "client_address": "\n".join(addressee.address_lines)[:600],
        "client_siren": (client.siret if company else "")[:14],
        "client_vat_number": (client.vat_number if company else "")[:13],
        "client_is_company": company,
        "buyer_reference": client.chorus_service_code[:100],
    }


# --- When it falls due ---------------------------------------------------------------------------


def _term_of(session: Session, client: Client | None, *, fallback: bool) -> PaymentTerm | None:
    term = (
        session.get(PaymentTerm, client.payment_term_id)
        if client is not None and client.payment_term_id
        else None
    )
    if term is None and fallback:
        term = session.exec(
            select(PaymentTerm).where(PaymentTerm.is_default, PaymentTerm.active)
        ).first()
    return term


def due_date(
    session: Session, client: Client | None, kind: str, on: date, departure: date
) -> tuple[date | None, str]:
    """The due date of an invoice issued `on`, and the terms in words.

    - A credit note falls due never (nothing to pay; Chorus Pro wants no payment terms).
    - A deposit is due on the issue date, unless the client's own terms set a period for his
      invoices (a public buyer's 30 days, « 30 jours fin de mois »…), which then applies; a
      « deposit then balance » term gives its deposit date.
    - A final invoice follows the client's terms (else the agency's default ones, else on
      receipt); a « deposit then balance » term gives its balance date (N days before the
      departure, never before the issue date).
    """
    if kind == InvoiceKind.CREDIT_NOTE:
        return None, ""
    term = _term_of(session, client, fallback=kind == InvoiceKind.FINAL)
    if term is None:
        return on, ON_RECEIPT
    instalments = term_due_dates(term, on, departure)
    if term.rule == TermRule.DEPOSIT_THEN_BALANCE:
        chosen = instalments[0] if kind == InvoiceKind.DEPOSIT else instalments[-1]
        return chosen.due, term.label[:300]
    return instalments[0].due, term.label[:300]


# --- The document --------------------------------------------------------------------------------


def _signed(sign: int) -> Callable[[Decimal], Decimal]:
    return lambda amount: amount * sign if amount else ZERO


def _breakdown(lines: list[InvoiceLineContent]) -> tuple[VatBreakdown, ...]:
    standard: dict[Decimal, tuple[Decimal, Decimal]] = {}
    package = ZERO
    has_package = False
    for line in lines:
        if line.regime == LineRegime.MARGIN:
            package += line.total_incl_vat
            has_package = True
        else:
            base, vat = standard.get(line.vat_rate, (ZERO, ZERO))
            standard[line.vat_rate] = (base + line.total_excl_vat, vat + line.total_vat)
    found = [VatBreakdown("S", rate, base, vat) for rate, (base, vat) in sorted(standard.items())]
    if has_package:
        found.append(VatBreakdown("E", ZERO, package, ZERO))
    return tuple(found)


def _payment_methods(session: Session, client: Client | None) -> tuple[str, ...]:
    method = (
        session.get(PaymentMethod, client.payment_method_id)
        if client is not None and client.payment_method_id
        else None
    )
    return (method.label,) if method is not None else ()


def invoice_document(session: Session, invoice: Invoice) -> InvoiceDocument:
    """The content of the invoice's PDF and Factur-X XML. An issued invoice is read from what
    it stored; a draft (a preview) takes the client as he is now and has no number yet.

    A credit note's amounts are stored negative; its document shows them positive."""
    booking = session.get(Booking, invoice.booking_id)
    assert booking is not None
    client = session.get(Client, invoice.client_id)
    kind = InvoiceKind(invoice.kind)
    sign = -1 if kind == InvoiceKind.CREDIT_NOTE else 1
    signed = _signed(sign)
    values: dict[str, Any] = {
        name: getattr(invoice, name)
        for name in (
            "client_name",
            "client_address",
            "client_siren",
            "client_vat_number",
            "client_is_company",
            "buyer_reference",
        )
    }
    if invoice.status != InvoiceStatus.ISSUED and client is not None:
        values = client_snapshot(session, booking, client)
    stored = list(
        session.exec(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice.id)
            .order_by(col(InvoiceLine.position), col(InvoiceLine.id))
        ).all()
    )
    lines = [
        InvoiceLineContent(
            label=line.label,
            quantity=line.quantity,
            unit_price=signed(line.unit_price),
            regime=line.regime,
            vat_rate=line.vat_rate,
            total_excl_vat=signed(line.total_excl_vat),
            total_vat=signed(line.total_vat),
            total_incl_vat=signed(line.total_incl_vat),
        )
        for line in stored
        if line.deducted_invoice_id is None and line.regime != LineRegime.DEDUCTION
    ]
    deducted = []
    for line in stored:
        if line.deducted_invoice_id is None:
            continue
        deposit = session.get(Invoice, line.deducted_invoice_id)
        if deposit is not None and deposit.number and deposit.issued_on:
            deducted.append(
                DeductedInvoice(deposit.number, deposit.issued_on, abs(line.total_incl_vat))
            )
    corrected = session.get(Invoice, invoice.corrects_id) if invoice.corrects_id else None
    corrects = (
        DeductedInvoice(corrected.number, corrected.issued_on, corrected.total_incl_vat)
        if corrected is not None and corrected.number and corrected.issued_on
        else None
    )
    credit_note = kind == InvoiceKind.CREDIT_NOTE
    public = bool(values["buyer_reference"])
    return InvoiceDocument(
        kind=kind,
        language=LANGUAGE,
        branding=builder.branding(session, invoice.site_id),
        number=invoice.number or "",
        issued_on=invoice.issued_on or formats.today(),
        due_on=invoice.due_on,
        service_from=invoice.service_from,
        service_to=invoice.service_to,
        reference=booking.reference,
        title=booking.title,
        client=Addressee(
            name=values["client_name"],
            address_lines=tuple(part for part in values["client_address"].split("\n") if part),
            # the Factur-X electronic address (BT-49) of a client without a SIREN; not printed.
            # Not in the invoice's snapshot: read from the client when the XML is built, at issue
            contact_email=client.email if client is not None else "",
        ),
        client_siren=values["client_siren"],
        client_vat_number=values["client_vat_number"],
        client_is_company=values["client_is_company"],
        lines=tuple(lines),
        vat_breakdown=_breakdown(lines),
        total_excl_vat=signed(invoice.total_excl_vat),
        total_vat=signed(invoice.total_vat),
        total_incl_vat=signed(invoice.total_incl_vat),
        deducted=tuple(deducted),
        deposits_deducted=signed(invoice.deposits_deducted),
        amount_due=signed(invoice.amount_due),
        corrects=corrects,
        margin_scheme=any(line.regime == LineRegime.MARGIN for line in lines),
        payment_terms=invoice.payment_terms,
        payment_methods=() if credit_note else _payment_methods(session, client),
        late_penalty_rate="" if credit_note else (LATE_PENALTY_PUBLIC if public else LATE_PENALTY),
        early_payment_discount="" if credit_note else NO_DISCOUNT,
        buyer_reference=values["buyer_reference"],
        order_reference=invoice.engagement_number,
        notes=invoice.notes,
    )


# --- Keeping the PDF -----------------------------------------------------------------------------


def keep_pdf(
    session: Session, actor: Actor, booking: Booking, invoice: Invoice, data: bytes
) -> PartyDocument:
    """Keeps the issued PDF's exact bytes (by their SHA-256, as `issuing.keep_document` does)
    as a document of the dossier, titled with the invoice's number."""
    stored, digest = files.keep_private_bytes(data, ".pdf")
    number = invoice.number or ""
    document = PartyDocument(
        booking_id=booking.id,
        title=number[:200],
        file_name=f"{number}.pdf"[:200],
        stored_name=stored,
        mime_type="application/pdf",
        size=len(data),
        sha256=digest,
        kind=DOCUMENT_KIND,
        language=LANGUAGE,
        version=booking.confirmed_version or None,
        uploaded_by_id=actor.user_id,
    )
    session.add(document)
    session.flush()
    audit_booking(
        session, actor, booking, {"document": [None, document.title]}, AuditAction.FILE_UPLOADED
    )
    return document
