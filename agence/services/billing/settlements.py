"""What settled each issued invoice — payments allocated, credit notes issued against it —
kept in `invoice_settlements`, one row per issued invoice, in the transaction of the write
that changes it: an invoice's issue (a credit note changes the invoice it corrects), a
payment's allocations recorded, changed or deleted.

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

from agence.models import Invoice, InvoiceSettlement, PaymentAllocation
from agence.services.billing.vocabulary import InvoiceKind, InvoiceStatus

_note = aliased(Invoice, name="settling_note")


def _paid(invoice_id: Any) -> Any:
    return (
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
        .where(PaymentAllocation.invoice_id == invoice_id)
        .scalar_subquery()
    )


def _credited(invoice_id: Any, amount: Any) -> Any:
    return (
        select(func.coalesce(func.sum(func.abs(amount)), 0))
        .where(
            _note.corrects_id == invoice_id,
            _note.kind == InvoiceKind.CREDIT_NOTE,
            _note.status == InvoiceStatus.ISSUED,
        )
        .scalar_subquery()
    )


def _computed(where: Any) -> Any:
    """(invoice_id, paid, credited, credited_total, remaining) of the issued invoices `where`
    selects, from the allocations and credit notes themselves."""
    paid = _paid(Invoice.id)
    credited = _credited(Invoice.id, _note.amount_due)
    return sa.select(
        col(Invoice.id).label("invoice_id"),
        paid.label("paid"),
        credited.label("credited"),
        _credited(Invoice.id, _note.total_incl_vat).label("credited_total"),
        (Invoice.amount_due - paid - credited).label("remaining"),
    ).where(col(Invoice.status) == InvoiceStatus.ISSUED, where)


_COLUMNS = ("invoice_id", "paid", "credited", "credited_total", "remaining")


def refresh(session: Session, invoice_ids: Iterable[int | None]) -> None:
    """The rows of these invoices recomputed from their allocations and credit notes (a draft
    has none). Called in the writing transaction, after the write."""
    session.flush()
    ids = sorted({invoice_id for invoice_id in invoice_ids if invoice_id})
    if not ids:
        return
    session.execute(sa.delete(InvoiceSettlement).where(col(InvoiceSettlement.invoice_id).in_(ids)))
    session.execute(
        insert(InvoiceSettlement).from_select(_COLUMNS, _computed(col(Invoice.id).in_(ids)))
    )


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
    return int(count)


def drift(session: Session) -> list[int]:
    """The issued invoices whose kept row is missing or differs from their allocations and
    credit notes (none, unless a write path forgot `refresh`)."""
    computed = _computed(sa.true()).subquery("computed")
    kept = aliased(InvoiceSettlement, name="kept")
    differs = sa.or_(
        col(kept.invoice_id).is_(None),
        *(func.abs(getattr(kept, name) - computed.c[name]) > 0.005 for name in _COLUMNS[1:]),
    )
    return sorted(
        session.execute(
            select(computed.c.invoice_id)
            .select_from(computed)
            .outerjoin(kept, col(kept.invoice_id) == computed.c.invoice_id)
            .where(differs)
        ).scalars()
    ) + sorted(
        session.execute(
            select(col(InvoiceSettlement.invoice_id))
            .join(Invoice, col(Invoice.id) == InvoiceSettlement.invoice_id)
            .where(col(Invoice.status) != InvoiceStatus.ISSUED)
        ).scalars()
    )
