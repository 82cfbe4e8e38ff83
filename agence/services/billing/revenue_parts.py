"""What an issued invoice adds to the revenue, kept on the invoice when it is issued: its
revenue excluding VAT and its gross margin. An issued invoice never changes, so these never
need computing again, and the statistics add up invoices, never their lines (a year of a
network's invoices is hundreds of thousands of rows; their lines, a million).

What each issued invoice contributes:
- including VAT: its total less the deposits it deducts (a final invoice stores the dossier's
  whole price and deducts the deposits, which counted when issued);
- its VAT: the normal VAT of its lines, less that of the deposits it deducts, and the VAT on
  the margin it keeps (already net of the deposits', as billing stores it);
- excluding VAT (`revenue_excl_vat`): including VAT less both VATs (a margin-scheme price
  carries no VAT: french-rules 1.3);
- gross margin (`gross_margin`): excluding VAT less the suppliers' costs its margin-scheme
  lines bear (their price including VAT less the margin base the invoice keeps); an own
  service (normal VAT) bears no supplier cost: wholly margin.
A deducted deposit's VAT and margin-scheme part are taken pro rata of the deduction over the
deposit's total: exact unless the deposit was partly credited before the final invoice (then
within a cent per VAT rate). Credit notes are stored negative: they subtract. Both are kept to
the millionth (not rounded to the cent: a report rounds its sums once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from agence.models import Invoice, InvoiceLine
from agence.services.billing.vocabulary import InvoiceStatus, LineRegime

PRECISION = Decimal("0.000001")
BATCH = 2000


def _own_parts(invoice_ids: Sequence[int]) -> Any:
    """Per invoice of `invoice_ids`, the margin-scheme part of its own lines (including VAT)."""
    return (
        select(
            col(InvoiceLine.invoice_id).label("invoice_id"),
            func.sum(
                case(
                    (
                        col(InvoiceLine.regime) == LineRegime.MARGIN.value,
                        InvoiceLine.total_incl_vat,
                    ),
                    else_=literal(0),
                )
            ).label("margin_sales"),
        )
        .where(
            col(InvoiceLine.deducted_invoice_id).is_(None),
            col(InvoiceLine.invoice_id).in_(invoice_ids),
        )
        .group_by(col(InvoiceLine.invoice_id))
        .subquery("own_parts")
    )


def _deducted_parts(invoice_ids: Sequence[int], deposit_ids: Sequence[int]) -> Any:
    """Per invoice of `invoice_ids`, the normal VAT and margin-scheme part of the deposits it
    deducts (signed as the deduction lines are: negative on a final invoice, positive on the
    credit note that cancels it)."""
    deposit = aliased(Invoice, name="deposit")
    deposit_parts = _own_parts(deposit_ids).alias("deposit_parts")
    line = aliased(InvoiceLine, name="deduction")
    share = line.total_incl_vat
    return (
        select(
            col(line.invoice_id).label("invoice_id"),
            func.sum(share * deposit.total_vat / deposit.total_incl_vat).label("vat"),
            func.sum(
                share * func.coalesce(deposit_parts.c.margin_sales, 0) / deposit.total_incl_vat
            ).label("margin_sales"),
        )
        .join(deposit, col(deposit.id) == line.deducted_invoice_id)
        .outerjoin(deposit_parts, deposit_parts.c.invoice_id == deposit.id)
        .where(
            col(line.invoice_id).in_(invoice_ids),
            col(line.deducted_invoice_id).is_not(None),
            col(deposit.total_incl_vat) != 0,
        )
        .group_by(col(line.invoice_id))
        .subquery("deducted_parts")
    )


def _exact(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    found = value if isinstance(value, Decimal) else Decimal(str(value))
    return found.quantize(PRECISION, ROUND_HALF_UP)


def _store(session: Session, invoice_ids: Sequence[int]) -> int:
    """Computes and keeps the parts of these invoices; returns how many."""
    if not invoice_ids:
        return 0
    deposit_ids = list(
        session.execute(
            select(col(InvoiceLine.deducted_invoice_id))
            .where(
                col(InvoiceLine.invoice_id).in_(invoice_ids),
                col(InvoiceLine.deducted_invoice_id).is_not(None),
            )
            .distinct()
        ).scalars()
    )
    own = _own_parts(invoice_ids)
    deducted = _deducted_parts(invoice_ids, deposit_ids)
    incl = Invoice.total_incl_vat - Invoice.deposits_deducted
    normal_vat = Invoice.total_vat + func.coalesce(deducted.c.vat, 0)
    margin_sales = func.coalesce(own.c.margin_sales, 0) + func.coalesce(deducted.c.margin_sales, 0)
    excl = incl - normal_vat - Invoice.margin_vat
    margin = excl - (margin_sales - Invoice.margin_base)
    rows = session.execute(
        select(col(Invoice.id), excl, margin)
        .select_from(Invoice)
        .outerjoin(own, own.c.invoice_id == Invoice.id)
        .outerjoin(deducted, deducted.c.invoice_id == Invoice.id)
        .where(col(Invoice.id).in_(invoice_ids))
    ).all()
    session.execute(
        update(Invoice),
        [
            {"id": invoice_id, "revenue_excl_vat": _exact(e), "gross_margin": _exact(m)}
            for invoice_id, e, m in rows
        ],
    )
    return len(rows)


def keep(session: Session, invoice: Invoice) -> None:
    """At its issue, in the same transaction: the invoice's revenue and margin (its lines and
    the deposits it deducts are written)."""
    session.flush()
    _store(session, [invoice.id or 0])
    session.refresh(invoice, ["revenue_excl_vat", "gross_margin"])


def fill_missing(session: Session, batch: int = BATCH) -> int:
    """Every issued invoice without its parts (issued before revision 0011, or loaded in bulk):
    computed by batches; idempotent. Returns how many; the caller commits."""
    done = 0
    while True:
        ids: Iterable[int] = session.execute(
            select(col(Invoice.id))
            .where(
                col(Invoice.status) == InvoiceStatus.ISSUED.value,
                col(Invoice.revenue_excl_vat).is_(None),
            )
            .order_by(col(Invoice.id))
            .limit(batch)
        ).scalars()
        found = list(ids)
        if not found:
            return done
        done += _store(session, found)
        session.flush()
