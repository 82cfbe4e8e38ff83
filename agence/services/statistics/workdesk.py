"""The home page's figures of each desk: the sales rep's (his follow-ups, clients to visit,
quotes, pipeline, revenue), booking staff's (options expiring, services to book, departures,
guidings without a guide) and accounting's work (dossiers to invoice, Chorus deposits to
watch); the direction's and the receivables by age are `dashboard`'s.

Which desks a user sees follows from his rights, never from his profile's name (`desks`).
Each figure is one or two SQL aggregates over the same conditions as the list or board section
it drills into (the follow-ups, the clients to visit, the follow-up board), scoped like them: a
rep limited to his clients counts his clients only. `last_change` is the cheap stamp the live
home page polls to know when to count again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from agence.models import (
    AuditEntry,
    Booking,
    BookingProgrammeItem,
    Client,
    CostingLine,
    GuideAssignment,
    Invoice,
    PaymentTerm,
    Product,
    ProductType,
)
from agence.services.billing.outstanding import (
    HALF_CENT,
    LEFT_TO_INVOICE,
    cents,
    with_invoicing,
)
from agence.services.billing.vocabulary import PAYABLE_KINDS, ChorusStatus, InvoiceStatus
from agence.services.bookings.bookings import scope
from agence.services.bookings.lifecycle import Status
from agence.services.bookings.vocabulary import NOT_BOOKED, SupplierStatus
from agence.services.common import formats
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.vocabulary import Labelled
from agence.services.parties.clients import visible_clients
from agence.services.parties.crm import months_ago, not_visited_since, visit_months
from agence.services.parties.vocabulary import ClientStatus, Due
from agence.services.settings.payment_terms import TermRule
from agence.services.statistics.dashboard import Figure, change_text
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import DrillList, Period
from agence.services.statistics.revenue import Grouping, revenue_report

HORIZON_DAYS = 7
"""Options expiring and departures: the follow-up board's default horizon."""
GUIDING_HORIZON_DAYS = 30
GUIDING_TYPE_CODE = "GUIDAGE"
"""The product type whose programme slots need a guide (the type list's « Guidage »)."""
PIPELINE_STATUSES = (Status.REQUEST, Status.QUOTE_SENT, Status.OPTION)
CHORUS_PENDING = (
    ChorusStatus.NOT_SENT,
    ChorusStatus.DEPOSITING,
    ChorusStatus.UNCERTAIN,
    ChorusStatus.DEPOSIT_FAILED,
)
"""A public buyer's invoice not (surely) deposited yet."""
CHORUS_REJECTED = (ChorusStatus.SUSPENDED, ChorusStatus.REJECTED)
"""Deposited, then stopped by Chorus Pro: a credit note and a new invoice, or a fix, follow."""


class Desk(Labelled):
    """A block of the home page."""

    DIRECTION = "direction", "Pilotage"
    SALES = "commercial", "Mon activité commerciale"
    BOOKINGS = "reservation", "Réservation"
    ACCOUNTING = "comptabilite", "Comptabilité"


def desks(actor: Actor) -> tuple[Desk, ...]:
    """The blocks of the actor's home, from his rights.

    - Pilotage: the statistics over the whole agency, for who both confirms dossiers and
      issues invoices (the management); it sums up the work desks, which it replaces;
    - his sales: a sales rep who sees the clients;
    - réservation: who confirms dossiers (« Dossiers — Valider »);
    - comptabilité: who issues invoices or records payments.
    """
    found: list[Desk] = []
    direction = (
        actor.can(Module.STATISTICS)
        and not actor.own_clients_only
        and actor.can(Module.BOOKINGS, Action.VALIDATE)
        and actor.can(Module.INVOICING, Action.CREATE)
    )
    if direction:
        found.append(Desk.DIRECTION)
    if actor.is_sales_rep and actor.can(Module.THIRD_PARTIES):
        found.append(Desk.SALES)
    if not direction and actor.can(Module.BOOKINGS, Action.VALIDATE):
        found.append(Desk.BOOKINGS)
    if not direction and (
        actor.can(Module.INVOICING, Action.CREATE) or actor.can(Module.PAYMENTS, Action.CREATE)
    ):
        found.append(Desk.ACCOUNTING)
    return tuple(found)


def last_change(session: Session) -> int:
    """A stamp that moves whenever a dossier, an invoice, a payment or a client changes: every
    such change writes its audit entry. One primary-key lookup, cheap enough to poll."""
    return session.execute(sa.select(func.max(AuditEntry.id))).scalar_one() or 0


# --- Helpers -----------------------------------------------------------------------------------


def _count(value: int) -> str:
    return formats.number(value)


def _figure(
    measure: Measure,
    caption: str,
    value: str,
    amount: Decimal | None,
    count: int | None,
    comparison: str,
    drill: DrillList,
    filters: tuple[tuple[str, str], ...] = (),
    exact: bool = True,
) -> Figure:
    return Figure(measure, caption, value, amount, count, comparison, drill, filters, exact)


def _live_bookings(statement: Any, actor: Actor) -> Any:
    return scope(statement.where(col(Booking.deleted_at).is_(None)), actor)


# --- Sales -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesFigures:
    follow_ups_today: Figure
    follow_ups_late: Figure
    clients_to_visit: Figure
    quotes_pending: Figure
    pipeline: Figure
    revenue: Figure | None
    """None without the statistics right."""

    @property
    def tiles(self) -> tuple[Figure, ...]:
        return tuple(
            figure
            for name in self.__dataclass_fields__
            if (figure := getattr(self, name)) is not None
        )


def _my_clients(statement: Any, actor: Actor) -> Any:
    """« Mes relances »'s and « Clients à voir »'s scope: the clients whose rep he is."""
    return visible_clients(statement, actor).where(col(Client.sales_rep_id) == actor.user_id)


def _follow_ups(session: Session, actor: Actor, today: date) -> tuple[int, int]:
    planned_on = col(Client.next_action_on)
    due_today, late = session.execute(
        _my_clients(
            sa.select(
                func.coalesce(func.sum(sa.case((planned_on == today, 1), else_=0)), 0),
                func.coalesce(func.sum(sa.case((planned_on < today, 1), else_=0)), 0),
            )
            .select_from(Client)
            .where(col(Client.next_action_kind) != ""),
            actor,
        )
    ).one()
    return int(due_today), int(late)


def _clients_to_visit(session: Session, actor: Actor, today: date) -> tuple[int, date]:
    limit = months_ago(today, visit_months(session))
    number = session.execute(
        _my_clients(
            sa.select(func.count())
            .select_from(Client)
            .where(col(Client.status) != ClientStatus.INACTIVE, not_visited_since(limit)),
            actor,
        )
    ).scalar_one()
    return int(number), limit


def _my_bookings(session: Session, actor: Actor, *conditions: Any) -> tuple[Decimal, int]:
    amount, number = session.execute(
        _live_bookings(
            sa.select(func.coalesce(func.sum(Booking.total_price), 0), func.count()).where(
                col(Booking.sales_rep_id) == actor.user_id, *conditions
            ),
            actor,
        )
    ).one()
    return cents(amount), int(number)


def _my_revenue(session: Session, actor: Actor, today: date) -> Figure | None:
    if not actor.can(Module.STATISTICS):
        return None
    year = Period(today.replace(month=1, day=1), today)
    report = revenue_report(session, actor, year, Grouping.REP)
    mine = next((row for row in report.rows if row.key == str(actor.user_id)), None)
    current = mine.excl_vat if mine else Decimal("0.00")
    previous = mine.previous_excl_vat if mine else Decimal("0.00")
    return _figure(
        Measure.MY_REVENUE,
        f"cumul {today.year}",
        formats.money(current),
        current,
        None,
        change_text(current, previous),
        DrillList.INVOICES,
        (
            ("status", InvoiceStatus.ISSUED.value),
            ("issued_since", year.start.isoformat()),
            ("issued_until", year.end.isoformat()),
        ),
        exact=False,  # the invoices' list has no filter on the dossier's rep
    )


def sales_figures(session: Session, actor: Actor, today: date) -> SalesFigures:
    """The sales rep's own figures on `today`: his clients, his dossiers."""
    actor.require(Module.THIRD_PARTIES)
    due_today, late = _follow_ups(session, actor, today)
    to_visit, limit = _clients_to_visit(session, actor, today)
    rep = str(actor.user_id)
    quotes_amount, quotes = _my_bookings(session, actor, col(Booking.status) == Status.QUOTE_SENT)
    pipeline_amount, pipeline = _my_bookings(
        session, actor, col(Booking.status).in_(PIPELINE_STATUSES)
    )
    return SalesFigures(
        follow_ups_today=_figure(
            Measure.FOLLOW_UPS_TODAY,
            f"le {formats.day(today)}",
            _count(due_today),
            None,
            due_today,
            "",
            DrillList.FOLLOW_UPS,
            (("due", Due.TODAY.value),),
        ),
        follow_ups_late=_figure(
            Measure.FOLLOW_UPS_LATE,
            f"avant le {formats.day(today)}",
            _count(late),
            None,
            late,
            "",
            DrillList.FOLLOW_UPS,
            (("due", Due.LATE.value),),
        ),
        clients_to_visit=_figure(
            Measure.CLIENTS_TO_VISIT,
            f"pas vus depuis le {formats.day(limit)}",
            _count(to_visit),
            None,
            to_visit,
            "",
            DrillList.TO_VISIT,
            (),
        ),
        quotes_pending=_figure(
            Measure.MY_QUOTES_PENDING,
            "à ce jour",
            f"{_count(quotes)} devis",
            quotes_amount,
            quotes,
            formats.money(quotes_amount),
            DrillList.BOOKINGS,
            (("status", Status.QUOTE_SENT.value), ("sales_rep", rep)),
        ),
        pipeline=_figure(
            Measure.PIPELINE,
            "à ce jour",
            formats.money(pipeline_amount),
            pipeline_amount,
            pipeline,
            f"{_count(pipeline)} dossier(s) en cours",
            DrillList.BOOKINGS,
            (("sales_rep", rep),),
            exact=False,  # the list filters one status at a time
        ),
        revenue=_my_revenue(session, actor, today),
    )


# --- Bookings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingFigures:
    client_options: Figure
    supplier_options: Figure
    services_to_book: Figure
    departures: Figure
    guidings_without_guide: Figure

    @property
    def tiles(self) -> tuple[Figure, ...]:
        return tuple(getattr(self, name) for name in self.__dataclass_fields__)


def _lines_and_dossiers(session: Session, actor: Actor, *conditions: Any) -> tuple[int, int]:
    """How many supplier lines of the dossiers' current costing match, and in how many
    dossiers (the follow-up board's joins)."""
    lines, dossiers = session.execute(
        _live_bookings(
            sa.select(func.count(), func.count(sa.distinct(col(Booking.id))))
            .select_from(Booking)
            .join(CostingLine, col(CostingLine.costing_id) == col(Booking.costing_id))
            .where(*conditions),
            actor,
        )
    ).one()
    return int(lines), int(dossiers)


def _guidings_without_guide(session: Session, actor: Actor, period: Period) -> tuple[int, int]:
    item = aliased(BookingProgrammeItem, name="slot")
    slots, dossiers = session.execute(
        _live_bookings(
            sa.select(func.count(), func.count(sa.distinct(col(Booking.id))))
            .select_from(item)
            .join(
                Booking,
                and_(col(Booking.id) == item.booking_id, col(Booking.version) == item.version),
            )
            .join(Product, col(Product.id) == item.product_id)
            .join(ProductType, col(ProductType.id) == col(Product.product_type_id))
            .where(
                col(ProductType.code) == GUIDING_TYPE_CODE,
                col(Booking.status) == Status.CONFIRMED,
                col(item.day) >= period.start,
                col(item.day) <= period.end,
                ~exists().where(col(GuideAssignment.programme_item_id) == item.id),
            ),
            actor,
        )
    ).one()
    return int(slots), int(dossiers)


def booking_figures(session: Session, actor: Actor, today: date) -> BookingFigures:
    """Booking staff's figures on `today`, the follow-up board's sections counted."""
    actor.require(Module.BOOKINGS)
    horizon = today + timedelta(days=HORIZON_DAYS)
    client_options = session.execute(
        _live_bookings(
            sa.select(func.count()).where(
                col(Booking.status) == Status.OPTION,
                col(Booking.option_until).is_not(None),
                col(Booking.option_until) <= horizon,
            ),
            actor,
        )
    ).scalar_one()
    supplier_lines, supplier_dossiers = _lines_and_dossiers(
        session,
        actor,
        col(Booking.status) != Status.CANCELLED,
        col(CostingLine.supplier_status) == SupplierStatus.OPTION,
        col(CostingLine.supplier_option_until).is_not(None),
        col(CostingLine.supplier_option_until) <= horizon,
    )
    to_book, to_book_dossiers = _lines_and_dossiers(
        session,
        actor,
        col(Booking.status) == Status.CONFIRMED,
        col(CostingLine.supplier_id).is_not(None),
        col(CostingLine.supplier_status).in_(NOT_BOOKED),
    )
    departures = session.execute(
        _live_bookings(
            sa.select(func.count()).where(
                col(Booking.status) == Status.CONFIRMED,
                col(Booking.starts_on) >= today,
                col(Booking.starts_on) <= horizon,
            ),
            actor,
        )
    ).scalar_one()
    guiding = Period(today, today + timedelta(days=GUIDING_HORIZON_DAYS))
    slots, guided_dossiers = _guidings_without_guide(session, actor, guiding)
    until = f"d'ici le {formats.day(horizon)}"
    return BookingFigures(
        client_options=_figure(
            Measure.CLIENT_OPTIONS_EXPIRING,
            until,
            _count(client_options),
            None,
            client_options,
            "",
            DrillList.BOOKINGS,
            (("status", Status.OPTION.value), ("option_until", horizon.isoformat())),
        ),
        supplier_options=_figure(
            Measure.SUPPLIER_OPTIONS_EXPIRING,
            until,
            _count(supplier_lines),
            None,
            supplier_lines,
            f"dans {_count(supplier_dossiers)} dossier(s)",
            DrillList.BOARD,
        ),
        services_to_book=_figure(
            Measure.SERVICES_TO_BOOK,
            "dossiers confirmés",
            _count(to_book),
            None,
            to_book,
            f"dans {_count(to_book_dossiers)} dossier(s)",
            DrillList.BOARD,
        ),
        departures=_figure(
            Measure.DEPARTURES_NEXT_DAYS,
            f"du {formats.day(today)} au {formats.day(horizon)}",
            _count(departures),
            None,
            departures,
            "",
            DrillList.BOOKINGS,
            (
                ("status", Status.CONFIRMED.value),
                ("starts_since", today.isoformat()),
                ("starts_until", horizon.isoformat()),
            ),
        ),
        guidings_without_guide=_figure(
            Measure.GUIDINGS_WITHOUT_GUIDE,
            f"du {formats.day(guiding.start)} au {formats.day(guiding.end)}",
            _count(slots),
            None,
            slots,
            f"dans {_count(guided_dossiers)} dossier(s)",
            DrillList.BOOKINGS,
            (
                ("status", Status.CONFIRMED.value),
                ("starts_until", guiding.end.isoformat()),
            ),
            exact=False,  # the dossiers' list does not look at the programme's guides
        ),
    )


# --- Accounting's work -------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoicingFigures:
    deposits_to_invoice: Figure
    done_to_invoice: Figure
    chorus: Figure

    @property
    def tiles(self) -> tuple[Figure, ...]:
        return tuple(getattr(self, name) for name in self.__dataclass_fields__)


def _deposits_to_invoice(session: Session, actor: Actor) -> tuple[Decimal, int]:
    """Confirmed dossiers whose client's terms (his own, else the default ones) ask a deposit
    at the order, without any issued invoice yet: the deposit's amount and the dossiers."""
    default_term = (
        sa.select(col(PaymentTerm.id))
        .where(col(PaymentTerm.is_default).is_(True), col(PaymentTerm.active).is_(True))
        .order_by(col(PaymentTerm.id))
        .limit(1)
        .scalar_subquery()
    )
    invoiced = exists().where(
        col(Invoice.booking_id) == col(Booking.id),
        col(Invoice.status) == InvoiceStatus.ISSUED,
        col(Invoice.kind).in_(PAYABLE_KINDS),
    )
    amount, number = session.execute(
        _live_bookings(
            sa.select(
                func.coalesce(
                    func.sum(col(Booking.total_price) * col(PaymentTerm.deposit_percent) / 100), 0
                ),
                func.count(),
            )
            .select_from(Booking)
            .join(Client, col(Client.id) == col(Booking.client_id))
            .join(
                PaymentTerm,
                col(PaymentTerm.id) == func.coalesce(col(Client.payment_term_id), default_term),
            )
            .where(
                col(Booking.status) == Status.CONFIRMED,
                col(PaymentTerm.rule) == TermRule.DEPOSIT_THEN_BALANCE,
                col(PaymentTerm.deposit_percent) > 0,
                ~invoiced,
            ),
            actor,
        )
    ).one()
    return cents(amount), int(number)


def _done_to_invoice(session: Session, actor: Actor) -> tuple[Decimal, int]:
    to_invoice = LEFT_TO_INVOICE
    amount, number = session.execute(
        _live_bookings(
            with_invoicing(
                sa.select(
                    func.coalesce(
                        func.sum(sa.case((to_invoice > HALF_CENT, to_invoice), else_=0)), 0
                    ),
                    func.count(),
                ).select_from(Booking)
            ).where(col(Booking.status) == Status.DONE),
            actor,
        )
    ).one()
    return cents(amount), int(number)


def _chorus(session: Session, actor: Actor) -> tuple[int, int]:
    status = col(Invoice.chorus_status)
    pending, rejected = session.execute(
        visible_clients(
            sa.select(
                func.coalesce(func.sum(sa.case((status.in_(CHORUS_PENDING), 1), else_=0)), 0),
                func.coalesce(func.sum(sa.case((status.in_(CHORUS_REJECTED), 1), else_=0)), 0),
            )
            .select_from(Invoice)
            .join(Client, col(Client.id) == col(Invoice.client_id))
            .where(
                col(Invoice.status) == InvoiceStatus.ISSUED,
                col(Invoice.buyer_reference) != "",
            ),
            actor,
        )
    ).one()
    return int(pending), int(rejected)


def invoicing_figures(session: Session, actor: Actor, today: date) -> InvoicingFigures:
    """What accounting has to invoice or to follow on Chorus Pro, within the actor's clients."""
    if not (actor.can(Module.INVOICING) or actor.can(Module.PAYMENTS)):
        raise AccessDenied(Right(Module.INVOICING, Action.SEE))
    deposits_amount, deposits = _deposits_to_invoice(session, actor)
    done_amount, done = _done_to_invoice(session, actor)
    pending, rejected = _chorus(session, actor)
    return InvoicingFigures(
        deposits_to_invoice=_figure(
            Measure.DEPOSITS_TO_INVOICE,
            "à ce jour",
            _count(deposits),
            deposits_amount,
            deposits,
            f"{formats.money(deposits_amount)} d'acomptes",
            DrillList.BOOKINGS,
            (("status", Status.CONFIRMED.value),),
            exact=False,  # the list does not read the client's terms nor the invoices
        ),
        done_to_invoice=_figure(
            Measure.DONE_TO_INVOICE,
            "à ce jour",
            _count(done),
            done_amount,
            done,
            f"{formats.money(done_amount)} à facturer",
            DrillList.BOOKINGS,
            (("status", Status.DONE.value),),
        ),
        chorus=_figure(
            Measure.CHORUS_TO_WATCH,
            f"au {formats.day(today)}",
            _count(pending + rejected),
            None,
            pending + rejected,
            f"{_count(pending)} en attente, {_count(rejected)} rejetée(s) ou suspendue(s)",
            DrillList.INVOICES,
            (("status", InvoiceStatus.ISSUED.value),),
            exact=False,  # the invoices' list has no filter on the Chorus Pro status
        ),
    )
