"""The area's listings on a real database: each one pages in every sort its columns offer,
counts what it shows, and offers its filters' choices — the invoices, the unpaid invoices and
the payments. Their queries are SQLAlchemy selects and their option queries and row decorators
take the listing's session: a column, a join or a callback broken by such a rewrite fails here."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from agence.db import session_scope
from agence.services.billing import invoicing, payments
from agence.services.billing.payments import PAYMENTS_LIST
from agence.services.billing.reading import INVOICES_LIST
from agence.services.billing.unpaid import UNPAID_LIST
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common import formats
from agence.services.common.listing import ChoiceFilter, ListQuery, ListSpec, fetch_page
from agence.services.common.permissions import Actor
from tests.factories import demo_admin, demo_dossier
from tests.services.billing.test_payments import method_id

LISTS = {"invoices": INVOICES_LIST, "unpaid": UNPAID_LIST, "payments": PAYMENTS_LIST}


@pytest.fixture
def filled(session: Session) -> Actor:
    """The demo school's day trip with its 30 % deposit issued and partly paid."""
    admin = demo_admin(session)
    booking = demo_dossier(admin, "2027-05-12")
    today = formats.today()
    with session_scope() as s:
        change_status(s, admin, booking.id, Status.CONFIRMED)
    with session_scope() as s:
        draft = invoicing.create_deposit(s, admin, booking.id, percent="30", on=today)
    with session_scope() as s:
        deposit = invoicing.issue(s, admin, draft.id, today)
    values = {
        "client_id": str(booking.client_id),
        "received_on": today.isoformat(),
        "amount": "300",
        "payment_method_id": method_id(),
        "bank_reference": "VIR 118",
    }
    with session_scope() as s:
        payments.record_payment(s, admin, values, [(deposit.id, "300")])
    return admin


@pytest.mark.parametrize("name", LISTS)
def test_each_list_pages_its_rows_in_every_sort_it_offers(session, filled, name):
    spec: ListSpec = LISTS[name]
    for column in spec.columns:
        if not column.sortable:
            continue
        for desc in (False, True):
            page = fetch_page(session, spec, ListQuery(sort=column.key, desc=desc), filled)
            assert page.total >= 1 and page.rows, (column.key, desc)
            assert {"id", *(c.key for c in spec.columns)} <= set(page.rows[0])


@pytest.mark.parametrize("name", LISTS)
def test_each_filter_offers_choices_that_filter(session, filled, name):
    spec: ListSpec = LISTS[name]
    for found in spec.filters:
        if not isinstance(found, ChoiceFilter):
            continue
        choices = found.choices(session)
        assert all(isinstance(value, str) and label for value, label in choices), found.key
        if found.options_query is not None:
            assert choices, found.key
            value = choices[0][0]
            fetch_page(session, spec, ListQuery(filters={found.key: value}), filled)


def test_the_decorated_figures_are_cents(session, filled):
    [unpaid] = fetch_page(session, UNPAID_LIST, ListQuery(), filled).rows
    assert str(unpaid["remaining"]) == "396.00" and unpaid["late"] is False
    [payment] = fetch_page(session, PAYMENTS_LIST, ListQuery(), filled).rows
    assert (str(payment["allocated"]), str(payment["unallocated"])) == ("300.00", "0.00")
    assert payment["open"] is False
