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

One pass over the services of both periods' dossiers, grouped per (product, supplier, product
type) — a few thousand rows — rolled up per table here; the dossiers per product, supplier and
type are sums of the services' `first_of_*` marks (a dossier's first service of that product,
supplier, type), so no grouping counts distinct dossiers (at a network's size: 330 000
services a year, one pass instead of six). With a product type or supplier filter, the
dossiers are counted one by one (a dossier's first service of a product may be one the filter
leaves out). Then the names, and the dossiers' prices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from agence.models import (
    Booking,
    BookingSoldLine,
    Client,
    Invoice,
    Product,
    ProductType,
    Supplier,
)
from agence.services.billing.outstanding import cents
from agence.services.billing.vocabulary import InvoiceStatus
from agence.services.common.permissions import Actor, Module
from agence.services.statistics.bookings_detail import (
    SOLD_STATUSES,
    bookings_drill,
    period_clauses,
    selected_clauses,
    unperiod_clauses,
)
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import (
    Chart,
    ChartSeries,
    Drill,
    PeriodBasis,
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


def _selected(actor: Actor, request: ReportRequest) -> Any:
    """The sold dossiers of either period within the report's filters but the services' own
    (product type, supplier: they keep services, not dossiers), flagged `current` and
    `previous` (0/1: a dossier invoiced in both years is in both)."""
    dossiers = replace(
        request, filters=replace(request.filters, product_type_id=None, supplier_id=None)
    )
    current: Any
    previous: Any
    statement: Any
    if request.basis is PeriodBasis.INVOICE:
        # From the invoices of both periods (one range of their date index) joined to their
        # dossiers, so that the dossiers' filters (a rep's clients) apply before grouping.
        issued_on = col(Invoice.issued_on)
        current = issued_on.between(request.period.start, request.period.end)
        previous = issued_on.between(request.compared.start, request.compared.end)
        statement = (
            sa.select(
                col(Booking.id).label("id"),
                func.max(case((current, 1), else_=0)).label("current"),
                func.max(case((previous, 1), else_=0)).label("previous"),
            )
            .select_from(Invoice)
            .join(Booking, col(Booking.id) == Invoice.booking_id)
            .where(
                col(Invoice.status) == InvoiceStatus.ISSUED.value,
                issued_on >= min(request.period.start, request.compared.start),
                issued_on <= max(request.period.end, request.compared.end),
                sa.or_(current, previous),
            )
            .group_by(col(Booking.id))
        )
    else:
        current = sa.and_(*period_clauses(request.period, request.basis))
        previous = sa.and_(*period_clauses(request.compared, request.basis))
        statement = sa.select(
            col(Booking.id).label("id"),
            case((current, 1), else_=0).label("current"),
            case((previous, 1), else_=0).label("previous"),
        ).where(sa.or_(current, previous))
    return (
        statement.join(Client, col(Client.id) == Booking.client_id)
        .where(*unperiod_clauses(actor, dossiers, SOLD_STATUSES))
        # A fence (OFFSET 0): each dossier's periods are computed once, not again in every
        # sum, and PostgreSQL hashes these dossiers, not the services.
        .offset(0)
        .subquery("selected")
    )


_KEYS = ("product_id", "supplier_id", "product_type_id")
_CURRENT = (
    "units",
    "persons",
    "cost",
    "sale",
    "first_of_booking",
    "first_of_product",
    "first_of_supplier",
    "first_of_product_type",
)
_PREVIOUS = ("cost", "sale")


@dataclass(frozen=True)
class _Tally:
    """The services of one (product, supplier, product type): the period's figures, its
    dossiers counted per grouping (the `first_of_*` marks summed), the comparison period's
    cost and sale."""

    key: tuple[int | None, int | None, int | None]
    units: int
    persons: int
    cost: Decimal
    sale: Decimal
    bookings: int
    per_product: int
    per_supplier: int
    per_product_type: int
    previous_cost: Decimal
    previous_sale: Decimal
    lines: int
    """How many of the period's services (a service may sell nothing: it still shows)."""

    def dossiers(self, grouping: SoldGrouping) -> int:
        if grouping is SoldGrouping.PRODUCT:
            return self.per_product
        return self.per_supplier if grouping is SoldGrouping.SUPPLIER else self.per_product_type


def _tallies(session: Session, actor: Actor, request: ReportRequest) -> list[_Tally]:
    """One pass over the services of the sold dossiers of both periods, per (product,
    supplier, product type) — a few thousand rows whatever the number of services."""
    selected = _selected(actor, request)
    line = BookingSoldLine

    def tally(flag: str, name: str) -> Any:
        return func.coalesce(
            func.sum(case((selected.c[flag] == 1, getattr(line, name)), else_=0)), 0
        )

    keys = [getattr(line, name) for name in _KEYS]
    statement = (
        sa.select(
            *keys,
            *(tally("current", name) for name in _CURRENT),
            *(tally("previous", name) for name in _PREVIOUS),
            func.coalesce(func.sum(case((selected.c.current == 1, 1), else_=0)), 0),
        )
        .select_from(line)
        .join(selected, selected.c.id == line.booking_id)
        .where(*request.filters.sold_line_clauses())
        .group_by(*keys)
    )
    found = []
    for row in session.execute(statement):
        product_id, supplier_id, type_id, units, persons, cost, sale, *counts = row
        bookings, per_product, per_supplier, per_type, *before = counts
        previous_cost, previous_sale, current_lines = before
        found.append(
            _Tally(
                (product_id, supplier_id, type_id),
                int(units),
                int(persons),
                cents(cost),
                cents(sale),
                int(bookings),
                int(per_product),
                int(per_supplier),
                int(per_type),
                cents(previous_cost),
                cents(previous_sale),
                int(current_lines),
            )
        )
    return found


def _distinct_dossiers(
    session: Session, actor: Actor, request: ReportRequest
) -> dict[SoldGrouping | None, dict[int | None, int]]:
    """With a product type or supplier filter, the dossiers per grouping (None: all) counted
    one by one: a dossier's first service of a product may be one the filter leaves out."""
    selected = _selected(actor, request)
    line = BookingSoldLine
    found: dict[SoldGrouping | None, dict[int | None, int]] = {}
    for grouping in (*SoldGrouping, None):
        key = _KEY_COLUMNS[grouping] if grouping is not None else sa.literal(None)
        statement = (
            sa.select(key, func.count(func.distinct(line.booking_id)))
            .select_from(line)
            .join(selected, selected.c.id == line.booking_id)
            .where(selected.c.current == 1, *request.filters.sold_line_clauses())
        )
        if grouping is not None:
            statement = statement.group_by(key)
        found[grouping] = {value: int(number) for value, number in session.execute(statement)}
    return found


def _labels(
    session: Session, tallies: list[_Tally]
) -> tuple[dict[int, tuple[str, str, str]], dict[int, str], dict[int, str]]:
    """The names: per product (its name, its type's, its supplier's), per supplier, per type."""
    product_ids = {t.key[0] for t in tallies if t.key[0] is not None}
    supplier_ids = {t.key[1] for t in tallies if t.key[1] is not None}
    type_ids = {t.key[2] for t in tallies if t.key[2] is not None}
    product_type = aliased(ProductType, name="product_type")
    supplier = aliased(Supplier, name="supplier")
    products = {
        product_id: (name, kind or "", maker or "")
        for product_id, name, kind, maker in session.execute(
            sa.select(
                col(Product.id), col(Product.name), col(product_type.label), col(supplier.name)
            )
            .outerjoin(product_type, col(product_type.id) == Product.product_type_id)
            .outerjoin(supplier, col(supplier.id) == Product.supplier_id)
            .where(col(Product.id).in_(sorted(product_ids)))
        )
    }
    suppliers = dict(
        session.execute(
            sa.select(col(Supplier.id), col(Supplier.name)).where(
                col(Supplier.id).in_(sorted(supplier_ids))
            )
        ).all()
    )
    types = dict(
        session.execute(
            sa.select(col(ProductType.id), col(ProductType.label)).where(
                col(ProductType.id).in_(sorted(type_ids))
            )
        ).all()
    )
    return products, suppliers, types


@dataclass(frozen=True)
class _Sold:
    """What the pass found, rolled up per grouping."""

    per: dict[SoldGrouping, list[_Group]]
    """The period's figures per product, supplier and type (those sold in it)."""
    before: _Before
    total: _Group


def _sold(session: Session, actor: Actor, request: ReportRequest) -> _Sold:
    tallies = _tallies(session, actor, request)
    products, suppliers, types = _labels(session, tallies)
    counted = (
        _distinct_dossiers(session, actor, request) if request.filters.sold_line_clauses() else None
    )
    per: dict[SoldGrouping, list[_Group]] = {}
    for grouping in SoldGrouping:
        index = tuple(SoldGrouping).index(grouping)
        sums: dict[int | None, list] = {}
        for t in tallies:
            if not t.lines:
                continue  # sold in the comparison period only
            figures = sums.setdefault(t.key[index], [0, 0, 0, ZERO, ZERO])
            figures[0] += t.dossiers(grouping)
            figures[1] += t.units
            figures[2] += t.persons
            figures[3] += t.cost
            figures[4] += t.sale
        groups = []
        for key, (bookings, units, persons, cost, sale) in sums.items():
            if counted is not None:
                bookings = counted[grouping].get(key, 0)
            label, product_type, supplier = _label(grouping, key, products, suppliers, types)
            groups.append(
                _Group(key, label, product_type, supplier, bookings, units, persons, cost, sale)
            )
        per[grouping] = groups
    before = _Before(
        tuple(
            (*t.key, t.previous_cost, t.previous_sale)
            for t in tallies
            if t.previous_cost or t.previous_sale
        ),
        {
            SoldGrouping.PRODUCT: {key: names[0] for key, names in products.items()},
            SoldGrouping.SUPPLIER: suppliers,
            SoldGrouping.PRODUCT_TYPE: types,
        },
    )
    bookings = (
        counted[None].get(None, 0) if counted is not None else sum(t.bookings for t in tallies)
    )
    total = _Group(
        None,
        "Total",
        "",
        "",
        bookings,
        sum(t.units for t in tallies),
        sum(t.persons for t in tallies),
        sum((t.cost for t in tallies), ZERO),
        sum((t.sale for t in tallies), ZERO),
    )
    return _Sold(per, before, total)


def _label(
    grouping: SoldGrouping,
    key: int | None,
    products: dict[int, tuple[str, str, str]],
    suppliers: dict[int, str],
    types: dict[int, str],
) -> tuple[str, str, str]:
    """(label, product type, supplier) of a group; the last two for products only."""
    if key is None:
        return _no_key(grouping), "", ""
    if grouping is SoldGrouping.PRODUCT:
        return products.get(key, ("", "", ""))
    names = suppliers if grouping is SoldGrouping.SUPPLIER else types
    return names.get(key, ""), "", ""


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


def _prices(
    session: Session, actor: Actor, request: ReportRequest, total: _Group
) -> tuple[Decimal, ...]:
    """The sold dossiers' price and cost, and the sale and cost of all their services (the
    pass's totals unless a product type or supplier filter left some of them out)."""
    selected = (
        sa.select(col(Booking.id))
        .join(Client, col(Client.id) == Booking.client_id)
        .where(*selected_clauses(actor, request, request.period, SOLD_STATUSES))
    )
    price, cost = session.execute(
        sa.select(
            func.coalesce(func.sum(Booking.total_price), 0),
            func.coalesce(func.sum(Booking.total_cost), 0),
        ).where(col(Booking.id).in_(selected))
    ).one()
    if not request.filters.sold_line_clauses():
        return cents(price), cents(cost), total.sale, total.cost
    services_sale, services_cost = session.execute(
        sa.select(
            func.coalesce(func.sum(BookingSoldLine.sale), 0),
            func.coalesce(func.sum(BookingSoldLine.cost), 0),
        ).where(col(BookingSoldLine.booking_id).in_(selected))
    ).one()
    return cents(price), cents(cost), cents(services_sale), cents(services_cost)


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
    sold = _sold(session, actor, request)
    before, total = sold.before, sold.total
    drill = bookings_drill(request, request.period, exact=False)
    per = {shown: _with_before(sold.per[shown], shown, before) for shown in SoldGrouping}
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
            _summary_table(_prices(session, actor, request, total), drill),
        ),
    )
