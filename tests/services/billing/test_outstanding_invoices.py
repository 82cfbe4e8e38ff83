"""The outstanding with real invoices: « factures non réglées » is what remains due on the
client's issued invoices (the same figure as his lines of the unpaid list); his credit
(unallocated payments, credit notes beyond their invoice, less refunds) is deducted as a part of
its own; « dossiers confirmés non facturés » leaves out what the dossier's invoices already
bill, never below zero. Shown on the client file and in the client list against the limit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from agence.db import session_scope
from agence.models import Booking, Client
from agence.services.billing import outstanding
from agence.services.billing.outstanding import Outstanding, outstanding_for, source_labels
from agence.services.billing.payments import record_payment, refund
from agence.services.billing.unpaid import UNPAID_LIST
from agence.services.bookings.lifecycle import Status
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.parties import clients
from agence.services.parties.clients import CLIENTS_LIST
from tests.factories import make_actor, make_booking, make_client, make_site, reference_data
from tests.services.billing.test_payments import TODAY, make_invoice, values_for

INVOICES, DOSSIERS, CREDIT = "factures", "dossiers", "credit"


@pytest.fixture
def admin(session: Session):
    reference_data()
    return make_actor(session)


@pytest.fixture
def site(session: Session, admin):
    return make_site(session, "VDL", name="Tours")


@pytest.fixture
def client(session: Session, admin) -> Client:
    return make_client(session, "CSE Michelin")


def dossier(admin, client: Client, site, total: str, status: Status) -> Booking:
    booking = make_booking(admin, client, site)
    with session_scope() as s:
        row = s.get(Booking, booking.id)
        row.total_price, row.status = Decimal(total), status
    return booking


def balance_of(client: Client) -> Outstanding:
    with session_scope() as s:
        return outstanding_for(s, [client.id])[client.id]


def pay(admin, client: Client, amount: str, allocations=None) -> None:
    with session_scope() as s:
        record_payment(s, admin, values_for(client, amount), allocations)


def test_the_application_sums_invoices_dossiers_and_credit():
    labels = source_labels()
    assert labels[INVOICES] == "Factures non réglées"
    assert labels[DOSSIERS] == "Dossiers confirmés non facturés"
    assert labels[CREDIT] == "Crédit du client (déduit)"
    registered = {source.key: source.amounts for source in outstanding.SOURCES}
    assert registered[DOSSIERS] is outstanding.confirmed_not_invoiced


def test_unpaid_invoices_count_what_remains_due_on_issued_invoices(session, admin, client, site):
    booking = dossier(admin, client, site, "2000.00", Status.INVOICED)
    deposit = make_invoice(session, booking, "600.00")
    final = make_invoice(session, booking, "1400.00", kind="solde", total="2000.00")
    make_invoice(session, booking, "200.00", kind="avoir", corrects=final)
    make_invoice(session, booking, "5000.00", status="brouillon")
    pay(admin, client, "600", [(deposit.id, "600")])
    pay(admin, client, "500", [(final.id, "500")])
    balance = balance_of(client)
    assert balance.parts[INVOICES] == Decimal("700.00")  # 1 400 − 200 credited − 500 paid
    assert balance.parts[DOSSIERS] == Decimal("0.00")  # « facturé »: no longer a dossier part
    assert balance.parts[CREDIT] == Decimal("0.00")
    assert balance.total == Decimal("700.00")


def test_the_invoice_part_equals_the_clients_lines_of_the_unpaid_list(session, admin, client, site):
    booking = dossier(admin, client, site, "0", Status.INVOICED)
    for amount, due in (("100.10", -5), ("200.20", 3), ("300.30", -40)):
        make_invoice(session, booking, amount, due_on=TODAY + timedelta(days=due))
    first = make_invoice(session, booking, "0.30")
    pay(admin, client, "0,30", [(first.id, "0,30")])
    with session_scope() as s:
        rows = fetch_page(s, UNPAID_LIST, ListQuery(), admin).rows
    assert sum(row["remaining"] for row in rows) == balance_of(client).parts[INVOICES]
    assert balance_of(client).parts[INVOICES] == Decimal("600.60")


def test_the_clients_credit_is_deducted(session, admin, client, site):
    booking = dossier(admin, client, site, "1000.00", Status.CONFIRMED)
    deposit = make_invoice(session, booking, "300.00")
    pay(admin, client, "500", [(deposit.id, "300")])
    balance = balance_of(client)
    assert {key: balance.parts[key] for key in (INVOICES, CREDIT, DOSSIERS)} == {
        INVOICES: Decimal("0.00"),
        CREDIT: Decimal("-200.00"),
        DOSSIERS: Decimal("700.00"),
    }
    assert balance.total == Decimal("500.00")  # 1 000 sold − 500 received
    with session_scope() as s:
        method = values_for(client, "1")["payment_method_id"]
        refund(
            s,
            admin,
            client.id,
            "200",
            {"received_on": TODAY.isoformat(), "payment_method_id": method},
        )
    assert balance_of(client).parts[CREDIT] == Decimal("0.00")
    assert balance_of(client).total == Decimal("700.00")


def test_a_credit_note_beyond_a_paid_invoice_is_credit(session, admin, client, site):
    booking = dossier(admin, client, site, "0", Status.INVOICED)
    invoice = make_invoice(session, booking, "400.00")
    pay(admin, client, "400", [(invoice.id, "400")])
    make_invoice(session, booking, "150.00", kind="avoir", corrects=invoice)
    assert balance_of(client).parts[CREDIT] == Decimal("-150.00")
    assert balance_of(client).parts[INVOICES] == Decimal("0.00")


def test_confirmed_dossiers_do_not_count_what_is_already_invoiced(session, admin, client, site):
    # Note: before invoicing, the dossiers' part was the whole price of confirmed and done
    # dossiers; what their issued invoices bill is now in the invoices' part instead.
    confirmed = dossier(admin, client, site, "1000.00", Status.CONFIRMED)
    dossier(admin, client, site, "400.00", Status.DONE)
    over = dossier(admin, client, site, "100.00", Status.CONFIRMED)
    dossier(admin, client, site, "900.00", Status.OPTION)
    make_invoice(session, confirmed, "300.00")
    make_invoice(session, confirmed, "50.00", kind="avoir", corrects=None)
    make_invoice(session, confirmed, "999.00", status="brouillon")
    make_invoice(session, over, "150.00")  # billed beyond the price: never below zero
    balance = balance_of(client)
    # confirmed: 1 000 − 300 = 700 (a credit note correcting no invoice is the client's credit
    # only: the final invoice will still bill the 700, so it is not counted twice); done: 400;
    # over: 0
    assert balance.parts[DOSSIERS] == Decimal("1100.00")
    assert balance.parts[INVOICES] == Decimal("450.00")
    assert balance.parts[CREDIT] == Decimal("-50.00")
    assert balance.total == Decimal("1500.00")


def test_the_client_file_shows_the_outstanding_with_real_invoices(session, admin, client, site):
    client.credit_limit = Decimal("1000")
    session.add(client)
    session.commit()
    booking = dossier(admin, client, site, "1500.00", Status.CONFIRMED)
    make_invoice(session, booking, "450.00")
    quiet = make_client(session, "Client soldé")
    quiet_booking = dossier(admin, quiet, site, "300.00", Status.INVOICED)
    invoice = make_invoice(session, quiet_booking, "300.00", kind="solde")
    pay(admin, quiet, "300", [(invoice.id, "300")])
    with session_scope() as s:
        shown = clients.outstanding_text(s, client.id)
        rows = {row["id"]: row for row in fetch_page(s, CLIENTS_LIST, ListQuery(), admin).rows}
    assert shown == ("1\u202f500,00\u00a0€", "1\u202f000,00\u00a0€", True)
    assert (rows[client.id]["outstanding"], rows[client.id]["over_limit"]) == (
        Decimal("1500.00"),
        True,
    )
    assert (rows[quiet.id]["outstanding"], rows[quiet.id]["over_limit"]) == (
        Decimal("0.00"),
        False,
    )
    with session_scope() as s:
        assert s.get(Booking, quiet_booking.id).status == Status.SETTLED


def test_many_clients_are_summed_at_once(session, admin, site):
    people = [make_client(session, f"Client {n}") for n in range(3)]
    for n, person in enumerate(people):
        booking = dossier(admin, person, site, "0", Status.INVOICED)
        make_invoice(session, booking, f"{(n + 1) * 100}.00")
    with session_scope() as s:
        result = outstanding_for(s, [person.id for person in people])
    assert [result[person.id].parts[INVOICES] for person in people] == [
        Decimal("100.00"),
        Decimal("200.00"),
        Decimal("300.00"),
    ]
