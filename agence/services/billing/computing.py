"""The figures of an invoice draft, computed from the dossier as it is now: a deposit's share of
the confirmed price, the final invoice of the whole dossier less its deposit invoices, a credit
note's share of what remains of the invoice it corrects, with the VAT on the margin each one
records. `invoicing` calls `compute` when a draft is made or changed, and again when issuing.

Signs: a credit note's amounts (lines, totals, amount due, margin and its VAT) are stored
negative, so that adding up a dossier's or a client's invoices gives what is owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete
from sqlmodel import Session, col, select

from agence.models import Booking, Costing, Invoice, InvoiceLine
from agence.models.base import utcnow
from agence.services.billing import lines as il
from agence.services.billing.reading import credit_notes_of, creditable, issued_invoices
from agence.services.billing.supplier_invoices import invoiced_by_supplier
from agence.services.billing.vocabulary import InvoiceKind, InvoiceStatus, LineRegime
from agence.services.bookings.lifecycle import STATUS_LABELS as BOOKING_STATUS_LABELS
from agence.services.bookings.lifecycle import Status
from agence.services.catalogue import costings, pricing
from agence.services.catalogue.vat import cents
from agence.services.common import formats
from agence.services.common.forms import FormErrors
from agence.services.documents import builder

INVOICEABLE = frozenset({Status.CONFIRMED, Status.DONE, Status.INVOICED, Status.SETTLED})
"""A dossier is invoiced once the client confirmed it (deposits), until it is settled."""
ZERO = il.ZERO


# --- Reading the dossier ----------------------------------------------------------------------


def dossier_parts(session: Session, booking: Booking) -> il.DossierParts:
    """The confirmed version's price, split between the agency's own services and the travel
    service under the margin scheme, with the suppliers' prices of the latter.

    The suppliers' prices are, per supplier, what his invoices recorded on the dossier say
    (VAT included) once there is one, else the costing's costs. [VERIFY with the accountant:
    a supplier invoiced for part of his services only counts for what he invoiced.]"""
    if booking.status not in INVOICEABLE:
        raise FormErrors(
            {
                "": f"Un dossier « {BOOKING_STATUS_LABELS.get(booking.status, booking.status)} »"
                " ne se facture pas : il doit être confirmé."
            }
        )
    costing_id = builder.version_costing_id(session, booking, booking.confirmed_version)
    costing = session.get(Costing, costing_id) if costing_id else None
    if costing is None:
        raise FormErrors({"": "La version confirmée du dossier n'a pas de cotation."})
    header, lines = costings.saved_strings(session, costing)
    parsed = costings.parse_costing(header, lines)
    if parsed.costing is None:
        raise FormErrors(
            {"": "La cotation de la version confirmée est incomplète : corrigez-la d'abord."}
        )
    clean = parsed.header
    group = pricing.group_for(
        parsed.costing, clean["paying"], clean.get("free") or 0, clean.get("staff") or 0
    )
    priced = pricing.price(parsed.costing, group)
    normal: list[il.NormalService] = []
    margin_costs = Decimal(0)
    invoiced = invoiced_by_supplier(session, booking.id or 0)
    invoiced_suppliers: set[int] = set()
    for values, line, priced_line in zip(lines, parsed.costing.lines, priced.lines, strict=True):
        if line.regime is pricing.Regime.NORMAL:
            normal.append(il.NormalService(line.label, line.vat_rate, cents(priced_line.sale)))
            continue
        supplier = values.get("supplier_id") or ""
        if supplier.isdigit() and int(supplier) in invoiced:
            invoiced_suppliers.add(int(supplier))  # his invoices stand for the costing
        else:
            margin_costs += priced_line.cost
    margin_costs += sum((invoiced[s] for s in invoiced_suppliers), Decimal(0))
    total = cents(priced.total_sale)
    if total <= 0:
        raise FormErrors({"": "Le dossier n'a pas de prix : rien à facturer."})
    return il.DossierParts(booking.title, group.paying, total, tuple(normal), margin_costs)


def _is_cancelled(session: Session, invoice: Invoice) -> bool:
    return invoice.status == InvoiceStatus.ISSUED and creditable(session, invoice) == 0


def _lines(session: Session, invoice_id: int) -> list[InvoiceLine]:
    return list(
        session.exec(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice_id)
            .order_by(col(InvoiceLine.position), col(InvoiceLine.id))
        ).all()
    )


def _amounts(line: InvoiceLine) -> il.LineAmounts:
    return il.LineAmounts(
        line.label,
        line.regime,
        line.vat_rate,
        line.total_incl_vat,
        line.total_vat,
        line.quantity,
        line.unit_price,
    )


def _priced_lines(session: Session, invoice_id: int) -> list[il.LineAmounts]:
    """The invoice's own lines (its deposit deductions left out)."""
    return [
        _amounts(line) for line in _lines(session, invoice_id) if line.deducted_invoice_id is None
    ]


@dataclass(frozen=True)
class _Deposit:
    invoice: Invoice
    amount: Decimal
    """What is left of it after its credit notes (including VAT)."""
    margin: il.Margin
    """Its estimated margin and VAT, net of its credit notes."""


def _deposits_to_deduct(session: Session, booking_id: int) -> list[_Deposit]:
    """Every issued deposit invoice of the dossier that credit notes did not cancel."""
    found = []
    for deposit in issued_invoices(
        session, Invoice.booking_id == booking_id, Invoice.kind == InvoiceKind.DEPOSIT
    ):
        credits = credit_notes_of(session, deposit.id or 0)
        amount = deposit.total_incl_vat + sum((c.total_incl_vat for c in credits), ZERO)
        if amount == 0:
            continue
        margin = il.Margin(
            deposit.margin_base + sum((c.margin_base for c in credits), ZERO),
            deposit.margin_vat + sum((c.margin_vat for c in credits), ZERO),
        )
        found.append(_Deposit(deposit, amount, margin))
    return found


def live_final(session: Session, booking_id: int, exclude_id: int | None = None) -> Invoice | None:
    """The dossier's final invoice: a draft, or issued and not cancelled by credit notes."""
    for final in session.exec(
        select(Invoice)
        .where(Invoice.booking_id == booking_id, Invoice.kind == InvoiceKind.FINAL)
        .order_by(col(Invoice.id))
    ):
        if final.id == exclude_id:
            continue
        if final.status == InvoiceStatus.DRAFT or not _is_cancelled(session, final):
            return final
    return None


def _final_refusal(final: Invoice) -> str:
    if final.status == InvoiceStatus.DRAFT:
        return "Une facture de solde est déjà en préparation (brouillon) pour ce dossier."
    return f"La facture de solde {final.number} est émise : faites un avoir pour l'annuler d'abord."


# --- Computing a draft --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Computed:
    lines: list[il.LineAmounts]
    deductions: list[tuple[int, str, Decimal]]
    """(deposit invoice id, label, amount as stored: negative on a final invoice)."""
    margin: il.Margin
    estimated: bool


def _percent_text(percent: Decimal) -> str:
    return formats.percent(percent)


def _compute_deposit(
    session: Session, invoice: Invoice, booking: Booking, *, issuing: bool
) -> _Computed:
    parts = dossier_parts(session, booking)
    final = live_final(session, booking.id or 0)
    if final is not None and final.status == InvoiceStatus.ISSUED:
        raise FormErrors({"": _final_refusal(final) + " Plus d'acompte possible."})
    percent = invoice.deposit_percent
    field = "percent" if percent is not None else "amount"
    amount = (
        il.deposit_amount(parts.total, percent) if percent is not None else invoice.total_incl_vat
    )
    if amount <= 0:
        raise FormErrors({field: "L'acompte doit être supérieur à 0."})
    others = sum(
        (
            d.amount
            for d in _deposits_to_deduct(session, booking.id or 0)
            if d.invoice.id != invoice.id
        ),
        ZERO,
    )
    if not issuing:
        # While preparing, the other drafts count too: together they may not exceed the price.
        drafts = session.exec(
            select(Invoice).where(
                Invoice.booking_id == booking.id,
                Invoice.kind == InvoiceKind.DEPOSIT,
                Invoice.status == InvoiceStatus.DRAFT,
            )
        )
        others += sum((d.total_incl_vat for d in drafts if d.id != invoice.id), ZERO)
    if others + amount > parts.total:
        left = max(parts.total - others, ZERO)
        raise FormErrors(
            {
                field: "Les acomptes dépasseraient le prix du dossier "
                f"({formats.money(parts.total)}) : {formats.money(left)} au plus."
            }
        )
    wording = f"Acompte de {_percent_text(percent)}" if percent is not None else "Acompte"
    lines = il.deposit_lines(parts, amount, wording)
    margin_share = sum(
        (line.total_incl_vat for line in lines if line.regime == LineRegime.MARGIN), ZERO
    )
    return _Computed(lines, [], il.estimated_deposit_margin(parts, margin_share), True)


def _compute_final(
    session: Session, invoice: Invoice, booking: Booking, *, issuing: bool
) -> _Computed:
    parts = dossier_parts(session, booking)
    other = live_final(session, booking.id or 0, exclude_id=invoice.id)
    if other is not None:
        raise FormErrors({"": _final_refusal(other)})
    lines = il.final_lines(parts)
    deposits = _deposits_to_deduct(session, booking.id or 0)
    deductions = [
        (
            d.invoice.id or 0,
            f"Facture d'acompte {d.invoice.number} du {formats.day(d.invoice.issued_on)}",
            -d.amount,
        )
        for d in deposits
    ]
    dossier = il.real_margin(parts)
    margin = il.Margin(
        dossier.base - sum((d.margin.base for d in deposits), ZERO),
        dossier.vat - sum((d.margin.vat for d in deposits), ZERO),
    )
    return _Computed(lines, deductions, margin, False)


def _compute_credit_note(
    session: Session, invoice: Invoice, booking: Booking, *, issuing: bool
) -> _Computed:
    corrected = session.get(Invoice, invoice.corrects_id) if invoice.corrects_id else None
    if corrected is None or corrected.status != InvoiceStatus.ISSUED:
        raise FormErrors({"": "Un avoir corrige une facture émise."})
    if corrected.kind == InvoiceKind.CREDIT_NOTE:
        raise FormErrors({"": "Un avoir ne se corrige pas par un avoir : refaites une facture."})
    if corrected.kind == InvoiceKind.DEPOSIT:
        final = live_final(session, booking.id or 0)
        deducted = final is not None and any(
            line.deducted_invoice_id == corrected.id for line in _lines(session, final.id or 0)
        )
        if final is not None and final.status == InvoiceStatus.ISSUED and deducted:
            raise FormErrors(
                {
                    "": f"Cet acompte est déduit de la facture de solde {final.number} : "
                    "faites d'abord un avoir sur celle-ci."
                }
            )
    previous = [c for c in credit_notes_of(session, corrected.id or 0) if c.id != invoice.id]
    left = corrected.total_incl_vat + sum((c.total_incl_vat for c in previous), ZERO)
    amount = -invoice.total_incl_vat
    if amount <= 0:
        raise FormErrors({"amount": "Le montant de l'avoir doit être supérieur à 0."})
    if amount > left:
        raise FormErrors(
            {
                "amount": f"Il reste {formats.money(left)} à créditer "
                f"sur la facture {corrected.number}."
            }
        )
    own = _priced_lines(session, corrected.id or 0)
    if not previous and amount == corrected.total_incl_vat:
        lines = [il.negated(line) for line in own]
    else:
        credited = [line for c in previous for line in _priced_lines(session, c.id or 0)]
        remaining = il.by_regime_and_rate([*own, *credited])
        lines = il.credit_lines(remaining, amount, f"Avoir sur la facture {corrected.number}")
    cancels = amount == left
    deductions = []
    if cancels:
        deductions = [
            (
                line.deducted_invoice_id or 0,
                line.label,
                -line.total_incl_vat,
            )
            for line in _lines(session, corrected.id or 0)
            if line.deducted_invoice_id is not None
        ]
    left_base = corrected.margin_base + sum((c.margin_base for c in previous), ZERO)
    left_vat = corrected.margin_vat + sum((c.margin_vat for c in previous), ZERO)
    if cancels:
        margin = il.Margin(-left_base, -left_vat)
    else:
        margin = il.Margin(-cents(left_base * amount / left), -cents(left_vat * amount / left))
    return _Computed(lines, deductions, margin, corrected.margin_estimated)


_COMPUTE = {
    InvoiceKind.DEPOSIT: _compute_deposit,
    InvoiceKind.FINAL: _compute_final,
    InvoiceKind.CREDIT_NOTE: _compute_credit_note,
}


def _apply(session: Session, invoice: Invoice, computed: _Computed) -> None:
    """Writes the computed lines and totals on the invoice (its previous lines replaced)."""
    if invoice.id is not None:
        session.execute(delete(InvoiceLine).where(col(InvoiceLine.invoice_id) == invoice.id))
    else:
        session.add(invoice)
        session.flush()
    position = 0
    for line in computed.lines:
        position += 1
        session.add(
            InvoiceLine(
                invoice_id=invoice.id or 0,
                position=position,
                label=line.label[:300],
                quantity=line.quantity,
                unit_price=line.price,
                regime=line.regime,
                vat_rate=line.vat_rate,
                total_excl_vat=line.total_excl_vat,
                total_vat=line.total_vat,
                total_incl_vat=line.total_incl_vat,
            )
        )
    for deposit_id, label, amount in computed.deductions:
        position += 1
        session.add(
            InvoiceLine(
                invoice_id=invoice.id or 0,
                position=position,
                label=label[:300],
                unit_price=amount,
                regime=LineRegime.DEDUCTION,
                total_excl_vat=amount,
                total_incl_vat=amount,
                deducted_invoice_id=deposit_id,
            )
        )
    total = sum((line.total_incl_vat for line in computed.lines), ZERO)
    vat = sum((line.total_vat for line in computed.lines), ZERO)
    deducted = -sum((amount for _, _, amount in computed.deductions), ZERO)
    invoice.total_incl_vat = total
    invoice.total_vat = vat
    invoice.total_excl_vat = total - vat
    invoice.deposits_deducted = deducted
    invoice.amount_due = total - deducted
    invoice.margin_base = computed.margin.base
    invoice.margin_vat = computed.margin.vat
    invoice.margin_estimated = computed.estimated
    invoice.updated_at = utcnow()
    session.add(invoice)
    session.flush()


def compute(session: Session, invoice: Invoice, booking: Booking, *, issuing: bool) -> None:
    _apply(
        session,
        invoice,
        _COMPUTE[InvoiceKind(invoice.kind)](session, invoice, booking, issuing=issuing),
    )
