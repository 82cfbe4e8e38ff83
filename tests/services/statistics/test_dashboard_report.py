"""« Tableau de bord », the report: the direction's figures over any period, on the dossiers,
invoices and payments of the live dashboard's tests (see test_dashboard for the story)."""

# ruff: noqa: F811 — `world` is test_dashboard's fixture, imported for pytest to find

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from agence.services.common.permissions import AccessDenied, Action, Module, Right
from agence.services.statistics.dashboard import twelve_months
from agence.services.statistics.dashboard_report import dashboard_report
from agence.services.statistics.drill_specs import DRILL_SPECS
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import (
    DrillList,
    Period,
    ReportFilters,
    ReportName,
    ReportRequest,
)
from tests.factories import make_actor
from tests.services.statistics.test_dashboard import (  # noqa: F401
    TODAY,
    direction,
    run,
    world,
)

D = Decimal
YEAR = Period(date(2027, 1, 1), TODAY)


def report(
    actor,
    period: Period = YEAR,
    comparison: Period | None = None,
    filters: ReportFilters | None = None,
):
    request = ReportRequest(period, comparison, filters=filters or ReportFilters())
    return run(dashboard_report, actor, request)


def cell(table, key: str, column: str):
    return table.value(table.line(key), column)


def test_the_period_s_revenue_and_margin_beside_the_comparison(world):
    result = report(world["admin"])
    assert result.name is ReportName.DASHBOARD
    figures = result.table("figures")
    home = direction(world["admin"])
    for measure, tile in (
        (Measure.INVOICED_EXCL_VAT, home.revenue_year_excl_vat),
        (Measure.INVOICED_INCL_VAT, home.revenue_year_incl_vat),
        (Measure.GROSS_MARGIN, home.margin_year),
    ):
        assert cell(figures, measure.value, "amount") == tile.amount
    assert cell(figures, "marge_brute", "previous_amount") == D("308.33")
    assert cell(figures, "marge_brute", "change") == D("5.4")  # as the home page says
    assert cell(figures, "taux_marge", "rate") == D("14.3")  # 325,00 / 2 275,00
    assert cell(figures, "ca_ht", "count") is None


def test_conversion_and_departures_over_any_period(world):
    twelve = report(world["admin"], twelve_months(TODAY)).table("figures")
    assert (
        cell(twelve, "taux_transformation", "rate")
        == direction(world["admin"]).conversion_rate.amount
    )
    assert cell(twelve, "taux_transformation", "count") == 4
    week = report(world["admin"], Period(date(2027, 3, 22), date(2027, 3, 28))).table("figures")
    assert cell(week, "departs_periode", "count") == 2  # D3 on Monday, D4 on Sunday
    assert cell(week, "departs_periode", "previous_count") == 0
    assert cell(week, "departs_periode", "change") is None  # nothing to compare with
    spring = report(world["admin"], Period(date(2026, 5, 1), date(2026, 5, 31))).table("figures")
    assert cell(spring, "departs_periode", "count") == 1  # D1, since invoiced


def test_states_of_things_are_today_s_without_comparison(world):
    figures = report(world["admin"]).table("figures")
    home = direction(world["admin"])
    assert cell(figures, "carnet", "amount") == home.order_book.amount
    assert cell(figures, "carnet", "previous_amount") is None
    assert cell(figures, "carnet", "change") is None
    assert cell(figures, "impayes", "amount") == home.unpaid.amount
    assert cell(figures, "impayes_30", "count") == home.unpaid_over_30.count
    assert cell(figures, "devis_attente", "count") == 2
    assert cell(figures, "impayes", "measure").startswith("Impayés (au ")


def test_the_months_of_the_period_beside_the_comparison_with_a_bar_chart(world):
    months = report(world["admin"]).table("months")
    assert [line.key for line in months.lines] == ["2027-01", "2027-02", "2027-03"]
    assert cell(months, "2027-03", "excl_vat") == D("1592.50")
    assert cell(months, "2027-03", "previous_excl_vat") == D("2258.33")
    assert months.total is not None
    assert months.value(months.total, "excl_vat") == D("2275.00")
    assert months.chart is not None and months.chart.kind == "bar"
    assert [s.column for s in months.chart.series] == ["excl_vat", "previous_excl_vat"]
    march = months.line("2027-03").drill
    assert march is not None and march.list is DrillList.INVOICES
    assert dict(march.filters)["issued_since"] == "2027-03-01"
    assert dict(march.filters)["issued_until"] == "2027-03-24"


def test_a_comparison_period_of_one_s_choice(world):
    result = report(world["admin"], YEAR, Period(date(2026, 3, 1), date(2026, 3, 31)))
    assert cell(result.table("figures"), "ca_ttc", "previous_amount") == D("2320.00")
    months = result.table("months")
    # January 2027 is compared with March 2026, the comparison's first month
    assert cell(months, "2027-01", "previous_excl_vat") == D("2258.33")


def test_a_limited_rep_sees_his_clients_only(world):
    figures = report(world["anne"]).table("figures")
    assert cell(figures, "ca_ttc", "amount") == D("2340.00")
    assert cell(figures, "impayes", "amount") == D("202.00")
    assert cell(figures, "carnet", "count") == 1


def test_the_filters_reach_every_line_and_loosen_the_drills(world):
    """The works council's dossiers only (D2, D5, D7: Anne's client): what the limited rep sees
    of her clients, for the admin too; the lists behind the lines cannot say « works
    council »: their drills are marked as showing more."""
    council = ReportFilters(client_type="ce")
    figures = report(world["admin"], filters=council).table("figures")
    anne = report(world["anne"]).table("figures")
    for measure in ("ca_ht", "ca_ttc", "marge_brute", "carnet", "devis_attente", "impayes"):
        for column in ("amount", "count"):
            assert cell(figures, measure, column) == cell(anne, measure, column), measure
    assert cell(figures, "ca_ttc", "amount") == D("2340.00")
    assert cell(figures, "devis_attente", "count") == 1  # D7; D6 is the school's
    assert all(line.drill is None or not line.drill.exact for line in figures.lines)
    school = report(world["admin"], filters=ReportFilters(client_type="scolaire"))
    total = report(world["admin"]).table("figures")
    assert cell(school.table("figures"), "ca_ttc", "amount") + D("2340.00") == cell(
        total, "ca_ttc", "amount"
    )
    assert cell(school.table("figures"), "devis_attente", "count") == 1  # D6


def test_the_report_needs_the_statistics_right(world, session):
    with pytest.raises(AccessDenied):
        report(make_actor(session, {Right(Module.INVOICING, Action.SEE)}))


def test_every_drill_uses_filters_its_list_offers(world):
    result = report(world["admin"])
    for table in result.tables:
        for line in table.lines:
            if line.drill is None:
                continue
            offered = {f.key for f in DRILL_SPECS[line.drill.list].filters}
            assert {key for key, _ in line.drill.filters} <= offered, line.key
