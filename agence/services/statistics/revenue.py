"""Invoiced revenue over a period, beside a comparison period (by default the same period one
year earlier), grouped by month, agency site, sales rep, client type or dossier type: excluding
and including VAT, gross margin, margin rate and VAT on the margin (see `measures`).

What each issued invoice contributes is kept on it when it is issued (its revenue excluding
VAT and its gross margin: `billing.revenue_parts` says how they derive); here they are added
up by GROUP BY, with its total including VAT less the deposits it deducts and its VAT on the
margin. Credit notes are stored negative: they subtract on their own date.
Amounts stay exact in the database and are rounded to the cent once, per row; the totals are
the sums of the rows (by client category, where a client of several categories counts in each,
the total counts each invoice once).

The period reads a date (`PeriodBasis`): the invoice's issue date, or the date of its dossier
(departure, or the day the dossier was opened, in the agency's time zone): then every issued
invoice of the dossiers of the period counts, whatever its own date. `revenue_statistics` is
the « Chiffre d'affaires » report built on these figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Numeric, and_, case, extract, func, literal, or_, select, type_coerce
from sqlmodel import Session, col

from agence.models import (
    AgencySite,
    Booking,
    BookingType,
    Client,
    ClientCategory,
    ClientCategoryLink,
    Invoice,
    User,
)
from agence.services.billing.vocabulary import InvoiceStatus
from agence.services.common.formats import AGENCY_TIMEZONE
from agence.services.common.permissions import Actor, Module
from agence.services.parties.vocabulary import ClientType
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import (
    Chart,
    ChartSeries,
    Drill,
    DrillList,
    Period,
    PeriodBasis,
    Report,
    ReportColumn,
    ReportFilters,
    ReportLine,
    ReportName,
    ReportRequest,
    ReportTable,
    rate,
)

ZERO = Decimal(0)
CENT = Decimal("0.01")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NO_REP = "Sans commercial"
NO_CATEGORY = "Sans catégorie"


class Grouping(StrEnum):
    MONTH = "mois"
    SITE = "site"
    REP = "commercial"
    CLIENT_TYPE = "type_client"
    BOOKING_TYPE = "type_dossier"
    CLIENT_CATEGORY = "categorie_client"
    """A client of several categories counts in each; a client without one in « Sans
    catégorie »."""
    CLIENT = "client"
    """By the invoices' client, without a label: « Détail des ventes par client » names them
    (a plain read of the names costs less than joining them to the sums)."""

    @property
    def label(self) -> str:
        return _GROUPING_LABELS[self]


_GROUPING_LABELS = {
    Grouping.MONTH: "Mois",
    Grouping.SITE: "Site",
    Grouping.REP: "Commercial",
    Grouping.CLIENT_TYPE: "Type de client",
    Grouping.BOOKING_TYPE: "Type de dossier",
    Grouping.CLIENT_CATEGORY: "Catégorie de client",
    Grouping.CLIENT: "Client",
}


@dataclass(frozen=True)
class Figures:
    excl_vat: Decimal = ZERO
    incl_vat: Decimal = ZERO
    margin: Decimal = ZERO
    margin_vat: Decimal = ZERO

    @property
    def margin_rate(self) -> Decimal | None:
        """Gross margin over revenue excluding VAT, in percent to the hundredth."""
        if self.excl_vat == 0:
            return None
        return (self.margin * 100 / self.excl_vat).quantize(CENT, ROUND_HALF_UP)

    def rounded(self) -> Figures:
        return Figures(
            _cents(self.excl_vat),
            _cents(self.incl_vat),
            _cents(self.margin),
            _cents(self.margin_vat),
        )

    def _values(self) -> tuple[Decimal, ...]:
        return (self.excl_vat, self.incl_vat, self.margin, self.margin_vat)

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(a + b for a, b in zip(self._values(), other._values(), strict=True)))


@dataclass(frozen=True)
class RevenueRow:
    key: str
    label: str
    excl_vat: Decimal
    incl_vat: Decimal
    margin: Decimal
    margin_rate: Decimal | None
    margin_vat: Decimal
    previous_excl_vat: Decimal
    previous_incl_vat: Decimal
    previous_margin: Decimal
    previous_margin_rate: Decimal | None
    previous_margin_vat: Decimal

    @classmethod
    def of(cls, key: str, label: str, current: Figures, previous: Figures) -> RevenueRow:
        return cls(
            key,
            label,
            current.excl_vat,
            current.incl_vat,
            current.margin,
            current.margin_rate,
            current.margin_vat,
            previous.excl_vat,
            previous.incl_vat,
            previous.margin,
            previous.margin_rate,
            previous.margin_vat,
        )

    @property
    def current(self) -> Figures:
        return Figures(self.excl_vat, self.incl_vat, self.margin, self.margin_vat)

    @property
    def previous(self) -> Figures:
        return Figures(
            self.previous_excl_vat,
            self.previous_incl_vat,
            self.previous_margin,
            self.previous_margin_vat,
        )


@dataclass(frozen=True)
class RevenueReport:
    grouping: Grouping
    period: Period
    comparison: Period
    rows: tuple[RevenueRow, ...] = field(default_factory=tuple)
    total: RevenueRow = field(default_factory=lambda: RevenueRow.of("", "", Figures(), Figures()))
    note: str = ""
    """How to read the rows (a client of several categories counts in each)."""


def _cents(value: Decimal | float | int | None) -> Decimal:
    if value is None:
        return ZERO
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact.quantize(CENT, ROUND_HALF_UP)


def _amount(expression: Any) -> Any:
    return type_coerce(expression, Numeric(asdecimal=True))


# --- The SQL -----------------------------------------------------------------------------------


def local_bounds(period: Period) -> tuple[datetime, datetime]:
    """The instants (UTC) the agency's days of `period` run between: from the first day's
    midnight included to the midnight after the last day excluded (Europe/Paris)."""
    return (
        datetime.combine(period.start, time.min, AGENCY_TIMEZONE).astimezone(UTC),
        datetime.combine(period.end + timedelta(days=1), time.min, AGENCY_TIMEZONE).astimezone(UTC),
    )


def in_local_days(column: Any, period: Period) -> list[Any]:
    """Conditions keeping the timestamps of `column` on the agency's days of `period`."""
    start, end = local_bounds(period)
    return [column >= start, column < end]


def basis_clauses(period: Period, basis: PeriodBasis) -> list[Any]:
    """The issued invoices the period counts (over `Invoice` and its `Booking`)."""
    clauses: list[Any] = [col(Invoice.status) == InvoiceStatus.ISSUED.value]
    if basis is PeriodBasis.INVOICE:
        return [
            *clauses,
            col(Invoice.issued_on) >= period.start,
            col(Invoice.issued_on) <= period.end,
        ]
    if basis is PeriodBasis.DEPARTURE:
        return [
            *clauses,
            col(Booking.starts_on) >= period.start,
            col(Booking.starts_on) <= period.end,
        ]
    return [*clauses, *in_local_days(col(Booking.created_at), period)]


def _month_index(period: Period, basis: PeriodBasis) -> Any:
    """The month (year × 12 + month − 1) of the date the period reads."""
    if basis is PeriodBasis.BOOKING:
        # The agency's month of a UTC timestamp, without the database's time zones: the
        # months of the period are known, so is the instant each one ends.
        created = col(Booking.created_at)
        return case(
            *(
                (created < local_bounds(_month_period(year, month))[1], year * 12 + month - 1)
                for year, month in _months(period)
            ),
            else_=literal(None),
        )
    day = col(Invoice.issued_on) if basis is PeriodBasis.INVOICE else col(Booking.starts_on)
    return extract("year", day) * 12 + extract("month", day) - 1


def _month_period(year: int, month: int) -> Period:
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(date(year, month, 1), after - timedelta(days=1))


def _group_columns(
    grouping: Grouping | None, period: Period, basis: PeriodBasis
) -> tuple[list[Any], list[Any]]:
    """(key columns, label columns) of a grouping; None: one row, the total."""
    if grouping is None:
        return [], []
    if grouping is Grouping.MONTH:
        return [_month_index(period, basis).label("month")], []
    if grouping is Grouping.SITE:
        return [col(AgencySite.id)], [col(AgencySite.name)]
    if grouping is Grouping.REP:
        return [col(Booking.sales_rep_id)], [col(User.first_name), col(User.last_name)]
    if grouping is Grouping.CLIENT_TYPE:
        return [col(Client.client_type)], []
    if grouping is Grouping.CLIENT_CATEGORY:
        return [col(ClientCategory.id)], [col(ClientCategory.name)]
    if grouping is Grouping.CLIENT:
        return [col(Invoice.client_id)], []  # no label: the caller names the clients
    return [col(BookingType.id)], [col(BookingType.label)]


def counted_invoices(
    statement: Any,
    actor: Actor,
    period: Period,
    filters: ReportFilters | None = None,
    basis: PeriodBasis = PeriodBasis.INVOICE,
) -> Any:
    """`statement` (over `Invoice` joined to its `Booking` and `Client`) kept to the invoices
    the revenue of `period` counts: issued, of the period by `basis`, within `filters` and the
    actor's clients when his profile says so."""
    return _counted(statement, actor, and_(*basis_clauses(period, basis)), filters)


def _counted(statement: Any, actor: Actor, when: Any, filters: ReportFilters | None) -> Any:
    statement = statement.where(when, *(filters or ReportFilters()).booking_clauses())
    if actor.own_clients_only:
        statement = statement.where(col(Client.sales_rep_id) == actor.user_id)
    return statement


def _reads_booking(
    grouping: Grouping | None, filters: ReportFilters | None, basis: PeriodBasis
) -> bool:
    kept = filters or ReportFilters()
    return (
        basis is not PeriodBasis.INVOICE
        or grouping in (Grouping.REP, Grouping.BOOKING_TYPE)
        or any(
            value is not None
            for value in (
                kept.site_id,
                kept.rep_id,
                kept.booking_type_id,
                kept.product_type_id,
                kept.supplier_id,
            )
        )
    )


def _reads_client(actor: Actor, grouping: Grouping | None, filters: ReportFilters | None) -> bool:
    kept = filters or ReportFilters()
    return (
        actor.own_clients_only
        or grouping in (Grouping.CLIENT_TYPE, Grouping.CLIENT_CATEGORY)
        or kept.client_type is not None
        or kept.client_category_id is not None
    )


def figures_by_group(
    session: Session,
    actor: Actor,
    period: Period,
    grouping: Grouping | None,
    filters: ReportFilters | None = None,
    basis: PeriodBasis = PeriodBasis.INVOICE,
) -> dict[tuple, tuple[str, Figures]]:
    """The exact (unrounded) figures of each group of `grouping`, with its label."""
    return figures_by_periods(session, actor, (period,), grouping, filters, basis)[0]


def figures_by_periods(
    session: Session,
    actor: Actor,
    periods: Sequence[Period],
    grouping: Grouping | None,
    filters: ReportFilters | None = None,
    basis: PeriodBasis = PeriodBasis.INVOICE,
) -> list[dict[tuple, tuple[str, Figures]]]:
    """`figures_by_group` of each period, in one pass over the invoices of all of them (a
    period and its comparison: one reading of the invoices, not two), grouped by period too
    — by month, by day, each day added to every period holding it; other groupings of
    overlapping periods (a custom comparison) are read period by period. A group is in a
    period's figures when one of its invoices counts in that period."""
    by_day = grouping is Grouping.MONTH and basis is not PeriodBasis.BOOKING
    if len(periods) > 1 and _overlapping(periods) and not by_day:
        return [
            figures_by_periods(session, actor, (period,), grouping, filters, basis)[0]
            for period in periods
        ]
    incl = Invoice.total_incl_vat - Invoice.deposits_deducted
    excl = col(Invoice.revenue_excl_vat)  # kept at its issue (billing.revenue_parts)
    margin = col(Invoice.gross_margin)
    amounts = (excl, incl, margin, col(Invoice.margin_vat))
    span = Period(min(p.start for p in periods), max(p.end for p in periods))
    keys, labels = _group_columns(grouping, span, basis)
    day = col(Invoice.issued_on) if basis is PeriodBasis.INVOICE else col(Booking.starts_on)
    if by_day:
        # Grouped by day, added up per month and period below: a date hashes faster than a
        # computed month (EXTRACT gives a numeric on PostgreSQL), and a day falls in every
        # period that holds it (overlapping periods are read once too).
        keys = [day]
    in_first_period = False
    if len(periods) == 1 or by_day:
        which: Any = literal(0)
        where = and_(*basis_clauses(span, basis))
        if len(periods) > 1:
            where = and_(where, or_(*(and_(*basis_clauses(p, basis)) for p in periods)))
        groups = [*keys]
    else:
        if len(periods) == 2:
            # A boolean (in the first period, else in the second: they do not overlap): the
            # planner counts two values where it guesses two hundred for a CASE, and hashes
            # the groups instead of sorting the invoices.
            which = and_(*basis_clauses(periods[0], basis))
            in_first_period = True
        else:
            which = case(
                *(
                    (and_(*basis_clauses(period, basis)), index)
                    for index, period in enumerate(periods)
                ),
                else_=literal(None),
            )
        # The span too: the date index reads it as one range (an OR of ranges reads all).
        where = and_(
            *basis_clauses(span, basis),
            or_(*(and_(*basis_clauses(period, basis)) for period in periods)),
        )
        groups = [*keys, which]
    # The labels are aggregated (MAX of a key's one label), not grouped by: grouped, PostgreSQL
    # multiplies their guessed distinct counts into a hundred thousand groups and sorts the
    # invoices on disk instead of hashing a few hundred groups.
    statement = select(
        *keys,
        *(func.max(label) for label in labels),
        which,
        *(_amount(func.sum(amount)) for amount in amounts),
    ).select_from(Invoice)
    # The dossier and the client are joined only when something reads them: over three years
    # of invoices the joins cost more than the sums (every invoice has both, so leaving them
    # out keeps the same invoices).
    if _reads_booking(grouping, filters, basis):
        statement = statement.join(Booking, col(Booking.id) == Invoice.booking_id)
    if _reads_client(actor, grouping, filters):
        statement = statement.join(Client, col(Client.id) == Invoice.client_id)
    if grouping is Grouping.SITE:
        statement = statement.join(AgencySite, col(AgencySite.id) == Invoice.site_id)
    elif grouping is Grouping.BOOKING_TYPE:
        statement = statement.join(BookingType, col(BookingType.id) == Booking.booking_type_id)
    elif grouping is Grouping.REP:
        statement = statement.outerjoin(User, col(User.id) == Booking.sales_rep_id)
    elif grouping is Grouping.CLIENT_CATEGORY:
        statement = statement.outerjoin(
            ClientCategoryLink, col(ClientCategoryLink.client_id) == Client.id
        ).outerjoin(ClientCategory, col(ClientCategory.id) == ClientCategoryLink.category_id)
    statement = _counted(statement, actor, where, filters)
    if groups:
        statement = statement.group_by(*groups)
    found: list[dict[tuple, tuple[str, Figures]]] = [{} for _ in periods]
    for row in session.execute(statement):
        values = tuple(row)
        key = tuple(values[: len(keys)])
        period_index = values[len(keys) + len(labels)]
        if period_index is None:
            continue
        if in_first_period:
            period_index = 0 if period_index else 1
        holding = [int(period_index)]
        if grouping is Grouping.MONTH:
            if key[0] is None:
                continue
            if by_day:
                holding = [n for n, period in enumerate(periods) if period.contains(key[0])]
                key = (key[0].year * 12 + key[0].month - 1,)
            else:
                key = (int(key[0]),)
        label = _label(grouping, key, values[len(keys) : len(keys) + len(labels)])
        excl_vat, incl_vat, margin, margin_vat = values[len(keys) + len(labels) + 1 :]
        figures = Figures(_exact(excl_vat), _exact(incl_vat), _exact(margin), _exact(margin_vat))
        for index in holding:
            kept = found[index]
            before = kept.get(key)
            kept[key] = (label, figures if before is None else before[1] + figures)
    return found


def _overlapping(periods: Sequence[Period]) -> bool:
    ordered = sorted(periods, key=lambda period: period.start)
    return any(
        later.start <= earlier.end for earlier, later in zip(ordered, ordered[1:], strict=False)
    )


def _exact(value: Any) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def month_label(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{MONTHS[month]} {year}"


def _label(grouping: Grouping | None, key: tuple, labels: tuple) -> str:
    if grouping is None:
        return "Total"
    if grouping is Grouping.MONTH:
        return month_label(key[0])
    if grouping is Grouping.REP:
        name = " ".join(part for part in labels if part)
        return name if key[0] is not None else NO_REP
    if grouping is Grouping.CLIENT_TYPE:
        return ClientType.label_of(key[0], str(key[0]))
    if grouping is Grouping.CLIENT_CATEGORY and key[0] is None:
        return NO_CATEGORY
    if grouping is Grouping.CLIENT:
        return ""
    return str(labels[0])


# --- The report --------------------------------------------------------------------------------


def _months(period: Period) -> list[tuple[int, int]]:
    found = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


CATEGORY_NOTE = (
    "Un client classé dans plusieurs catégories compte dans chacune : les lignes peuvent "
    "dépasser le total, qui compte chaque facture une fois. Les clients sans catégorie sont "
    f"dans « {NO_CATEGORY} »."
)


def revenue_report(
    session: Session,
    actor: Actor,
    period: Period,
    grouping: Grouping = Grouping.MONTH,
    comparison: Period | None = None,
    filters: ReportFilters | None = None,
    basis: PeriodBasis = PeriodBasis.INVOICE,
) -> RevenueReport:
    """The invoiced revenue of `period` by `grouping`, beside `comparison` (by default the same
    period one year earlier), within `filters`, the period read on the date `basis` names,
    limited to the actor's clients when his profile says so."""
    actor.require(Module.STATISTICS)
    comparison = comparison or period.year_before()
    current, previous = figures_by_periods(
        session, actor, (period, comparison), grouping, filters, basis
    )
    rows: list[RevenueRow] = []
    if grouping is Grouping.MONTH:
        offset = (comparison.start.year - period.start.year) * 12 + (
            comparison.start.month - period.start.month
        )
        for year, month in _months(period):
            index = year * 12 + month - 1
            now = current.get((index,), ("", Figures()))[1]
            then = previous.get((index + offset,), ("", Figures()))[1]
            rows.append(
                RevenueRow.of(
                    f"{year:04d}-{month:02d}", month_label(index), now.rounded(), then.rounded()
                )
            )
    else:
        labels = {k: v[0] for k, v in previous.items()} | {k: v[0] for k, v in current.items()}
        for key in sorted(labels, key=lambda k: (labels[k].casefold(), str(k))):
            now = current.get(key, ("", Figures()))[1]
            then = previous.get(key, ("", Figures()))[1]
            rows.append(RevenueRow.of(_key_text(key), labels[key], now.rounded(), then.rounded()))
    note = ""
    if grouping is Grouping.CLIENT_CATEGORY:
        # A client of several categories is in several rows: the total counts him once.
        total_now, total_then = (
            sum((figures.rounded() for _, figures in found.values()), Figures())
            for found in figures_by_periods(
                session, actor, (period, comparison), None, filters, basis
            )
        )
        note = CATEGORY_NOTE
    else:
        total_now = sum((row.current for row in rows), Figures())
        total_then = sum((row.previous for row in rows), Figures())
    return RevenueReport(
        grouping,
        period,
        comparison,
        tuple(rows),
        RevenueRow.of("total", "Total", total_now, total_then),
        note,
    )


def _key_text(key: tuple) -> str:
    return "" if key[0] is None else str(key[0])


# --- The « Chiffre d'affaires » report ---------------------------------------------------------

TENTH = Decimal("0.1")


def change_rate(current: Decimal, previous: Decimal) -> Decimal | None:
    """The change from `previous` to `current` in percent of `previous` (to the tenth), None
    when `previous` is zero."""
    if previous == 0:
        return None
    return ((current - previous) * 100 / abs(previous)).quantize(TENTH, ROUND_HALF_UP)


GROUP_COLUMNS = (
    ReportColumn("excl_vat", "CA HT", "money", Measure.INVOICED_EXCL_VAT),
    ReportColumn("incl_vat", "CA TTC", "money", Measure.INVOICED_INCL_VAT, phone=False),
    ReportColumn("margin", "Marge brute", "money", Measure.GROSS_MARGIN),
    ReportColumn("margin_rate", "Taux de marge", "percent", Measure.MARGIN_RATE, phone=False),
    ReportColumn("margin_vat", "TVA sur marge", "money", Measure.MARGIN_VAT, phone=False),
    ReportColumn("previous_excl_vat", "CA HT N-1", "money", Measure.INVOICED_EXCL_VAT),
    ReportColumn(
        "previous_incl_vat", "CA TTC N-1", "money", Measure.INVOICED_INCL_VAT, phone=False
    ),
    ReportColumn("previous_margin", "Marge brute N-1", "money", Measure.GROSS_MARGIN, phone=False),
    ReportColumn("change", "Évolution CA HT", "percent", Measure.REVENUE_CHANGE),
)


def _group_cells(label: str, row: RevenueRow) -> tuple:
    return (
        label,
        row.excl_vat,
        row.incl_vat,
        row.margin,
        rate(row.margin, row.excl_vat),
        row.margin_vat,
        row.previous_excl_vat,
        row.previous_incl_vat,
        row.previous_margin,
        change_rate(row.excl_vat, row.previous_excl_vat),
    )


def invoices_drill(
    request: ReportRequest, period: Period, site_id: int | None = None, exact: bool = True
) -> Drill:
    """The invoices' list behind a figure of `period`: the issued invoices of the period (and
    of the site); not exact when the period reads the dossiers' dates or when the report's
    filters select what the list cannot (rep, client, dossier type, services)."""
    filters = request.filters
    pairs: list[tuple[str, str]] = [("status", InvoiceStatus.ISSUED.value)]
    if request.basis is PeriodBasis.INVOICE:
        pairs += [
            ("issued_since", period.start.isoformat()),
            ("issued_until", period.end.isoformat()),
        ]
    else:
        exact = False
    site = site_id if site_id is not None else filters.site_id
    if site is not None:
        pairs.append(("site", str(site)))
    beyond_site = (
        filters.rep_id,
        filters.client_type,
        filters.client_category_id,
        filters.booking_type_id,
        filters.product_type_id,
        filters.supplier_id,
    )
    if any(value is not None for value in beyond_site):
        exact = False
    return Drill(DrillList.INVOICES, tuple(pairs), exact)


def _line_drill(request: ReportRequest, grouping: Grouping, row: RevenueRow) -> Drill:
    if grouping is Grouping.MONTH:
        year, month = (int(part) for part in row.key.split("-"))
        whole = _month_period(year, month)
        month_in_period = Period(
            max(whole.start, request.period.start), min(whole.end, request.period.end)
        )
        return invoices_drill(request, month_in_period)
    if grouping is Grouping.SITE and row.key:
        return invoices_drill(request, request.period, int(row.key))
    return invoices_drill(request, request.period, exact=False)


def _groups_table(report: RevenueReport, request: ReportRequest) -> ReportTable:
    grouping = report.grouping
    columns = (ReportColumn("label", grouping.label), *GROUP_COLUMNS)
    lines = tuple(
        ReportLine(row.key, _group_cells(row.label, row), _line_drill(request, grouping, row))
        for row in report.rows
    )
    total = ReportLine(
        "total", _group_cells("Total", report.total), invoices_drill(request, request.period)
    )
    unlisted = grouping not in (Grouping.MONTH, Grouping.SITE)
    drill_note = (
        "Chaque ligne mène aux factures émises de la période"
        + (f" (la liste ne filtre pas par {grouping.label.lower()})" if unlisted else "")
        + " ; la liste montre leur montant TTC, acomptes non déduits."
    )
    note = f"{report.note} {drill_note}" if report.note else drill_note
    return ReportTable(
        "groups",
        f"Chiffre d'affaires par {grouping.label.lower()}",
        columns,
        lines,
        total,
        Chart(
            "bar",
            "label",
            (
                ChartSeries("excl_vat", "CA HT"),
                ChartSeries("previous_excl_vat", "CA HT N-1"),
            ),
        ),
        note,
    )


def _seasonality_table(session: Session, actor: Actor, request: ReportRequest) -> ReportTable:
    """HT per calendar month of the period's year and the two years before: one query."""
    year = request.period.end.year
    years = (year - 2, year - 1, year)
    span = Period(date(years[0], 1, 1), date(year, 12, 31))
    found = figures_by_group(session, actor, span, Grouping.MONTH, request.filters, request.basis)
    keys = ("n_2", "n_1", "n")
    columns = (
        ReportColumn("month", "Mois"),
        *(
            ReportColumn(key, f"CA HT {shown}", "money", Measure.INVOICED_EXCL_VAT)
            for key, shown in zip(keys, years, strict=True)
        ),
    )
    lines = []
    sums = [ZERO, ZERO, ZERO]
    for month in range(1, 13):
        amounts = [
            found.get((shown * 12 + month - 1,), ("", Figures()))[1].rounded().excl_vat
            for shown in years
        ]
        sums = [a + b for a, b in zip(sums, amounts, strict=True)]
        lines.append(
            ReportLine(
                f"{month:02d}",
                (MONTHS[month - 1], *amounts),
                invoices_drill(request, _month_period(year, month), exact=False),
            )
        )
    return ReportTable(
        "seasonality",
        f"Saisonnalité {years[0]}–{year}",
        columns,
        tuple(lines),
        ReportLine("total", ("Total", *sums), invoices_drill(request, span, exact=False)),
        Chart(
            "line",
            "month",
            tuple(ChartSeries(key, str(shown)) for key, shown in zip(keys, years, strict=True)),
        ),
        f"Le CA facturé HT de chaque mois de l'année, sur trois ans ({years[0]} à {year}), "
        "avec les filtres du rapport ; une ligne mène aux factures du mois de "
        f"{year}.",
    )


def revenue_statistics(session: Session, actor: Actor, request: ReportRequest) -> Report:
    """« Chiffre d'affaires »: the invoiced revenue by `request.grouping` (a `Grouping` value,
    by month when empty) beside the comparison period (table « groups »), and its seasonality
    over three calendar years (table « seasonality »)."""
    actor.require(Module.STATISTICS)
    grouping = Grouping(request.grouping) if request.grouping else Grouping.MONTH
    report = revenue_report(
        session,
        actor,
        request.period,
        grouping,
        request.compared,
        request.filters,
        request.basis,
    )
    return Report(
        ReportName.REVENUE,
        request,
        (_groups_table(report, request), _seasonality_table(session, actor, request)),
    )
