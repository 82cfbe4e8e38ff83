"""What settled each issued invoice — payments allocated, credit notes issued against it —
kept in `invoice_settlements`, one row per issued invoice, and what each dossier's invoices
bill and were paid, kept in `booking_invoicing`, one row per dossier with an issued invoice,
both in the transaction of the write that changes them: an invoice's issue (a credit note
changes the invoice it corrects), a payment's allocations recorded, changed or deleted.

Why a kept row rather than a sum at each read: the unpaid list, the client's outstanding,
the order book and the statistics read what remains due on hundreds of thousands of
invoices; summing every allocation and credit note at each read cost seconds at a network's
size (bench: 470 000 invoices, 445 000 allocations). Written where the figures change, never
drifting: `refresh` recomputes a row from the allocations and credit notes themselves (never
adds to what is stored), and `drift` lists the rows that differ (the tests walk every write
path with it). The checks made when a payment is allocated read the allocations themselves
(`outstanding.invoice_balances`), not this summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from agence.models import (
    Booking,
    BookingInvoicing,
    Invoice,
    InvoiceSettlement,
)
from agence.services.billing.outstanding import HALF_CENT, credited_on, paid_on
from agence.services.billing.vocabulary import InvoiceKind, InvoiceStatus


def _computed(where: Any) -> Any:
    """(invoice_id, paid, credited, credited_total, remaining) of the issued invoices `where`
    selects, from the allocations and credit notes themselves."""
    paid = paid_on(Invoice.id)
    credited = credited_on(Invoice.id)
    return sa.select(
        col(Invoice.id).label("invoice_id"),
        paid.label("paid"),
        credited.label("credited"),
        credited_on(Invoice.id, totals=True).label("credited_total"),
        (Invoice.amount_due - paid - credited).label("remaining"),
    ).where(col(Invoice.status) == InvoiceStatus.ISSUED, where)


_COLUMNS = ("invoice_id", "paid", "credited", "credited_total", "remaining")
_BOOKING_COLUMNS = ("booking_id", "invoiced_for_good", "invoiced_total", "paid")


def _booking_figures(where: Any) -> Any:
    """(booking_id, invoiced_for_good, invoiced_total, paid) of the dossiers whose issued
    invoices `where` selects, from those invoices and their settlement rows. Billed for good:
    a deposit net of its credit notes (the final invoice bills again what they took off), the
    final invoice's amount due unless credit notes cancelled it (its total taken off: the
    dossier is to invoice again)."""
    settled = InvoiceSettlement
    cancelled = Invoice.total_incl_vat - settled.credited_total <= HALF_CENT
    for_good = sa.case(
        (col(Invoice.kind) == InvoiceKind.DEPOSIT, Invoice.amount_due - settled.credited),
        ((col(Invoice.kind) == InvoiceKind.FINAL) & ~cancelled, Invoice.amount_due),
        else_=0,
    )
    return (
        sa.select(
            col(Invoice.booking_id).label("booking_id"),
            func.sum(for_good).label("invoiced_for_good"),
            func.sum(Invoice.total_incl_vat - Invoice.deposits_deducted).label("invoiced_total"),
            func.sum(settled.paid).label("paid"),
        )
        .join(settled, col(settled.invoice_id) == Invoice.id)
        .where(col(Invoice.status) == InvoiceStatus.ISSUED, where)
        .group_by(col(Invoice.booking_id))
    )


def _refresh_bookings(session: Session, booking_ids: list[int]) -> None:
    if not booking_ids:
        return
    session.execute(
        sa.delete(BookingInvoicing).where(col(BookingInvoicing.booking_id).in_(booking_ids))
    )
    session.execute(
        insert(BookingInvoicing).from_select(
            _BOOKING_COLUMNS, _booking_figures(col(Invoice.booking_id).in_(booking_ids))
        )
    )


def refresh(session: Session, invoice_ids: Iterable[int | None]) -> None:
    """The rows of these invoices recomputed from their allocations and credit notes (a draft
    has none). Called in the writing transaction, after the write."""
    session.flush()
    ids = sorted({invoice_id for invoice_id in invoice_ids if invoice_id})
    if not ids:
        return
    booking_ids = sorted(
        session.execute(
            select(col(Invoice.booking_id)).where(col(Invoice.id).in_(ids)).distinct()
        ).scalars()
    )
    # Writes on one dossier's invoices take turns here (PostgreSQL row locks, in id order):
    # an invoice issued while a payment is allocated to its dossier would otherwise both
    # delete and insert the same rows. An issue already holds its dossier; a payment holds its
    # client, then its dossiers, as `payments.settle_if_paid` takes them.
    session.execute(
        select(col(Booking.id))
        .where(col(Booking.id).in_(booking_ids))
        .order_by(col(Booking.id))
        .with_for_update()
    ).all()
    session.execute(sa.delete(InvoiceSettlement).where(col(InvoiceSettlement.invoice_id).in_(ids)))
    session.execute(
        insert(InvoiceSettlement).from_select(_COLUMNS, _computed(col(Invoice.id).in_(ids)))
    )
    _refresh_bookings(session, booking_ids)


def fill_missing(session: Session) -> int:
    """Every issued invoice without its row (issued before revision 0012, or loaded in bulk),
    in one statement; idempotent. Returns how many; the caller commits."""
    missing = ~sa.exists().where(col(InvoiceSettlement.invoice_id) == Invoice.id)
    count = session.execute(
        select(func.count())
        .select_from(Invoice)
        .where(col(Invoice.status) == InvoiceStatus.ISSUED, missing)
    ).scalar_one()
    if count:
        session.execute(insert(InvoiceSettlement).from_select(_COLUMNS, _computed(missing)))
    no_row = ~sa.exists().where(col(BookingInvoicing.booking_id) == Invoice.booking_id)
    session.execute(
        insert(BookingInvoicing).from_select(_BOOKING_COLUMNS, _booking_figures(no_row))
    )
    return int(count)


def drift(session: Session) -> list[int]:
    """The issued invoices whose kept row is missing or differs from their allocations and
    credit notes, and those of the dossiers whose row differs from their invoices' (none,
    unless a write path forgot `refresh`)."""
    computed = _computed(sa.true()).subquery("computed")
    kept = aliased(InvoiceSettlement, name="kept")
    differs = sa.or_(
        col(kept.invoice_id).is_(None),
        *(func.abs(getattr(kept, name) - computed.c[name]) > 0.005 for name in _COLUMNS[1:]),
    )
    return (
        sorted(
            session.execute(
                select(computed.c.invoice_id)
                .select_from(computed)
                .outerjoin(kept, col(kept.invoice_id) == computed.c.invoice_id)
                .where(differs)
            ).scalars()
        )
        + sorted(
            session.execute(
                select(col(InvoiceSettlement.invoice_id))
                .join(Invoice, col(Invoice.id) == InvoiceSettlement.invoice_id)
                .where(col(Invoice.status) != InvoiceStatus.ISSUED)
            ).scalars()
        )
        + _booking_drift(session)
    )


def _booking_drift(session: Session) -> list[int]:
    computed = _booking_figures(sa.true()).subquery("computed")
    kept = aliased(BookingInvoicing, name="kept")
    differs = sa.or_(
        col(kept.booking_id).is_(None),
        col(computed.c.booking_id).is_(None),
        *(
            func.abs(getattr(kept, name) - computed.c[name]) > 0.005
            for name in _BOOKING_COLUMNS[1:]
        ),
    )
    booking_ids = session.execute(
        select(func.coalesce(computed.c.booking_id, kept.booking_id))
        .select_from(computed)
        .join(kept, col(kept.booking_id) == computed.c.booking_id, full=True)
        .where(differs)
    ).scalars()
    return sorted(
        session.execute(
            select(col(Invoice.id)).where(col(Invoice.booking_id).in_(list(booking_ids)))
        ).scalars()
    )
