"""« Détail des réservations »: one line per dossier of the period — status, client, rep,
dates, group, cost, sale, margin, what is invoiced, paid and still due — with its controls
(confirmed and not invoiced, under-invoiced, unpaid), the totals, the controls' counts and the
sale, cost and margin by month of departure.

Which dossiers: the live dossiers that are sold (confirmed, done, invoiced, settled) or
cancelled — requests, quotes and options are not bookings — whose date the period reads falls
in it: their departure, the day they were opened (agency time), or, by invoice date, those with
an issued invoice or credit note dated in it. A cancelled dossier counts only its cancellation
fees (what its invoices less its credit notes leave invoiced) and no cost (see the measures).

Everything is computed in SQL: one grouped pass over the selected dossiers' invoices (what each
bills net of deposits and credit notes, what payments settled on it, what remains due past its
due date, as the unpaid list counts it), joined to the dossiers; the lines, the totals and the
months are three queries over that. `limit` caps the lines (the page), never the totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func, literal
from sqlmodel import Session, col

from agence.models import Booking, BookingInvoicing, Client, Invoice, InvoiceSettlement, User
from agence.services.billing.outstanding import HALF_CENT, cents
from agence.services.billing.vocabulary import PAYABLE_KINDS, InvoiceStatus
from agence.services.bookings.lifecycle import STATUS_LABELS, Status
from agence.services.common import formats
from agence.services.common.permissions import Actor, Module
from agence.services.common.vocabulary import Labelled
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
    ReportLine,
    ReportName,
    ReportRequest,
    ReportTable,
    rate,
)
from agence.services.statistics.revenue import in_local_days, month_label

ZERO = Decimal("0.00")

SOLD_STATUSES = (Status.CONFIRMED, Status.DONE, Status.INVOICED, Status.SETTLED)
"""A dossier is sold from its confirmation on (`Measure.SOLD_SALE` says so)."""
TO_INVOICE_STATUSES = (Status.CONFIRMED, Status.DONE)
REPORTED_STATUSES = (*SOLD_STATUSES, Status.CANCELLED)


class BookingControl(Labelled):
    """The control lists of the report (`ReportRequest.grouping`; "" = every dossier)."""

    NOT_INVOICED = "confirme_non_facture", "Confirmé non facturé"
    UNDER_INVOICED = "sous_facture", "Sous-facturé"
    UNPAID = "impaye", "Impayé"

    @property
    def measure(self) -> Measure:
        return _CONTROL_MEASURES[self]


_CONTROL_MEASURES = {
    BookingControl.NOT_INVOICED: Measure.NOT_INVOICED,
    BookingControl.UNDER_INVOICED: Measure.UNDER_INVOICED,
    BookingControl.UNPAID: Measure.BOOKING_UNPAID,
}


# --- The selection, shared with the services sold -------------------------------------------


def period_clauses(period: Period, basis: PeriodBasis) -> list[Any]:
    """Conditions over `Booking` keeping the dossiers the period reads by `basis`."""
    if basis is PeriodBasis.DEPARTURE:
        return [col(Booking.starts_on) >= period.start, col(Booking.starts_on) <= period.end]
    if basis is PeriodBasis.BOOKING:
        return in_local_days(col(Booking.created_at), period)
    # The dossiers of the invoices issued in the period, found from the invoices' date index
    # (an EXISTS per dossier would read every dossier of every year).
    return [
        col(Booking.id).in_(
            sa.select(col(Invoice.booking_id)).where(
                col(Invoice.status) == InvoiceStatus.ISSUED.value,
                col(Invoice.issued_on) >= period.start,
                col(Invoice.issued_on) <= period.end,
            )
        )
    ]


def selected_clauses(
    actor: Actor, request: ReportRequest, period: Period, statuses: tuple[Status, ...]
) -> list[Any]:
    """Conditions over `Booking` joined to its `Client`: live dossiers of these statuses, of
    the period, within the report's filters and the actor's clients when so limited."""
    return [
        *period_clauses(period, basis=request.basis),
        *unperiod_clauses(actor, request, statuses),
    ]


def unperiod_clauses(
    actor: Actor, request: ReportRequest, statuses: tuple[Status, ...]
) -> list[Any]:
    """`selected_clauses` but the period's: for a statement reading two periods at once."""
    clauses = [
        col(Booking.deleted_at).is_(None),
        col(Booking.status).in_(statuses),
        *request.filters.booking_clauses(),
    ]
    if actor.own_clients_only:
        clauses.append(col(Client.sales_rep_id) == actor.user_id)
    return clauses


def bookings_drill(
    request: ReportRequest, period: Period, exact: bool, status: Status | None = None
) -> Drill:
    """The dossiers' list with the period and the report's filters it can express; not exact
    when it shows more than the figure counts."""
    pairs = list(request.filters.booking_drill_filters())
    if status is not None:
        pairs.insert(0, ("status", status.value))
    if request.basis is PeriodBasis.DEPARTURE:
        pairs += [
            ("starts_since", period.start.isoformat()),
            ("starts_until", period.end.isoformat()),
        ]
    elif request.basis is PeriodBasis.BOOKING:
        pairs += [
            ("created_since", period.start.isoformat()),
            ("created_until", period.end.isoformat()),
        ]
    else:
        exact = False  # the list has no filter on the invoices' dates
    if request.filters.narrows_beyond_bookings_list:
        exact = False
    return Drill(DrillList.BOOKINGS, tuple(pairs), exact)


def booking_drill(booking_id: int) -> Drill:
    return Drill(DrillList.BOOKING, (("id", str(booking_id)),))


# --- The SQL ----------------------------------------------------------------------------------


def _overdue_by_booking(today: date, only: Any = None) -> Any:
    """Per dossier with an invoice past its due date: what remains due on its issued deposit
    and final invoices past their due date (the unpaid list's balance, each invoice's
    settlement row). Every dossier's unless `only` (dossier ids) says which: the
    open invoices are few (found by the index on what remains), and the join to the selected
    dossiers keeps theirs."""
    chosen = [col(Invoice.booking_id).in_(only)] if only is not None else []
    return (
        sa.select(
            col(Invoice.booking_id).label("booking_id"),
            func.sum(InvoiceSettlement.remaining).label("overdue"),
        )
        .join(InvoiceSettlement, col(InvoiceSettlement.invoice_id) == Invoice.id)
        .where(
            col(InvoiceSettlement.remaining) > HALF_CENT,
            col(Invoice.status) == InvoiceStatus.ISSUED.value,
            col(Invoice.kind).in_(PAYABLE_KINDS),
            col(Invoice.due_on) < today,
            *chosen,
        )
        .group_by(col(Invoice.booking_id))
        .subquery("overdue")
    )


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def _dossiers(actor: Actor, request: ReportRequest, today: date, only: Any = None) -> Any:
    """One row per selected dossier with its figures and controls (0/1); `only` (dossier
    ids), those of them only."""
    late = _overdue_by_booking(today, only)
    billed = BookingInvoicing  # what its invoices bill and was paid (billing.settlements)
    cancelled = col(Booking.status) == Status.CANCELLED.value
    invoiced = func.coalesce(billed.invoiced_total, 0)
    sale = case((cancelled, invoiced), else_=Booking.total_price)
    cost = case((cancelled, literal(0)), else_=Booking.total_cost)
    overdue = func.coalesce(late.c.overdue, 0)
    not_invoiced = col(Booking.status).in_(TO_INVOICE_STATUSES) & (invoiced < HALF_CENT)
    under_invoiced = (
        col(Booking.status).in_(SOLD_STATUSES) & (sale - invoiced > HALF_CENT) & ~not_invoiced
    )
    return (
        sa.select(
            col(Booking.id).label("id"),
            col(Booking.reference).label("reference"),
            col(Booking.title).label("title"),
            col(Booking.status).label("status"),
            col(Client.name).label("client"),
            col(User.first_name).label("rep_first_name"),
            col(User.last_name).label("rep_last_name"),
            col(Booking.starts_on).label("starts_on"),
            col(Booking.ends_on).label("ends_on"),
            col(Booking.paying).label("paying"),
            col(Booking.free).label("free"),
            col(Booking.staff).label("staff"),
            cost.label("cost"),
            sale.label("sale"),
            (sale - cost).label("margin"),
            invoiced.label("invoiced"),
            func.coalesce(billed.paid, 0).label("paid"),
            overdue.label("overdue"),
            _flag(not_invoiced).label(BookingControl.NOT_INVOICED.value),
            _flag(under_invoiced).label(BookingControl.UNDER_INVOICED.value),
            _flag(overdue > HALF_CENT).label(BookingControl.UNPAID.value),
        )
        .select_from(Booking)
        .join(Client, col(Client.id) == Booking.client_id)
        .outerjoin(User, col(User.id) == Booking.sales_rep_id)
        .outerjoin(billed, col(billed.booking_id) == Booking.id)
        .outerjoin(late, late.c.booking_id == Booking.id)
        .where(
            *selected_clauses(actor, request, request.period, REPORTED_STATUSES),
            *([col(Booking.id).in_(only)] if only is not None else []),
        )
        .subquery("dossiers")
    )


def _control_amount(rows: Any, control: BookingControl) -> Any:
    """What a control is about: the price not invoiced, the part of the price not invoiced,
    what remains due past the due dates."""
    if control is BookingControl.NOT_INVOICED:
        return rows.c.sale
    if control is BookingControl.UNDER_INVOICED:
        return rows.c.sale - rows.c.invoiced
    return rows.c.overdue


@dataclass(frozen=True)
class _Month:
    """The figures of the dossiers of one month of departure: those the table keeps (all,
    or those a control finds), and the count and amount of each control among all."""

    month: int
    """year × 12 + month − 1."""
    bookings: int
    paying: int
    free: int
    staff: int
    cost: Decimal | None
    sale: Decimal
    margin: Decimal | None
    invoiced: Decimal
    paid: Decimal
    controls: tuple[tuple[int, Decimal], ...]
    """Per `BookingControl`, in its order: (dossiers, amount)."""

    def plus(self, other: _Month) -> _Month:
        """This month's figures and `other`'s (days of the same month) together."""
        return _Month(
            self.month,
            self.bookings + other.bookings,
            self.paying + other.paying,
            self.free + other.free,
            self.staff + other.staff,
            _sum_known((self.cost, other.cost)),
            self.sale + other.sale,
            _sum_known((self.margin, other.margin)),
            self.invoiced + other.invoiced,
            self.paid + other.paid,
            tuple(
                (mine[0] + theirs[0], mine[1] + theirs[1])
                for mine, theirs in zip(self.controls, other.controls, strict=True)
            ),
        )


def _months(session: Session, rows: Any, control: BookingControl | None) -> list[_Month]:
    """One grouped pass over the selected dossiers: per month of departure, what the totals,
    the controls and the months' table add up (one reading of the selection, not three),
    grouped by day in SQL and by month here."""
    day = rows.c.starts_on  # grouped by day (a date hashes faster than a computed month)
    kept = rows.c[control.value] == 1 if control is not None else sa.true()

    def kept_sum(value: Any) -> Any:
        return func.coalesce(func.sum(case((kept, value), else_=0)), 0)

    def kept_nullable_sum(value: Any) -> Any:
        return func.sum(case((kept, value)))  # NULL when no dossier has it (cost unknown)

    statement = sa.select(
        day,
        kept_sum(literal(1)),
        kept_sum(rows.c.paying),
        kept_sum(rows.c.free),
        kept_sum(rows.c.staff),
        kept_nullable_sum(rows.c.cost),
        kept_sum(rows.c.sale),
        kept_nullable_sum(rows.c.margin),
        kept_sum(rows.c.invoiced),
        kept_sum(rows.c.paid),
        *(
            expression
            for each in BookingControl
            for expression in (
                func.coalesce(func.sum(rows.c[each.value]), 0),
                func.coalesce(
                    func.sum(case((rows.c[each.value] == 1, _control_amount(rows, each)), else_=0)),
                    0,
                ),
            )
        ),
    ).group_by(day)
    found: dict[int, _Month] = {}
    for row in session.execute(statement):
        starts_on, bookings, paying, free, staff, cost, sale, margin, invoiced, paid, *controls = (
            row
        )
        of_day = _Month(
            starts_on.year * 12 + starts_on.month - 1,
            int(bookings),
            int(paying),
            int(free),
            int(staff),
            _money(cost),
            cents(sale),
            _money(margin),
            cents(invoiced),
            cents(paid),
            tuple(
                (int(controls[2 * n]), cents(controls[2 * n + 1]))
                for n in range(len(BookingControl))
            ),
        )
        before = found.get(of_day.month)
        found[of_day.month] = of_day if before is None else before.plus(of_day)
    return [found[month] for month in sorted(found)]


def _sum_known(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the known values; None when none is."""
    known = [value for value in values if value is not None]
    return sum(known, ZERO) if known else None


# --- The report -------------------------------------------------------------------------------

DOSSIER_COLUMNS = (
    ReportColumn("reference", "Dossier"),
    ReportColumn("title", "Intitulé", phone=False),
    ReportColumn("status", "Statut", phone=False),
    ReportColumn("client", "Client"),
    ReportColumn("rep", "Commercial", phone=False),
    ReportColumn("starts_on", "Début", "date"),
    ReportColumn("ends_on", "Fin", "date", phone=False),
    ReportColumn("paying", "Payants", "int", phone=False),
    ReportColumn("free", "Gratuits", "int", phone=False),
    ReportColumn("staff", "Accomp.", "int", phone=False),
    ReportColumn("cost", "Coût TTC", "money", Measure.BOOKING_COST, phone=False),
    ReportColumn("sale", "Vente TTC", "money", Measure.BOOKING_SALE),
    ReportColumn("margin", "Marge", "money", Measure.BOOKING_MARGIN),
    ReportColumn("margin_rate", "Marge %", "percent", Measure.BOOKING_MARGIN_RATE, phone=False),
    ReportColumn("invoiced", "Facturé TTC", "money", Measure.BOOKING_INVOICED),
    ReportColumn("paid", "Réglé", "money", Measure.BOOKING_PAID, phone=False),
    ReportColumn("remaining", "Reste dû", "money", Measure.BOOKING_REMAINING),
)
MONTH_COLUMNS = (
    ReportColumn("month", "Mois de départ"),
    ReportColumn("bookings", "Dossiers", "int"),
    ReportColumn("sale", "Vente TTC", "money", Measure.BOOKING_SALE),
    ReportColumn("cost", "Coût TTC", "money", Measure.BOOKING_COST),
    ReportColumn("margin", "Marge", "money", Measure.BOOKING_MARGIN),
    ReportColumn("margin_rate", "Marge %", "percent", Measure.BOOKING_MARGIN_RATE, phone=False),
)
CONTROL_COLUMNS = (
    ReportColumn("control", "Contrôle"),
    ReportColumn("bookings", "Dossiers", "int"),
    ReportColumn("amount", "Montant", "money"),
)


def _money(value: Any) -> Decimal | None:
    return None if value is None else cents(value)


def _rep(first_name: str | None, last_name: str | None) -> str:
    return " ".join(part for part in (first_name, last_name) if part)


def _amount_cells(cost: Any, sale: Any, margin: Any, invoiced: Any, paid: Any) -> tuple:
    cost, sale, margin = _money(cost), cents(sale), _money(margin)
    invoiced, paid = cents(invoiced), cents(paid)
    return (
        cost,
        sale,
        margin,
        None if margin is None else rate(margin, sale),
        invoiced,
        paid,
        invoiced - paid,
    )


def _dossier_line(row: Any) -> ReportLine:
    flags = tuple(control.label for control in BookingControl if getattr(row, control.value))
    return ReportLine(
        str(row.id),
        (
            row.reference,
            row.title,
            STATUS_LABELS.get(row.status, row.status),
            row.client,
            _rep(row.rep_first_name, row.rep_last_name),
            row.starts_on,
            row.ends_on,
            row.paying,
            row.free,
            row.staff,
            *_amount_cells(row.cost, row.sale, row.margin, row.invoiced, row.paid),
        ),
        booking_drill(row.id),
        flags,
    )


def _control(request: ReportRequest) -> BookingControl | None:
    return BookingControl(request.grouping) if request.grouping else None


def _dossiers_table(
    session: Session,
    actor: Actor,
    request: ReportRequest,
    today: date,
    rows: Any,
    months: list[_Month],
    control: BookingControl | None,
    limit: int | None,
) -> ReportTable:
    if control is None and limit is not None:
        # The page's dossiers chosen first, from the selection alone (behind an OFFSET 0
        # fence: PostgreSQL would otherwise walk the departures' index from the first
        # dossier ever, probing each one's invoices); their figures then.
        selected = (
            sa.select(
                col(Booking.id).label("id"),
                col(Booking.starts_on).label("starts_on"),
                col(Booking.reference).label("reference"),
            )
            .join(Client, col(Client.id) == Booking.client_id)
            .where(*selected_clauses(actor, request, request.period, REPORTED_STATUSES))
            .offset(0)
            .subquery("selected")
        )
        page = session.execute(
            sa.select(selected.c.id)
            .order_by(selected.c.starts_on, selected.c.reference, selected.c.id)
            .limit(limit)
        ).scalars()
        rows = _dossiers(actor, request, today, only=list(page))
    kept = rows.c[control.value] == 1 if control is not None else sa.true()
    lines_query = (
        sa.select(rows).where(kept).order_by(rows.c.starts_on, rows.c.reference, rows.c.id)
    )
    if limit is not None:
        lines_query = lines_query.limit(limit)
    lines = tuple(_dossier_line(row) for row in session.execute(lines_query))
    count = sum(month.bookings for month in months)
    cost = _sum_known(month.cost for month in months)
    sale = sum((month.sale for month in months), ZERO)
    margin = _sum_known(month.margin for month in months)
    invoiced = sum((month.invoiced for month in months), ZERO)
    paid = sum((month.paid for month in months), ZERO)
    paying, free, staff = (
        sum(getattr(month, name) for month in months) for name in ("paying", "free", "staff")
    )
    total = ReportLine(
        "total",
        (
            f"Total ({formats.number(count)} dossiers)",
            *([None] * 6),
            int(paying),
            int(free),
            int(staff),
            *_amount_cells(cost, sale, margin, invoiced, paid),
        ),
        bookings_drill(request, request.period, exact=False),
    )
    shown = "" if limit is None or count <= limit else f" Les {limit} premiers sont montrés ; "
    note = (
        "Les dossiers vendus (confirmés, réalisés, facturés, soldés) et annulés de la période, "
        "par date de début ; un dossier annulé ne compte que ses frais d'annulation."
        + (f" Seuls les dossiers « {control.label} »." if control is not None else "")
        + (shown + "l'export Excel les contient tous." if shown else "")
        + " Chaque ligne mène au dossier."
    )
    title = "Dossiers" if control is None else f"Dossiers « {control.label} »"
    return ReportTable("dossiers", title, DOSSIER_COLUMNS, lines, total, None, note)


def _controls_table(request: ReportRequest, months: list[_Month]) -> ReportTable:
    """How many dossiers each control finds among all the period's, and their amount."""
    lines = []
    for index, control in enumerate(BookingControl):
        count = sum(month.controls[index][0] for month in months)
        amount = sum((month.controls[index][1] for month in months), ZERO)
        status = Status.CONFIRMED if control is BookingControl.NOT_INVOICED else None
        lines.append(
            ReportLine(
                control.value,
                (control.label, count, amount),
                bookings_drill(request, request.period, exact=False, status=status),
            )
        )
    return ReportTable(
        "controls",
        "Contrôles",
        CONTROL_COLUMNS,
        tuple(lines),
        note=(
            "Parmi tous les dossiers de la période : "
            + " ; ".join(f"{c.label} : {c.measure.definition}" for c in BookingControl)
        ),
    )


def _months_table(request: ReportRequest, months: list[_Month]) -> ReportTable:
    """Sale, cost and margin by month of departure of the dossiers of the table."""
    lines = []
    count_total, sale_total, cost_total, margin_total = 0, ZERO, ZERO, ZERO
    for figures in months:
        if not figures.bookings:
            continue  # none the table keeps departs that month
        month, count, sale = figures.month, figures.bookings, figures.sale
        cost, margin = figures.cost or ZERO, figures.margin or ZERO
        count_total += count
        sale_total, cost_total, margin_total = (
            sale_total + sale,
            cost_total + cost,
            margin_total + margin,
        )
        year, number = divmod(month, 12)
        whole = Period(date(year, number + 1, 1), _month_end(year, number + 1))
        lines.append(
            ReportLine(
                f"{year:04d}-{number + 1:02d}",
                (month_label(month), count, sale, cost, margin, rate(margin, sale)),
                _departures_drill(request, whole),
            )
        )
    total = (
        "Total",
        count_total,
        sale_total,
        cost_total,
        margin_total,
        rate(margin_total, sale_total),
    )
    return ReportTable(
        "by_month",
        "Par mois de départ",
        MONTH_COLUMNS,
        tuple(lines),
        ReportLine("total", total),
        Chart(
            "bar",
            "month",
            (
                ChartSeries("sale", "Vente TTC"),
                ChartSeries("cost", "Coût TTC"),
                ChartSeries("margin", "Marge"),
            ),
        ),
        "Les dossiers du tableau par mois de leur début ; une ligne mène aux dossiers qui "
        "partent ce mois-là.",
    )


def _month_end(year: int, month: int) -> date:
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return after - timedelta(days=1)


def _departures_drill(request: ReportRequest, month: Period) -> Drill:
    """The dossiers' list of the month's departures (it shows every status)."""
    pairs = (
        *request.filters.booking_drill_filters(),
        ("starts_since", month.start.isoformat()),
        ("starts_until", month.end.isoformat()),
    )
    return Drill(DrillList.BOOKINGS, pairs, exact=False)


def bookings_report(
    session: Session, actor: Actor, request: ReportRequest, limit: int | None = None
) -> Report:
    """« Détail des réservations »: tables « dossiers » (one line per dossier, `limit` lines
    at most, the total over all; `request.grouping` a `BookingControl` value keeps only the
    dossiers it finds), « controls » (each control's count and amount) and « by_month »
    (sale, cost and margin by month of departure, with its chart)."""
    actor.require(Module.STATISTICS)
    control = _control(request)
    today = formats.today()
    rows = _dossiers(actor, request, today)
    months = _months(session, rows, control)
    return Report(
        ReportName.BOOKINGS,
        request,
        (
            _dossiers_table(session, actor, request, today, rows, months, control, limit),
            _controls_table(request, months),
            _months_table(request, months),
        ),
    )
