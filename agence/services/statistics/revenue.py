"""Invoiced revenue over a period, beside a comparison period (by default the same period one
year earlier), grouped by month, agency site, sales rep, client type or dossier type: excluding
and including VAT, gross margin, margin rate and VAT on the margin (see `measures`).

What each issued invoice contributes, computed in SQL and added up by GROUP BY:
- including VAT: its total less the deposits it deducts (a final invoice stores the dossier's
  whole price and deducts the deposits, which counted when issued);
- its VAT: the normal VAT of its lines, less that of the deposits it deducts, and the VAT on
  the margin it keeps (already net of the deposits', as billing stores it);
- excluding VAT: including VAT less both VATs (a margin-scheme price carries no VAT);
- gross margin: excluding VAT less the suppliers' costs its margin-scheme lines bear (their
  price including VAT less the margin base the invoice keeps).
A deducted deposit's VAT and margin-scheme part are taken pro rata of the deduction over the
deposit's total: exact unless the deposit was partly credited before the final invoice (then
within a cent per VAT rate). Credit notes are stored negative: they subtract on their own date.
Amounts stay exact in the database and are rounded to the cent once, per row; the totals are
the sums of the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Numeric, case, extract, func, literal, select, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from agence.models import AgencySite, Booking, BookingType, Client, Invoice, InvoiceLine, User
from agence.services.billing.vocabulary import InvoiceStatus, LineRegime
from agence.services.common.permissions import Actor, Module
from agence.services.parties.vocabulary import ClientType
from agence.services.statistics.report import Period

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


class Grouping(StrEnum):
    MONTH = "mois"
    SITE = "site"
    REP = "commercial"
    CLIENT_TYPE = "type_client"
    BOOKING_TYPE = "type_dossier"

    @property
    def label(self) -> str:
        return _GROUPING_LABELS[self]


_GROUPING_LABELS = {
    Grouping.MONTH: "Mois",
    Grouping.SITE: "Site",
    Grouping.REP: "Commercial",
    Grouping.CLIENT_TYPE: "Type de client",
    Grouping.BOOKING_TYPE: "Type de dossier",
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
        return Figures(*(_cents(value) for value in self._values()))

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


def _cents(value: Decimal | float | int | None) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def _amount(expression: Any) -> Any:
    return type_coerce(expression, Numeric(asdecimal=True))


# --- The SQL -----------------------------------------------------------------------------------


def _own_parts():
    """Per invoice, the margin-scheme part of its own lines (including VAT)."""
    return (
        select(
            col(InvoiceLine.invoice_id).label("invoice_id"),
            func.sum(
                case(
                    (
                        col(InvoiceLine.regime) == LineRegime.MARGIN.value,
                        InvoiceLine.total_incl_vat,
                    ),
                    else_=literal(0),
                )
            ).label("margin_sales"),
        )
        .where(col(InvoiceLine.deducted_invoice_id).is_(None))
        .group_by(col(InvoiceLine.invoice_id))
        .subquery("own_parts")
    )


def _deducted_parts(own):
    """Per invoice, the normal VAT and margin-scheme part of the deposits it deducts (signed as
    the deduction lines are: negative on a final invoice, positive on the credit note that
    cancels it)."""
    deposit = aliased(Invoice, name="deposit")
    deposit_parts = own.alias("deposit_parts")
    line = aliased(InvoiceLine, name="deduction")
    share = line.total_incl_vat
    return (
        select(
            col(line.invoice_id).label("invoice_id"),
            func.sum(share * deposit.total_vat / deposit.total_incl_vat).label("vat"),
            func.sum(
                share * func.coalesce(deposit_parts.c.margin_sales, 0) / deposit.total_incl_vat
            ).label("margin_sales"),
        )
        .join(deposit, col(deposit.id) == line.deducted_invoice_id)
        .outerjoin(deposit_parts, deposit_parts.c.invoice_id == deposit.id)
        .where(col(line.deducted_invoice_id).is_not(None), col(deposit.total_incl_vat) != 0)
        .group_by(col(line.invoice_id))
        .subquery("deducted_parts")
    )


def _group_columns(grouping: Grouping) -> tuple[list[Any], list[Any]]:
    """(key columns, label columns) of a grouping."""
    if grouping is Grouping.MONTH:
        return [
            extract("year", col(Invoice.issued_on)).label("year"),
            extract("month", col(Invoice.issued_on)).label("month"),
        ], []
    if grouping is Grouping.SITE:
        return [col(AgencySite.id)], [col(AgencySite.name)]
    if grouping is Grouping.REP:
        return [col(Booking.sales_rep_id)], [col(User.first_name), col(User.last_name)]
    if grouping is Grouping.CLIENT_TYPE:
        return [col(Client.client_type)], []
    return [col(BookingType.id)], [col(BookingType.label)]


def _figures_by_group(
    session: Session, actor: Actor, period: Period, grouping: Grouping
) -> dict[tuple, tuple[str, Figures]]:
    own = _own_parts()
    deducted = _deducted_parts(own)
    incl = Invoice.total_incl_vat - Invoice.deposits_deducted
    normal_vat = Invoice.total_vat + func.coalesce(deducted.c.vat, 0)
    margin_sales = func.coalesce(own.c.margin_sales, 0) + func.coalesce(deducted.c.margin_sales, 0)
    excl = incl - normal_vat - Invoice.margin_vat
    margin = excl - (margin_sales - Invoice.margin_base)
    keys, labels = _group_columns(grouping)
    statement = (
        select(
            *keys,
            *labels,
            _amount(func.sum(excl)),
            _amount(func.sum(incl)),
            _amount(func.sum(margin)),
            _amount(func.sum(Invoice.margin_vat)),
        )
        .select_from(Invoice)
        .join(Booking, col(Booking.id) == Invoice.booking_id)
        .join(Client, col(Client.id) == Invoice.client_id)
        .join(AgencySite, col(AgencySite.id) == Invoice.site_id)
        .join(BookingType, col(BookingType.id) == Booking.booking_type_id)
        .outerjoin(User, col(User.id) == Booking.sales_rep_id)
        .outerjoin(own, own.c.invoice_id == Invoice.id)
        .outerjoin(deducted, deducted.c.invoice_id == Invoice.id)
        .where(
            col(Invoice.status) == InvoiceStatus.ISSUED.value,
            col(Invoice.issued_on) >= period.start,
            col(Invoice.issued_on) <= period.end,
        )
        .group_by(*keys, *labels)
    )
    if actor.own_clients_only:
        statement = statement.where(col(Client.sales_rep_id) == actor.user_id)
    found: dict[tuple, tuple[str, Figures]] = {}
    for row in session.execute(statement):
        values = tuple(row)
        key = tuple(values[: len(keys)])
        label_values = values[len(keys) : len(keys) + len(labels)]
        figures = Figures(*(_exact(v) for v in values[len(keys) + len(labels) :]))
        found[key] = (_label(grouping, key, label_values), figures)
    return found


def _exact(value: Any) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _label(grouping: Grouping, key: tuple, labels: tuple) -> str:
    if grouping is Grouping.MONTH:
        return f"{MONTHS[int(key[1]) - 1]} {int(key[0])}"
    if grouping is Grouping.REP:
        name = " ".join(part for part in labels if part)
        return name if key[0] is not None else NO_REP
    if grouping is Grouping.CLIENT_TYPE:
        try:
            return ClientType(key[0]).label
        except ValueError:
            return str(key[0])
    return str(labels[0])


# --- The report --------------------------------------------------------------------------------


def _months(period: Period) -> list[tuple[int, int]]:
    found = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def revenue_report(
    session: Session,
    actor: Actor,
    period: Period,
    grouping: Grouping = Grouping.MONTH,
    comparison: Period | None = None,
) -> RevenueReport:
    """The invoiced revenue of `period` by `grouping`, beside `comparison` (by default the same
    period one year earlier), limited to the actor's clients when his profile says so."""
    actor.require(Module.STATISTICS)
    comparison = comparison or period.year_before()
    current = _figures_by_group(session, actor, period, grouping)
    previous = _figures_by_group(session, actor, comparison, grouping)
    rows: list[RevenueRow] = []
    if grouping is Grouping.MONTH:
        offset = (comparison.start.year - period.start.year) * 12 + (
            comparison.start.month - period.start.month
        )
        by_month = {(int(k[0]), int(k[1])): v for k, v in current.items()}
        before = {(int(k[0]), int(k[1])): v for k, v in previous.items()}
        for year, month in _months(period):
            now = by_month.get((year, month), ("", Figures()))[1]
            then = before.get(_shift(year, month, offset), ("", Figures()))[1]
            label = f"{MONTHS[month - 1]} {year}"
            rows.append(
                RevenueRow.of(f"{year:04d}-{month:02d}", label, now.rounded(), then.rounded())
            )
    else:
        labels = {k: v[0] for k, v in previous.items()} | {k: v[0] for k, v in current.items()}
        for key in sorted(labels, key=lambda k: (labels[k].casefold(), str(k))):
            now = current.get(key, ("", Figures()))[1]
            then = previous.get(key, ("", Figures()))[1]
            rows.append(RevenueRow.of(_key_text(key), labels[key], now.rounded(), then.rounded()))
    total_now = sum((row.current for row in rows), Figures())
    total_then = sum((row.previous for row in rows), Figures())
    return RevenueReport(
        grouping,
        period,
        comparison,
        tuple(rows),
        RevenueRow.of("total", "Total", total_now, total_then),
    )


def _key_text(key: tuple) -> str:
    return "" if key[0] is None else str(key[0])
