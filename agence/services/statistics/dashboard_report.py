"""« Tableau de bord », the report: the direction's home figures over any period beside its
comparison period, and its revenue month by month with a bar chart.

The figures that have a period (revenue, margin, conversion, departures) are counted over the
request's period and its comparison; those that are a state of things (order book, quotes
awaiting an answer, unpaid) are today's, without a comparison: the past state of an order book
or of a debt is not kept. A few grouped queries, the same as the home page's: `revenue_report`
by month for both periods, then one aggregate per figure.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session

from agence.services.billing.vocabulary import InvoiceStatus
from agence.services.common import formats
from agence.services.common.permissions import Actor, Module
from agence.services.statistics.dashboard import (
    Figure,
    departures_between,
    order_book,
    quotes_converted,
    quotes_pending,
    receivables_by_age,
)
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import (
    Cell,
    Chart,
    ChartSeries,
    Drill,
    DrillList,
    Period,
    PeriodBasis,
    Report,
    ReportColumn,
    ReportLine,
    ReportName,
    ReportRequest,
    ReportTable,
    rate,
)
from agence.services.statistics.revenue import Grouping, RevenueReport, revenue_report

TENTH = Decimal("0.1")

FIGURE_COLUMNS = (
    ReportColumn("measure", "Indicateur"),
    ReportColumn("amount", "Montant", "money"),
    ReportColumn("count", "Nombre", "int"),
    ReportColumn("rate", "Taux", "percent"),
    ReportColumn("previous_amount", "Montant N-1", "money", phone=False),
    ReportColumn("previous_count", "Nombre N-1", "int", phone=False),
    ReportColumn("previous_rate", "Taux N-1", "percent", phone=False),
    ReportColumn("change", "Évolution", "percent"),
)
MONTH_COLUMNS = (
    ReportColumn("month", "Mois"),
    ReportColumn("excl_vat", "CA HT", "money", Measure.INVOICED_EXCL_VAT),
    ReportColumn("previous_excl_vat", "CA HT N-1", "money", Measure.INVOICED_EXCL_VAT),
    ReportColumn("change", "Évolution", "percent"),
)


def _change(current: Decimal | int, previous: Decimal | int) -> Decimal | None:
    """The change from `previous` to `current` in percent of `previous` (None from zero)."""
    return rate(Decimal(current) - Decimal(previous), abs(Decimal(previous)))


def _line(
    measure: Measure,
    *,
    amount: Decimal | None = None,
    count: int | None = None,
    rate_: Decimal | None = None,
    previous_amount: Decimal | None = None,
    previous_count: int | None = None,
    previous_rate: Decimal | None = None,
    drill: Drill | None = None,
    label: str = "",
) -> ReportLine:
    change: Decimal | None = None
    if amount is not None and previous_amount is not None:
        change = _change(amount, previous_amount)
    elif count is not None and previous_count is not None:
        change = _change(count, previous_count)
    cells: tuple[Cell, ...] = (
        label or measure.label,
        amount,
        count,
        rate_,
        previous_amount,
        previous_count,
        previous_rate,
        change,
    )
    return ReportLine(measure.value, cells, drill)


def _tenth(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TENTH, ROUND_HALF_UP)


def _invoices(period: Period) -> Drill:
    return Drill(
        DrillList.INVOICES,
        (
            ("status", InvoiceStatus.ISSUED.value),
            ("issued_since", period.start.isoformat()),
            ("issued_until", period.end.isoformat()),
        ),
        exact=False,  # the rows behind the figure; the list's amounts do not deduct deposits
    )


def _today_line(figure: Figure) -> ReportLine:
    """A state of things, today's: no comparison."""
    return _line(
        figure.measure,
        amount=figure.amount,
        count=figure.count,
        drill=Drill(figure.drill, figure.drill_filters, figure.drill_exact),
        label=f"{figure.measure.label} (au {formats.day(formats.today())})",
    )


def _figures_table(
    session: Session, actor: Actor, request: ReportRequest, revenue: RevenueReport
) -> ReportTable:
    period, compared = request.period, request.compared
    total = revenue.total
    filters = request.filters
    sent, won = quotes_converted(session, actor, period, filters)
    previous_sent, previous_won = quotes_converted(session, actor, compared, filters)
    ages = receivables_by_age(session, actor, formats.today(), filters)
    lines = (
        _line(
            Measure.INVOICED_EXCL_VAT,
            amount=total.excl_vat,
            previous_amount=total.previous_excl_vat,
            drill=_invoices(period),
        ),
        _line(
            Measure.INVOICED_INCL_VAT,
            amount=total.incl_vat,
            previous_amount=total.previous_incl_vat,
            drill=_invoices(period),
        ),
        _line(
            Measure.GROSS_MARGIN,
            amount=total.margin,
            previous_amount=total.previous_margin,
            drill=_invoices(period),
        ),
        _line(
            Measure.MARGIN_RATE,
            rate_=_tenth(total.margin_rate),
            previous_rate=_tenth(total.previous_margin_rate),
        ),
        _line(
            Measure.CONVERSION_RATE,
            count=sent,
            rate_=rate(won, sent),
            previous_count=previous_sent,
            previous_rate=rate(previous_won, previous_sent),
            drill=Drill(DrillList.BOOKINGS, (), exact=False),
        ),
        _line(
            Measure.DEPARTURES_IN_PERIOD,
            count=departures_between(session, actor, period, filters),
            previous_count=departures_between(session, actor, compared, filters),
            drill=Drill(
                DrillList.BOOKINGS,
                (
                    ("starts_since", period.start.isoformat()),
                    ("starts_until", period.end.isoformat()),
                ),
                exact=False,  # the list shows the period's cancelled and unconfirmed ones too
            ),
        ),
        _today_line(order_book(session, actor, filters)),
        _today_line(quotes_pending(session, actor, filters)),
        _today_line(ages.unpaid()),
        _today_line(ages.over_30()),
    )
    return ReportTable(
        "figures",
        "Indicateurs",
        FIGURE_COLUMNS,
        lines,
        note=(
            f"Du {formats.day(period.start)} au {formats.day(period.end)}, comparé au "
            f"{formats.day(compared.start)} – {formats.day(compared.end)}. Carnet de commandes, "
            "devis en attente et impayés sont ceux d'aujourd'hui, sans comparaison. Le taux de "
            "transformation compte les devis envoyés sur la période (« Nombre »). Les filtres "
            "du rapport valent pour chaque ligne ; la période selon la date choisie vaut pour "
            "le chiffre d'affaires, les devis et les départs ont leurs propres dates."
        ),
    )


def _months_table(revenue: RevenueReport) -> ReportTable:
    period = revenue.period
    lines = []
    for row in revenue.rows:
        year, month = (int(part) for part in row.key.split("-"))
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        days = Period(max(first, period.start), min(last, period.end))
        lines.append(
            ReportLine(
                row.key,
                (
                    row.label,
                    row.excl_vat,
                    row.previous_excl_vat,
                    _change(row.excl_vat, row.previous_excl_vat),
                ),
                _invoices(days),
            )
        )
    total = revenue.total
    return ReportTable(
        "months",
        "CA HT par mois",
        MONTH_COLUMNS,
        tuple(lines),
        ReportLine(
            "total",
            (
                "Total",
                total.excl_vat,
                total.previous_excl_vat,
                _change(total.excl_vat, total.previous_excl_vat),
            ),
        ),
        Chart(
            "bar",
            "month",
            (ChartSeries("excl_vat", "CA HT"), ChartSeries("previous_excl_vat", "CA HT N-1")),
        ),
        note="Chaque mois à côté du même mois de la période de comparaison.",
    )


def _loosened(table: ReportTable, request: ReportRequest) -> ReportTable:
    """With filters, or a period read on another date than the invoices', the lists behind the
    lines (which know neither) show more than the lines count: their drills say so."""
    narrowed = any(value is not None for value in vars(request.filters).values())
    if not narrowed and request.basis is PeriodBasis.INVOICE:
        return table
    return replace(
        table,
        lines=tuple(
            replace(line, drill=replace(line.drill, exact=False)) if line.drill else line
            for line in table.lines
        ),
    )


def dashboard_report(session: Session, actor: Actor, request: ReportRequest) -> Report:
    """The direction's figures over `request.period` beside `request.compared`, within the
    actor's clients when his profile says so."""
    actor.require(Module.STATISTICS)
    revenue = revenue_report(
        session,
        actor,
        request.period,
        Grouping.MONTH,
        request.compared,
        filters=request.filters,
        basis=request.basis,
    )
    return Report(
        ReportName.DASHBOARD,
        request,
        (
            _loosened(_figures_table(session, actor, request, revenue), request),
            _loosened(_months_table(revenue), request),
        ),
    )
