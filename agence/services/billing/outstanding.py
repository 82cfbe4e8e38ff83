"""A client's outstanding balance (en-cours), against his credit limit.

The outstanding is what the client owes or will owe: unpaid issued invoices, plus confirmed
dossiers not invoiced yet, less what he has to his credit. Each part is a source registered
here; this module adds them up, for many clients at once.

The invoice part lives here too (it reads the models only, so every module can use it without
an import loop): what remains due on each issued invoice, the client's credit, what a dossier's
invoices already bill. Decisions:
- « Factures non réglées » is the sum of the remaining amounts of the client's issued deposit
  and final invoices — exactly his lines in the unpaid list;
- his credit (payments not allocated, credit notes beyond the invoice they correct, less
  refunds) is a part of its own, negative: money already received lowers the risk, and shown
  apart it keeps the first figure equal to the unpaid list's;
- « Dossiers confirmés non facturés » counts a confirmed or done dossier's price less what its
  issued invoices bill for good, never below zero (`confirmed_not_invoiced`, registered under
  the dossiers' key by services/bookings/bookings.py). A credit note is counted once: one on
  the final invoice is in the invoices' part (the dossier will bill nothing more), one on a
  deposit is left to invoice (the final invoice bills it again), a cancelled final invoice
  leaves the dossier to invoice again, one correcting no invoice is credit only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from agence.models import (
    Booking,
    BookingInvoicing,
    Client,
    Invoice,
    InvoiceSettlement,
    Payment,
    PaymentAllocation,
)
from agence.services.billing.vocabulary import PAYABLE_KINDS, InvoiceKind, InvoiceStatus
from agence.services.bookings.lifecycle import Status

ZERO = Decimal("0.00")

OutstandingSource = Callable[[Session, list[int]], dict[int, Decimal]]
"""Given client ids, the amount of this part of the outstanding per client (missing = 0)."""


@dataclass(frozen=True)
class NamedSource:
    key: str
    label: str
    amounts: OutstandingSource


SOURCES: list[NamedSource] = []


def register_source(key: str, label: str, amounts: OutstandingSource) -> None:
    """Adds (or replaces) a part of the outstanding, e.g. « factures non réglées »."""
    SOURCES[:] = [source for source in SOURCES if source.key != key]
    SOURCES.append(NamedSource(key, label, amounts))


def unregister_source(key: str) -> None:
    SOURCES[:] = [source for source in SOURCES if source.key != key]


@dataclass(frozen=True)
class Outstanding:
    parts: dict[str, Decimal] = field(default_factory=dict)
    credit_limit: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.parts.values(), ZERO)

    @property
    def exceeded(self) -> bool:
        return self.credit_limit is not None and self.total > self.credit_limit

    @property
    def available(self) -> Decimal | None:
        return None if self.credit_limit is None else self.credit_limit - self.total


def outstanding_for(session: Session, client_ids: Iterable[int]) -> dict[int, Outstanding]:
    ids = sorted(set(client_ids))
    if not ids:
        return {}
    limits = dict(
        session.exec(
            select(col(Client.id), col(Client.credit_limit)).where(col(Client.id).in_(ids))
        ).all()
    )
    per_source = {source.key: source.amounts(session, ids) for source in SOURCES}
    return {
        client_id: Outstanding(
            parts={key: amounts.get(client_id, ZERO) for key, amounts in per_source.items()},
            credit_limit=limits.get(client_id),
        )
        for client_id in ids
    }


def source_labels() -> dict[str, str]:
    return {source.key: source.label for source in SOURCES}


# --- The invoice part ---------------------------------------------------------------------------
#
# What remains due on an issued invoice is its amount due less what payments settled on it and
# less the issued credit notes correcting it: a credit note settles the invoice it corrects
# first, and what it credits beyond that (an invoice already paid) is the client's credit, like
# the unallocated part of a payment. The figures over many invoices (per client, per dossier,
# the unpaid list) read each invoice's settlement row (`billing.settlements`, kept in the
# writing transactions); `invoice_balances`, which checks a payment's allocation, reads the
# allocations and credit notes themselves.

CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")
"""SQLite keeps decimals as floats: half a cent tells a real balance from a rounding residue."""

_credit_note = aliased(Invoice, name="credit_note")


def cents(value: object) -> Decimal:
    """A sum read from the database as an exact amount in cents (SQLite answers floats)."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def paid_on(invoice_id: Any) -> Any:
    """What payments settled on the invoice (a correlated subquery)."""
    return (
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
        .where(PaymentAllocation.invoice_id == invoice_id)
        .scalar_subquery()
    )


def credited_on(invoice_id: Any, *, totals: bool = False) -> Any:
    """What issued credit notes take off the invoice they correct: their amount due, not their
    total (a credit note cancelling a final invoice also gives back the deposits it deducted,
    which stay billed on their own deposit invoices). With `totals`, the sum of their totals
    (equal to the invoice's total when they cancel it)."""
    amount = _credit_note.total_incl_vat if totals else _credit_note.amount_due
    return (
        select(func.coalesce(func.sum(func.abs(amount)), 0))
        .where(
            _credit_note.corrects_id == invoice_id,
            _credit_note.kind == InvoiceKind.CREDIT_NOTE,
            _credit_note.status == InvoiceStatus.ISSUED,
        )
        .scalar_subquery()
    )


def invoiced_on(booking_id: Any) -> Any:
    """What a dossier's issued invoices bill for good, which no later invoice will bill again:
    its deposits net of their credit notes, and the amount due of its final invoice unless
    credit notes cancelled it. A credit note on a deposit is billed again by the final invoice
    (it deducts the deposit's net amount); one on the final invoice lowers what the dossier
    will ever bill — it is counted in the invoices' part, never again as « not invoiced »; a
    cancelled final invoice leaves the dossier to invoice again. Kept per dossier by
    `billing.settlements` (`BookingInvoicing`); a correlated read of one row."""
    return func.coalesce(
        select(col(BookingInvoicing.invoiced_for_good))
        .where(BookingInvoicing.booking_id == booking_id)
        .scalar_subquery(),
        0,
    )


def with_invoicing(statement: Any) -> Any:
    """`statement` (over `Booking`) with each dossier's `BookingInvoicing` row, if any, joined:
    `LEFT_TO_INVOICE` reads it. One join for a whole list of dossiers, where `invoiced_on`
    reads one row per use (a sum over thousands of dossiers reads it per dossier and per
    use)."""
    return statement.outerjoin(
        BookingInvoicing, col(BookingInvoicing.booking_id) == col(Booking.id)
    )


LEFT_TO_INVOICE = Booking.total_price - func.coalesce(BookingInvoicing.invoiced_for_good, 0)
"""What remains to invoice of a dossier (`invoiced_on`'s complement), over `with_invoicing`."""


@dataclass(frozen=True)
class InvoiceBalance:
    """An invoice's figures: its amount due, what payments settled, what credit notes took off."""

    due: Decimal
    paid: Decimal
    credited: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.due - self.paid - self.credited, ZERO)

    @property
    def excess(self) -> Decimal:
        """Settled beyond the amount due (a credit note after payment): the client's credit."""
        return max(self.paid + self.credited - self.due, ZERO)


def invoice_balances(session: Session, invoice_ids: Iterable[int]) -> dict[int, InvoiceBalance]:
    ids = sorted(set(invoice_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(
            col(Invoice.id), col(Invoice.amount_due), paid_on(Invoice.id), credited_on(Invoice.id)
        ).where(col(Invoice.id).in_(ids))
    ).all()
    return {  # a key read from the table is never None
        cast(int, invoice_id): InvoiceBalance(cents(due), cents(paid), cents(credited))
        for invoice_id, due, paid, credited in rows
    }


def _issued_balances(client_ids: list[int]):
    """Per issued deposit or final invoice of these clients: its client and its balance (what
    remains due, below zero the excess: its settlement row)."""
    return (
        select(
            col(Invoice.client_id).label("client_id"),
            col(InvoiceSettlement.remaining).label("balance"),
        )
        .join(InvoiceSettlement, col(InvoiceSettlement.invoice_id) == Invoice.id)
        .where(
            col(Invoice.client_id).in_(client_ids),
            Invoice.status == InvoiceStatus.ISSUED,
            col(Invoice.kind).in_(PAYABLE_KINDS),
        )
        .subquery()
    )


def unpaid_invoices(session: Session, client_ids: list[int]) -> dict[int, Decimal]:
    """« Factures non réglées »: the sum of what remains due on the client's issued invoices —
    the same figure as his lines of the unpaid list, which the dunning acts on."""
    balances = _issued_balances(client_ids)
    rows = session.execute(
        select(balances.c.client_id, func.sum(balances.c.balance))
        .where(balances.c.balance > HALF_CENT)
        .group_by(balances.c.client_id)
    ).all()
    return {client_id: cents(total) for client_id, total in rows}


def client_credits(session: Session, client_ids: list[int]) -> dict[int, Decimal]:
    """What the client has to his credit: the unallocated part of his payments less what was
    refunded to him, plus what credit notes credited beyond the invoices they correct."""
    ids = sorted(set(client_ids))
    if not ids:
        return {}
    credits: dict[int, Decimal] = {}

    def add(rows, sign: int = 1) -> None:
        for client_id, amount in rows:
            credits[client_id] = credits.get(client_id, ZERO) + sign * cents(amount)

    add(
        session.exec(
            select(Payment.client_id, func.sum(Payment.amount))
            .where(col(Payment.client_id).in_(ids))
            .group_by(col(Payment.client_id))
        ).all()
    )
    add(
        session.exec(
            select(Payment.client_id, func.sum(PaymentAllocation.amount))
            .join(Payment, col(Payment.id) == PaymentAllocation.payment_id)
            .where(col(Payment.client_id).in_(ids))
            .group_by(col(Payment.client_id))
        ).all(),
        -1,
    )
    balances = _issued_balances(ids)
    add(
        session.execute(
            select(balances.c.client_id, -func.sum(balances.c.balance))
            .where(balances.c.balance < -HALF_CENT)
            .group_by(balances.c.client_id)
        ).all()
    )
    add(  # a credit note that corrects no invoice credits its whole amount
        session.exec(
            select(Invoice.client_id, func.sum(func.abs(Invoice.total_incl_vat)))
            .where(
                col(Invoice.client_id).in_(ids),
                Invoice.kind == InvoiceKind.CREDIT_NOTE,
                Invoice.status == InvoiceStatus.ISSUED,
                col(Invoice.corrects_id).is_(None),
            )
            .group_by(col(Invoice.client_id))
        ).all()
    )
    return {client_id: amount for client_id, amount in credits.items() if amount}


def client_credit(session: Session, client_id: int) -> Decimal:
    return client_credits(session, [client_id]).get(client_id, ZERO)


def _credit_to_deduct(session: Session, client_ids: list[int]) -> dict[int, Decimal]:
    return {client_id: -amount for client_id, amount in client_credits(session, client_ids).items()}


def confirmed_not_invoiced(session: Session, client_ids: list[int]) -> dict[int, Decimal]:
    """« Dossiers confirmés non facturés »: each confirmed or done dossier's quoted price less
    what its issued invoices already bill (never below zero: that part is in the invoices)."""
    left = Booking.total_price - invoiced_on(Booking.id)
    per_booking = (
        select(col(Booking.client_id).label("client_id"), left.label("left"))
        .where(
            col(Booking.client_id).in_(client_ids),
            col(Booking.status).in_((Status.CONFIRMED, Status.DONE)),
            col(Booking.deleted_at).is_(None),
        )
        .subquery()
    )
    rows = session.execute(
        select(per_booking.c.client_id, func.sum(per_booking.c.left))
        .where(per_booking.c.left > HALF_CENT)
        .group_by(per_booking.c.client_id)
    ).all()
    return {client_id: cents(total) for client_id, total in rows}


register_source("factures", "Factures non réglées", unpaid_invoices)
register_source("credit", "Crédit du client (déduit)", _credit_to_deduct)
