"""« Détail des prestations vendues », on the dossiers of « Détail des réservations »'s tests
(`world`): in 2027 four dossiers are sold — D2 (CSE, 2 340,00 €), D3 (school, with the agency's
escort, 2 560,00 €), D5 (school, without the guide, 2 110,00 €) and D7 (school, 40 % off,
1 410,00 €); D4 is cancelled and D6 only quoted: they sell nothing. The year before, D1 (school,
2 320,00 €).

What each service sells, from the demo costing (markup 18 %, the school's negotiated 14,00 € at
Amboise; 21 persons: 20 paying and the client's free place):
- coach 950,00 € → 1 121,00 € (D7: 672,60 €);
- Amboise 20 × 13,00 = 260,00 € (one supplier free place) → school 21 × 14 = 294,00 €
  (D7: 176,40 €), CSE 306,80 €;
- lunch 20 × 28,00 = 560,00 € → 660,80 € (D7: 396,48 €);
- guide 180,00 € → 212,40 € (D7: 127,44 €), not in D5;
- the agency's escort (D3, no product, no supplier) 200,00 € → 236,00 €.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from agence.models import Supplier
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import AccessDenied, Action, Module, Right
from agence.services.statistics.bookings_detail import bookings_report
from agence.services.statistics.drill_specs import DRILL_SPECS
from agence.services.statistics.measures import Measure
from agence.services.statistics.products_sold import SoldGrouping, products_report
from agence.services.statistics.report import (
    Period,
    PeriodBasis,
    Report,
    ReportFilters,
    ReportRequest,
)
from tests.factories import make_actor, product_type_id
from tests.services.statistics import test_bookings_detail as detail
from tests.services.statistics.test_bookings_detail import GUIDES, YEAR, run

world = detail.world  # the same dossiers, invoices and payments

D = Decimal
COACH = "Autocar grand tourisme (journée)"
LUNCH = "Déjeuner menu groupe à L'Orangerie"
AMBOISE = "Visite du château royal d'Amboise"
GUIDE = "Guide conférencier (journée)"
COACHES = "Autocars Touraine Évasion"
RESTAURANT = "Restaurant L'Orangerie"
CASTLE = "Château royal d'Amboise"
OWN = "Sans fournisseur (prestations de l'agence)"


def report(
    actor,
    period: Period = YEAR,
    basis: PeriodBasis = PeriodBasis.DEPARTURE,
    grouping: str = "",
    comparison: Period | None = None,
    **filters,
) -> Report:
    request = ReportRequest(period, comparison, basis, ReportFilters(**filters), grouping=grouping)
    return run(products_report, actor, request)


def cells(found: Report, table: str) -> list[tuple]:
    return [line.cells for line in found.table(table).lines]


def labels(found: Report, table: str = "products") -> list[str]:
    return [str(line.cells[0]) for line in found.table(table).lines]


def test_per_product_every_cell_the_best_seller_first_beside_the_year_before(world):
    found = report(world["admin"])
    assert cells(found, "products") == [
        (COACH, "Transport", COACHES, 4, 84, 4, D("3800.00"), D("4035.60"), D("235.60"),
         D("5.8"), D("1121.00"), D("260.0")),
        (LUNCH, "Restauration", RESTAURANT, 80, 84, 4, D("2240.00"), D("2378.88"), D("138.88"),
         D("5.8"), D("660.80"), D("260.0")),
        (AMBOISE, "Visite", CASTLE, 80, 84, 4, D("1040.00"), D("1071.20"), D("31.20"),
         D("2.9"), D("294.00"), D("264.4")),
        (GUIDE, "Guidage", GUIDES, 3, 63, 3, D("540.00"), D("552.24"), D("12.24"), D("2.2"),
         D("212.40"), D("160.0")),
        ("Hors catalogue", "", "", 1, 21, 1, D("200.00"), D("236.00"), D("36.00"), D("15.3"),
         D("0.00"), None),
    ]  # fmt: skip
    table = found.table("products")
    # The total counts each dossier once (4, not 16) and D1's 2 288,20 € the year before.
    assert table.total.cells == (
        "Total", "", "", 168, 336, 4, D("7820.00"), D("8273.92"), D("453.92"), D("5.5"),
        D("2288.20"), D("261.6"),
    )  # fmt: skip
    assert table.title == "Par prestation"
    assert table.columns[table.column_index("sale")].measure is Measure.SOLD_SALE


def test_the_ten_best_sellers_of_the_catalogue_make_the_chart(world):
    found = report(world["admin"])
    assert cells(found, "top_products") == [
        (COACH, D("4035.60"), D("235.60")),
        (LUNCH, D("2378.88"), D("138.88")),
        (AMBOISE, D("1071.20"), D("31.20")),
        (GUIDE, D("552.24"), D("12.24")),
    ]
    chart = found.table("top_products").chart
    assert chart is not None and chart.kind == "bar" and chart.category == "label"
    assert [series.column for series in chart.series] == ["sale", "margin"]


def test_purchases_per_supplier_the_largest_first(world):
    found = report(world["admin"])
    assert cells(found, "suppliers") == [
        (COACHES, 4, 4, 84, D("3800.00"), D("950.00"), D("300.0")),
        (RESTAURANT, 4, 80, 84, D("2240.00"), D("560.00"), D("300.0")),
        (CASTLE, 4, 80, 84, D("1040.00"), D("260.00"), D("300.0")),
        (GUIDES, 3, 3, 63, D("540.00"), D("180.00"), D("200.0")),
        (OWN, 1, 1, 21, D("200.00"), D("0.00"), None),
    ]
    total = found.table("suppliers").total
    assert total.cells == ("Total", 4, 168, 336, D("7820.00"), D("1950.00"), D("301.0"))


def test_per_product_type(world):
    found = report(world["admin"])
    assert cells(found, "product_types") == [
        ("Transport", 4, 84, 4, D("3800.00"), D("4035.60"), D("235.60"), D("5.8"),
         D("1121.00"), D("260.0")),
        ("Restauration", 80, 84, 4, D("2240.00"), D("2378.88"), D("138.88"), D("5.8"),
         D("660.80"), D("260.0")),
        ("Visite", 80, 84, 4, D("1040.00"), D("1071.20"), D("31.20"), D("2.9"), D("294.00"),
         D("264.4")),
        ("Guidage", 3, 63, 3, D("540.00"), D("552.24"), D("12.24"), D("2.2"), D("212.40"),
         D("160.0")),
        ("Sans type", 1, 21, 1, D("200.00"), D("236.00"), D("36.00"), D("15.3"), D("0.00"),
         None),
    ]  # fmt: skip


def test_the_main_table_groups_by_supplier_or_type_on_request(world):
    by_supplier = report(world["admin"], grouping=SoldGrouping.SUPPLIER)
    table = by_supplier.table("products")
    assert table.title == "Par fournisseur"
    assert [column.key for column in table.columns][:2] == ["label", "units"]
    assert labels(by_supplier) == [COACHES, RESTAURANT, CASTLE, GUIDES, OWN]
    assert (
        table.line(table.lines[0].key).cells[1:] == cells(report(world["admin"]), "products")[0][3:]
    )
    by_type = report(world["admin"], grouping=SoldGrouping.PRODUCT_TYPE)
    assert cells(by_type, "products") == cells(by_type, "product_types")


def test_services_fees_and_rounding_add_up_to_the_dossiers_prices(world):
    found = report(world["admin"])
    summary = found.table("summary")
    assert cells(found, "summary") == [
        ("Prestations vendues (toutes)", D("7820.00"), D("8273.92"), D("453.92")),
        # D2 39,00 + D3 35,80 + D5 34,20 + D7 37,08: the 30 € fee and the price's rounding up
        ("Frais de dossier et arrondis", D("0.00"), D("146.08"), D("146.08")),
    ]
    assert summary.total.cells == (
        "Prix des dossiers vendus",
        D("7820.00"),
        D("8420.00"),
        D("600.00"),
    )
    products = found.table("products")
    assert products.value(products.total, "sale") == summary.value(summary.lines[0], "sale")
    # « Détail des réservations » counts the same dossiers, and D4's 234,00 € of fees.
    bookings = run(
        bookings_report, world["admin"], ReportRequest(YEAR, basis=PeriodBasis.DEPARTURE)
    )
    detail = bookings.table("dossiers")
    assert detail.value(detail.total, "sale") == D("8420.00") + D("234.00")
    assert detail.value(detail.total, "cost") == products.value(products.total, "cost")
    assert detail.value(detail.total, "margin") == D("600.00") + D("234.00")


def test_the_comparison_period_may_be_any(world):
    empty = Period(date(2025, 1, 1), date(2025, 12, 31))
    found = report(world["admin"], comparison=empty)
    assert [line.cells[-2:] for line in found.table("products").lines][0] == (D("0.00"), None)
    may_2026 = Period(date(2026, 5, 1), date(2026, 5, 31))
    assert cells(report(world["admin"], comparison=may_2026), "products") == cells(
        report(world["admin"]), "products"
    )


def test_a_product_sold_only_the_year_before_still_shows(world):
    """2026 against March 2027 (D3 departs then): the agency's escort, sold only in D3,
    shows with nothing sold in 2026."""
    found = report(
        world["admin"],
        Period(date(2026, 1, 1), date(2026, 12, 31)),
        comparison=Period(date(2027, 3, 1), date(2027, 3, 31)),
    )
    escort = found.table("products").line("")
    assert escort.cells == (
        "Hors catalogue", "", "", 0, 0, 0, D("0.00"), D("0.00"), D("0.00"), None, D("236.00"),
        D("-100.0"),
    )  # fmt: skip


def test_cancelled_and_quoted_dossiers_sell_nothing(world):
    found = report(world["anne"])  # the CSE's: D2 sold, D4 cancelled, D6 quoted
    assert cells(found, "products")[0][:6] == (COACH, "Transport", COACHES, 1, 21, 1)
    assert found.table("products").total.cells[3:9] == (
        42,
        84,
        1,
        D("1950.00"),
        D("2301.00"),
        D("351.00"),
    )


def test_a_rep_limited_to_his_clients_sees_only_their_services(world):
    found = report(world["anne"])
    summary = found.table("summary")
    assert summary.total.cells == (
        "Prix des dossiers vendus",
        D("1950.00"),
        D("2340.00"),
        D("390.00"),
    )
    assert labels(found) == [COACH, LUNCH, AMBOISE, GUIDE]
    assert [line.cells[7] for line in found.table("products").lines] == [
        D("1121.00"), D("660.80"), D("306.80"), D("212.40"),
    ]  # fmt: skip
    # The year before was the school's: not hers.
    assert found.table("products").total.cells[-2:] == (D("0.00"), None)


def test_the_supplier_and_type_filters_keep_those_services_only(world, session):
    guides = session.exec(select(Supplier.id).where(Supplier.name == GUIDES)).one()
    found = report(world["admin"], supplier_id=guides)
    assert labels(found) == [GUIDE]
    assert labels(found, "suppliers") == [GUIDES]
    # The dossiers that have a guide (D2, D3, D7) are summed whole: 2 340 + 2 560 + 1 410.
    assert found.table("summary").total.cells[2] == D("6310.00")
    by_type = report(world["admin"], product_type_id=product_type_id(session, "VISITE"))
    assert labels(by_type) == [AMBOISE]
    assert by_type.table("products").total.cells[5] == 4


def test_by_invoice_date_the_sold_dossiers_invoiced_in_the_period(world):
    quarter = Period(date(2027, 1, 1), date(2027, 3, 31))
    found = report(world["admin"], quarter, PeriodBasis.INVOICE)
    # D2 and D3 (D4, invoiced too, is cancelled): 2 301,00 + 2 524,20 of services.
    products = found.table("products")
    assert products.value(products.total, "bookings") == 2
    assert products.value(products.total, "sale") == D("4825.20")
    assert found.table("summary").total.cells[2] == D("4900.00")


def test_lines_drill_into_the_dossiers_list_with_its_own_filters(world):
    admin = world["admin"]
    for basis in PeriodBasis:
        found = report(admin, basis=basis, rep_id=world["bruno"].user_id)
        for table in found.tables:
            for line in (*table.lines, *((table.total,) if table.total else ())):
                keys = {flt.key for flt in DRILL_SPECS[line.drill.list].filters}
                assert {key for key, _ in line.drill.filters} <= keys
                assert not line.drill.exact  # the list has no filter by service
    drill = report(admin).table("products").lines[0].drill
    page = run(fetch_page, DRILL_SPECS[drill.list], ListQuery(filters=dict(drill.filters)), admin)
    assert page.total == 6  # the five dossiers departing in 2027 and the quote


def test_the_report_needs_the_statistics_right(world, session):
    seller = make_actor(session, {Right(Module.BOOKINGS, Action.SEE)})
    with pytest.raises(AccessDenied):
        report(seller)
