"""What every statistics report shares: the request (period, comparison period, the date the
period reads, the filters), the result's shape (tables of typed lines with a chart and a
drill-down per line), and the lists a line drills into.

A report is a service function `(session, actor, request) -> Report`. The page, the Excel
export, the JSON of the command line and the charts all read a `Report`: no report formats its
own cells or writes its own export.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import col

from agence.models import Booking, BookingSoldLine, Client, ClientCategoryLink
from agence.services.common.vocabulary import Labelled
from agence.services.statistics.measures import Measure


class ReportName(Labelled):
    DASHBOARD = "dashboard", "Tableau de bord"
    REVENUE = "revenue", "Chiffre d'affaires"
    BOOKINGS = "bookings", "Détail des réservations"
    PRODUCTS = "products", "Détail des prestations vendues"
    CLIENTS = "clients", "Détail des ventes par client"
    PROSPECTING = "prospecting", "Détail des démarchages"


class PeriodBasis(Labelled):
    """Which date of a dossier or an invoice places it in the period."""

    INVOICE = "facture", "Date de facture"
    DEPARTURE = "depart", "Date de départ"
    BOOKING = "reservation", "Date de réservation"
    """The day the dossier was opened."""


class DrillList(StrEnum):
    """The existing lists a figure or a report line leads to; the pages know their routes."""

    INVOICES = "factures"
    UNPAID = "impayes"
    BOOKINGS = "dossiers"
    PAYMENTS = "reglements"
    CLIENTS = "clients"
    FOLLOW_UPS = "relances"
    VISIT_REPORTS = "comptes_rendus"
    BOARD = "suivi"
    GUIDES = "guides"
    PRODUCTS = "prestations"
    TO_VISIT = "clients_a_voir"
    """The signed-in rep's clients not visited for the set months (the list has no filter)."""
    BOOKING = "dossier"
    """One dossier's own page: its filter is ("id", the dossier's id)."""
    CLIENT = "client"
    """One client's file: its filter is ("id", the client's id)."""


@dataclass(frozen=True)
class Drill:
    """The list behind a figure or a line, with the filters (keys of the list's `ListSpec`)
    that select its rows; `exact` False when the list's filters select more than the figure
    counts (the page says so)."""

    list: DrillList
    filters: tuple[tuple[str, str], ...] = ()
    exact: bool = True


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included."""

    start: date
    end: date

    def year_before(self) -> Period:
        return Period(_year_before(self.start), _year_before(self.end))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _year_before(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class ReportFilters:
    """What a report keeps: each None keeps everything."""

    site_id: int | None = None
    rep_id: int | None = None
    """The dossier's sales rep."""
    client_type: str | None = None
    client_category_id: int | None = None
    booking_type_id: int | None = None
    product_type_id: int | None = None
    """Dossiers with at least one service of this type (the products report: those services)."""
    supplier_id: int | None = None
    """Dossiers with at least one service of this supplier (the products report: those)."""

    def booking_clauses(self) -> list[Any]:
        """SQL conditions over `Booking` and `Client` (joined on the dossier's client)."""
        clauses: list[Any] = []
        if self.site_id is not None:
            clauses.append(col(Booking.site_id) == self.site_id)
        if self.rep_id is not None:
            clauses.append(col(Booking.sales_rep_id) == self.rep_id)
        if self.client_type is not None:
            clauses.append(col(Client.client_type) == self.client_type)
        if self.client_category_id is not None:
            clauses.append(
                sa.exists().where(
                    col(ClientCategoryLink.client_id) == col(Client.id),
                    col(ClientCategoryLink.category_id) == self.client_category_id,
                )
            )
        if self.booking_type_id is not None:
            clauses.append(col(Booking.booking_type_id) == self.booking_type_id)
        line_clauses = self.sold_line_clauses()
        if line_clauses:
            clauses.append(
                sa.exists().where(col(BookingSoldLine.booking_id) == col(Booking.id), *line_clauses)
            )
        return clauses

    def sold_line_clauses(self) -> list[Any]:
        """SQL conditions over `BookingSoldLine` (product type and supplier)."""
        clauses: list[Any] = []
        if self.product_type_id is not None:
            clauses.append(col(BookingSoldLine.product_type_id) == self.product_type_id)
        if self.supplier_id is not None:
            clauses.append(col(BookingSoldLine.supplier_id) == self.supplier_id)
        return clauses

    def booking_drill_filters(self) -> tuple[tuple[str, str], ...]:
        """The same selection as filters of the dossiers' list, where it has them."""
        pairs = (
            ("site", self.site_id),
            ("sales_rep", self.rep_id),
            ("booking_type", self.booking_type_id),
        )
        return tuple((key, str(value)) for key, value in pairs if value is not None)

    @property
    def narrows_beyond_bookings_list(self) -> bool:
        """Filters the dossiers' list cannot express: a drill-down then shows more."""
        return any(
            value is not None
            for value in (
                self.client_type,
                self.client_category_id,
                self.product_type_id,
                self.supplier_id,
            )
        )


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    comparison: Period | None = None
    """None: the same period one year earlier."""
    basis: PeriodBasis = PeriodBasis.INVOICE
    filters: ReportFilters = field(default_factory=ReportFilters)
    grouping: str = ""
    """The report's own grouping key ("" = its default)."""

    @property
    def compared(self) -> Period:
        return self.comparison or self.period.year_before()

    def with_period(self, period: Period) -> ReportRequest:
        return replace(self, period=period, comparison=None)


CellKind = Literal["text", "int", "money", "percent", "date"]


@dataclass(frozen=True)
class ReportColumn:
    key: str
    label: str
    kind: CellKind = "text"
    measure: Measure | None = None
    """The measure the column shows: its definition is the column's help."""
    phone: bool = True
    """Shown on a phone-width screen."""

    @property
    def help(self) -> str:
        return self.measure.definition if self.measure is not None else ""


Cell = str | int | Decimal | date | None


@dataclass(frozen=True)
class ReportLine:
    key: str
    cells: tuple[Cell, ...]
    """One value per column of its table, in the table's order."""
    drill: Drill | None = None
    flags: tuple[str, ...] = ()
    """Control marks of the line (e.g. « confirmé non facturé »), shown and filterable."""


@dataclass(frozen=True)
class ChartSeries:
    column: str
    """The column key of the plotted values."""
    label: str


@dataclass(frozen=True)
class Chart:
    kind: Literal["bar", "line"]
    category: str
    """The column key of the x axis labels."""
    series: tuple[ChartSeries, ...]


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str
    columns: tuple[ReportColumn, ...]
    lines: tuple[ReportLine, ...]
    total: ReportLine | None = None
    chart: Chart | None = None
    note: str = ""
    """How to read the table (what it counts, what a drill-down shows)."""

    def column_index(self, key: str) -> int:
        for index, column in enumerate(self.columns):
            if column.key == key:
                return index
        raise KeyError(key)

    def value(self, line: ReportLine, key: str) -> Cell:
        return line.cells[self.column_index(key)]

    def line(self, key: str) -> ReportLine:
        for line in self.lines:
            if line.key == key:
                return line
        raise KeyError(key)


@dataclass(frozen=True)
class Report:
    name: ReportName
    request: ReportRequest
    tables: tuple[ReportTable, ...]

    def table(self, key: str) -> ReportTable:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


def rate(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """`part` over `whole` in percent to the tenth, None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
