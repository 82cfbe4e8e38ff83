"""Invoiced revenue, from real invoices issued by billing on the demo day trip (suppliers'
prices 1 950,00 €, all under the margin scheme unless the agency's escort is added).

Prices: the school pays 2 320,00 € (margin 370,00 €), the CSE 2 340,00 € (its client price:
margin 390,00 €, VAT on it 65,00 €). The set, two sites (VDL, TRS) and two reps (Anne for
the CSE, Bruno for the school):
- 2026-03-10, VDL, Bruno: D1's final invoice, margin scheme only (the comparison year);
- 2027-01-20, TRS, Anne: D4's 30 % deposit (702,00 €); D4 is then cancelled and a credit note
  of 468,00 € issued 2027-02-05 leaves 234,00 € invoiced: its cancellation fees;
- 2027-02-15 / 2027-03-20, VDL, Anne: D2's 30 % deposit, then its final invoice deducting it;
- 2027-03-25, TRS, Bruno: D3's final invoice, mixed (the agency's escort, normal VAT 20 %,
  236,00 € including 39,33 € of VAT; 2 560,00 € in all), cancelled by a credit note issued
  2027-04-10;
- a draft credit note on D2's final invoice, never issued.
The services do not invoice cancellation fees as such (a cancelled dossier takes no new
invoice): its fees are what its credit notes leave of its invoices, as here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import AgencySite, Client, Invoice
from agence.services.billing import invoicing
from agence.services.billing.vocabulary import InvoiceStatus
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common.permissions import AccessDenied, Actor
from agence.services.statistics.measures import Measure
from agence.services.statistics.revenue import Figures, Grouping, Period, revenue_report
from tests.factories import demo_admin, demo_dossier, make_actor, make_site
from tests.services.billing.test_invoicing import edit_costing, with_agency_escort
from tests.worlds import shared_world

D = Decimal
PERIOD = Period(date(2027, 1, 1), date(2027, 4, 30))
ZERO4 = Figures()  # a month or a rep without invoices


def run(function, *args, **kwargs):
    with session_scope() as s:
        return function(s, *args, **kwargs)


def figures(excl: str, incl: str, margin: str, margin_vat: str) -> Figures:
    return Figures(D(excl), D(incl), D(margin), D(margin_vat))


def dossier(admin: Actor, client: str, site_id: int, rep: Actor, starts_on: str, change=None):
    with session_scope() as s:
        client_id = s.exec(select(Client.id).where(Client.name == client)).one()
    booking = demo_dossier(
        admin, starts_on, client_id=client_id, site_id=site_id, sales_rep_id=rep.user_id
    )
    if change is not None:
        booking = edit_costing(admin, booking, change)
    with session_scope() as s:
        return change_status(s, admin, booking.id, Status.CONFIRMED)


def issue(admin: Actor, invoice: Invoice, on: date) -> Invoice:
    return run(invoicing.issue, admin, invoice.id, on)


def build_world(session: Session) -> dict:
    admin = demo_admin(session)
    vdl = admin.site_id
    main = session.get(AgencySite, vdl)
    copied = ("address_line1", "postcode", "city", "siret", "vat_number", "iban", "bic")
    trs = make_site(
        session, "TRS", name="Tours", **{name: getattr(main, name) for name in copied}
    ).id
    anne = make_actor(session, own_clients_only=True)
    bruno = make_actor(session)
    for name, rep in (("CSE Michelin Joué-lès-Tours", anne), ("Collège Anatole-France", bruno)):
        client = session.exec(select(Client).where(Client.name == name)).one()
        client.sales_rep_id = rep.user_id
        session.add(client)
    session.commit()
    school, cse = "Collège Anatole-France", "CSE Michelin Joué-lès-Tours"

    d1 = dossier(admin, school, vdl, bruno, "2026-05-12")
    issue(admin, run(invoicing.create_final, admin, d1.id), date(2026, 3, 10))

    d4 = dossier(admin, cse, trs, anne, "2027-06-10")
    deposit4 = issue(
        admin, run(invoicing.create_deposit, admin, d4.id, percent="30"), date(2027, 1, 20)
    )
    with session_scope() as s:
        change_status(s, admin, d4.id, Status.CANCELLED, "Sortie annulée par le CSE")
    credit4 = run(
        invoicing.create_credit_note, admin, deposit4.id, amount="468", on=date(2027, 2, 5)
    )
    issue(admin, credit4, date(2027, 2, 5))

    d2 = dossier(admin, cse, vdl, anne, "2027-05-12")
    issue(admin, run(invoicing.create_deposit, admin, d2.id, percent="30"), date(2027, 2, 15))
    final2 = issue(admin, run(invoicing.create_final, admin, d2.id), date(2027, 3, 20))
    run(invoicing.create_credit_note, admin, final2.id, amount="100", on=date(2027, 5, 2))

    d3 = dossier(admin, school, trs, bruno, "2027-05-20", with_agency_escort)
    final3 = issue(admin, run(invoicing.create_final, admin, d3.id), date(2027, 3, 25))
    credit3 = run(invoicing.create_credit_note, admin, final3.id, on=date(2027, 4, 10))
    issue(admin, credit3, date(2027, 4, 10))
    return {"admin": admin, "anne": anne, "bruno": bruno, "vdl": vdl, "trs": trs}


world = shared_world(build_world)
# The figures of each invoice, worked out by hand from the rules:
# HT = TTC − normal VAT − VAT on margin; margin = HT − (margin-scheme TTC − margin base).
D1_FINAL = figures("2258.33", "2320.00", "308.33", "61.67")
D4_DEPOSIT = figures("682.50", "702.00", "97.50", "19.50")  # base 117,00 = 702 × 390/2 340
D4_CREDIT = figures("-455.00", "-468.00", "-65.00", "-13.00")  # base −78,00, pro rata
D2_DEPOSIT = D4_DEPOSIT
D2_FINAL = figures("1592.50", "1638.00", "227.50", "45.50")  # 2 340 − 702; base 273,00
D3_FINAL = figures("2458.34", "2560.00", "508.34", "62.33")  # escort 196,67 HT + 374 − 62,33
D3_CREDIT = figures("-2458.34", "-2560.00", "-508.34", "-62.33")


def row_figures(report, key):
    row = next(row for row in report.rows if row.key == key)
    return row.current, row.previous


def test_monthly_revenue_counts_each_issued_invoice_on_its_own_date(world):
    with session_scope() as s:
        report = revenue_report(s, world["admin"], PERIOD)
    assert [row.key for row in report.rows] == ["2027-01", "2027-02", "2027-03", "2027-04"]
    assert [row.label for row in report.rows] == [
        "janvier 2027",
        "février 2027",
        "mars 2027",
        "avril 2027",
    ]
    assert row_figures(report, "2027-01") == (D4_DEPOSIT, ZERO4)
    assert row_figures(report, "2027-02") == (D4_CREDIT + D2_DEPOSIT, ZERO4)
    assert row_figures(report, "2027-03") == (D2_FINAL + D3_FINAL, D1_FINAL)
    assert row_figures(report, "2027-04") == (D3_CREDIT, ZERO4)


def test_credit_note_reduces_revenue_in_its_own_month_not_the_corrected_invoices(world):
    with session_scope() as s:
        report = revenue_report(s, world["admin"], PERIOD)
    march, april = report.rows[2], report.rows[3]
    assert march.incl_vat == D("4198.00")
    assert april.incl_vat == D("-2560.00")
    assert april.margin == D("-508.34")


def test_margin_scheme_sale_has_no_vat_on_its_price_only_on_its_margin(world):
    """D1 is sold 2 320,00 € under the margin scheme: no VAT on the price, so HT is the price
    less the VAT on the margin (370,00 × 20/120 = 61,67), not the price / 1,2."""
    with session_scope() as s:
        report = revenue_report(s, world["admin"], Period(date(2026, 3, 1), date(2026, 3, 31)))
    (march,) = report.rows
    assert march.incl_vat == D("2320.00")
    assert march.margin_vat == D("61.67")
    assert march.excl_vat == D("2320.00") - D("61.67")
    assert march.excl_vat != (D("2320.00") / D("1.2")).quantize(D("0.01"))
    assert march.margin == D("370.00") - D("61.67")
    assert march.margin_rate == D("13.65")  # 308,33 / 2 258,33


def test_final_invoice_counts_only_what_it_adds_to_the_deducted_deposit(world):
    with session_scope() as s:
        report = revenue_report(s, world["admin"], PERIOD, Grouping.SITE)
    vdl = next(row for row in report.rows if row.key == str(world["vdl"]))
    # D2, deposit + final: exactly the dossier once (2 340,00 €, a margin of 390,00 €).
    assert vdl.current == D2_DEPOSIT + D2_FINAL
    assert vdl.incl_vat == D("2340.00")
    assert vdl.margin_vat == D("65.00")  # 390 × 20/120
    assert vdl.excl_vat == D("2275.00")
    assert vdl.margin == D("325.00")
    assert (vdl.previous_incl_vat, vdl.previous_excl_vat) == (D("2320.00"), D("2258.33"))


def test_cancelled_dossier_counts_only_its_cancellation_fees(world):
    with session_scope() as s:
        report = revenue_report(s, world["admin"], PERIOD, Grouping.SITE)
    tours = next(row for row in report.rows if row.label == "Tours")
    # D4: 702,00 − 468,00 = 234,00 € kept (10 %); D3 issued and cancelled in the period: 0.
    assert tours.current == D4_DEPOSIT + D4_CREDIT + D3_FINAL + D3_CREDIT
    assert tours.incl_vat == D("234.00")
    assert tours.excl_vat == D("227.50")
    assert tours.margin_vat == D("6.50")


def test_per_rep_report_every_cell_and_comparison_with_the_year_before(world):
    with session_scope() as s:
        report = revenue_report(s, world["admin"], PERIOD, Grouping.REP)
    anne, bruno = world["anne"], world["bruno"]
    assert {row.key for row in report.rows} == {str(anne.user_id), str(bruno.user_id)}
    rows = {row.key: row for row in report.rows}
    assert rows[str(anne.user_id)].current == D4_DEPOSIT + D4_CREDIT + D2_DEPOSIT + D2_FINAL
    assert rows[str(anne.user_id)].previous == ZERO4
    assert rows[str(bruno.user_id)].current == D3_FINAL + D3_CREDIT
    assert rows[str(bruno.user_id)].previous == D1_FINAL
    assert rows[str(anne.user_id)].margin_rate == D("14.29")  # 357,50 / 2 502,50
    assert rows[str(bruno.user_id)].margin_rate is None
    assert rows[str(bruno.user_id)].previous_margin_rate == D("13.65")


def test_totals_are_the_sum_of_rows_and_of_the_issued_invoices_amounts(world):
    with session_scope() as s:
        issued = s.exec(
            select(Invoice).where(
                Invoice.status == InvoiceStatus.ISSUED,
                Invoice.issued_on >= PERIOD.start,
                Invoice.issued_on <= PERIOD.end,
            )
        ).all()
        drafts = s.exec(select(Invoice).where(Invoice.status == InvoiceStatus.DRAFT)).all()
        reports = [revenue_report(s, world["admin"], PERIOD, g) for g in Grouping]
    assert len(drafts) == 1  # the draft credit note never counts
    owed = sum((i.total_incl_vat - i.deposits_deducted for i in issued), D(0))
    assert owed == sum((i.amount_due for i in issued), D(0))
    for report in reports:
        assert report.total.current == sum((row.current for row in report.rows), Figures())
        assert report.total.previous == sum((row.previous for row in report.rows), Figures())
        assert report.total.incl_vat == owed == D("2574.00")
        assert report.total.excl_vat == D("2502.50")
        assert report.total.previous == D1_FINAL


def test_rep_limited_to_his_clients_sees_only_his_figures(world):
    with session_scope() as s:
        mine = revenue_report(s, world["anne"], PERIOD, Grouping.REP)
        monthly = revenue_report(s, world["anne"], PERIOD)
    assert [row.key for row in mine.rows] == [str(world["anne"].user_id)]
    assert mine.total.current == D4_DEPOSIT + D4_CREDIT + D2_DEPOSIT + D2_FINAL
    assert monthly.total.previous == ZERO4
    assert monthly.rows[2].current == D2_FINAL


def test_statistics_need_the_statistics_right(world, session):
    clerk = make_actor(session, rights=frozenset())
    with session_scope() as s, pytest.raises(AccessDenied):
        revenue_report(s, clerk, PERIOD)


def test_every_measure_has_a_french_label_and_definition():
    assert Measure.INVOICED_EXCL_VAT.label == "CA facturé HT"
    assert Measure.UNPAID_OVER_30.label == "Impayés à plus de 30 jours"
    for measure in Measure:
        assert measure.label and len(measure.definition) > 40
    assert "propre date" in Measure.INVOICED_INCL_VAT.definition
    assert "frais d'annulation" in Measure.INVOICED_EXCL_VAT.definition
    assert "ne porte pas de TVA sur son prix" in Measure.INVOICED_EXCL_VAT.definition


def test_comparison_defaults_to_the_same_period_a_year_before():
    assert Period(date(2028, 2, 29), date(2028, 3, 31)).year_before() == Period(
        date(2027, 2, 28), date(2027, 3, 31)
    )
