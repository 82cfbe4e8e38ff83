"""The « Chiffre d'affaires » report (revenue_statistics) on the revenue tests' dossiers and
invoices (see test_revenue for the set and each invoice's figures worked out by hand): every
cell by month, the client categories, the dates the period reads, the filters, the seasonality
over three years and a rep limited to his clients."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import delete, select

from agence.db import session_scope
from agence.models import Client, ClientCategory, ClientCategoryLink
from agence.services.common import formats
from agence.services.statistics.report import (
    DrillList,
    Period,
    PeriodBasis,
    ReportFilters,
    ReportName,
    ReportRequest,
)
from agence.services.statistics.revenue import (
    NO_CATEGORY,
    Figures,
    Grouping,
    revenue_statistics,
)
from tests.services.statistics import test_revenue
from tests.services.statistics.test_clients_sales import check_drills
from tests.services.statistics.test_revenue import (
    D1_FINAL,
    D2_DEPOSIT,
    D2_FINAL,
    D3_CREDIT,
    D3_FINAL,
    D4_CREDIT,
    D4_DEPOSIT,
    PERIOD,
)

D = Decimal
NONE = Figures()
world = test_revenue.world  # the revenue tests' dossiers and invoices


def cells(label: str, now: Figures, then: Figures, margin_rate, change) -> tuple:
    return (
        label,
        now.excl_vat,
        now.incl_vat,
        now.margin,
        margin_rate,
        now.margin_vat,
        then.excl_vat,
        then.incl_vat,
        then.margin,
        change,
    )


def report(actor, **request):
    with session_scope() as s:
        return revenue_statistics(s, actor, ReportRequest(**{"period": PERIOD, **request}))


def test_monthly_revenue_every_cell_beside_the_year_before(world):
    result = report(world["admin"])
    assert result.name is ReportName.REVENUE
    groups = result.table("groups")
    assert [c.key for c in groups.columns] == [
        "label", "excl_vat", "incl_vat", "margin", "margin_rate", "margin_vat",
        "previous_excl_vat", "previous_incl_vat", "previous_margin", "change",
    ]  # fmt: skip
    assert all(c.measure is not None for c in groups.columns[1:])
    assert [line.key for line in groups.lines] == ["2027-01", "2027-02", "2027-03", "2027-04"]
    assert [line.cells for line in groups.lines] == [
        cells("janvier 2027", D4_DEPOSIT, NONE, D("14.3"), None),
        cells("février 2027", D4_CREDIT + D2_DEPOSIT, NONE, D("14.3"), None),
        # 4 050,84 HT against 2 258,33: +79,4 %; margin 735,84 / 4 050,84 = 18,2 %
        cells("mars 2027", D2_FINAL + D3_FINAL, D1_FINAL, D("18.2"), D("79.4")),
        cells("avril 2027", D3_CREDIT, NONE, D("20.7"), None),
    ]
    assert groups.total.cells == (
        "Total", D("2502.50"), D("2574.00"), D("357.50"), D("14.3"), D("71.50"),
        D("2258.33"), D("2320.00"), D("308.33"), D("10.8"),
    )  # fmt: skip
    march = groups.line("2027-03").drill
    assert march is not None and march.list is DrillList.INVOICES and march.exact
    assert march.filters == (
        ("status", "emise"),
        ("issued_since", "2027-03-01"),
        ("issued_until", "2027-03-31"),
    )
    assert groups.chart is not None
    assert [s.column for s in groups.chart.series] == ["excl_vat", "previous_excl_vat"]
    check_drills(result)


def test_seasonality_shows_each_calendar_month_of_three_years(world):
    seasonality = report(world["admin"]).table("seasonality")
    assert [c.key for c in seasonality.columns] == ["month", "n_2", "n_1", "n"]
    assert [c.label for c in seasonality.columns[1:]] == ["CA HT 2025", "CA HT 2026", "CA HT 2027"]
    assert [line.cells[0] for line in seasonality.lines][::11] == ["janvier", "décembre"]
    zero = D("0.00")
    expected = {
        "01": (zero, zero, D("682.50")),
        "02": (zero, zero, D("227.50")),
        "03": (zero, D("2258.33"), D("4050.84")),
        "04": (zero, zero, D("-2458.34")),
    }
    for line in seasonality.lines:
        assert line.cells[1:] == expected.get(line.key, (zero, zero, zero)), line.key
    assert seasonality.total.cells == ("Total", zero, D("2258.33"), D("2502.50"))
    assert seasonality.chart is not None and seasonality.chart.kind == "line"


def test_client_in_two_categories_counts_in_each_and_once_in_the_total(world):
    with session_scope() as s:
        cse = s.exec(select(Client).where(Client.name == "CSE Michelin Joué-lès-Tours")).one()
        school = s.exec(select(Client).where(Client.name == "Collège Anatole-France")).one()
        s.exec(
            delete(ClientCategoryLink).where(ClientCategoryLink.client_id.in_((cse.id, school.id)))
        )
        for name in ("Comités d'entreprise", "Fidèles"):
            category = ClientCategory(name=name)
            s.add(category)
            s.flush()
            s.add(ClientCategoryLink(client_id=cse.id, category_id=category.id))
    groups = report(world["admin"], grouping=Grouping.CLIENT_CATEGORY.value).table("groups")
    cse_figures = D4_DEPOSIT + D4_CREDIT + D2_DEPOSIT + D2_FINAL
    school_figures = D3_FINAL + D3_CREDIT
    assert [line.cells for line in groups.lines] == [
        cells("Comités d'entreprise", cse_figures, NONE, D("14.3"), None),
        cells("Fidèles", cse_figures, NONE, D("14.3"), None),
        cells(NO_CATEGORY, school_figures, D1_FINAL, None, D("-100.0")),
    ]
    assert groups.total.cells == cells(
        "Total", cse_figures + school_figures, D1_FINAL, D("14.3"), D("10.8")
    )
    assert "plusieurs catégories" in groups.note
    assert all(line.drill is not None and not line.drill.exact for line in groups.lines)


def test_period_read_on_the_departure_or_the_day_the_dossier_was_opened(world):
    may = Period(date(2027, 5, 1), date(2027, 5, 31))
    departures = report(world["admin"], period=may, basis=PeriodBasis.DEPARTURE)
    groups = departures.table("groups")
    # D2 (deposit and final) and D3 (issued, credited) leave in May 2027, D1 in May 2026.
    assert [line.cells for line in groups.lines] == [
        cells("mai 2027", D2_DEPOSIT + D2_FINAL + D3_FINAL + D3_CREDIT, D1_FINAL, D("14.3"),
              D("0.7")),
    ]  # fmt: skip
    assert groups.lines[0].drill is not None and not groups.lines[0].drill.exact
    assert groups.lines[0].drill.filters == (("status", "emise"),)
    by_site = report(
        world["admin"], period=may, basis=PeriodBasis.DEPARTURE, grouping=Grouping.SITE.value
    ).table("groups")
    excl = {line.key: line.cells[1] for line in by_site.lines}
    assert excl == {str(world["vdl"]): D("2275.00"), str(world["trs"]): D("0.00")}
    today = formats.today()
    opened = report(world["admin"], period=Period(today, today), basis=PeriodBasis.BOOKING).table(
        "groups"
    )
    # Every dossier was opened today: all their issued invoices count, whatever their date.
    everything = D1_FINAL + D4_DEPOSIT + D4_CREDIT + D2_DEPOSIT + D2_FINAL + D3_FINAL + D3_CREDIT
    assert len(opened.lines) == 1
    assert opened.total.cells[1:4] == (everything.excl_vat, everything.incl_vat, everything.margin)
    assert opened.total.cells[2] == D("4894.00")
    assert opened.total.cells[6] == D("0.00")


def test_filters_by_site_rep_and_client_type(world):
    admin, trs = world["admin"], world["trs"]
    tours = report(admin, filters=ReportFilters(site_id=trs)).table("groups")
    assert tours.total.cells[1:3] == (D("227.50"), D("234.00"))  # D4's fees; D3 credited
    assert tours.total.drill is not None and tours.total.drill.exact
    assert ("site", str(trs)) in tours.total.drill.filters
    anne = report(admin, filters=ReportFilters(rep_id=world["anne"].user_id)).table("groups")
    assert anne.total.cells[1] == D("2502.50")
    assert anne.total.drill is not None and not anne.total.drill.exact
    schools = report(admin, filters=ReportFilters(client_type="scolaire")).table("groups")
    assert schools.total.cells[1] == D("0.00") and schools.total.cells[6] == D("2258.33")


def test_rep_limited_to_his_clients_sees_only_his_figures(world):
    result = report(world["anne"])
    groups = result.table("groups")
    assert groups.total.cells[1:4] == (D("2502.50"), D("2574.00"), D("357.50"))
    assert groups.total.cells[6] == D("0.00")
    assert groups.line("2027-03").cells[1] == D2_FINAL.excl_vat
    assert result.table("seasonality").total.cells == (
        "Total", D("0.00"), D("0.00"), D("2502.50")
    )  # fmt: skip
