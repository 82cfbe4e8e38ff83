"""Payments (règlements): money received from a client, allocated to his issued invoices
(lettrage), the client's credit, refunds, and what remains due per invoice and per dossier.

Rules:
- a payment belongs to a client; its parts are allocated to his issued deposit or final
  invoices, never beyond what remains due on an invoice nor beyond what the payment has left;
  one payment may settle several invoices and one invoice take several payments;
- what is not allocated is the client's credit, allocated later or refunded (a refund is a
  payment with a negative amount, `is_refund`, never beyond the credit);
- an issued credit note settles the invoice it corrects first (see services/billing/outstanding.py);
- when every issued invoice of a « facturé » dossier, its final invoice included, is settled,
  the dossier becomes « soldé » — a system step in its history, attributed to whoever recorded
  the money. Unallocating or deleting a payment reopens nothing by itself: a settled dossier
  is a fact of its history, moved back by hand if ever needed.

Every change of a client's money takes his row lock first (PostgreSQL): two colleagues
allocating the same payment or the same invoice at once are served one after the other, and
the second sees what the first left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import case, func, orm
from sqlmodel import Session, col, delete, select

from agence.models import (
    Booking,
    Client,
    Invoice,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    User,
)
from agence.services.billing import outstanding, settlements
from agence.services.billing.outstanding import (
    ZERO,
    cents,
    client_credit,
    invoice_balances,
)
from agence.services.billing.unpaid import UNPAID_LIST, days_late
from agence.services.billing.vocabulary import PAYABLE_KINDS, InvoiceKind, InvoiceStatus
from agence.services.bookings import bookings, lifecycle
from agence.services.bookings.lifecycle import Status
from agence.services.common import audit, formats, identifiers
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FieldSpec, FormErrors, parse_decimal, parse_form
from agence.services.common.listing import ChoiceFilter, Column, DateFilter, ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.parties.clients import DELETE_GUARDS, visible_clients

__all__ = ["UNPAID_LIST"]  # the unpaid list is served from here too (one module for the pages)

MAX_AMOUNT = Decimal("999999999999.99")
ENTITY = "règlement"

PAYMENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("received_on", "Date", "date", required=True),
    FieldSpec("amount", "Montant", "decimal", required=True),
    FieldSpec("payment_method_id", "Mode de règlement", "ref", required=True),
    FieldSpec("bank_reference", "Référence bancaire", max_length=100),
    FieldSpec("payer", "Payeur", max_length=200),
    FieldSpec("notes", "Notes", "textarea", max_length=1000, wide=True),
)
REFUND_FIELDS: tuple[FieldSpec, ...] = tuple(
    spec for spec in PAYMENT_FIELDS if spec.name != "amount"
)


# --- Reading ------------------------------------------------------------------------------------


def method_choices(session: Session) -> list[tuple[str, str]]:
    """The active payment methods, in their order."""
    return [
        (str(method_id), label)
        for method_id, label in session.exec(
            select(PaymentMethod.id, PaymentMethod.label)
            .where(PaymentMethod.active)
            .order_by(col(PaymentMethod.position), col(PaymentMethod.label))
        )
    ]


def payment_defaults() -> dict[str, str]:
    return {"received_on": formats.today().isoformat()}


def invoice_balance(session: Session, invoice_id: int) -> tuple[Decimal, Decimal]:
    """(paid, remaining) of an invoice: remaining = amount due − payments − credit notes on it
    (zero for a credit note, which is not paid but deducted)."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise RecordNotFound("facture", invoice_id)
    balance = invoice_balances(session, [invoice_id])[invoice_id]
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return ZERO, ZERO
    return balance.paid, balance.remaining


def payment_unallocated(session: Session, payment: Payment) -> Decimal:
    """What is left of a payment to allocate (nothing for a refund)."""
    if payment.is_refund:
        return ZERO
    allocated = session.exec(
        select(func.sum(PaymentAllocation.amount)).where(PaymentAllocation.payment_id == payment.id)
    ).one()
    return cents(payment.amount) - cents(allocated)


def _visible_client(session: Session, actor: Actor, client_id: int) -> Client | None:
    return session.exec(
        visible_clients(select(Client).where(Client.id == client_id), actor)
    ).first()


def _lock_client(session: Session, client_id: int) -> None:
    """Serializes the money changes of one client (PostgreSQL row lock; SQLite writes one at
    a time anyway)."""
    session.exec(select(Client.id).where(Client.id == client_id).with_for_update()).first()


def _payment(session: Session, actor: Actor, payment_id: int) -> Payment:
    """A payment of a client within the actor's reach, read again after the client's lock."""
    payment = session.get(Payment, payment_id)
    if payment is None or _visible_client(session, actor, payment.client_id) is None:
        raise RecordNotFound(ENTITY, payment_id)
    _lock_client(session, payment.client_id)
    session.refresh(payment)
    return payment


def _describe(session: Session, payment: Payment) -> str:
    client = session.get(Client, payment.client_id)
    what = "Remboursement" if payment.is_refund else "Règlement"
    return (
        f"{what} de {formats.money(abs(payment.amount))} du {formats.day(payment.received_on)}"
        f" — {client.name if client else ''}"
    )


# --- Allocation checks ----------------------------------------------------------------------------


def _allocation_problem(
    session: Session,
    client_id: int,
    invoice: Invoice | None,
    amount: Decimal,
    already: Decimal = ZERO,
) -> tuple[str, str] | None:
    """Why `amount` cannot settle `invoice` for this client (`already`: what the same
    operation allocates to it before), as (field, message), or None."""
    if invoice is None:
        return "invoice_id", "Facture introuvable."
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return "invoice_id", "Un avoir ne se règle pas : il réduit la facture qu'il corrige."
    if invoice.status != InvoiceStatus.ISSUED:
        return "invoice_id", "Seule une facture émise peut être réglée, pas un brouillon."
    if invoice.client_id != client_id:
        return "invoice_id", f"La facture {invoice.number} n'est pas celle de ce client."
    if amount <= 0:
        return "amount", "Le montant affecté doit être positif."
    remaining = invoice_balances(session, [invoice.id or 0])[invoice.id or 0].remaining - already
    if amount > remaining:
        return "amount", (
            f"Il ne reste que {formats.money(max(remaining, ZERO))} à régler "
            f"sur la facture {invoice.number}."
        )
    return None


def _parse_amount(raw: Decimal | str) -> Decimal:
    """A typed amount (« 1 234,56 ») or a Decimal, to the cent; ValueError in French."""
    value = raw if isinstance(raw, Decimal) else parse_decimal(str(raw).strip())
    # a finite Decimal's exponent is an int (only NaN and infinities have a letter)
    if not value.is_finite() or cast(int, value.as_tuple().exponent) < -2:
        raise ValueError("Montant invalide : deux décimales au plus.")
    if value > MAX_AMOUNT:
        raise ValueError("Montant trop élevé.")
    return value.quantize(outstanding.CENT)


def allocation_for(
    session: Session, invoice_raw: str, amount_raw: str
) -> list[tuple[int, str]] | None:
    """The allocation a payment form asks for: the chosen invoice, settled with the payment up
    to what remains due on it (the rest stays as the client's credit). `record_payment`
    checks it all; this only caps the amount at the remaining."""
    invoice_raw = invoice_raw.strip()
    if not invoice_raw:
        return None
    invoice_id = identifiers.record_id(invoice_raw)
    if invoice_id is None:
        return [(0, amount_raw)]
    try:
        amount = _parse_amount(amount_raw)
    except ValueError:
        return [(invoice_id, amount_raw)]
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.kind == InvoiceKind.CREDIT_NOTE:
        return [(invoice_id, amount_raw)]
    remaining = invoice_balances(session, [invoice_id])[invoice_id].remaining
    if remaining <= 0:
        return [(invoice_id, amount_raw)]
    return [(invoice_id, format(min(amount, remaining), "f"))]


# --- Recording ------------------------------------------------------------------------------------


def _parse_payment(
    session: Session, actor: Actor, values: dict[str, str], fields: tuple[FieldSpec, ...]
) -> tuple[dict[str, Any], dict[str, str], Client | None]:
    clean, errors = parse_form(
        fields, values, {"payment_method_id": tuple(method_choices(session))}
    )
    raw_client = str(values.get("client_id") or "").strip()
    client_id = identifiers.record_id(raw_client)
    client = _visible_client(session, actor, client_id) if client_id else None
    if client is None:
        errors["client_id"] = "Client introuvable." if raw_client else "Choisissez le client."
    received_on = clean.get("received_on")
    if isinstance(received_on, date) and received_on > formats.today():
        errors["received_on"] = "Un règlement ne peut pas être daté dans le futur."
    if "amount" in clean and clean["amount"] is not None:
        amount = clean["amount"]
        if amount <= 0:
            errors["amount"] = "Le montant doit être positif."
        elif amount > MAX_AMOUNT:
            errors["amount"] = "Montant trop élevé."
    return clean, errors, client


def record_payment(
    session: Session,
    actor: Actor,
    values: dict[str, str],
    allocations: list[tuple[int, str]] | None = None,
) -> Payment:
    """Records money received from a client and, in the same transaction, its allocation to
    his invoices; any problem (a field, an allocation) writes nothing."""
    actor.require(Module.PAYMENTS, Action.CREATE)
    clean, errors, client = _parse_payment(session, actor, values, PAYMENT_FIELDS)
    planned: list[tuple[Invoice, Decimal]] = []
    if client is not None:
        _lock_client(session, client.id or 0)
        if allocations and "amount" not in errors:
            planned = _plan_allocations(session, client, clean["amount"], allocations, errors)
    if errors or client is None:
        raise FormErrors(errors)
    payment = Payment(
        client_id=client.id or 0,
        received_on=clean["received_on"],
        amount=clean["amount"],
        payment_method_id=clean["payment_method_id"],
        bank_reference=clean["bank_reference"],
        payer=clean["payer"],
        notes=clean["notes"],
        created_by_id=actor.user_id,
    )
    session.add(payment)
    session.flush()
    for invoice, amount in planned:
        session.add(
            PaymentAllocation(
                payment_id=payment.id or 0,
                invoice_id=invoice.id or 0,
                amount=amount,
                created_by_id=actor.user_id,
            )
        )
    settlements.refresh(session, [invoice.id for invoice, _ in planned])
    audit.record(
        session,
        actor,
        AuditAction.CREATE,
        entity_type=ENTITY,
        entity_id=payment.id,
        entity_label=_describe(session, payment),
        changes={
            "montant": [None, audit.json_safe(payment.amount)],
            **{
                f"affecté à {invoice.number}": [None, audit.json_safe(amount)]
                for invoice, amount in planned
            },
        },
    )
    _settle_bookings(session, actor, {invoice.booking_id for invoice, _ in planned})
    return payment


def _plan_allocations(
    session: Session,
    client: Client,
    amount: Decimal,
    allocations: list[tuple[int, str]],
    errors: dict[str, str],
) -> list[tuple[Invoice, Decimal]]:
    """The checked allocations of a new payment, one per invoice (two parts for the same
    invoice add up); problems go to `errors["invoice_id"]`."""
    problems: list[str] = []
    invoices: dict[int, Invoice] = {}
    by_invoice: dict[int, Decimal] = {}
    for invoice_id, raw in allocations:
        try:
            part = _parse_amount(raw)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        invoice = session.get(Invoice, invoice_id) if invoice_id else None
        problem = _allocation_problem(
            session, client.id or 0, invoice, part, by_invoice.get(invoice_id, ZERO)
        )
        if problem:
            problems.append(problem[1])
            continue
        assert invoice is not None
        if invoice_id not in by_invoice:
            invoices[invoice_id] = invoice
        by_invoice[invoice_id] = by_invoice.get(invoice_id, ZERO) + part
    planned = [(invoices[invoice_id], part) for invoice_id, part in by_invoice.items()]
    total = sum((part for _, part in planned), ZERO)
    if not problems and total > amount:
        problems.append(
            f"Les affectations ({formats.money(total)}) dépassent le montant du règlement."
        )
    if problems:
        errors["invoice_id"] = " ".join(dict.fromkeys(problems))
    return planned


def allocate(
    session: Session, actor: Actor, payment_id: int, invoice_id: int, amount: Decimal | str
) -> PaymentAllocation:
    """Settles part of a payment against an issued invoice of its client (lettrage)."""
    actor.require(Module.PAYMENTS, Action.EDIT)
    payment = _payment(session, actor, payment_id)
    if payment.is_refund:
        raise FormErrors({"": "Un remboursement ne s'affecte pas à une facture."})
    try:
        value = _parse_amount(amount)
    except ValueError as exc:
        raise FormErrors({"amount": str(exc)}) from exc
    invoice = session.get(Invoice, invoice_id)
    problem = _allocation_problem(session, payment.client_id, invoice, value)
    if problem:
        raise FormErrors(dict([problem]))
    assert invoice is not None
    left = payment_unallocated(session, payment)
    if value > left:
        raise FormErrors({"amount": f"Ce règlement n'a plus que {formats.money(left)} à affecter."})
    credit = client_credit(session, payment.client_id)
    if value > credit:
        raise FormErrors(
            {
                "amount": f"Le client n'a que {formats.money(max(credit, ZERO))} à son crédit "
                "(remboursements déduits)."
            }
        )
    allocation = session.exec(
        select(PaymentAllocation).where(
            PaymentAllocation.payment_id == payment.id,
            PaymentAllocation.invoice_id == invoice.id,
        )
    ).first()
    before = cents(allocation.amount) if allocation is not None else None
    if allocation is None:
        allocation = PaymentAllocation(
            payment_id=payment.id or 0,
            invoice_id=invoice.id or 0,
            amount=value,
            created_by_id=actor.user_id,
        )
    else:
        allocation.amount = cents(allocation.amount) + value
    session.add(allocation)
    settlements.refresh(session, [invoice.id])
    audit.record(
        session,
        actor,
        AuditAction.UPDATE,
        entity_type=ENTITY,
        entity_id=payment.id,
        entity_label=_describe(session, payment),
        changes={
            f"affecté à {invoice.number}": [
                audit.json_safe(before),
                audit.json_safe(allocation.amount),
            ]
        },
    )
    _settle_bookings(session, actor, {invoice.booking_id})
    return allocation


def apply_credit(
    session: Session, actor: Actor, invoice_id: int, amount: Decimal | str | None = None
) -> Decimal:
    """Settles an invoice out of its client's credit (what earlier payments left unallocated),
    oldest payment first; `amount` None takes as much as both the credit and the invoice
    allow. Returns what was applied."""
    actor.require(Module.PAYMENTS, Action.EDIT)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or _visible_client(session, actor, invoice.client_id) is None:
        raise FormErrors({"invoice_id": "Facture introuvable."})
    _lock_client(session, invoice.client_id)
    credit = client_credit(session, invoice.client_id)
    _paid, remaining = invoice_balance(session, invoice_id)
    try:
        wanted = min(credit, remaining) if amount in (None, "") else _parse_amount(amount)
    except ValueError as exc:
        raise FormErrors({"amount": str(exc)}) from exc
    if wanted <= 0:
        raise FormErrors({"amount": "Le client n'a pas de crédit à affecter à cette facture."})
    if wanted > credit:
        raise FormErrors(
            {"amount": f"Le client n'a que {formats.money(max(credit, ZERO))} à son crédit."}
        )
    applied = ZERO
    for payment in session.exec(
        select(Payment)
        .where(Payment.client_id == invoice.client_id, col(Payment.is_refund).is_(False))
        .order_by(col(Payment.received_on), col(Payment.id))
    ).all():
        left = min(payment_unallocated(session, payment), wanted - applied)
        if left <= 0:
            continue
        allocate(session, actor, payment.id or 0, invoice_id, left)
        applied += left
        if applied >= wanted:
            break
    if applied < wanted:
        raise FormErrors({"amount": "Le crédit du client ne suffit pas (remboursements déduits)."})
    return applied


def unallocate(
    session: Session,
    actor: Actor,
    payment_id: int,
    invoice_id: int,
    amount: Decimal | str | None = None,
) -> Decimal:
    """Takes back (part of) what a payment settled on an invoice: it returns to the client's
    credit. A dossier already « soldé » stays so (moved back by hand if need be)."""
    actor.require(Module.PAYMENTS, Action.EDIT)
    payment = _payment(session, actor, payment_id)
    allocations = session.exec(
        select(PaymentAllocation)
        .where(
            PaymentAllocation.payment_id == payment.id,
            PaymentAllocation.invoice_id == invoice_id,
        )
        .order_by(col(PaymentAllocation.id))
    ).all()
    allocated = sum((cents(a.amount) for a in allocations), ZERO)
    if not allocations:
        raise FormErrors({"": "Ce règlement n'est pas affecté à cette facture."})
    try:
        released = allocated if amount in (None, "") else _parse_amount(amount)
    except ValueError as exc:
        raise FormErrors({"amount": str(exc)}) from exc
    if released <= 0 or released > allocated:
        raise FormErrors(
            {"amount": f"Entre 0,01 € et {formats.money(allocated)} peuvent être repris."}
        )
    kept, *others = allocations
    for allocation in others if released < allocated else allocations:
        session.delete(allocation)
    if released < allocated:
        kept.amount = allocated - released
        session.add(kept)
    invoice = session.get(Invoice, invoice_id)
    audit.record(
        session,
        actor,
        AuditAction.UPDATE,
        entity_type=ENTITY,
        entity_id=payment.id,
        entity_label=_describe(session, payment),
        changes={
            f"affecté à {invoice.number if invoice else invoice_id}": [
                audit.json_safe(allocated),
                audit.json_safe(allocated - released),
            ]
        },
    )
    settlements.refresh(session, [invoice_id])
    return released


def refund(
    session: Session,
    actor: Actor,
    client_id: int,
    amount: Decimal | str,
    values: dict[str, str],
) -> Payment:
    """Records money given back to the client, out of his credit only (an overpayment, a
    credit note beyond the invoice): kept as a payment with a negative amount."""
    actor.require(Module.PAYMENTS, Action.CREATE)
    clean, errors, client = _parse_payment(
        session, actor, {**values, "client_id": str(client_id)}, REFUND_FIELDS
    )
    value = ZERO
    try:
        value = _parse_amount(amount)
        if value <= 0:
            errors["amount"] = "Le montant doit être positif."
    except ValueError as exc:
        errors["amount"] = str(exc)
    if client is None:
        raise RecordNotFound("client", client_id)
    _lock_client(session, client_id)
    credit = client_credit(session, client_id)
    if "amount" not in errors and value > credit:
        errors["amount"] = (
            f"Le client n'a que {formats.money(max(credit, ZERO))} à son crédit."
            if credit > 0
            else "Ce client n'a aucun crédit à rembourser."
        )
    if errors:
        raise FormErrors(errors)
    payment = Payment(
        client_id=client_id,
        received_on=clean["received_on"],
        amount=-value,
        payment_method_id=clean["payment_method_id"],
        bank_reference=clean["bank_reference"],
        payer=clean["payer"],
        notes=clean["notes"],
        is_refund=True,
        created_by_id=actor.user_id,
    )
    session.add(payment)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CREATE,
        entity_type=ENTITY,
        entity_id=payment.id,
        entity_label=_describe(session, payment),
        changes={"remboursement": [None, audit.json_safe(value)]},
    )
    return payment


def delete_payment(session: Session, actor: Actor, payment_id: int) -> None:
    """Removes a payment entered by mistake, with its allocations. Refused when its money was
    refunded since (the client's credit would go below zero). Reopens no dossier."""
    actor.require(Module.PAYMENTS, Action.DELETE)
    payment = _payment(session, actor, payment_id)
    label = _describe(session, payment)
    if not payment.is_refund:
        credit_after = client_credit(session, payment.client_id) - payment_unallocated(
            session, payment
        )
        if credit_after < 0:
            raise FormErrors(
                {"": "Ce règlement a servi à un remboursement : supprimez d'abord celui-ci."}
            )
    settled = session.exec(
        select(PaymentAllocation.invoice_id).where(PaymentAllocation.payment_id == payment.id)
    ).all()
    session.exec(delete(PaymentAllocation).where(col(PaymentAllocation.payment_id) == payment.id))
    session.delete(payment)
    settlements.refresh(session, settled)
    audit.record(
        session,
        actor,
        AuditAction.DELETE,
        entity_type=ENTITY,
        entity_id=payment_id,
        entity_label=label,
        changes={"montant": [audit.json_safe(payment.amount), None]},
    )


# --- The dossier settled ---------------------------------------------------------------------


def settle_if_paid(session: Session, actor: Actor, booking_id: int) -> bool:
    """« Facturé » → « soldé » once every issued invoice of the dossier, its final invoice
    included, has nothing left due (payments and credit notes). A system step: the lifecycle
    allows it, the history says why and who recorded the money; no dossier right is asked of
    a user who only records payments. Callers (a credit note issued) may call it too."""
    booking = session.get(Booking, booking_id, with_for_update=True, populate_existing=True)
    if booking is None or booking.status != Status.INVOICED:
        return False
    invoices = session.exec(
        select(Invoice.id, Invoice.kind, Invoice.number).where(
            Invoice.booking_id == booking_id,
            Invoice.status == InvoiceStatus.ISSUED,
            col(Invoice.kind).in_(PAYABLE_KINDS),
        )
    ).all()
    # read from the table, an id is never None, nor is an issued invoice's number
    finals = [cast(str, number) for _, kind, number in invoices if kind == InvoiceKind.FINAL]
    if not finals:
        return False
    balances = invoice_balances(session, [cast(int, invoice_id) for invoice_id, _, _ in invoices])
    if any(balance.remaining > 0 for balance in balances.values()):
        return False
    lifecycle.change_status(
        session,
        actor,
        booking,
        Status.SETTLED,
        note=f"Soldé automatiquement : facture {', '.join(finals)} réglée.",
    )
    return True


def _settle_bookings(session: Session, actor: Actor, booking_ids: set[int]) -> None:
    for booking_id in sorted(booking_ids):
        settle_if_paid(session, actor, booking_id)


# --- The dossier's « Règlements » tab --------------------------------------------------------


def _booking_invoices(session: Session, booking_id: int) -> list[Invoice]:
    return list(
        session.exec(
            select(Invoice)
            .where(
                Invoice.booking_id == booking_id,
                Invoice.status == InvoiceStatus.ISSUED,
                col(Invoice.kind).in_(PAYABLE_KINDS),
            )
            .order_by(col(Invoice.issued_on), col(Invoice.id))
        ).all()
    )


@dataclass(frozen=True)
class BalanceFigures:
    """The dossier's totals as the « Règlements » tab shows them, as French text."""

    invoiced: str = "—"
    paid: str = "—"
    credited: str = "—"
    remaining: str = "—"
    client_credit: str = ""
    """The client's credit (all his dossiers): money paid or credited not yet allocated."""


@dataclass(frozen=True)
class BalanceInvoiceRow:
    """One issued deposit or final invoice of the dossier and what remains due on it."""

    id: str
    number: str
    kind: str
    """Its kind's short label (« Acompte », « Facture »)."""
    issued_on: str
    due_on: str
    amount_due: str
    paid: str
    credited: str
    remaining: str
    days_late: str
    settled: bool


@dataclass(frozen=True)
class DossierBalance:
    """What the dossier's issued invoices bill, what was paid and credited against them and
    what remains: the figures for the page, the amounts for the arithmetic."""

    figures: BalanceFigures
    invoices: tuple[BalanceInvoiceRow, ...]
    invoiced_amount: Decimal
    paid_amount: Decimal
    credited_amount: Decimal
    remaining_amount: Decimal
    client_credit_amount: Decimal


def booking_balance(session: Session, actor: Actor, booking_id: int) -> DossierBalance:
    """What the dossier's issued invoices bill, what was paid and credited against them, what
    remains, per invoice too; the client's credit beside."""
    actor.require(Module.PAYMENTS, Action.SEE)
    booking = bookings.get_booking(session, actor, booking_id)
    invoices = _booking_invoices(session, booking_id)
    balances = invoice_balances(session, [invoice.id or 0 for invoice in invoices])
    today = formats.today()
    rows: list[BalanceInvoiceRow] = []
    invoiced = paid = credited = remaining = ZERO
    for invoice in invoices:
        balance = balances[invoice.id or 0]
        invoiced += balance.due
        paid += balance.paid
        credited += balance.credited
        remaining += balance.remaining
        late = days_late(invoice.due_on, today) if balance.remaining > 0 else None
        rows.append(
            BalanceInvoiceRow(
                id=str(invoice.id),
                number=invoice.number or "",
                kind=InvoiceKind(invoice.kind).short_label,
                issued_on=formats.day(invoice.issued_on),
                due_on=formats.day(invoice.due_on),
                amount_due=formats.money(balance.due),
                paid=formats.money(balance.paid),
                credited=formats.money(balance.credited),
                remaining=formats.money(balance.remaining),
                days_late=str(late) if late else "",
                settled=balance.remaining <= 0,
            )
        )
    credit = client_credit(session, booking.client_id)
    return DossierBalance(
        figures=BalanceFigures(
            invoiced=formats.money(invoiced),
            paid=formats.money(paid),
            credited=formats.money(credited),
            remaining=formats.money(remaining),
            client_credit=formats.money(credit),
        ),
        invoices=tuple(rows),
        invoiced_amount=invoiced,
        paid_amount=paid,
        credited_amount=credited,
        remaining_amount=remaining,
        client_credit_amount=credit,
    )


@dataclass(frozen=True)
class DossierPaymentRow:
    """A row of the dossier's « Règlements » tab: a payment's part settled on one of the
    dossier's invoices, as French text. Typed, so that the page reading a field that does not
    exist fails when Reflex compiles it, not as an empty cell."""

    id: str
    payment_id: str
    received_on: str
    payment_amount: str
    """The whole payment (it may settle other invoices too)."""
    method: str
    reference: str
    """The bank reference of the payment."""
    payer: str
    invoice_id: str
    invoice: str
    """The number of the invoice this part settled (« Affecté à »)."""
    amount: str
    """The part settled on that invoice."""


def payments_of_booking(session: Session, actor: Actor, booking_id: int) -> list[DossierPaymentRow]:
    """The « Règlements » tab: each payment's part settled on the dossier's invoices."""
    actor.require(Module.PAYMENTS, Action.SEE)
    bookings.get_booking(session, actor, booking_id)
    rows = session.execute(
        sa.select(
            col(PaymentAllocation.id),
            col(Payment.id),
            col(Payment.received_on),
            col(Payment.amount),
            col(PaymentMethod.label),
            col(Payment.bank_reference),
            col(Payment.payer),
            col(Invoice.id),
            col(Invoice.number),
            col(PaymentAllocation.amount),
        )
        .join(Payment, col(Payment.id) == PaymentAllocation.payment_id)
        .join(Invoice, col(Invoice.id) == PaymentAllocation.invoice_id)
        .outerjoin(PaymentMethod, col(PaymentMethod.id) == Payment.payment_method_id)
        .where(col(Invoice.booking_id) == booking_id)
        .order_by(col(Payment.received_on), col(Payment.id), col(PaymentAllocation.id))
    ).all()
    return [
        DossierPaymentRow(
            id=str(allocation_id),
            payment_id=str(payment_id),
            received_on=formats.day(received_on),
            payment_amount=formats.money(cents(payment_amount)),
            method=method or "",
            reference=reference or "",
            payer=payer or "",
            invoice_id=str(invoice_id),
            invoice=number or "",
            amount=formats.money(cents(amount)),
        )
        for (
            allocation_id,
            payment_id,
            received_on,
            payment_amount,
            method,
            reference,
            payer,
            invoice_id,
            number,
            amount,
        ) in rows
    ]


def booking_of_payment(session: Session, actor: Actor, payment_id: int) -> int | None:
    """The dossier a payment's row opens: that of the first invoice it settled (None when it
    settled none)."""
    actor.require(Module.PAYMENTS, Action.SEE)
    payment = session.get(Payment, payment_id)
    if payment is None or _visible_client(session, actor, payment.client_id) is None:
        raise RecordNotFound(ENTITY, payment_id)
    return session.exec(
        select(Invoice.booking_id)
        .join(PaymentAllocation, col(PaymentAllocation.invoice_id) == Invoice.id)
        .where(PaymentAllocation.payment_id == payment_id)
        .order_by(col(PaymentAllocation.id))
    ).first()


# --- The payments' list ----------------------------------------------------------------------

ALLOCATED = (
    select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
    .where(PaymentAllocation.payment_id == Payment.id)
    .scalar_subquery()
)
UNALLOCATED = case((col(Payment.is_refund), 0), else_=Payment.amount - ALLOCATED)


def _payments_query():
    return (
        sa.select(
            col(Payment.id).label("id"),
            col(Payment.received_on).label("received_on"),
            col(Client.name).label("client"),
            col(Payment.client_id).label("client_id"),
            col(Payment.amount).label("amount"),
            col(PaymentMethod.label).label("method"),
            col(Payment.bank_reference).label("reference"),
            col(Payment.payer).label("payer"),
            ALLOCATED.label("allocated"),
            UNALLOCATED.label("unallocated"),
            col(Payment.is_refund).label("is_refund"),
            (col(User.first_name) + " " + col(User.last_name)).label("recorded_by"),
        )
        .join(Client, col(Client.id) == Payment.client_id)
        .outerjoin(PaymentMethod, col(PaymentMethod.id) == Payment.payment_method_id)
        .outerjoin(User, col(User.id) == Payment.created_by_id)
    )


def _method_options(session: orm.Session) -> list[tuple[str, str]]:
    # listing hands its callbacks the SQLAlchemy session it is typed with
    return [
        (str(method_id), label)
        for method_id, label in session.execute(
            select(PaymentMethod.id, PaymentMethod.label).order_by(col(PaymentMethod.position))
        )
    ]


def _not_allocated(_value: str) -> Any:
    """Payments with something left to allocate: one grouped pass over the allocations (the
    row-by-row subquery of the columns would be read for every payment)."""
    allocated = (
        select(
            col(PaymentAllocation.payment_id).label("payment_id"),
            func.sum(PaymentAllocation.amount).label("amount"),
        )
        .group_by(col(PaymentAllocation.payment_id))
        .subquery("allocated")
    )
    open_payments = (
        select(Payment.id)
        .outerjoin(allocated, allocated.c.payment_id == Payment.id)
        .where(
            col(Payment.is_refund).is_(False),
            Payment.amount - func.coalesce(allocated.c.amount, 0) > outstanding.HALF_CENT,
        )
    )
    return col(Payment.id).in_(open_payments)


def _decorate_payments(session: orm.Session, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        row["allocated"] = cents(row["allocated"])
        row["unallocated"] = cents(row["unallocated"])
        row["open"] = row["unallocated"] > 0


PAYMENTS_LIST = ListSpec(
    name="Règlements",
    query=_payments_query,
    columns=(
        Column("received_on", "Date", Payment.received_on, kind="date", width=12),
        Column("client", "Client", Client.name, width=30),
        Column("amount", "Montant", Payment.amount, kind="money", width=14),
        Column("method", "Mode", PaymentMethod.label, width=16, phone=False),
        Column("reference", "Référence", Payment.bank_reference, width=20, phone=False),
        Column("payer", "Payeur", Payment.payer, width=24, phone=False),
        Column("allocated", "Affecté", ALLOCATED, kind="money", width=14, phone=False),
        Column("unallocated", "Non affecté", UNALLOCATED, kind="money", width=14, flag="open"),
    ),
    search=(Payment.bank_reference, Payment.payer),
    normalized_search=(Client.search_name,),
    filters=(
        ChoiceFilter(
            "method",
            "Mode",
            Payment.payment_method_id,
            options_query=_method_options,
            value_type=int,
        ),
        DateFilter("since", "Du", Payment.received_on, "since", is_datetime=False),
        DateFilter("until", "Au", Payment.received_on, "until", is_datetime=False),
        ChoiceFilter("open", "Lettrage", None, (("1", "Non lettrés"),), match=_not_allocated),
    ),
    default_sort="received_on",
    default_desc=True,
    tie_breaker=Payment.id,
    scope=visible_clients,
    decorate=_decorate_payments,
)


# --- Links with the client file and the outstanding ------------------------------------------


def _client_has_invoices_or_payments(session: Session, client_id: int) -> str | None:
    invoices = session.exec(
        select(func.count()).select_from(Invoice).where(Invoice.client_id == client_id)
    ).one()
    payments = session.exec(
        select(func.count()).select_from(Payment).where(Payment.client_id == client_id)
    ).one()
    if invoices and payments:
        return f"Ce client a {invoices} facture(s) et {payments} règlement(s)."
    if invoices:
        return f"Ce client a {invoices} facture(s)."
    if payments:
        return f"Ce client a {payments} règlement(s)."
    return None


if _client_has_invoices_or_payments not in DELETE_GUARDS:
    DELETE_GUARDS.append(_client_has_invoices_or_payments)
