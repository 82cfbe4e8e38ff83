"""« Détail des prestations vendues »: what the sold dossiers of the period bought and sold, per
product (the top sellers first), per supplier (the purchases) and per product type — units,
participants, dossiers, cost, sale, margin — beside the comparison period's, and how the
services' sales add up to the dossiers' prices (their fees and the rounding of the price).

It reads the dossiers' summary (`booking_sold_lines`, kept with each costing by
`bookings.sold_lines`): each priced service of the current version of a dossier, for its
group, to the cent. The dossiers counted are the sold ones (`Measure.SOLD_SALE`: confirmed,
done, invoiced, settled) whose date the period reads falls in it, chosen as « Détail des
réservations » chooses them (`bookings_detail.selected_clauses`), within the report's filters;
the product type and supplier filters also keep only those services. A cancelled dossier has
no services sold: its fees are in « Détail des réservations ».

SQL aggregates only: one grouped query per table for the period, one for the comparison period
(by product, supplier and type at once, rolled up per table), one for the totals and one for
the dossiers' prices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from agence.models import Booking, BookingSoldLine, Client, Product, ProductType, Supplier
from agence.services.billing.outstanding import cents
from agence.services.common.permissions import Actor, Module
from agence.services.statistics.bookings_detail import (
    SOLD_STATUSES,
    bookings_drill,
    selected_clauses,
)
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import (
    Chart,
    ChartSeries,
    Drill,
    Period,
    Report,
    ReportColumn,
    ReportLine,
    ReportName,
    ReportRequest,
    ReportTable,
    rate,
)
from agence.services.statistics.revenue import change_rate

ZERO = Decimal("0.00")
TOP = 10
NO_PRODUCT = "Hors catalogue"
NO_SUPPLIER = "Sans fournisseur (prestations de l'agence)"
NO_TYPE = "Sans type"


class SoldGrouping(StrEnum):
    """The main table's grouping (`ReportRequest.grouping`; "" = per product)."""

    PRODUCT = "product"
    SUPPLIER = "supplier"
    PRODUCT_TYPE = "product_type"


_TITLES = {
    SoldGrouping.PRODUCT: "Par prestation",
    SoldGrouping.SUPPLIER: "Par fournisseur",
    SoldGrouping.PRODUCT_TYPE: "Par type de prestation",
}
_LABEL_HEADERS = {
    SoldGrouping.PRODUCT: "Prestation",
    SoldGrouping.SUPPLIER: "Fournisseur",
    SoldGrouping.PRODUCT_TYPE: "Type de prestation",
}
_KEY_COLUMNS = {
    SoldGrouping.PRODUCT: col(BookingSoldLine.product_id),
    SoldGrouping.SUPPLIER: col(BookingSoldLine.supplier_id),
    SoldGrouping.PRODUCT_TYPE: col(BookingSoldLine.product_type_id),
}


@dataclass(frozen=True)
class _Group:
    key: int | None
    label: str
    product_type: str
    supplier: str
    bookings: int
    units: int
    persons: int
    cost: Decimal
    sale: Decimal

    @property
    def margin(self) -> Decimal:
        return self.sale - self.cost


# --- The SQL ----------------------------------------------------------------------------------


def _sold_lines(statement: Any, actor: Actor, request: ReportRequest, period: Period) -> Any:
    """`statement` over `BookingSoldLine` kept to the services of the sold dossiers of `period`
    within the report's filters (its product type and supplier keep those services only)."""
    # The services' own filters apply to the services themselves, not as « the dossier has
    # such a service » (a subquery over the same table).
    dossiers = replace(
        request, filters=replace(request.filters, product_type_id=None, supplier_id=None)
    )
    return (
        statement.join(Booking, col(Booking.id) == BookingSoldLine.booking_id)
        .join(Client, col(Client.id) == Booking.client_id)
        .where(
            *selected_clauses(actor, dossiers, period, SOLD_STATUSES),
            *request.filters.sold_line_clauses(),
        )
    )


def _figures() -> tuple[Any, ...]:
    return (
        func.count(func.distinct(BookingSoldLine.booking_id)),
        func.coalesce(func.sum(BookingSoldLine.units), 0),
        func.coalesce(func.sum(BookingSoldLine.persons), 0),
        func.coalesce(func.sum(BookingSoldLine.cost), 0),
        func.coalesce(func.sum(BookingSoldLine.sale), 0),
    )


def _groups(
    session: Session, actor: Actor, request: ReportRequest, grouping: SoldGrouping
) -> list[_Group]:
    """The period's figures per product (with its type and supplier), supplier or type."""
    key = _KEY_COLUMNS[grouping]
    if grouping is SoldGrouping.PRODUCT:
        product_type = aliased(ProductType, name="product_type")
        supplier = aliased(Supplier, name="supplier")
        labels: list[Any] = [col(Product.name), product_type.label, supplier.name]
        statement = (
            sa.select(key, *labels, *_figures())
            .select_from(BookingSoldLine)
            .outerjoin(Product, col(Product.id) == key)
            .outerjoin(product_type, col(product_type.id) == Product.product_type_id)
            .outerjoin(supplier, col(supplier.id) == Product.supplier_id)
        )
    elif grouping is SoldGrouping.SUPPLIER:
        labels = [col(Supplier.name)]
        statement = (
            sa.select(key, *labels, *_figures())
            .select_from(BookingSoldLine)
            .outerjoin(Supplier, col(Supplier.id) == key)
        )
    else:
        labels = [col(ProductType.label)]
        statement = (
            sa.select(key, *labels, *_figures())
            .select_from(BookingSoldLine)
            .outerjoin(ProductType, col(ProductType.id) == key)
        )
    statement = _sold_lines(statement, actor, request, request.period).group_by(key, *labels)
    found = []
    for row in session.execute(statement):
        values = tuple(row)
        names = values[1 : 1 + len(labels)]
        bookings, units, persons, cost, sale = values[1 + len(labels) :]
        product_type_name, supplier_name = (
            (names[1] or "", names[2] or "") if grouping is SoldGrouping.PRODUCT else ("", "")
        )
        found.append(
            _Group(
                values[0],
                names[0] if values[0] is not None else _no_key(grouping),
                product_type_name,
                supplier_name,
                int(bookings),
                int(units),
                int(persons),
                cents(cost),
                cents(sale),
            )
        )
    return found


def _no_key(grouping: SoldGrouping) -> str:
    if grouping is SoldGrouping.PRODUCT:
        return NO_PRODUCT
    return NO_SUPPLIER if grouping is SoldGrouping.SUPPLIER else NO_TYPE


@dataclass(frozen=True)
class _Before:
    """The comparison period's cost and sale per product, supplier and type."""

    rows: tuple[tuple[int | None, int | None, int | None, Decimal, Decimal], ...]
    """(product id, supplier id, product type id, cost, sale)."""
    labels: dict[SoldGrouping, dict[int, str]]

    def per(self, grouping: SoldGrouping) -> dict[int | None, tuple[Decimal, Decimal]]:
        index = tuple(SoldGrouping).index(grouping)
        found: dict[int | None, tuple[Decimal, Decimal]] = {}
        for *keys, row_cost, row_sale in self.rows:
            key = keys[index]
            cost, sale = found.get(key, (ZERO, ZERO))
            found[key] = (cost + row_cost, sale + row_sale)
        return found

    @property
    def sale(self) -> Decimal:
        return sum((row[-1] for row in self.rows), ZERO)


def _before(session: Session, actor: Actor, request: ReportRequest) -> _Before:
    keys = [_KEY_COLUMNS[grouping] for grouping in SoldGrouping]
    statement = _sold_lines(
        sa.select(
            *keys,
            col(Product.name),
            col(Supplier.name),
            col(ProductType.label),
            func.coalesce(func.sum(BookingSoldLine.cost), 0),
            func.coalesce(func.sum(BookingSoldLine.sale), 0),
        )
        .select_from(BookingSoldLine)
        .outerjoin(Product, col(Product.id) == BookingSoldLine.product_id)
        .outerjoin(Supplier, col(Supplier.id) == BookingSoldLine.supplier_id)
        .outerjoin(ProductType, col(ProductType.id) == BookingSoldLine.product_type_id),
        actor,
        request,
        request.compared,
    ).group_by(*keys, col(Product.name), col(Supplier.name), col(ProductType.label))
    rows = []
    labels: dict[SoldGrouping, dict[int, str]] = {grouping: {} for grouping in SoldGrouping}
    for product_id, supplier_id, type_id, product, supplier, kind, cost, sale in session.execute(
        statement
    ):
        rows.append((product_id, supplier_id, type_id, cents(cost), cents(sale)))
        for grouping, key, label in (
            (SoldGrouping.PRODUCT, product_id, product),
            (SoldGrouping.SUPPLIER, supplier_id, supplier),
            (SoldGrouping.PRODUCT_TYPE, type_id, kind),
        ):
            if key is not None and label:
                labels[grouping][key] = label
    return _Before(tuple(rows), labels)


def _totals(session: Session, actor: Actor, request: ReportRequest) -> _Group:
    bookings, units, persons, cost, sale = session.execute(
        _sold_lines(
            sa.select(*_figures()).select_from(BookingSoldLine), actor, request, request.period
        )
    ).one()
    return _Group(
        None, "Total", "", "", int(bookings), int(units), int(persons), cents(cost), cents(sale)
    )


def _prices(session: Session, actor: Actor, request: ReportRequest) -> tuple[Decimal, ...]:
    """The sold dossiers' price and cost, and the sale and cost of all their services."""
    selected = (
        sa.select(col(Booking.id))
        .join(Client, col(Client.id) == Booking.client_id)
        .where(*selected_clauses(actor, request, request.period, SOLD_STATUSES))
    )
    services = (
        sa.select(
            col(BookingSoldLine.booking_id).label("booking_id"),
            func.sum(BookingSoldLine.cost).label("cost"),
            func.sum(BookingSoldLine.sale).label("sale"),
        )
        .where(col(BookingSoldLine.booking_id).in_(selected))
        .group_by(col(BookingSoldLine.booking_id))
        .subquery("services")
    )
    row = session.execute(
        sa.select(
            func.coalesce(func.sum(Booking.total_price), 0),
            func.coalesce(func.sum(Booking.total_cost), 0),
            func.coalesce(func.sum(services.c.sale), 0),
            func.coalesce(func.sum(services.c.cost), 0),
        )
        .select_from(Booking)
        .outerjoin(services, services.c.booking_id == Booking.id)
        .where(col(Booking.id).in_(selected))
    ).one()
    return tuple(cents(value) for value in row)


# --- The tables -------------------------------------------------------------------------------

FIGURE_COLUMNS = (
    ReportColumn("units", "Quantités", "int", Measure.SOLD_UNITS, phone=False),
    ReportColumn("persons", "Participants", "int", Measure.SOLD_PERSONS, phone=False),
    ReportColumn("bookings", "Dossiers", "int", Measure.SOLD_BOOKINGS),
    ReportColumn("cost", "Achats TTC", "money", Measure.SOLD_COST, phone=False),
    ReportColumn("sale", "Ventes TTC", "money", Measure.SOLD_SALE),
    ReportColumn("margin", "Marge", "money", Measure.SOLD_MARGIN),
    ReportColumn("margin_rate", "Marge %", "percent", Measure.SOLD_MARGIN_RATE, phone=False),
    ReportColumn("previous_sale", "Ventes TTC N-1", "money", Measure.SOLD_SALE, phone=False),
    ReportColumn("change", "Évolution", "percent"),
)
SUPPLIER_COLUMNS = (
    ReportColumn("label", "Fournisseur"),
    ReportColumn("bookings", "Dossiers", "int", Measure.SOLD_BOOKINGS),
    ReportColumn("units", "Quantités", "int", Measure.SOLD_UNITS, phone=False),
    ReportColumn("persons", "Participants", "int", Measure.SOLD_PERSONS, phone=False),
    ReportColumn("cost", "Achats TTC", "money", Measure.SOLD_COST),
    ReportColumn("previous_cost", "Achats TTC N-1", "money", Measure.SOLD_COST, phone=False),
    ReportColumn("change", "Évolution", "percent"),
)
TOP_COLUMNS = (
    ReportColumn("label", "Prestation"),
    ReportColumn("sale", "Ventes TTC", "money", Measure.SOLD_SALE),
    ReportColumn("margin", "Marge", "money", Measure.SOLD_MARGIN),
)
SUMMARY_COLUMNS = (
    ReportColumn("label", "Du prix des dossiers"),
    ReportColumn("cost", "Coût TTC", "money", Measure.BOOKING_COST),
    ReportColumn("sale", "Vente TTC", "money", Measure.BOOKING_SALE),
    ReportColumn("margin", "Marge", "money", Measure.BOOKING_MARGIN),
)


def _columns(grouping: SoldGrouping) -> tuple[ReportColumn, ...]:
    label = ReportColumn("label", _LABEL_HEADERS[grouping])
    if grouping is SoldGrouping.PRODUCT:
        return (
            label,
            ReportColumn("product_type", "Type", phone=False),
            ReportColumn("supplier", "Fournisseur", phone=False),
            *FIGURE_COLUMNS,
        )
    return (label, *FIGURE_COLUMNS)


def _figure_cells(group: _Group, previous_sale: Decimal) -> tuple:
    return (
        group.units,
        group.persons,
        group.bookings,
        group.cost,
        group.sale,
        group.margin,
        rate(group.margin, group.sale),
        previous_sale,
        change_rate(group.sale, previous_sale),
    )


def _with_before(
    groups: Iterable[_Group], grouping: SoldGrouping, before: _Before
) -> list[tuple[_Group, Decimal, Decimal]]:
    """Each group with the comparison period's cost and sale, and the groups sold then only;
    the largest sale first."""
    previous = before.per(grouping)
    found = [(group, *previous.get(group.key, (ZERO, ZERO))) for group in groups]
    seen = {group.key for group in groups}
    for key, (cost, sale) in previous.items():
        if key not in seen:
            label = before.labels[grouping].get(key, "") if key is not None else _no_key(grouping)
            found.append((_Group(key, label, "", "", 0, 0, 0, ZERO, ZERO), cost, sale))
    found.sort(key=lambda item: (-item[0].sale, -item[2], item[0].label.casefold()))
    return found


def _key_text(key: int | None) -> str:
    return "" if key is None else str(key)


def _main_table(
    grouping: SoldGrouping,
    groups: list[tuple[_Group, Decimal, Decimal]],
    total: _Group,
    before: _Before,
    drill: Drill,
) -> ReportTable:
    def cells(group: _Group, previous_sale: Decimal) -> tuple:
        names = (
            (group.label, group.product_type, group.supplier)
            if grouping is SoldGrouping.PRODUCT
            else (group.label,)
        )
        return (*names, *_figure_cells(group, previous_sale))

    lines = tuple(
        ReportLine(_key_text(group.key), cells(group, previous_sale), drill)
        for group, _, previous_sale in groups
    )
    blanks = ("", "") if grouping is SoldGrouping.PRODUCT else ()
    total_cells = ("Total", *blanks, *_figure_cells(total, before.sale))
    return ReportTable(
        "products",
        _TITLES[grouping],
        _columns(grouping),
        lines,
        ReportLine("total", total_cells, drill),
        note=(
            "Les prestations des dossiers vendus de la période, la plus vendue d'abord ; le "
            "total compte chaque dossier une fois. Une ligne mène aux dossiers de la période "
            "(la liste ne filtre pas par prestation)."
        ),
    )


def _grouped_table(
    key: str,
    grouping: SoldGrouping,
    groups: list[tuple[_Group, Decimal, Decimal]],
    total: _Group,
    before: _Before,
    drill: Drill,
) -> ReportTable:
    lines = tuple(
        ReportLine(_key_text(group.key), (group.label, *_figure_cells(group, previous_sale)), drill)
        for group, _, previous_sale in groups
    )
    return ReportTable(
        key,
        _TITLES[grouping],
        _columns(grouping),
        lines,
        ReportLine("total", ("Total", *_figure_cells(total, before.sale)), drill),
        note="Les ventes et la marge des dossiers vendus par type de prestation.",
    )


def _suppliers_table(
    groups: list[tuple[_Group, Decimal, Decimal]], total: _Group, before: _Before, drill: Drill
) -> ReportTable:
    ordered = sorted(groups, key=lambda item: (-item[0].cost, -item[1], item[0].label.casefold()))

    def cells(group: _Group, previous_cost: Decimal) -> tuple:
        return (
            group.label,
            group.bookings,
            group.units,
            group.persons,
            group.cost,
            previous_cost,
            change_rate(group.cost, previous_cost),
        )

    previous_total = sum((cost for _, cost, _ in groups), ZERO)
    return ReportTable(
        "suppliers",
        "Achats par fournisseur",
        SUPPLIER_COLUMNS,
        tuple(
            ReportLine(_key_text(group.key), cells(group, previous_cost), drill)
            for group, previous_cost, _ in ordered
        ),
        ReportLine("total", cells(total, previous_total), drill),
        note=(
            "Ce que coûtent les prestations des dossiers vendus, par fournisseur, le plus gros "
            "d'abord ; les prestations de l'agence n'en ont pas."
        ),
    )


def _top_table(groups: list[tuple[_Group, Decimal, Decimal]], drill: Drill) -> ReportTable:
    best = [group for group, _, _ in groups if group.key is not None and group.sale > 0][:TOP]
    return ReportTable(
        "top_products",
        f"Les {TOP} prestations les plus vendues",
        TOP_COLUMNS,
        tuple(
            ReportLine(str(group.key), (group.label, group.sale, group.margin), drill)
            for group in best
        ),
        chart=Chart(
            "bar", "label", (ChartSeries("sale", "Ventes TTC"), ChartSeries("margin", "Marge"))
        ),
        note="Les prestations du catalogue au plus gros chiffre de ventes TTC de la période.",
    )


def _summary_table(prices: tuple[Decimal, ...], drill: Drill) -> ReportTable:
    price, booking_cost, services_sale, services_cost = prices
    fees = price - services_sale
    return ReportTable(
        "summary",
        "Des prestations au prix des dossiers",
        SUMMARY_COLUMNS,
        (
            ReportLine(
                "services",
                (
                    "Prestations vendues (toutes)",
                    services_cost,
                    services_sale,
                    services_sale - services_cost,
                ),
                drill,
            ),
            ReportLine("fees", (Measure.FEES_AND_ROUNDING.label, ZERO, fees, fees), drill),
        ),
        ReportLine(
            "total", ("Prix des dossiers vendus", booking_cost, price, price - booking_cost), drill
        ),
        note=(
            "Le prix des dossiers vendus de la période est la somme des ventes de toutes leurs "
            "prestations (les filtres par type de prestation et fournisseur mis à part) et de "
            "leurs frais de dossier et arrondis ; leur coût est celui de leurs prestations."
        ),
    )


def products_report(session: Session, actor: Actor, request: ReportRequest) -> Report:
    """« Détail des prestations vendues »: tables « products » (per `request.grouping`, a
    `SoldGrouping` value, per product when empty), « top_products » (the ten best sellers,
    with the chart), « suppliers » (purchases per supplier), « product_types » and
    « summary » (the services' sales, the fees and rounding, the dossiers' price)."""
    actor.require(Module.STATISTICS)
    grouping = SoldGrouping(request.grouping) if request.grouping else SoldGrouping.PRODUCT
    before = _before(session, actor, request)
    total = _totals(session, actor, request)
    drill = bookings_drill(request, request.period, exact=False)
    per = {
        shown: _with_before(_groups(session, actor, request, shown), shown, before)
        for shown in SoldGrouping
    }
    return Report(
        ReportName.PRODUCTS,
        request,
        (
            _main_table(grouping, per[grouping], total, before, drill),
            _top_table(per[SoldGrouping.PRODUCT], drill),
            _suppliers_table(per[SoldGrouping.SUPPLIER], total, before, drill),
            _grouped_table(
                "product_types",
                SoldGrouping.PRODUCT_TYPE,
                per[SoldGrouping.PRODUCT_TYPE],
                total,
                before,
                drill,
            ),
            _summary_table(_prices(session, actor, request), drill),
        ),
    )
