"""What settled each issued invoice, kept per invoice (`billing.settlements`) by every write
that changes it — issue, credit note, payment with allocations, allocation, taking back,
credit applied, refund, deletion — and equal, after each, to what the allocations and credit
notes themselves say (`drift` is empty). Revision 0012's fill and `fill_missing` give the same
rows for invoices issued before."""

from __future__ import annotations

import importlib.util
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, text
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import BookingInvoicing, Client, InvoiceSettlement
from agence.services.billing import invoicing, payments, settlements
from agence.services.billing.unpaid import UNPAID_LIST
from agence.services.common.listing import ListQuery, fetch_page
from tests.factories import demo_admin, make_actor
from tests.services.billing.test_payments import pay, values_for
from tests.services.statistics.test_revenue import dossier, issue, run

D = Decimal
SCHOOL = "Collège Anatole-France"
VERSIONS = Path(__file__).resolve().parents[3] / "alembic" / "versions"


def revision_fill(revision: str) -> str:
    """The SQL with which a revision fills its summary for the rows written before it."""
    path = next(VERSIONS.glob(f"*_{revision}_*.py"))
    spec = importlib.util.spec_from_file_location(f"revision_{revision}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FILL


def kept(invoice_id: int) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    with session_scope() as s:
        row = s.get(InvoiceSettlement, invoice_id)
        if row is None:
            return None
        return (D(row.paid), D(row.credited), D(row.credited_total), D(row.remaining))


def billed(booking_id: int) -> tuple[Decimal, Decimal, Decimal] | None:
    """(invoiced for good, invoiced total, paid) kept for the dossier."""
    with session_scope() as s:
        row = s.get(BookingInvoicing, booking_id)
        if row is None:
            return None
        return (D(row.invoiced_for_good), D(row.invoiced_total), D(row.paid))


def no_drift() -> bool:
    with session_scope() as s:
        return settlements.drift(s) == []


@pytest.fixture
def school(session: Session) -> dict:
    admin = demo_admin(session)
    client = session.exec(select(Client).where(Client.name == SCHOOL)).one()
    booking = dossier(admin, SCHOOL, admin.site_id, make_actor(session), "2027-05-12")
    return {"admin": admin, "client": client, "booking": booking}


def test_every_write_keeps_the_row_equal_to_the_allocations_and_credit_notes(school):
    admin, client, booking = school["admin"], school["client"], school["booking"]
    draft = run(invoicing.create_deposit, admin, booking.id, percent="30")
    assert kept(draft.id) is None and billed(booking.id) is None  # a draft has no row
    deposit = issue(admin, draft, date(2027, 2, 15))  # 30 % of 2 320,00 €
    assert kept(deposit.id) == (D("0"), D("0"), D("0"), D("696.00"))
    assert billed(booking.id) == (D("696.00"), D("696.00"), D("0"))
    assert no_drift()

    payment = pay(admin, client, "500", [(deposit.id, "400")])
    assert kept(deposit.id) == (D("400"), D("0"), D("0"), D("296.00"))
    run(payments.allocate, admin, payment.id, deposit.id, "50")
    assert kept(deposit.id)[0] == D("450") and no_drift()
    run(payments.unallocate, admin, payment.id, deposit.id, "100")
    assert kept(deposit.id) == (D("350"), D("0"), D("0"), D("346.00")) and no_drift()
    run(payments.apply_credit, admin, deposit.id, "150")  # the 150,00 € left unallocated
    assert kept(deposit.id)[3] == D("196.00") and no_drift()

    note = run(invoicing.create_credit_note, admin, deposit.id, amount="96", on=date(2027, 3, 1))
    assert kept(deposit.id)[1] == D("0")  # a draft credit note takes nothing off
    issue(admin, note, date(2027, 3, 1))
    assert kept(deposit.id) == (D("500"), D("96"), D("96"), D("100.00")) and no_drift()
    assert billed(booking.id) == (D("600.00"), D("600.00"), D("500"))

    second = pay(admin, client, "300", [(deposit.id, "100")])
    assert kept(deposit.id)[3] == D("0.00")
    run(payments.refund, admin, client.id, "200", values_for(client, "200"))
    assert kept(deposit.id)[3] == D("0.00") and no_drift()
    run(payments.unallocate, admin, second.id, deposit.id, None)
    assert kept(deposit.id)[3] == D("100.00") and no_drift()


def test_deleting_a_payment_gives_its_allocations_back(school):
    admin, client, booking = school["admin"], school["client"], school["booking"]
    deposit = issue(
        admin, run(invoicing.create_deposit, admin, booking.id, percent="30"), date(2027, 2, 15)
    )
    payment = pay(admin, client, "696", [(deposit.id, "696")])
    assert kept(deposit.id)[3] == D("0.00")
    run(payments.delete_payment, admin, payment.id)
    assert kept(deposit.id) == (D("0"), D("0"), D("0"), D("696.00")) and no_drift()
    with session_scope() as s:
        rows = fetch_page(s, UNPAID_LIST, ListQuery(), admin).rows
    assert [(row["id"], row["remaining"]) for row in rows] == [(deposit.id, D("696.00"))]


def test_rows_missing_are_filled_by_the_upgrade_and_by_fill_missing_alike(school, db):
    admin, client, booking = school["admin"], school["client"], school["booking"]
    deposit = issue(
        admin, run(invoicing.create_deposit, admin, booking.id, percent="30"), date(2027, 2, 15)
    )
    pay(admin, client, "100", [(deposit.id, "100")])
    final = issue(admin, run(invoicing.create_final, admin, booking.id), date(2027, 3, 20))
    note = run(invoicing.create_credit_note, admin, final.id, on=date(2027, 4, 10))
    issue(admin, note, date(2027, 4, 10))
    assert billed(booking.id) == (D("696.00"), D("696.00"), D("100"))  # the final cancelled
    with session_scope() as s:
        expected_bookings = [
            (row.booking_id, row.invoiced_for_good, row.invoiced_total, row.paid)
            for row in s.exec(select(BookingInvoicing))
        ]
        expected = [
            (row.invoice_id, row.paid, row.credited, row.credited_total, row.remaining)
            for row in s.exec(select(InvoiceSettlement).order_by(InvoiceSettlement.invoice_id))
        ]
    # the final invoice cancelled: its credit note takes off its amount due (2 320,00 € less
    # the 696,00 € deposit it deducts) and its total, which gives the deposit back to bill
    assert [row[1:4] for row in expected[:2]] == [
        (D("100.00"), D("0.00"), D("0.00")),
        (D("0.00"), D("1624.00"), D("2320.00")),
    ]

    fills = [revision_fill("0012"), revision_fill("0013")]
    for fill in (lambda s: [s.execute(text(sql)) for sql in fills], settlements.fill_missing):
        with session_scope() as s:
            s.execute(delete(BookingInvoicing))
            s.execute(delete(InvoiceSettlement))
        with session_scope() as s:
            fill(s)
        with session_scope() as s:
            found = [
                (row.invoice_id, row.paid, row.credited, row.credited_total, row.remaining)
                for row in s.exec(select(InvoiceSettlement).order_by(InvoiceSettlement.invoice_id))
            ]
            assert [tuple(map(str, r)) for r in found] == [tuple(map(str, r)) for r in expected]
            again = [
                (row.booking_id, row.invoiced_for_good, row.invoiced_total, row.paid)
                for row in s.exec(select(BookingInvoicing))
            ]
            assert [tuple(map(str, r)) for r in again] == [
                tuple(map(str, r)) for r in expected_bookings
            ]
            assert settlements.drift(s) == []
            assert settlements.fill_missing(s) == 0  # idempotent
