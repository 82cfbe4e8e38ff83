"""Unpaid invoices: every issued deposit or final invoice with something still due, how late it
is, for the dunning to act on.

The remaining amount is read from each issued invoice's settlement row (`billing.settlements`:
what payments settled and credit notes took off, kept in the transaction of each issue and
allocation, recomputed from them, never added to), so the list filters, sorts and pages over
hundreds of thousands of invoices by an index on what remains. The figures are those of
services/billing/outstanding.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlmodel import col, select

from agence.models import AgencySite, Booking, Client, Invoice, InvoiceSettlement
from agence.services.billing.outstanding import HALF_CENT, cents
from agence.services.billing.vocabulary import PAYABLE_KINDS, InvoiceKind, InvoiceStatus
from agence.services.common import formats
from agence.services.common.listing import (
    ChoiceFilter,
    Column,
    DateFilter,
    ListSpec,
    TextFilter,
)
from agence.services.parties.clients import visible_clients

REMAINING = col(InvoiceSettlement.remaining)
"""What is still due on the `Invoice` row of a query joined with `with_balances`."""


def with_balances(statement: Any) -> Any:
    """The statement over issued invoices joined with what settled each (payments, credit
    notes: `billing.settlements`, kept in the writing transactions)."""
    return statement.join(InvoiceSettlement, col(InvoiceSettlement.invoice_id) == Invoice.id)


def _unpaid_query():
    return with_balances(
        sa.select(
            col(Invoice.id).label("id"),
            col(Invoice.number).label("number"),
            col(Invoice.kind).label("kind"),
            col(Client.name).label("client"),
            col(Invoice.client_id).label("client_id"),
            col(Booking.reference).label("reference"),
            col(Invoice.booking_id).label("booking_id"),
            col(Invoice.issued_on).label("issued_on"),
            col(Invoice.due_on).label("due_on"),
            col(Invoice.total_incl_vat).label("total"),
            col(Invoice.amount_due).label("amount_due"),
            REMAINING.label("remaining"),
        )
        .join(Client, col(Client.id) == Invoice.client_id)
        .join(Booking, col(Booking.id) == Invoice.booking_id)
    ).where(
        Invoice.status == InvoiceStatus.ISSUED,
        col(Invoice.kind).in_(PAYABLE_KINDS),
        REMAINING > HALF_CENT,
    )


def days_late(due_on: date | None, today: date) -> int | None:
    """Days past the due date (penalties run from the day after it), None when not late."""
    if due_on is None or due_on >= today:
        return None
    return (today - due_on).days


def _decorate(session: orm.Session, rows: list[dict[str, Any]]) -> None:
    today = formats.today()
    for row in rows:
        row["remaining"] = cents(row["remaining"])
        row["days_late"] = days_late(row["due_on"], today)
        row["late"] = row["days_late"] is not None


def _late_only(_value: str) -> Any:
    return col(Invoice.due_on) < formats.today()


def _site_options(session: orm.Session) -> list[tuple[str, str]]:
    # listing hands its callbacks the SQLAlchemy session it is typed with
    return [
        (str(site_id), name)
        for site_id, name in session.execute(
            select(AgencySite.id, AgencySite.name).order_by(AgencySite.name)
        )
    ]


UNPAID_LIST = ListSpec(
    name="Factures impayées",
    query=_unpaid_query,
    columns=(
        Column("number", "Numéro", Invoice.number, width=22),
        Column(
            "kind",
            "Type",
            Invoice.kind,
            width=10,
            labels={kind.value: kind.short_label for kind in InvoiceKind},
            phone=False,
        ),
        Column("client", "Client", Client.name, width=30),
        Column("reference", "Dossier", Booking.reference, width=16, phone=False),
        Column("issued_on", "Émise le", Invoice.issued_on, kind="date", width=12, phone=False),
        Column("due_on", "Échéance", Invoice.due_on, kind="date", width=12),
        Column("total", "Total TTC", Invoice.total_incl_vat, kind="money", width=14, phone=False),
        Column(
            "amount_due", "Net à payer", Invoice.amount_due, kind="money", width=14, phone=False
        ),
        Column("remaining", "Reste dû", REMAINING, kind="money", width=14),
        Column(
            "days_late",
            "Jours de retard",
            None,
            kind="int",
            width=10,
            sortable=False,
            flag="late",
        ),
    ),
    search=(Invoice.number, Booking.reference),
    normalized_search=(Client.search_name,),
    filters=(
        ChoiceFilter("late", "Retard", None, (("1", "En retard seulement"),), match=_late_only),
        TextFilter("client", "Client", Client.name),
        ChoiceFilter("site", "Site", Invoice.site_id, options_query=_site_options, value_type=int),
        DateFilter("due_from", "Échéance à partir du", Invoice.due_on, "since", False),
        DateFilter("due_before", "Échéance au plus tard le", Invoice.due_on, "until", False),
    ),
    default_sort="due_on",
    tie_breaker=Invoice.id,
    scope=visible_clients,
    decorate=_decorate,
)
"""Sorted by due date, oldest first: the latest invoices lead. « Jours de retard » is the
due date seen from today (sort by the due date instead)."""
