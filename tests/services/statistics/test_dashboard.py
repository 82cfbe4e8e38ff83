"""The direction's and accounting's dashboards, from real dossiers, invoices and payments made by
the services on the demo day trip (the school pays 2 320,00 €, the CSE 2 340,00 €; 30 %
deposits: 696,00 € and 702,00 €).

Today is Wednesday 24 March 2027 (the week runs from Monday 22 to Sunday 28). The school's
rep, Bruno, sees everything; the CSE's rep, Anne, is limited to her clients.
- D1, school: final invoice issued 2026-03-10 (the year before), 320,00 € paid, due
  2027-02-01: 2 000,00 € 51 days late;
- D4, school, departs Sunday 28: deposit issued 2026-12-20, due 2027-01-10: 73 days late;
- D3, school, departs Monday 22: deposit issued 2026-12-21, 100,00 € paid on the 22nd, due
  2027-02-22: 596,00 € exactly 30 days late;
- D2, CSE: quote sent 2026-03-25, deposit issued 2027-02-15 with 500,00 € paid on the 23rd, due
  2026-12-01: 202,00 € 113 days late; final invoice issued 2027-03-20, due 2027-04-19: 1 638,00 €
  not due;
- D5, CSE: quote sent, confirmed, not invoiced: 2 340,00 € of order book;
- D6 (school) and D7 (CSE): quotes sent, awaiting an answer.
Due dates are set by hand after issuing: the fixture picks each invoice's age. The agency's
date is TODAY throughout (a payment is never dated in the future).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import Booking, Client, Invoice
from agence.services.billing import invoicing, payments
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common import formats
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.statistics.dashboard import (
    DrillList,
    Figure,
    accounting_figures,
    change_text,
    direction_figures,
    direction_home,
    revenue_by_month,
    thirteen_months,
)
from agence.services.statistics.drill_specs import DRILL_SPECS
from agence.services.statistics.measures import Measure
from agence.services.statistics.revenue import Period, revenue_report
from tests.factories import demo_admin, demo_dossier, make_actor
from tests.services.billing.test_payments import method_id
from tests.worlds import shared_world

D = Decimal
TODAY = date(2027, 3, 24)
SCHOOL, CSE = "Collège Anatole-France", "CSE Michelin Joué-lès-Tours"


def run(function, *args, **kwargs):
    with session_scope() as s:
        return function(s, *args, **kwargs)


def client_id(name: str) -> int:
    with session_scope() as s:
        return s.exec(select(Client.id).where(Client.name == name)).one()


def new_dossier(admin: Actor, client: str, rep: Actor, starts_on: str, *steps: Status) -> int:
    booking = demo_dossier(admin, starts_on, client_id=client_id(client), sales_rep_id=rep.user_id)
    for step in steps:
        run(change_status, admin, booking.id, step)
    return booking.id


def issue(admin: Actor, draft: Invoice, on: date, due_on: date) -> int:
    with session_scope() as s:
        invoice = invoicing.issue(s, admin, draft.id, on)
        invoice.due_on = due_on
        s.add(invoice)
        return invoice.id


def pay(admin: Actor, client: str, on: date, amount: str, invoice_id: int) -> None:
    values = {
        "client_id": str(client_id(client)),
        "received_on": on.isoformat(),
        "amount": amount,
        "payment_method_id": method_id(),
    }
    run(payments.record_payment, admin, values, [(invoice_id, amount)])


def set_quote_sent(booking_id: int, on: date) -> None:
    with session_scope() as s:
        booking = s.get(Booking, booking_id)
        booking.quote_sent_on = on
        s.add(booking)


def build_world(session: Session) -> dict:
    admin = demo_admin(session)
    anne = make_actor(session, own_clients_only=True)
    bruno = make_actor(session)
    for name, rep in ((CSE, anne), (SCHOOL, bruno)):
        client = session.exec(select(Client).where(Client.name == name)).one()
        client.sales_rep_id = rep.user_id
        session.add(client)
    session.commit()
    confirmed = (Status.CONFIRMED,)
    d1 = new_dossier(admin, SCHOOL, bruno, "2026-05-12", *confirmed)
    d4 = new_dossier(admin, SCHOOL, bruno, "2027-03-28", *confirmed)
    d3 = new_dossier(admin, SCHOOL, bruno, "2027-03-22", *confirmed)
    d2 = new_dossier(admin, CSE, anne, "2027-05-12", *confirmed)
    d5 = new_dossier(admin, CSE, anne, "2027-03-29", Status.QUOTE_SENT, Status.CONFIRMED)
    d6 = new_dossier(admin, SCHOOL, bruno, "2027-06-01", Status.QUOTE_SENT)
    d7 = new_dossier(admin, CSE, anne, "2027-06-02", Status.QUOTE_SENT)
    set_quote_sent(d1, date(2026, 3, 24))  # the day before the last twelve months
    for booking_id in (d2, d5, d6, d7):
        set_quote_sent(booking_id, date(2026, 3, 25))

    final1 = issue(
        admin, run(invoicing.create_final, admin, d1), date(2026, 3, 10), date(2027, 2, 1)
    )
    pay(admin, SCHOOL, date(2026, 4, 1), "320", final1)
    deposit4 = run(invoicing.create_deposit, admin, d4, percent="30")
    issue(admin, deposit4, date(2026, 12, 20), date(2027, 1, 10))
    deposit3 = run(invoicing.create_deposit, admin, d3, percent="30")
    deposit3_id = issue(admin, deposit3, date(2026, 12, 21), date(2027, 2, 22))
    deposit2 = run(invoicing.create_deposit, admin, d2, percent="30")
    deposit2_id = issue(admin, deposit2, date(2027, 2, 15), date(2026, 12, 1))
    issue(admin, run(invoicing.create_final, admin, d2), date(2027, 3, 20), date(2027, 4, 19))
    pay(admin, SCHOOL, date(2027, 3, 22), "100", deposit3_id)
    pay(admin, CSE, date(2027, 3, 23), "500", deposit2_id)
    return {"admin": admin, "anne": anne, "bruno": bruno}


world = shared_world(build_world, today=TODAY)


def direction(actor: Actor):
    return run(direction_figures, actor, TODAY)


def accounting(actor: Actor):
    return run(accounting_figures, actor, TODAY)


def money(text: str) -> str:
    return formats.money(D(text))


def drill_total(actor: Actor, figure: Figure) -> int:
    """How many rows the figure's list shows with the figure's filters."""
    query = ListQuery(filters=dict(figure.drill_filters))
    return run(fetch_page, DRILL_SPECS[figure.drill], query, actor).total


# --- Direction ---------------------------------------------------------------------------------


def test_revenue_this_month_and_year_to_date_beside_the_same_period_a_year_before(world):
    figures = direction(world["admin"])
    # March 2027 (1st–24th): D2's final invoice; March 2026 (1st–24th): D1's final invoice.
    assert figures.revenue_month_incl_vat.amount == D("1638.00")
    assert figures.revenue_month_excl_vat.amount == D("1592.50")
    assert figures.margin_month.amount == D("227.50")
    assert figures.revenue_month_incl_vat.value == "1\u202f638,00\xa0€"  # French, to the cent
    assert figures.revenue_month_incl_vat.comparison == "N-1 : 2\u202f320,00\xa0€ (-29,4 %)"
    assert figures.revenue_month_excl_vat.comparison.startswith(f"N-1 : {money('2258.33')}")
    # Since 1 January: D2's deposit and final invoice (the deposits of D3 and D4 are 2026's).
    assert figures.revenue_year_incl_vat.amount == D("2340.00")
    assert figures.revenue_year_excl_vat.amount == D("2275.00")
    assert figures.margin_year.amount == D("325.00")
    assert figures.margin_year.comparison == "N-1 : 308,33\xa0€ (+5,4 %)"
    with session_scope() as s:
        report = revenue_report(s, world["admin"], Period(date(2027, 1, 1), TODAY))
    assert figures.revenue_year_excl_vat.amount == report.total.excl_vat


def test_revenue_drills_into_the_invoices_issued_in_the_period(world):
    figures = direction(world["admin"])
    assert figures.revenue_month_excl_vat.drill is DrillList.INVOICES
    assert figures.revenue_month_excl_vat.drill_filters == (
        ("status", "emise"),
        ("issued_since", "2027-03-01"),
        ("issued_until", "2027-03-24"),
    )
    assert figures.margin_year.drill_filters[1:] == (
        ("issued_since", "2027-01-01"),
        ("issued_until", "2027-03-24"),
    )
    assert drill_total(world["admin"], figures.revenue_year_incl_vat) == 2


def test_order_book_is_what_confirmed_dossiers_have_left_to_invoice(world):
    order_book = direction(world["admin"]).order_book
    # D3 and D4: 2 320,00 − 696,00 each; D5: 2 340,00; D1 and D2 are wholly invoiced.
    assert order_book.amount == D("1624.00") * 2 + D("2340.00")
    assert order_book.count == 3
    assert order_book.value == money("5588.00")
    assert order_book.drill_filters == (("status", "confirme"),)
    assert not order_book.drill_exact


def test_quotes_pending_count_and_value(world):
    quotes = direction(world["admin"]).quotes_pending
    assert (quotes.count, quotes.amount) == (2, D("4660.00"))
    assert quotes.value == "2 devis"
    assert quotes.comparison == money("4660.00")
    assert quotes.drill_filters == (("status", "devis_envoye"),)
    assert drill_total(world["admin"], quotes) == 2


def test_conversion_rate_counts_the_quotes_sent_in_the_last_twelve_months(world):
    rate = direction(world["admin"]).conversion_rate
    # Sent since 25 March 2026: D2 and D5 confirmed, D6 and D7 waiting; D1 is a day too old.
    assert rate.amount == D("50.0")
    assert rate.count == 4
    assert rate.value == "50 %"
    assert rate.comparison == "2 confirmé(s) sur 4 devis envoyé(s)"
    assert rate.caption == "du 25/03/2026 au 24/03/2027"
    assert rate.drill_filters == (
        ("quote_sent_since", "2026-03-25"),
        ("quote_sent_until", "2027-03-24"),
    )
    assert drill_total(world["admin"], rate) == 4  # the quotes it counts


def test_unpaid_is_the_late_part_of_what_clients_owe(world):
    figures = direction(world["admin"])
    # Late: D3 596,00 (30 days), D1 2 000,00 (51), D4 696,00 (73), D2's deposit 202,00 (113).
    assert (figures.unpaid.amount, figures.unpaid.count) == (D("3494.00"), 4)
    assert figures.unpaid.value == money("3494.00")
    assert figures.unpaid.drill_filters == (("due_before", "2027-03-23"),)
    assert (figures.unpaid_over_30.amount, figures.unpaid_over_30.count) == (D("2898.00"), 3)
    assert figures.unpaid_over_30.drill_filters == (("due_before", "2027-02-21"),)
    assert drill_total(world["admin"], figures.unpaid) == 4
    assert drill_total(world["admin"], figures.unpaid_over_30) == 3


def test_departures_of_the_week_from_monday_to_sunday(world):
    departures = direction(world["admin"]).departures
    assert (departures.count, departures.value) == (2, "2")  # D3 Monday, D4 Sunday; not D5
    assert departures.drill_filters == (
        ("status", "confirme"),
        ("starts_since", "2027-03-22"),
        ("starts_until", "2027-03-28"),
    )
    assert drill_total(world["admin"], departures) == 2


def test_every_drill_uses_filters_its_list_offers(world):
    for figures in (direction(world["admin"]), accounting(world["admin"])):
        for figure in figures.tiles:
            offered = {f.key for f in DRILL_SPECS[figure.drill].filters}
            assert {key for key, _ in figure.drill_filters} <= offered, figure.measure
            assert figure.measure.label and figure.measure.definition


def test_direction_figures_need_the_statistics_right(world, session):
    accountant = make_actor(session, {Right(Module.INVOICING, Action.SEE)})
    with pytest.raises(AccessDenied):
        direction(accountant)


def test_a_rep_limited_to_his_clients_sees_only_their_figures(world):
    figures = direction(world["anne"])
    assert figures.revenue_year_incl_vat.amount == D("2340.00")
    assert figures.revenue_month_incl_vat.comparison == f"N-1 : {money('0')}"
    assert (figures.order_book.amount, figures.order_book.count) == (D("2340.00"), 1)
    assert (figures.quotes_pending.count, figures.quotes_pending.amount) == (1, D("2340.00"))
    assert (figures.conversion_rate.amount, figures.conversion_rate.count) == (D("66.7"), 3)
    assert figures.unpaid.amount == D("202.00")
    assert figures.unpaid_over_30.amount == D("202.00")
    assert figures.departures.count == 0
    assert drill_total(world["anne"], figures.unpaid) == 1


# --- Accounting --------------------------------------------------------------------------------


def test_receivables_by_age_add_up_to_what_clients_owe(world):
    figures = accounting(world["admin"])
    assert [(f.measure, f.amount, f.count) for f in figures.buckets] == [
        (Measure.RECEIVABLES_NOT_DUE, D("1638.00"), 1),
        (Measure.UNPAID_1_30, D("596.00"), 1),  # exactly 30 days late
        (Measure.UNPAID_31_60, D("2000.00"), 1),
        (Measure.UNPAID_61_90, D("696.00"), 1),
        (Measure.UNPAID_OVER_90, D("202.00"), 1),
    ]
    assert sum(f.amount for f in figures.buckets) == figures.receivables.amount == D("5132.00")
    assert sum(f.amount for f in figures.buckets[1:]) == figures.unpaid.amount
    assert figures.unpaid.amount == direction(world["admin"]).unpaid.amount
    assert figures.receivables.drill_filters == ()
    assert drill_total(world["admin"], figures.receivables) == 5
    assert figures.late_over_90.drill_filters == (("due_before", "2026-12-23"),)
    assert figures.late_over_90.drill_exact
    assert drill_total(world["admin"], figures.late_over_90) == 1
    assert figures.late_31_60.drill_filters == (
        ("due_from", "2027-01-23"),
        ("due_before", "2027-02-21"),
    )
    for bucket in figures.buckets:  # each age drills into exactly its invoices
        assert bucket.drill_exact
        assert drill_total(world["admin"], bucket) == bucket.count, bucket.measure


def test_payments_received_this_week(world):
    received = accounting(world["admin"]).payments_week
    assert (received.amount, received.count) == (D("600.00"), 2)
    assert received.value == money("600.00")
    assert received.drill is DrillList.PAYMENTS
    assert received.drill_filters == (("since", "2027-03-22"), ("until", "2027-03-28"))
    assert drill_total(world["admin"], received) == 2


def test_accounting_figures_for_who_sees_invoices_or_payments_within_his_clients(world, session):
    cashier = make_actor(session, {Right(Module.PAYMENTS, Action.SEE)})
    assert accounting(cashier).receivables.amount == D("5132.00")
    with pytest.raises(AccessDenied):
        accounting(make_actor(session, {Right(Module.STATISTICS, Action.SEE)}))
    anne = accounting(world["anne"])
    assert [f.amount for f in anne.buckets] == [
        D("1638.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
        D("202.00"),
    ]
    assert anne.receivables.amount == D("1840.00")
    assert (anne.payments_week.amount, anne.payments_week.count) == (D("500.00"), 1)


# --- Thirteen months ---------------------------------------------------------------------------


def test_thirteen_months_of_revenue_beside_the_year_before(world):
    period = thirteen_months(TODAY)
    assert period == Period(date(2026, 3, 1), TODAY)
    months = run(revenue_by_month, world["admin"], period)
    assert [m.key for m in months][:2] == ["2026-03", "2026-04"]
    assert len(months) == 13 and months[-1].key == "2027-03"
    assert (months[0].short_label, months[-1].label) == ("mars 26", "mars 2027")
    assert months[-1].period == Period(date(2027, 3, 1), TODAY)
    # March 2026: D1's final invoice, and its N-1 is March 2025 (nothing)
    assert months[0].excl_vat == D("2258.33") and months[0].previous_excl_vat == D("0.00")
    # March 2027 beside March 2026 (the whole month: the period's last month runs to the 24th,
    # its comparison to the 24th of March 2026 as well)
    assert months[-1].excl_vat == D("1592.50")
    assert months[-1].previous_excl_vat == D("2258.33")
    december = next(m for m in months if m.key == "2026-12")
    assert december.excl_vat > 0  # D3's and D4's deposits
    total = sum((m.excl_vat for m in months), D(0))
    with session_scope() as s:
        assert total == revenue_report(s, world["admin"], period).total.excl_vat


@pytest.mark.parametrize("who", ["admin", "anne"])
def test_the_home_reads_the_revenue_once_and_says_what_each_period_s_report_says(world, who):
    # This month and this year come out of the thirteen months: the same figures as the
    # reports of this month and of this year, each beside the same days a year earlier.
    actor = world[who]
    home = run(direction_home, actor, TODAY)
    assert home.months == run(revenue_by_month, actor, thirteen_months(TODAY))
    with session_scope() as s:
        for period, figures in (
            (Period(date(2027, 3, 1), TODAY), home.figures.revenue_month_excl_vat),
            (Period(date(2027, 1, 1), TODAY), home.figures.revenue_year_excl_vat),
        ):
            total = revenue_report(s, actor, period).total
            assert figures.amount == total.excl_vat
            assert figures.comparison == change_text(total.excl_vat, total.previous_excl_vat)
        year = revenue_report(s, actor, Period(date(2027, 1, 1), TODAY)).total
        assert home.figures.margin_year.amount == year.margin
        assert home.figures.revenue_year_incl_vat.amount == year.incl_vat


def test_a_limited_rep_s_months_count_his_clients_only(world):
    months = run(revenue_by_month, world["anne"], thirteen_months(TODAY))
    assert months[0].excl_vat == D("0.00")  # D1 is the school's
    assert sum((m.excl_vat for m in months), D(0)) == D("2275.00")
