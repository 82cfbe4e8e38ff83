"""« Détail des réservations », from real dossiers, invoices, credit notes and payments made by
the services on the demo day trip (suppliers' prices 1 950,00 €; the school pays 2 320,00 €,
the CSE 2 340,00 €, its client price). Today is Wednesday 24 March 2027. Anne is the CSE's
rep, limited to her clients; Bruno the school's.

- D1, school, departs 2026-05-12 (the year before): final invoice 2026-03-10, paid in full;
- D2, CSE, departs 2027-05-12: 30 % deposit 702,00 € issued 2027-02-15, due 2027-03-01, 500,00 €
  paid: under-invoiced (702 of 2 340) and 202,00 € unpaid;
- D3, school, departs 2027-03-22, with the agency's escort (2 560,00 €, cost 2 150,00 €): final
  invoice 2027-03-20 due 2027-04-19, credit note of 100,00 € on 2027-03-21: under-invoiced by
  100,00 €, nothing late;
- D4, CSE, departs 2027-06-10: deposit 702,00 € 2027-01-20 due 2027-02-20, cancelled, credit
  note of 468,00 € 2027-02-05: its fees are the 234,00 € left, unpaid;
- D5, school, departs 2027-04-15, without the guide (2 110,00 €, cost 1 770,00 €): confirmed,
  not invoiced;
- D6, CSE, departs 2027-04-20: a quote sent, not a booking;
- D7, school, departs 2027-05-03, every service 40 % off (1 410,00 € for 1 950,00 €): confirmed,
  not invoiced, at a loss.
Each dossier is opened on a given day (D2 at 23:00 UTC on 1 December 2026: the 2nd in France).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import Booking, Client, Invoice, Supplier, User
from agence.services.billing import invoicing, payments
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.statistics.bookings_detail import BookingControl, bookings_report
from agence.services.statistics.drill_specs import DRILL_SPECS
from agence.services.statistics.report import (
    DrillList,
    Period,
    PeriodBasis,
    Report,
    ReportFilters,
    ReportRequest,
)
from agence.services.statistics.revenue import revenue_report
from tests.factories import demo_admin, demo_dossier, make_actor, product_type_id
from tests.services.billing.test_invoicing import at_a_loss, edit_costing, with_agency_escort
from tests.services.billing.test_payments import method_id
from tests.worlds import shared_world

D = Decimal
TODAY = date(2027, 3, 24)
SCHOOL, CSE = "Collège Anatole-France", "CSE Michelin Joué-lès-Tours"
YEAR = Period(date(2027, 1, 1), date(2027, 12, 31))
GUIDES = "Guides Conférenciers du Val de Loire"


def run(function, *args, **kwargs):
    with session_scope() as s:
        return function(s, *args, **kwargs)


def client_id(name: str) -> int:
    with session_scope() as s:
        return s.exec(select(Client.id).where(Client.name == name)).one()


def without_guide(header: dict[str, str], lines: list[dict[str, str]]) -> None:
    lines[:] = [line for line in lines if line["label"] != "Guide conférencier"]


def dossier(admin, client, rep, starts_on, created, change=None, *steps):
    booking = demo_dossier(admin, starts_on, client_id=client_id(client), sales_rep_id=rep.user_id)
    if change is not None:
        edit_costing(admin, booking, change)
    for step in steps:
        run(change_status, admin, booking.id, step)
    with session_scope() as s:
        record = s.get_one(Booking, booking.id)
        record.created_at = created
        s.add(record)
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


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC)


def build_world(session: Session) -> dict:
    admin = demo_admin(session)
    anne = make_actor(session, own_clients_only=True)
    bruno = make_actor(session)
    for name, rep in ((CSE, anne), (SCHOOL, bruno)):
        client = session.exec(select(Client).where(Client.name == name)).one()
        client.sales_rep_id = rep.user_id
        session.add(client)
    session.commit()
    ok = Status.CONFIRMED
    d1 = dossier(admin, SCHOOL, bruno, "2026-05-12", at("2026-01-05"), None, ok)
    d2 = dossier(admin, CSE, anne, "2027-05-12", at("2026-12-01", 23), None, ok)
    d3 = dossier(admin, SCHOOL, bruno, "2027-03-22", at("2027-01-10"), with_agency_escort, ok)
    d4 = dossier(admin, CSE, anne, "2027-06-10", at("2026-11-15"), None, ok)
    d5 = dossier(admin, SCHOOL, bruno, "2027-04-15", at("2027-02-01"), without_guide, ok)
    d6 = dossier(admin, CSE, anne, "2027-04-20", at("2027-02-02"), None, Status.QUOTE_SENT)
    d7 = dossier(admin, SCHOOL, bruno, "2027-05-03", at("2027-03-01"), at_a_loss, ok)

    # Invoices in the order of their dates: each series is numbered in date order.
    final1 = issue(
        admin, run(invoicing.create_final, admin, d1), date(2026, 3, 10), date(2026, 4, 10)
    )
    pay(admin, SCHOOL, date(2026, 4, 1), "2320", final1)
    deposit4 = issue(
        admin,
        run(invoicing.create_deposit, admin, d4, percent="30"),
        date(2027, 1, 20),
        date(2027, 2, 20),
    )
    run(change_status, admin, d4, Status.CANCELLED, "Sortie annulée par le CSE")
    credit4 = run(invoicing.create_credit_note, admin, deposit4, amount="468", on=date(2027, 2, 5))
    issue(admin, credit4, date(2027, 2, 5), date(2027, 2, 5))
    deposit2 = issue(
        admin,
        run(invoicing.create_deposit, admin, d2, percent="30"),
        date(2027, 2, 15),
        date(2027, 3, 1),
    )
    pay(admin, CSE, date(2027, 3, 2), "500", deposit2)
    final3 = issue(
        admin, run(invoicing.create_final, admin, d3), date(2027, 3, 20), date(2027, 4, 19)
    )
    credit3 = run(invoicing.create_credit_note, admin, final3, amount="100", on=date(2027, 3, 21))
    issue(admin, credit3, date(2027, 3, 21), date(2027, 3, 21))
    return {"admin": admin, "anne": anne, "bruno": bruno, "ids": [d1, d2, d3, d4, d5, d6, d7]}


world = shared_world(build_world, today=TODAY)


def report(
    actor: Actor,
    period: Period = YEAR,
    basis: PeriodBasis = PeriodBasis.DEPARTURE,
    grouping: str = "",
    limit: int | None = None,
    **filters,
) -> Report:
    request = ReportRequest(
        period, basis=basis, filters=ReportFilters(**filters), grouping=grouping
    )
    return run(bookings_report, actor, request, limit)


def rep_name(actor: Actor) -> str:
    with session_scope() as s:
        user = s.get_one(User, actor.user_id)
        return f"{user.first_name} {user.last_name}"


def references(found: Report) -> list[str]:
    table = found.table("dossiers")
    return [str(table.value(line, "reference")) for line in table.lines]


def test_one_line_per_booked_or_cancelled_dossier_with_every_figure(world):
    table = report(world["admin"]).table("dossiers")
    anne, bruno = rep_name(world["anne"]), rep_name(world["bruno"])
    day = "Journée châteaux de la Loire"
    # By date of departure; D6 (a quote) is not a booking, D1 left in 2026.
    assert [line.cells for line in table.lines] == [
        ("VDL-2027-0002", day, "Confirmé", SCHOOL, bruno, date(2027, 3, 22), date(2027, 3, 22),
         20, 1, 0, D("2150.00"), D("2560.00"), D("410.00"), D("16.0"), D("2460.00"), D("0.00"),
         D("2460.00")),
        ("VDL-2027-0004", day, "Confirmé", SCHOOL, bruno, date(2027, 4, 15), date(2027, 4, 15),
         20, 1, 0, D("1770.00"), D("2110.00"), D("340.00"), D("16.1"), D("0.00"), D("0.00"),
         D("0.00")),
        ("VDL-2027-0006", day, "Confirmé", SCHOOL, bruno, date(2027, 5, 3), date(2027, 5, 3),
         20, 1, 0, D("1950.00"), D("1410.00"), D("-540.00"), D("-38.3"), D("0.00"), D("0.00"),
         D("0.00")),
        ("VDL-2027-0001", day, "Confirmé", CSE, anne, date(2027, 5, 12), date(2027, 5, 12),
         20, 1, 0, D("1950.00"), D("2340.00"), D("390.00"), D("16.7"), D("702.00"), D("500.00"),
         D("202.00")),
        ("VDL-2027-0003", day, "Annulé", CSE, anne, date(2027, 6, 10), date(2027, 6, 10),
         20, 1, 0, D("0.00"), D("234.00"), D("234.00"), D("100.0"), D("234.00"), D("0.00"),
         D("234.00")),
    ]  # fmt: skip
    d1, d2, d3, d4, d5, d6, d7 = world["ids"]
    assert [line.key for line in table.lines] == [str(i) for i in (d3, d5, d7, d2, d4)]


def test_each_dossier_carries_its_controls(world):
    table = report(world["admin"]).table("dossiers")
    assert [line.flags for line in table.lines] == [
        ("Sous-facturé",),  # D3: 2 460 invoiced for 2 560
        ("Confirmé non facturé",),  # D5
        ("Confirmé non facturé",),  # D7
        ("Sous-facturé", "Impayé"),  # D2: a deposit only, 202 € of it late
        ("Impayé",),  # D4: its fees are due since 20 February
    ]


def test_the_total_adds_up_every_dossier(world):
    table = report(world["admin"]).table("dossiers")
    assert table.total is not None
    assert table.total.cells == (
        "Total (5 dossiers)", None, None, None, None, None, None, 100, 5, 0,
        D("7820.00"), D("8654.00"), D("834.00"), D("9.6"), D("3396.00"), D("500.00"),
        D("2896.00"),
    )  # fmt: skip
    for key in ("cost", "sale", "margin", "invoiced", "paid", "remaining"):
        assert table.value(table.total, key) == sum(table.value(line, key) for line in table.lines)


def test_a_cancelled_dossier_counts_only_its_cancellation_fees(world):
    table = report(world["admin"]).table("dossiers")
    cancelled = table.line(str(world["ids"][3]))
    assert table.value(cancelled, "status") == "Annulé"
    # 702,00 deposit − 468,00 credit note: 234,00 € of fees, no services bought.
    assert table.value(cancelled, "sale") == D("234.00")
    assert table.value(cancelled, "cost") == D("0.00")
    assert table.value(cancelled, "margin") == D("234.00")
    assert table.value(cancelled, "invoiced") == D("234.00")


def test_the_year_before_is_the_paid_dossier_without_control(world):
    table = report(world["admin"], YEAR.year_before()).table("dossiers")
    (line,) = table.lines
    assert line.key == str(world["ids"][0])
    assert line.cells[10:] == (
        D("1950.00"), D("2320.00"), D("370.00"), D("15.9"), D("2320.00"), D("2320.00"),
        D("0.00"),
    )  # fmt: skip
    assert line.flags == ()


def test_the_controls_count_their_dossiers_and_amounts(world):
    table = report(world["admin"]).table("controls")
    assert [line.cells for line in table.lines] == [
        ("Confirmé non facturé", 2, D("3520.00")),  # D5 2 110 + D7 1 410
        ("Sous-facturé", 2, D("1738.00")),  # D3 100 + D2 1 638
        ("Impayé", 2, D("436.00")),  # D2 202 + D4 234
    ]
    assert [line.key for line in table.lines] == [control.value for control in BookingControl]


@pytest.mark.parametrize(
    ("control", "expected", "sale"),
    [
        (BookingControl.NOT_INVOICED, ["VDL-2027-0004", "VDL-2027-0006"], D("3520.00")),
        (BookingControl.UNDER_INVOICED, ["VDL-2027-0002", "VDL-2027-0001"], D("4900.00")),
        (BookingControl.UNPAID, ["VDL-2027-0001", "VDL-2027-0003"], D("2574.00")),
    ],
)
def test_a_control_list_keeps_only_its_dossiers_and_totals_them(world, control, expected, sale):
    found = report(world["admin"], grouping=control.value)
    table = found.table("dossiers")
    assert references(found) == expected
    assert all(control.label in line.flags for line in table.lines)
    assert table.value(table.total, "sale") == sale
    assert table.title == f"Dossiers « {control.label} »"
    months = found.table("by_month")
    assert months.value(months.total, "sale") == sale
    # The controls' table still counts among all the dossiers of the period.
    assert [line.cells[1] for line in found.table("controls").lines] == [2, 2, 2]


def test_sale_cost_and_margin_by_month_of_departure(world):
    table = report(world["admin"]).table("by_month")
    assert [line.cells for line in table.lines] == [
        ("mars 2027", 1, D("2560.00"), D("2150.00"), D("410.00"), D("16.0")),
        ("avril 2027", 1, D("2110.00"), D("1770.00"), D("340.00"), D("16.1")),
        ("mai 2027", 2, D("3750.00"), D("3900.00"), D("-150.00"), D("-4.0")),
        ("juin 2027", 1, D("234.00"), D("0.00"), D("234.00"), D("100.0")),
    ]
    assert table.total.cells == ("Total", 5, D("8654.00"), D("7820.00"), D("834.00"), D("9.6"))
    assert table.chart is not None and table.chart.category == "month"
    assert [series.column for series in table.chart.series] == ["sale", "cost", "margin"]


def test_by_invoice_date_the_invoiced_column_is_the_revenue_of_the_period(world):
    """D2, D3 and D4 have every invoice in the first quarter: what they invoice is the
    quarter's revenue including VAT."""
    quarter = Period(date(2027, 1, 1), date(2027, 3, 31))
    found = report(world["admin"], quarter, PeriodBasis.INVOICE)
    assert references(found) == ["VDL-2027-0002", "VDL-2027-0001", "VDL-2027-0003"]
    table = found.table("dossiers")
    revenue = run(revenue_report, world["admin"], quarter)
    assert table.value(table.total, "invoiced") == revenue.total.incl_vat == D("3396.00")
    # By the same filter, the revenue of the rep's dossiers too.
    bruno = world["bruno"].user_id
    found = report(world["admin"], quarter, PeriodBasis.INVOICE, rep_id=bruno)
    revenue = run(revenue_report, world["admin"], quarter, filters=ReportFilters(rep_id=bruno))
    table = found.table("dossiers")
    assert table.value(table.total, "invoiced") == revenue.total.incl_vat == D("2460.00")


def test_by_booking_date_the_period_reads_the_agencys_day_the_dossier_was_opened(world):
    winter = Period(date(2026, 12, 2), date(2027, 3, 31))
    assert references(report(world["admin"], winter, PeriodBasis.BOOKING)) == [
        "VDL-2027-0002",
        "VDL-2027-0004",
        "VDL-2027-0006",
        "VDL-2027-0001",
    ]
    autumn = Period(date(2026, 11, 1), date(2026, 12, 1))
    # D2 was opened at 23:00 UTC on the 1st: the 2nd in France.
    assert references(report(world["admin"], autumn, PeriodBasis.BOOKING)) == ["VDL-2027-0003"]


def test_a_rep_limited_to_his_clients_sees_only_their_dossiers(world):
    found = report(world["anne"])
    assert references(found) == ["VDL-2027-0001", "VDL-2027-0003"]
    table = found.table("dossiers")
    assert table.value(table.total, "sale") == D("2574.00")
    assert table.value(table.total, "invoiced") == D("936.00")
    assert [line.cells[1] for line in found.table("controls").lines] == [0, 1, 2]
    assert [line.key for line in found.table("by_month").lines] == ["2027-05", "2027-06"]


def test_the_filters_narrow_the_dossiers(world, session):
    admin, bruno = world["admin"], world["bruno"]
    assert references(report(admin, rep_id=bruno.user_id)) == [
        "VDL-2027-0002",
        "VDL-2027-0004",
        "VDL-2027-0006",
    ]
    guides = session.exec(select(Supplier.id).where(Supplier.name == GUIDES)).one()
    without_d5 = ["VDL-2027-0002", "VDL-2027-0006", "VDL-2027-0001", "VDL-2027-0003"]
    assert references(report(admin, supplier_id=guides)) == without_d5
    guiding = product_type_id(session, "GUIDAGE")
    assert references(report(admin, product_type_id=guiding)) == without_d5
    assert references(report(admin, client_type="scolaire")) == references(
        report(admin, rep_id=bruno.user_id)
    )
    assert references(report(admin, site_id=admin.site_id)) == references(report(admin))


def test_the_page_shows_the_first_lines_and_totals_them_all(world):
    table = report(world["admin"], limit=2).table("dossiers")
    assert len(table.lines) == 2
    assert table.value(table.total, "sale") == D("8654.00")
    assert "Les 2 premiers sont montrés" in table.note


def test_a_page_shows_the_first_lines_of_the_whole_report_cell_for_cell(world):
    # The page's dossiers are chosen first, their figures read then: the same lines.
    for basis in PeriodBasis:
        for grouping in ("", *(control.value for control in BookingControl)):
            whole = report(world["admin"], basis=basis, grouping=grouping).table("dossiers")
            page = report(world["admin"], basis=basis, grouping=grouping, limit=2)
            shown = page.table("dossiers")
            assert [(line.cells, line.flags) for line in shown.lines] == [
                (line.cells, line.flags) for line in whole.lines[:2]
            ], (basis, grouping)
            assert shown.total == whole.total


def drills(found: Report):
    for table in found.tables:
        for line in (*table.lines, *((table.total,) if table.total else ())):
            if line.drill is not None:
                yield line.drill


def test_lines_drill_into_their_dossier_and_the_lists_with_their_own_filters(world):
    admin = world["admin"]
    for basis in PeriodBasis:
        found = report(admin, basis=basis, rep_id=world["bruno"].user_id, grouping="")
        for drill in drills(found):
            if drill.list is DrillList.BOOKING:
                assert [key for key, _ in drill.filters] == ["id"]
                continue
            keys = {flt.key for flt in DRILL_SPECS[drill.list].filters}
            assert {key for key, _ in drill.filters} <= keys, drill
    table = report(admin).table("dossiers")
    assert table.lines[0].drill.filters == (("id", str(world["ids"][2])),)
    may = report(admin).table("by_month").line("2027-05").drill
    assert may.filters == (("starts_since", "2027-05-01"), ("starts_until", "2027-05-31"))
    page = run(fetch_page, DRILL_SPECS[may.list], ListQuery(filters=dict(may.filters)), admin)
    assert page.total == 2  # D7 and D2
    opened = report(admin, basis=PeriodBasis.BOOKING).table("dossiers").total.drill
    assert opened.filters == (("created_since", "2027-01-01"), ("created_until", "2027-12-31"))
    page = run(fetch_page, DRILL_SPECS[opened.list], ListQuery(filters=dict(opened.filters)), admin)
    assert page.total == 4  # D3, D5, D6 and D7: the list shows the quote too


def test_the_report_needs_the_statistics_right(world, session):
    seller = make_actor(session, {Right(Module.BOOKINGS, Action.SEE)})
    with pytest.raises(AccessDenied):
        report(seller)
