"""The outstanding against the unpaid list, with real invoices, payments and credit notes on the
demo school's day trip (2 320,00 €: a 30 % deposit of 696,00 €, a final invoice of 1 624,00 €).

For every combination the client's lines of « Factures non réglées » add up to the invoices'
part of his outstanding, and the outstanding is unpaid + not yet invoiced − credit, each euro
counted once: a credit note on the final invoice is a price the dossier will never bill again
(nothing left to invoice), a credit note on a deposit is billed again by the final invoice, a
final invoice cancelled by credit notes leaves the dossier to invoice again."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlmodel import Session

from agence.db import session_scope
from agence.models import Booking, Invoice
from agence.services.billing import invoicing, payments
from agence.services.billing.outstanding import outstanding_for
from agence.services.billing.unpaid import UNPAID_LIST
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common import formats
from agence.services.common.listing import ListQuery, fetch_page, iter_rows
from agence.services.common.permissions import Actor
from agence.services.parties.clients import CLIENTS_LIST
from tests.factories import demo_admin, demo_dossier
from tests.services.billing.test_payments import method_id

D = Decimal
TODAY = formats.today()
INVOICES, DOSSIERS, CREDIT = "factures", "dossiers", "credit"


@pytest.fixture
def admin(session: Session) -> Actor:
    return demo_admin(session)


@pytest.fixture
def dossier(admin: Actor) -> Booking:
    booking = demo_dossier(admin, "2027-05-12")
    with session_scope() as s:
        booking = change_status(s, admin, booking.id, Status.CONFIRMED)
    assert booking.total_price == D("2320.00")
    return booking


def run(function, *args, **kwargs):
    """One user action: one transaction."""
    with session_scope() as s:
        return function(s, *args, **kwargs)


def deposit(admin: Actor, booking: Booking) -> Invoice:
    draft = run(invoicing.create_deposit, admin, booking.id, percent="30", on=TODAY)
    return run(invoicing.issue, admin, draft.id, TODAY)


def final(admin: Actor, booking: Booking) -> Invoice:
    draft = run(invoicing.create_final, admin, booking.id, on=TODAY)
    return run(invoicing.issue, admin, draft.id, TODAY)


def credit_note(admin: Actor, invoice: Invoice, amount: str | None = None) -> Invoice:
    draft = run(invoicing.create_credit_note, admin, invoice.id, amount=amount, on=TODAY)
    return run(invoicing.issue, admin, draft.id, TODAY)


def pay(admin: Actor, booking: Booking, amount: str, invoice: Invoice | None = None, on=None):
    """A payment of `amount`, allocated to `invoice` for `on` (all of it by default)."""
    values = {
        "client_id": str(booking.client_id),
        "received_on": TODAY.isoformat(),
        "amount": amount,
        "payment_method_id": method_id(),
        "bank_reference": "VIR 118",
    }
    allocations = [(invoice.id, on or amount)] if invoice is not None else None
    return run(payments.record_payment, admin, values, allocations)


@dataclass(frozen=True)
class Expected:
    unpaid: str
    to_invoice: str
    credit: str

    @property
    def total(self) -> Decimal:
        return D(self.unpaid) + D(self.to_invoice) - D(self.credit)


def assert_outstanding(admin: Actor, booking: Booking, expected: Expected) -> None:
    """The client's parts as expected; his unpaid lines add up to the invoices' part; the
    client file, the clients list and its export show the same total."""
    client_id = booking.client_id
    with session_scope() as s:
        balance = outstanding_for(s, [client_id])[client_id]
        unpaid_rows = [
            row
            for row in fetch_page(s, UNPAID_LIST, ListQuery(page_size=100), admin).rows
            if row["client_id"] == client_id
        ]
        listed = next(
            row
            for row in fetch_page(s, CLIENTS_LIST, ListQuery(), admin).rows
            if row["id"] == client_id
        )
        exported = next(
            row for row in iter_rows(s, CLIENTS_LIST, ListQuery(), admin) if row["id"] == client_id
        )
    assert sum((row["remaining"] for row in unpaid_rows), D("0.00")) == balance.parts[INVOICES]
    assert {key: balance.parts[key] for key in (INVOICES, DOSSIERS, CREDIT)} == {
        INVOICES: D(expected.unpaid),
        DOSSIERS: D(expected.to_invoice),
        CREDIT: -D(expected.credit),
    }
    assert balance.total == expected.total
    assert listed["outstanding"] == exported["outstanding"] == expected.total


# --- Deposit, final invoice, payments ---------------------------------------------------------


def test_a_deposit_leaves_the_rest_of_the_price_to_invoice(admin, dossier):
    first = deposit(admin, dossier)
    assert_outstanding(admin, dossier, Expected("696.00", "1624.00", "0"))
    pay(admin, dossier, "696", first)
    assert_outstanding(admin, dossier, Expected("0", "1624.00", "0"))


def test_the_final_invoice_leaves_nothing_to_invoice(admin, dossier):
    pay(admin, dossier, "696", deposit(admin, dossier))
    last = final(admin, dossier)
    assert_outstanding(admin, dossier, Expected("1624.00", "0", "0"))
    pay(admin, dossier, "1000", last)
    assert_outstanding(admin, dossier, Expected("624.00", "0", "0"))


def test_an_overpayment_is_the_clients_credit_deducted_once(admin, dossier):
    first = deposit(admin, dossier)
    pay(admin, dossier, "800", first, on="696")
    assert_outstanding(admin, dossier, Expected("0", "1624.00", "104.00"))
    last = final(admin, dossier)
    assert_outstanding(admin, dossier, Expected("1624.00", "0", "104.00"))
    run(payments.apply_credit, admin, last.id)
    assert_outstanding(admin, dossier, Expected("1520.00", "0", "0"))


# --- Credit notes on the final invoice ----------------------------------------------------------


def test_a_partial_credit_note_on_the_final_invoice_is_not_left_to_invoice_again(admin, dossier):
    # The reported case: 100 € credited on the final invoice lowered what is due, and came
    # back as « not yet invoiced » on the client file (the dossier can bill nothing more).
    pay(admin, dossier, "696", deposit(admin, dossier))
    last = final(admin, dossier)
    credit_note(admin, last, "100")
    assert_outstanding(admin, dossier, Expected("1524.00", "0", "0"))
    pay(admin, dossier, "524", last)
    assert_outstanding(admin, dossier, Expected("1000.00", "0", "0"))


def test_a_partial_credit_note_on_a_paid_final_invoice_is_credit_only(admin, dossier):
    pay(admin, dossier, "696", deposit(admin, dossier))
    last = final(admin, dossier)
    pay(admin, dossier, "1624", last)
    credit_note(admin, last, "100")
    assert_outstanding(admin, dossier, Expected("0", "0", "100.00"))


def test_a_cancelled_final_invoice_leaves_the_dossier_to_invoice_again(admin, dossier):
    pay(admin, dossier, "696", deposit(admin, dossier))
    last = final(admin, dossier)
    credit_note(admin, last, "100")
    credit_note(admin, last)  # all that is left: the final invoice is cancelled
    assert_outstanding(admin, dossier, Expected("0", "1624.00", "0"))
    final(admin, dossier)
    assert_outstanding(admin, dossier, Expected("1624.00", "0", "0"))


def test_a_cancelled_final_invoice_already_paid_in_part_gives_that_part_as_credit(admin, dossier):
    pay(admin, dossier, "696", deposit(admin, dossier))
    last = final(admin, dossier)
    pay(admin, dossier, "500", last)
    credit_note(admin, last)
    assert_outstanding(admin, dossier, Expected("0", "1624.00", "500.00"))


# --- Credit notes on a deposit ------------------------------------------------------------------


def test_a_partial_credit_note_on_a_deposit_is_billed_again_by_the_final_invoice(admin, dossier):
    first = deposit(admin, dossier)
    credit_note(admin, first, "100")
    assert_outstanding(admin, dossier, Expected("596.00", "1724.00", "0"))
    pay(admin, dossier, "596", first)
    last = final(admin, dossier)
    assert last.amount_due == D("1724.00")
    assert_outstanding(admin, dossier, Expected("1724.00", "0", "0"))


def test_a_credit_note_on_a_paid_deposit_is_credit(admin, dossier):
    first = deposit(admin, dossier)
    pay(admin, dossier, "696", first)
    credit_note(admin, first, "100")
    assert_outstanding(admin, dossier, Expected("0", "1724.00", "100.00"))
    credit_note(admin, first)
    assert_outstanding(admin, dossier, Expected("0", "2320.00", "696.00"))


def test_a_total_credit_note_on_an_unpaid_deposit_leaves_the_whole_price_to_invoice(admin, dossier):
    credit_note(admin, deposit(admin, dossier))
    assert_outstanding(admin, dossier, Expected("0", "2320.00", "0"))


# --- A cancelled dossier ------------------------------------------------------------------------


def test_a_cancelled_dossier_counts_only_its_invoices(admin, dossier):
    first = deposit(admin, dossier)
    run(change_status, admin, dossier.id, Status.CANCELLED, "Voyage annulé par l'école")
    assert_outstanding(admin, dossier, Expected("696.00", "0", "0"))
    credit_note(admin, first)
    assert_outstanding(admin, dossier, Expected("0", "0", "0"))


def test_a_cancelled_dossier_whose_paid_deposit_is_credited_owes_the_client_the_deposit(
    admin, dossier
):
    first = deposit(admin, dossier)
    pay(admin, dossier, "696", first)
    run(change_status, admin, dossier.id, Status.CANCELLED, "Voyage annulé par l'école")
    credit_note(admin, first)
    assert_outstanding(admin, dossier, Expected("0", "0", "696.00"))
    with session_scope() as s:
        payments.refund(
            s,
            admin,
            dossier.client_id,
            "696",
            {"received_on": TODAY.isoformat(), "payment_method_id": method_id()},
        )
    assert_outstanding(admin, dossier, Expected("0", "0", "0"))
