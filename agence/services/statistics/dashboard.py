"""The live dashboards: the direction's figures (revenue this month and this year beside the
year before, order book, quotes awaiting an answer, conversion rate, unpaid, departures of the
week) and accounting's (what clients owe by age, payments received this week).

Each figure is a `Measure` (its label and definition are the measure's, never worded here),
its value formatted in French, and the list that shows the rows behind it with the filters
that select them (`drill`). The lists cannot always express a figure's exact selection with
the filters they offer: `drill_exact` then says the list shows more than the figure counts.

Every figure is one SQL aggregate, scoped like the list it drills into: a rep limited to his
clients sees the figures of his clients only. Services never import the routes (they sit
above): a figure names its list (`DrillList`), the pages map it to its route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func
from sqlmodel import Session, col

from agence.models import Booking, Client, Invoice, Payment
from agence.services.billing.outstanding import (
    HALF_CENT,
    LEFT_TO_INVOICE,
    cents,
    with_invoicing,
)
from agence.services.billing.unpaid import REMAINING, with_balances
from agence.services.billing.vocabulary import PAYABLE_KINDS, InvoiceStatus
from agence.services.bookings.bookings import scope
from agence.services.bookings.lifecycle import Status, confirmed_once
from agence.services.common import formats
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.parties.clients import visible_clients
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import DrillList, Period, ReportFilters
from agence.services.statistics.revenue import (
    Figures,
    Grouping,
    RevenueReport,
    RevenueRow,
    revenue_report,
)

ZERO = Decimal("0.00")
TENTH = Decimal("0.1")

ORDER_BOOK_STATUSES = (Status.CONFIRMED, Status.DONE)
"""The order book's dossiers, as its measure defines them: confirmed, or done and not yet
(wholly) invoiced."""


@dataclass(frozen=True)
class Figure:
    measure: Measure
    caption: str
    """The figure's period or scope, e.g. « décembre 2026 », « cumul 2026 »."""
    value: str
    """Formatted in French: « 12 345,67 € », « 42 % », « 3 »."""
    amount: Decimal | None
    count: int | None
    comparison: str
    """The figure beside its reference (the year before), or its parts; may be empty."""
    drill: DrillList
    drill_filters: tuple[tuple[str, str], ...]
    """(filter key, value) pairs of the list's `ListSpec` filters."""
    drill_exact: bool = True
    """False when the list's filters select more rows than the figure counts."""

    @property
    def label(self) -> str:
        return self.measure.label

    @property
    def definition(self) -> str:
        return self.measure.definition


@dataclass(frozen=True)
class DirectionFigures:
    revenue_month_excl_vat: Figure
    revenue_month_incl_vat: Figure
    margin_month: Figure
    revenue_year_excl_vat: Figure
    revenue_year_incl_vat: Figure
    margin_year: Figure
    order_book: Figure
    quotes_pending: Figure
    conversion_rate: Figure
    unpaid: Figure
    unpaid_over_30: Figure
    departures: Figure

    @property
    def tiles(self) -> tuple[Figure, ...]:
        return tuple(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class AccountingFigures:
    receivables: Figure
    not_due: Figure
    late_1_30: Figure
    late_31_60: Figure
    late_61_90: Figure
    late_over_90: Figure
    unpaid: Figure
    payments_week: Figure

    @property
    def buckets(self) -> tuple[Figure, ...]:
        """The receivables by age, from not due to over 90 days late: they add up to them."""
        return (
            self.not_due,
            self.late_1_30,
            self.late_31_60,
            self.late_61_90,
            self.late_over_90,
        )

    @property
    def tiles(self) -> tuple[Figure, ...]:
        return tuple(getattr(self, name) for name in self.__dataclass_fields__)


# --- Formatting --------------------------------------------------------------------------------


def _count_text(value: int) -> str:
    return formats.number(value)


def change_text(current: Decimal, previous: Decimal) -> str:
    """« N-1 : 1 234,00 € (+12,5 %) »; no rate when the year before had nothing."""
    text = f"N-1 : {formats.money(previous)}"
    if previous == 0:
        return text
    rate = ((current - previous) * 100 / abs(previous)).quantize(TENTH, ROUND_HALF_UP)
    sign = "+" if rate > 0 else ""
    return f"{text} ({sign}{formats.percent(rate)})"


# --- Direction ---------------------------------------------------------------------------------


def _week(today: date) -> Period:
    monday = today - timedelta(days=today.weekday())
    return Period(monday, monday + timedelta(days=6))


def _invoice_filters(period: Period) -> tuple[tuple[str, str], ...]:
    return (
        ("status", InvoiceStatus.ISSUED.value),
        ("issued_since", period.start.isoformat()),
        ("issued_until", period.end.isoformat()),
    )


def _revenue_figures(total: RevenueRow, caption: str, period: Period) -> tuple[Figure, ...]:
    """HT, TTC and margin beside the year before; each drills into the invoices issued in the
    period (the rows behind the figure, though the list's amounts do not deduct deposits)."""
    filters = _invoice_filters(period)
    return tuple(
        Figure(
            measure,
            caption,
            formats.money(current),
            current,
            None,
            change_text(current, previous),
            DrillList.INVOICES,
            filters,
        )
        for measure, current, previous in (
            (Measure.INVOICED_EXCL_VAT, total.excl_vat, total.previous_excl_vat),
            (Measure.INVOICED_INCL_VAT, total.incl_vat, total.previous_incl_vat),
            (Measure.GROSS_MARGIN, total.margin, total.previous_margin),
        )
    )


def _live_bookings(statement: Any, actor: Actor, filters: ReportFilters | None = None) -> Any:
    """Dossiers not deleted, within the actor's reach and the report's filters (the dossier's
    client is joined through the WHERE clause when a filter reads it)."""
    statement = scope(statement.where(col(Booking.deleted_at).is_(None)), actor)
    clauses = filters.booking_clauses() if filters is not None else []
    if clauses:
        statement = statement.where(col(Client.id) == col(Booking.client_id), *clauses)
    return statement


def order_book(session: Session, actor: Actor, filters: ReportFilters | None = None) -> Figure:
    to_invoice = LEFT_TO_INVOICE
    amount, number = session.execute(
        _live_bookings(
            with_invoicing(
                sa.select(
                    func.coalesce(func.sum(case((to_invoice > HALF_CENT, to_invoice), else_=0)), 0),
                    func.coalesce(func.sum(case((to_invoice > HALF_CENT, 1), else_=0)), 0),
                ).select_from(Booking)
            ).where(col(Booking.status).in_(ORDER_BOOK_STATUSES)),
            actor,
            filters,
        )
    ).one()
    amount, number = cents(amount), int(number)
    return Figure(
        Measure.ORDER_BOOK,
        "à ce jour",
        formats.money(amount),
        amount,
        number,
        f"{_count_text(number)} dossier(s) à facturer",
        DrillList.BOOKINGS,
        (("status", Status.CONFIRMED.value),),
        drill_exact=False,  # the list filters one status, and shows prices, not what is left
    )


def quotes_pending(session: Session, actor: Actor, filters: ReportFilters | None = None) -> Figure:
    amount, number = session.execute(
        _live_bookings(
            sa.select(func.coalesce(func.sum(Booking.total_price), 0), func.count()).where(
                col(Booking.status) == Status.QUOTE_SENT
            ),
            actor,
            filters,
        )
    ).one()
    amount = cents(amount)
    return Figure(
        Measure.QUOTES_PENDING,
        "à ce jour",
        f"{_count_text(number)} devis",
        amount,
        number,
        formats.money(amount),
        DrillList.BOOKINGS,
        (("status", Status.QUOTE_SENT.value),),
    )


def twelve_months(today: date) -> Period:
    """The twelve months up to `today` (the conversion rate's window)."""
    return Period(Period(today, today).year_before().start + timedelta(days=1), today)


def quotes_converted(
    session: Session, actor: Actor, period: Period, filters: ReportFilters | None = None
) -> tuple[int, int]:
    """(quotes sent in `period`, how many of those dossiers the client confirmed)."""
    confirmed = confirmed_once()
    sent, won = session.execute(
        _live_bookings(
            sa.select(
                func.count(), func.coalesce(func.sum(case((confirmed, 1), else_=0)), 0)
            ).where(
                col(Booking.quote_sent_on) >= period.start,
                col(Booking.quote_sent_on) <= period.end,
            ),
            actor,
            filters,
        )
    ).one()
    return int(sent), int(won)


def _conversion_rate(session: Session, actor: Actor, today: date) -> Figure:
    period = twelve_months(today)
    sent, won = quotes_converted(session, actor, period)
    rate = (Decimal(won) * 100 / sent).quantize(TENTH, ROUND_HALF_UP) if sent else None
    return Figure(
        Measure.CONVERSION_RATE,
        f"du {formats.day(period.start)} au {formats.day(period.end)}",
        formats.percent(rate) if rate is not None else "—",
        rate,
        sent,
        f"{_count_text(won)} confirmé(s) sur {_count_text(sent)} devis envoyé(s)",
        DrillList.BOOKINGS,
        (
            ("quote_sent_since", period.start.isoformat()),
            ("quote_sent_until", period.end.isoformat()),
        ),
    )


def _departures(session: Session, actor: Actor, today: date) -> Figure:
    week = _week(today)
    number = session.execute(
        _live_bookings(
            sa.select(func.count()).where(
                col(Booking.status) == Status.CONFIRMED,
                col(Booking.starts_on) >= week.start,
                col(Booking.starts_on) <= week.end,
            ),
            actor,
        )
    ).scalar_one()
    return Figure(
        Measure.DEPARTURES,
        f"semaine du {formats.day(week.start)}",
        _count_text(number),
        None,
        number,
        "",
        DrillList.BOOKINGS,
        (
            ("status", Status.CONFIRMED.value),
            ("starts_since", week.start.isoformat()),
            ("starts_until", week.end.isoformat()),
        ),
    )


DEPARTED_STATUSES = (Status.CONFIRMED, Status.DONE, Status.INVOICED, Status.SETTLED)
"""A dossier that departs (or departed): confirmed, and since done, invoiced or settled."""


def departures_between(
    session: Session, actor: Actor, period: Period, filters: ReportFilters | None = None
) -> int:
    """The dossiers confirmed (or since done, invoiced, settled) departing within `period`."""
    return session.execute(
        _live_bookings(
            sa.select(func.count()).where(
                col(Booking.status).in_(DEPARTED_STATUSES),
                col(Booking.starts_on) >= period.start,
                col(Booking.starts_on) <= period.end,
            ),
            actor,
            filters,
        )
    ).scalar_one()


@dataclass(frozen=True)
class DirectionHome:
    """What the direction's home shows: its figures and the thirteen months' chart."""

    figures: DirectionFigures
    months: tuple[MonthRevenue, ...]


def direction_home(session: Session, actor: Actor, today: date) -> DirectionHome:
    """The direction's figures and its thirteen months, the revenue read once: the thirteen
    months by month beside the year before's same days hold this month (the last) and every
    month of this year."""
    actor.require(Module.STATISTICS)
    report = revenue_report(session, actor, thirteen_months(today), Grouping.MONTH)
    return DirectionHome(
        _direction_figures(session, actor, today, report), _months_of(report, report.period)
    )


def direction_figures(session: Session, actor: Actor, today: date) -> DirectionFigures:
    """The direction's dashboard on `today`, within the actor's clients when so limited."""
    return direction_home(session, actor, today).figures


def _direction_figures(
    session: Session, actor: Actor, today: date, by_month: RevenueReport
) -> DirectionFigures:
    month = Period(today.replace(day=1), today)
    year = Period(today.replace(month=1, day=1), today)
    this_year = [row for row in by_month.rows if row.key.startswith(f"{today.year:04d}-")]
    year_total = RevenueRow.of(
        "total",
        "Total",
        sum((row.current for row in this_year), Figures()),
        sum((row.previous for row in this_year), Figures()),
    )
    month_total = by_month.rows[-1]
    ages = receivables_by_age(session, actor, today)
    month_caption = f"{formats.day(month.start)} – {formats.day(today)}"
    month_excl, month_incl, month_margin = _revenue_figures(month_total, month_caption, month)
    year_excl, year_incl, year_margin = _revenue_figures(year_total, f"cumul {today.year}", year)
    return DirectionFigures(
        revenue_month_excl_vat=month_excl,
        revenue_month_incl_vat=month_incl,
        margin_month=month_margin,
        revenue_year_excl_vat=year_excl,
        revenue_year_incl_vat=year_incl,
        margin_year=year_margin,
        order_book=order_book(session, actor),
        quotes_pending=quotes_pending(session, actor),
        conversion_rate=_conversion_rate(session, actor, today),
        unpaid=ages.unpaid(),
        unpaid_over_30=ages.over_30(),
        departures=_departures(session, actor, today),
    )


# --- Thirteen months -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRevenue:
    """One month's invoiced revenue excluding VAT beside the same month a year earlier."""

    key: str
    """"2027-03"."""
    label: str
    """« mars 2027 »."""
    short_label: str
    """« mars 27 », for a chart's axis."""
    excl_vat: Decimal
    previous_excl_vat: Decimal
    period: Period
    """The days of the month the figure counts (the first and last months may be partial)."""


SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def thirteen_months(today: date) -> Period:
    """From the first day of the month a year before `today`'s to `today`: 13 months."""
    return Period(date(today.year - 1, today.month, 1), today)


def revenue_by_month(
    session: Session, actor: Actor, period: Period, comparison: Period | None = None
) -> tuple[MonthRevenue, ...]:
    """The invoiced revenue excluding VAT of each month of `period` beside the same month of
    `comparison` (by default the year before): `revenue_report` by month, two queries."""
    return _months_of(revenue_report(session, actor, period, Grouping.MONTH, comparison), period)


def _months_of(report: RevenueReport, period: Period) -> tuple[MonthRevenue, ...]:
    months = []
    for row in report.rows:
        year, month = (int(part) for part in row.key.split("-"))
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        months.append(
            MonthRevenue(
                row.key,
                row.label,
                f"{SHORT_MONTHS[month - 1]} {year % 100:02d}",
                row.excl_vat,
                row.previous_excl_vat,
                Period(max(first, period.start), min(last, period.end)),
            )
        )
    return tuple(months)


# --- Receivables by age ------------------------------------------------------------------------


class _Age(StrEnum):
    NOT_DUE = "non_echu"
    LATE_1_30 = "1_30"
    LATE_31_60 = "31_60"
    LATE_61_90 = "61_90"
    LATE_OVER_90 = "90"


_AGE_MEASURES = {
    _Age.NOT_DUE: Measure.RECEIVABLES_NOT_DUE,
    _Age.LATE_1_30: Measure.UNPAID_1_30,
    _Age.LATE_31_60: Measure.UNPAID_31_60,
    _Age.LATE_61_90: Measure.UNPAID_61_90,
    _Age.LATE_OVER_90: Measure.UNPAID_OVER_90,
}
_LATE = (_Age.LATE_1_30, _Age.LATE_31_60, _Age.LATE_61_90, _Age.LATE_OVER_90)
_OVER_30 = (_Age.LATE_31_60, _Age.LATE_61_90, _Age.LATE_OVER_90)


@dataclass(frozen=True)
class Ages:
    today: date
    amounts: dict[_Age, Decimal]
    counts: dict[_Age, int]

    def _sum(self, ages: tuple[_Age, ...]) -> tuple[Decimal, int]:
        return (
            sum((self.amounts[age] for age in ages), ZERO),
            sum(self.counts[age] for age in ages),
        )

    def _figure(
        self,
        measure: Measure,
        ages: tuple[_Age, ...],
        filters: tuple[tuple[str, str], ...],
        exact: bool,
    ) -> Figure:
        amount, number = self._sum(ages)
        return Figure(
            measure,
            f"au {formats.day(self.today)}",
            formats.money(amount),
            amount,
            number,
            f"{_count_text(number)} facture(s)",
            DrillList.UNPAID,
            filters,
            exact,
        )

    def _due_before(self, days: int) -> tuple[tuple[str, str], ...]:
        """The invoices more than `days` days late: due on `today - days - 1` at the latest."""
        return (("due_before", (self.today - timedelta(days=days + 1)).isoformat()),)

    def receivables(self) -> Figure:
        return self._figure(Measure.RECEIVABLES, tuple(_Age), (), True)

    def unpaid(self) -> Figure:
        return self._figure(Measure.UNPAID, _LATE, self._due_before(0), True)

    def over_30(self) -> Figure:
        return self._figure(Measure.UNPAID_OVER_30, _OVER_30, self._due_before(30), True)

    def _due_from(self, days: int) -> tuple[tuple[str, str], ...]:
        """The invoices at most `days` days late: due on `today - days` at the earliest."""
        return (("due_from", (self.today - timedelta(days=days)).isoformat()),)

    def bucket(self, age: _Age) -> Figure:
        """Each bucket drills into exactly its invoices: due between its two bounds (every
        payable invoice has a due date: on receipt, it is the issue date)."""
        filters = {
            _Age.NOT_DUE: self._due_from(0),
            _Age.LATE_1_30: self._due_from(30) + self._due_before(0),
            _Age.LATE_31_60: self._due_from(60) + self._due_before(30),
            _Age.LATE_61_90: self._due_from(90) + self._due_before(60),
            _Age.LATE_OVER_90: self._due_before(90),
        }[age]
        return self._figure(_AGE_MEASURES[age], (age,), filters, True)


def receivables_by_age(
    session: Session, actor: Actor, today: date, filters: ReportFilters | None = None
) -> Ages:
    """What remains due on every issued invoice of the unpaid list, by age of its due date, in
    one grouped query over the list's own balance (`unpaid.REMAINING`), within the report's
    filters (its dossier and client are joined)."""
    due_on = col(Invoice.due_on)
    age = case(
        (due_on.is_(None) | (due_on >= today), _Age.NOT_DUE.value),
        (due_on >= today - timedelta(days=30), _Age.LATE_1_30.value),
        (due_on >= today - timedelta(days=60), _Age.LATE_31_60.value),
        (due_on >= today - timedelta(days=90), _Age.LATE_61_90.value),
        else_=_Age.LATE_OVER_90.value,
    ).label("age")
    clauses = filters.booking_clauses() if filters is not None else []
    statement = sa.select(age, func.sum(REMAINING), func.count()).select_from(Invoice)
    statement = statement.join(Client, col(Client.id) == Invoice.client_id)
    if clauses:  # the dossier only when a filter reads it (every invoice has one)
        statement = statement.join(Booking, col(Booking.id) == Invoice.booking_id)
    statement = visible_clients(
        with_balances(statement).where(
            Invoice.status == InvoiceStatus.ISSUED,
            col(Invoice.kind).in_(PAYABLE_KINDS),
            REMAINING > HALF_CENT,
            *clauses,
        ),
        actor,
    ).group_by(age)
    amounts = dict.fromkeys(_Age, ZERO)
    counts = dict.fromkeys(_Age, 0)
    for key, amount, number in session.execute(statement):
        amounts[_Age(key)] = cents(amount)
        counts[_Age(key)] = number
    return Ages(today, amounts, counts)


# --- Accounting --------------------------------------------------------------------------------


def _payments_week(session: Session, actor: Actor, today: date) -> Figure:
    week = _week(today)
    amount, number = session.execute(
        visible_clients(
            sa.select(func.coalesce(func.sum(Payment.amount), 0), func.count())
            .select_from(Payment)
            .join(Client, col(Client.id) == Payment.client_id)
            .where(
                col(Payment.is_refund).is_(False),
                col(Payment.received_on) >= week.start,
                col(Payment.received_on) <= week.end,
            ),
            actor,
        )
    ).one()
    amount = cents(amount)
    return Figure(
        Measure.PAYMENTS_RECEIVED,
        f"semaine du {formats.day(week.start)}",
        formats.money(amount),
        amount,
        number,
        f"{_count_text(number)} règlement(s)",
        DrillList.PAYMENTS,
        (("since", week.start.isoformat()), ("until", week.end.isoformat())),
        drill_exact=False,  # the list shows the week's refunds too
    )


def accounting_figures(session: Session, actor: Actor, today: date) -> AccountingFigures:
    """Accounting's dashboard on `today`: for who sees the invoices or the payments, within his
    clients when so limited."""
    if not (actor.can(Module.INVOICING) or actor.can(Module.PAYMENTS)):
        raise AccessDenied(Right(Module.INVOICING, Action.SEE))
    ages = receivables_by_age(session, actor, today)
    return AccountingFigures(
        receivables=ages.receivables(),
        not_due=ages.bucket(_Age.NOT_DUE),
        late_1_30=ages.bucket(_Age.LATE_1_30),
        late_31_60=ages.bucket(_Age.LATE_31_60),
        late_61_90=ages.bucket(_Age.LATE_61_90),
        late_over_90=ages.bucket(_Age.LATE_OVER_90),
        unpaid=ages.unpaid(),
        payments_week=_payments_week(session, actor, today),
    )
